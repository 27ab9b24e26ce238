//! What the order page shows of its parcels: the tracking timeline and,
//! while the outbound parcel travels, an ETA from the lane's history.

use serde::Serialize;
use yc_domain::account::User;
use yc_domain::fulfilment::{
    CLASS_HISTORY_CAP, Direction, Eta, LANE_HISTORY_CAP, LaneClass, LaneHistory, Shipment,
    predict_eta,
};
use yc_domain::{OrderId, Timestamp};

use crate::auth::require_merchant;
use crate::{ServiceResult, Services};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct ParcelView {
    pub shipment: Shipment,
    pub lane_class: LaneClass,
    /// Outbound parcels only; for a delivered parcel it is the delivery.
    pub eta: Option<Eta>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct TrackingView {
    pub order_id: OrderId,
    pub parcels: Vec<ParcelView>,
}

impl Services {
    /// The buyer's view of an order's parcels.
    pub async fn order_tracking(&self, user: &User, order: OrderId) -> ServiceResult<TrackingView> {
        let order = self.order(user, order).await?;
        self.tracking_view(order.id).await
    }

    /// The shop's view: the same parcels; waybills are masked by type.
    pub async fn merchant_tracking(
        &self,
        user: &User,
        order: OrderId,
    ) -> ServiceResult<TrackingView> {
        let merchant = require_merchant(user)?;
        let order = self.merchant_order(merchant, order).await?;
        self.tracking_view(order.id).await
    }

    pub(crate) async fn tracking_view(&self, order: OrderId) -> ServiceResult<TrackingView> {
        let now = self.now();
        let mut parcels = Vec::new();
        for shipment in self.store.order_shipments(order).await? {
            let eta = match shipment.direction {
                Direction::Outbound => Some(self.eta(&shipment, now).await?),
                Direction::Return => None,
            };
            parcels.push(ParcelView {
                lane_class: shipment.lane.class(),
                shipment,
                eta,
            });
        }
        Ok(TrackingView {
            order_id: order,
            parcels,
        })
    }

    /// Predicted from the latest deliveries on the same lane (or, with too
    /// few, the lane class), re-anchored on the parcel's latest event.
    pub async fn eta(&self, shipment: &Shipment, now: Timestamp) -> ServiceResult<Eta> {
        let lane = shipment.lane;
        let mut history = LaneHistory::new();
        let cap = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        for (s, d) in self.store.lane_samples(lane, cap(LANE_HISTORY_CAP)).await? {
            history.record(lane, s, d);
        }
        if history.lane_samples(lane) < yc_domain::fulfilment::eta::MIN_SAMPLES {
            for (s, d) in self
                .store
                .class_samples(lane.class(), cap(CLASS_HISTORY_CAP))
                .await?
            {
                history.record_class(lane, s, d);
            }
        }
        Ok(predict_eta(
            &history,
            lane,
            shipment.shipped_at,
            &shipment.events,
            now,
        ))
    }
}
