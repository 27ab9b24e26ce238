//! Carrier callbacks: verify, append, and react (delivery completes the
//! outbound leg and starts the auto-confirm clock; a return pickup pays the
//! instant refund and the 运费险 claim).

use tracing::{instrument, warn};
use yc_domain::fulfilment::{Direction, Shipment, TrackingStatus};
use yc_domain::order::{OrderStatus, Transition};
use yc_domain::{EventId, JobId};
use yc_store::{NewJob, OutboxEvent, RejectedCallback, TrackingOutcome, TrackingWrite};

use super::carrier::{CarrierCallback, CarrierError};
use crate::{ServiceError, ServiceResult, Services};
use yc_domain::fulfilment::EventRejected;

pub const AUTO_COMPLETE_JOB: &str = "auto_complete";

/// Why an event was not taken: a replay (an event already accepted, or an
/// older one) is told apart, because the sandbox's own retries are done,
/// not failed.
enum Refused {
    Replayed(String),
    Other(ServiceError),
}

impl From<ServiceError> for Refused {
    fn from(e: ServiceError) -> Self {
        Refused::Other(e)
    }
}

impl From<yc_store::StoreError> for Refused {
    fn from(e: yc_store::StoreError) -> Self {
        Refused::Other(e.into())
    }
}

impl Services {
    /// A carrier's callback body, as posted. Rejections (bad signature,
    /// replay, unknown parcel) are recorded for audit and reported.
    #[instrument(skip_all, fields(carrier = code))]
    pub async fn carrier_callback(&self, code: &str, body: &str) -> ServiceResult<()> {
        let outcome = match self.accept_tracking(code, body).await {
            Ok(()) => Ok(()),
            Err(Refused::Replayed(reason)) => Err(ServiceError::CallbackRejected(reason)),
            Err(Refused::Other(e)) => Err(e),
        };
        match outcome {
            Err(ServiceError::CallbackRejected(reason)) => {
                let excerpt: String = body.chars().take(2048).collect();
                let rejected = RejectedCallback {
                    channel: format!("carrier:{code}"),
                    reason: reason.clone(),
                    excerpt,
                    at: self.now(),
                };
                self.store.record_rejected_callback(&rejected).await?;
                Err(ServiceError::CallbackRejected(reason))
            }
            other => other,
        }
    }

    async fn accept_tracking(&self, code: &str, body: &str) -> Result<(), Refused> {
        let reject = |e: CarrierError| match e {
            CarrierError::Rejected(EventRejected::Replayed { .. }) => {
                Refused::Replayed(e.to_string())
            }
            CarrierError::Rejected(_)
            | CarrierError::Malformed(_)
            | CarrierError::Unavailable(_) => {
                Refused::Other(ServiceError::CallbackRejected(e.to_string()))
            }
        };
        let carrier = self
            .carriers
            .get(code)
            .ok_or_else(|| ServiceError::CallbackRejected("unknown carrier".into()))?
            .clone();
        let cb = carrier.parse_callback(body).map_err(reject)?;
        let shipment = self
            .store
            .shipment_by_tracking(code, &cb.tracking_no)
            .await?
            .ok_or_else(|| ServiceError::CallbackRejected("unknown parcel".into()))?;
        carrier.verify(&cb, shipment.last_seq()).map_err(reject)?;
        let write = self.tracking_write(&shipment, &cb).await?;
        match self.store.record_tracking(&write).await? {
            TrackingOutcome::Applied => {
                self.job_signal.notify_one();
                Ok(())
            }
            // A concurrent delivery of the same or a later event won.
            TrackingOutcome::SeqWas(last) => Err(Refused::Replayed(format!(
                "tracking event seq {} is not after the last accepted seq {last}",
                cb.event.seq
            ))),
        }
    }

    async fn tracking_write(
        &self,
        shipment: &Shipment,
        cb: &CarrierCallback,
    ) -> ServiceResult<TrackingWrite> {
        let now = self.now();
        let delivered = cb.event.status == TrackingStatus::Delivered;
        let mut jobs = Vec::new();
        let mut order_move = None;
        match (shipment.direction, &cb.event.status) {
            (Direction::Outbound, TrackingStatus::Delivered) => {
                let order = self
                    .store
                    .get_order(shipment.order_id)
                    .await?
                    .ok_or(ServiceError::NotFound("order"))?;
                if order.status == OrderStatus::Shipped {
                    order_move =
                        Some(self.transition_write(&order, Transition::Deliver, "快递已签收")?);
                    jobs.push(NewJob {
                        id: JobId::new(),
                        kind: AUTO_COMPLETE_JOB.into(),
                        payload: serde_json::json!({ "order_id": order.id }),
                        run_at: cb.event.at.plus_millis(
                            self.config.auto_confirm_days * yc_domain::aftersales::DAY_MS,
                        ),
                    });
                }
            }
            (Direction::Return, TrackingStatus::PickedUp) => {
                if let Some(request) = shipment.request_id {
                    jobs.push(NewJob {
                        id: JobId::new(),
                        kind: crate::aftersales::RETURN_PICKED_UP_JOB.into(),
                        payload: serde_json::json!({ "request_id": request }),
                        run_at: now,
                    });
                }
            }
            _ => {}
        }
        Ok(TrackingWrite {
            shipment_id: shipment.id,
            expected_last_seq: shipment.last_seq().unwrap_or(0),
            event: cb.event.clone(),
            delivered_at: delivered.then_some(cb.event.at),
            order: order_move,
            jobs,
            outbox: OutboxEvent {
                id: EventId::new(),
                topic: "shipment.tracked".into(),
                payload: serde_json::json!({
                    "shipment_id": shipment.id,
                    "order_id": shipment.order_id,
                    "seq": cb.event.seq,
                    "status": cb.event.status.label(),
                }),
                created_at: now,
            },
        })
    }
}

/// The sandbox carrier's scheduled callback. An event that lost to an
/// earlier delivery of itself (a retry, or a sandbox "advance") is done,
/// not failed.
pub async fn carrier_emit_job(
    services: &Services,
    payload: &serde_json::Value,
) -> ServiceResult<()> {
    let code = payload
        .get("carrier")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let body = payload
        .get("body")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    match services.accept_tracking(code, body).await {
        Ok(()) => Ok(()),
        Err(Refused::Replayed(_)) => {
            warn!("sandbox carrier event already delivered");
            Ok(())
        }
        Err(Refused::Other(e)) => Err(e),
    }
}
