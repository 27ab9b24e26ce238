//! The sandbox carrier (演示快递). On registration it computes the parcel's
//! whole schedule — a pure function of lane, time and tracking number — and
//! books one durable job per event, which posts the signed callback at the
//! event's time through the same path a real carrier's HTTP callback takes.

use async_trait::async_trait;
use rand::Rng;
use yc_domain::fulfilment::{
    Lane, TrackingEvent, sandbox_schedule, sign_event, tracking_seed, verify_event,
};
use yc_domain::{JobId, Timestamp};
use yc_store::NewJob;

use super::carrier::{Carrier, CarrierCallback, CarrierError, ParcelRegistration};

pub const SANDBOX_CODE: &str = "sandbox";
pub const CARRIER_EMIT_JOB: &str = "carrier_emit";

pub struct SandboxCarrier {
    secret: Vec<u8>,
}

impl SandboxCarrier {
    pub fn new(secret: &[u8]) -> Self {
        SandboxCarrier {
            secret: secret.to_vec(),
        }
    }

    /// The parcel's whole schedule; the same on every node and after restarts.
    pub fn schedule(
        &self,
        lane: Lane,
        registered_at: Timestamp,
        tracking_no: &str,
    ) -> Vec<TrackingEvent> {
        sandbox_schedule(lane, registered_at, tracking_seed(tracking_no))
    }

    pub fn signed(&self, tracking_no: &str, event: TrackingEvent) -> CarrierCallback {
        CarrierCallback {
            tracking_no: tracking_no.to_owned(),
            sign: sign_event(&self.secret, tracking_no, &event),
            event,
        }
    }

    /// A fresh waybill number: "YC" and 12 digits.
    pub fn new_tracking_no() -> String {
        let n: u64 = rand::thread_rng().gen_range(0..1_000_000_000_000);
        format!("YC{n:012}")
    }

    fn emit_job(&self, callback: &CarrierCallback) -> Result<NewJob, CarrierError> {
        let body =
            serde_json::to_string(callback).map_err(|e| CarrierError::Malformed(e.to_string()))?;
        Ok(NewJob {
            id: JobId::new(),
            kind: CARRIER_EMIT_JOB.into(),
            payload: serde_json::json!({ "carrier": SANDBOX_CODE, "body": body }),
            run_at: callback.event.at,
        })
    }
}

#[async_trait]
impl Carrier for SandboxCarrier {
    fn code(&self) -> &'static str {
        SANDBOX_CODE
    }

    fn name_zh(&self) -> &'static str {
        "演示快递"
    }

    async fn register(&self, parcel: &ParcelRegistration) -> Result<Vec<NewJob>, CarrierError> {
        self.schedule(parcel.lane, parcel.registered_at, &parcel.tracking_no)
            .into_iter()
            .map(|event| self.emit_job(&self.signed(&parcel.tracking_no, event)))
            .collect()
    }

    fn verify(&self, cb: &CarrierCallback, last_seq: Option<u32>) -> Result<(), CarrierError> {
        Ok(verify_event(
            &self.secret,
            &cb.tracking_no,
            &cb.event,
            &cb.sign,
            last_seq,
        )?)
    }
}

impl crate::Services {
    /// Sandbox control (like a payment sandbox's "simulate" button): the
    /// parcel's next scheduled event happens now, through the normal signed
    /// callback path. `None` once the parcel has nothing left to report.
    /// Only the order's buyer or shop (or an admin) may push it.
    pub async fn sandbox_advance(
        &self,
        user: &yc_domain::account::User,
        tracking_no: &str,
    ) -> crate::ServiceResult<Option<TrackingEvent>> {
        use crate::ServiceError;
        use yc_domain::account::Role;
        let sandbox = self
            .carriers
            .sandbox
            .clone()
            .ok_or(ServiceError::NotFound("sandbox carrier"))?;
        let shipment = self
            .store
            .shipment_by_tracking(SANDBOX_CODE, tracking_no)
            .await?
            .ok_or(ServiceError::NotFound("parcel"))?;
        let order = self
            .store
            .get_order(shipment.order_id)
            .await?
            .ok_or(ServiceError::NotFound("parcel"))?;
        let party = user.id == order.buyer_id
            || user.merchant_id == Some(order.merchant_id)
            || user.role == Role::Admin;
        if !party {
            return Err(ServiceError::NotFound("parcel"));
        }
        let last_seq = shipment.last_seq().unwrap_or(0);
        let last_at = shipment.events.iter().map(|e| e.at).max();
        let schedule = sandbox.schedule(shipment.lane, shipment.shipped_at, tracking_no);
        let Some(mut next) = schedule.into_iter().find(|e| e.seq > last_seq) else {
            return Ok(None);
        };
        let now = self.now();
        if next.at > now {
            next.at = last_at.map_or(now, |t| t.max(now));
        }
        let body = serde_json::to_string(&sandbox.signed(tracking_no, next.clone()))
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        self.carrier_callback(SANDBOX_CODE, &body).await?;
        Ok(Some(next))
    }
}
