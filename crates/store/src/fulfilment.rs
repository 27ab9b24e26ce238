use async_trait::async_trait;
use yc_domain::fulfilment::{Lane, LaneClass, Shipment, TrackingEvent};
use yc_domain::{MerchantId, OrderId, ShipmentId, Timestamp};

use crate::{NewJob, OrderTransitionWrite, OutboxEvent, StoreResult, TransitionOutcome};

/// Shipping one paid order, in ONE transaction: the order moves
/// `paid → shipped` (guarded, with its timeline and outbox event); only if
/// that applied, the shipment row and the carrier's jobs are written.
/// A (carrier, tracking_no) already used → `Duplicate { field: "tracking_no" }`.
#[derive(Debug, Clone)]
pub struct ShipWrite {
    pub shipment: Shipment,
    pub transition: OrderTransitionWrite,
    pub jobs: Vec<NewJob>,
}

/// One verified carrier event, in ONE transaction: appended only if the
/// parcel's last accepted seq is still `expected_last_seq` (0 = none) —
/// the database half of the replay guard. On `delivered_at`, the shipment
/// records delivery. `order` (outbound 签收: `shipped → delivered`) and
/// `jobs` (auto-confirm, after-sales reactions) are written with it.
#[derive(Debug, Clone)]
pub struct TrackingWrite {
    pub shipment_id: ShipmentId,
    pub expected_last_seq: u32,
    pub event: TrackingEvent,
    pub delivered_at: Option<Timestamp>,
    pub order: Option<OrderTransitionWrite>,
    pub jobs: Vec<NewJob>,
    pub outbox: OutboxEvent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrackingOutcome {
    Applied,
    /// Another event got there first; nothing was written.
    SeqWas(u32),
}

#[async_trait]
pub trait FulfilmentStore: Send + Sync {
    async fn ship_order(&self, write: &ShipWrite) -> StoreResult<TransitionOutcome>;
    async fn get_shipment(&self, id: ShipmentId) -> StoreResult<Option<Shipment>>;
    async fn shipment_by_tracking(
        &self,
        carrier: &str,
        tracking_no: &str,
    ) -> StoreResult<Option<Shipment>>;
    /// Every parcel of the order (outbound first, then returns), with events.
    async fn order_shipments(&self, order: OrderId) -> StoreResult<Vec<Shipment>>;
    /// The merchant's orders that are paid and not shipped, oldest first.
    async fn orders_to_ship(&self, merchant: MerchantId, limit: u32) -> StoreResult<Vec<OrderId>>;
    async fn record_tracking(&self, write: &TrackingWrite) -> StoreResult<TrackingOutcome>;
    /// (shipped_at, delivered_at) of the latest delivered outbound parcels
    /// on the lane, newest first.
    async fn lane_samples(
        &self,
        lane: Lane,
        limit: u32,
    ) -> StoreResult<Vec<(Timestamp, Timestamp)>>;
    /// The same for every lane of the class.
    async fn class_samples(
        &self,
        class: LaneClass,
        limit: u32,
    ) -> StoreResult<Vec<(Timestamp, Timestamp)>>;
}
