//! Shipping paid orders, one or many at a time.

use serde::{Deserialize, Serialize};
use tracing::instrument;
use yc_domain::account::User;
use yc_domain::fulfilment::{Direction, Lane, Shipment, Waybill};
use yc_domain::order::{Order, OrderStatus, Transition};
use yc_domain::{OrderId, ShipmentId, ValidationError};
use yc_store::{ShipWrite, TransitionOutcome};

use super::carrier::ParcelRegistration;
use super::province_of;
use super::sandbox::SandboxCarrier;
use crate::auth::require_merchant;
use crate::{ServiceError, ServiceResult, Services};

/// At most this many orders per batch call.
pub const MAX_SHIP_BATCH: usize = 50;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShipInput {
    pub order_id: OrderId,
    /// A carrier code from `GET /api/v1/carriers` ("sandbox").
    pub carrier: String,
    /// The waybill number; the carrier assigns one when omitted.
    #[serde(default)]
    pub tracking_no: Option<String>,
}

fn parse_tracking_no(raw: Option<&str>) -> Result<String, ValidationError> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(SandboxCarrier::new_tracking_no());
    };
    let ok = (8..=24).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !ok {
        return Err(ValidationError::new(
            "tracking_no",
            "bad_tracking_no",
            "8 to 24 capital letters or digits",
        ));
    }
    Ok(raw.to_owned())
}

impl Services {
    /// Ships each order on its own: one order's refusal does not stop the
    /// others. Results come back in input order.
    pub async fn ship_orders(
        &self,
        user: &User,
        inputs: Vec<ShipInput>,
    ) -> ServiceResult<Vec<(OrderId, ServiceResult<Shipment>)>> {
        require_merchant(user)?;
        if inputs.is_empty() || inputs.len() > MAX_SHIP_BATCH {
            return Err(ValidationError::new(
                "orders",
                "batch_size",
                format!("ship 1 to {MAX_SHIP_BATCH} orders at a time"),
            )
            .into());
        }
        let mut out = Vec::with_capacity(inputs.len());
        for input in inputs {
            let id = input.order_id;
            out.push((id, self.ship_order(user, input).await));
        }
        Ok(out)
    }

    /// Hands one paid order to a carrier: the order moves to shipped and
    /// the parcel is registered, in one transaction.
    #[instrument(skip_all, fields(order_id = %input.order_id))]
    pub async fn ship_order(&self, user: &User, input: ShipInput) -> ServiceResult<Shipment> {
        let merchant_id = require_merchant(user)?;
        let order = self.merchant_order(merchant_id, input.order_id).await?;
        let carrier = self
            .carriers
            .get(&input.carrier)
            .ok_or_else(|| ValidationError::new("carrier", "unknown_carrier", "no such carrier"))?
            .clone();
        let tracking_no = parse_tracking_no(input.tracking_no.as_deref())?;
        if order.status != OrderStatus::Paid {
            return self
                .already_shipped(&order, carrier.code(), &tracking_no)
                .await;
        }
        let merchant = self
            .store
            .get_merchant(merchant_id)
            .await?
            .ok_or(ServiceError::NotFound("merchant"))?;
        let lane = Lane::new(
            province_of("shop_province", &merchant.province)?,
            province_of("address", &order.address.region)?,
        );
        let now = self.now();
        let jobs = carrier
            .register(&ParcelRegistration {
                tracking_no: tracking_no.clone(),
                lane,
                registered_at: now,
            })
            .await
            .map_err(|e| ServiceError::Provider(e.to_string()))?;
        let shipment = Shipment {
            id: ShipmentId::new(),
            order_id: order.id,
            request_id: None,
            direction: Direction::Outbound,
            carrier: carrier.code().to_owned(),
            waybill: Waybill::new(carrier.name_zh(), &tracking_no, &order.address),
            tracking_no,
            lane,
            shipped_at: now,
            delivered_at: None,
            events: Vec::new(),
        };
        let note = format!("{} {}", carrier.name_zh(), shipment.tracking_no);
        let write = ShipWrite {
            transition: self.transition_write(&order, Transition::Ship, &note)?,
            shipment: shipment.clone(),
            jobs,
        };
        match self.store.ship_order(&write).await? {
            TransitionOutcome::Applied => {
                self.job_signal.notify_one();
                Ok(shipment)
            }
            TransitionOutcome::StatusWas(_) => {
                self.already_shipped(&order, carrier.code(), &shipment.tracking_no)
                    .await
            }
        }
    }

    /// A retry of a shipment that went through answers with it; anything
    /// else is a conflict.
    async fn already_shipped(
        &self,
        order: &Order,
        carrier: &str,
        tracking_no: &str,
    ) -> ServiceResult<Shipment> {
        let existing = self.store.order_shipments(order.id).await?;
        existing
            .into_iter()
            .find(|s| {
                s.direction == Direction::Outbound
                    && s.carrier == carrier
                    && s.tracking_no == tracking_no
            })
            .ok_or(ServiceError::Conflict("order_not_paid"))
    }

    /// An order of this shop; other shops' orders are "not found".
    pub(crate) async fn merchant_order(
        &self,
        merchant: yc_domain::MerchantId,
        id: OrderId,
    ) -> ServiceResult<Order> {
        let order = self
            .store
            .get_order(id)
            .await?
            .ok_or(ServiceError::NotFound("order"))?;
        if order.merchant_id != merchant {
            return Err(ServiceError::NotFound("order"));
        }
        Ok(order)
    }
}

impl Services {
    /// The shop's paid orders waiting to ship, oldest first (at most 100),
    /// with the buyer's contact details masked: merchant-facing code never
    /// receives them unmasked.
    pub async fn orders_to_ship(&self, user: &User) -> ServiceResult<Vec<Order>> {
        let merchant_id = require_merchant(user)?;
        let ids = self.store.orders_to_ship(merchant_id, 100).await?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(order) = self.store.get_order(id).await? {
                out.push(masked(order));
            }
        }
        Ok(out)
    }
}

/// The order as a merchant may see it (隐私面单 rules).
pub fn masked(mut order: Order) -> Order {
    use yc_domain::address::{mask_detail, mask_name, mask_phone};
    let a = &mut order.address;
    a.recipient = mask_name(&a.recipient);
    a.phone = mask_phone(&a.phone);
    a.detail = mask_detail(&a.detail);
    order
}
