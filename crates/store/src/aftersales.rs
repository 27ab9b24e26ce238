use async_trait::async_trait;
use yc_domain::aftersales::{AfterSalesRequest, ClaimRecord, Refund, RequestEvent, RequestState};
use yc_domain::fulfilment::Shipment;
use yc_domain::order::OrderStatus;
use yc_domain::page::PageRequest;
use yc_domain::{AfterSalesId, MerchantId, OrderId, RefundId, SkuId, Timestamp, UserId};

use crate::{IdempotencyWrite, NewJob, OrderTransitionWrite, OutboxEvent, StoreResult};

/// Opening a request, in ONE transaction:
/// 1. the idempotency row, if any (`IdempotencyKeyTaken` on conflict);
/// 2. the order must still be in `order_status` (else `OrderStatusWas`);
/// 3. the line's counters, guarded: requests so far < `max_requests` and
///    open units + quantity ≤ the line's quantity (else `LineLimit`);
/// 4. the request with its opening event; the refund row (unique per
///    request) if it opens owing money; `release_units` back to the SKU's
///    stock (or the flash pool for flash orders); `order` (e.g. the whole
///    order refunded before shipping); jobs and outbox.
#[derive(Debug, Clone)]
pub struct OpenRequestWrite {
    pub request: AfterSalesRequest,
    pub order_status: OrderStatus,
    pub max_requests: u32,
    pub release_units: bool,
    pub refund: Option<Refund>,
    pub order: Option<OrderTransitionWrite>,
    pub idempotency: Option<IdempotencyWrite>,
    pub jobs: Vec<NewJob>,
    pub outbox: OutboxEvent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenOutcome {
    Opened,
    OrderStatusWas(OrderStatus),
    /// Too many requests on the line, or not enough units left on it.
    LineLimit,
}

/// One request move, in ONE transaction, applied only if the request is
/// still in `from` (a `StateWas` outcome writes nothing, not even the
/// idempotency row). With it: the idempotency row, if any
/// (`IdempotencyKeyTaken` on conflict, nothing kept), the new
/// clock/deadline, the event, a refund
/// row (unique per request: a second one → `Duplicate { field: "refund" }`
/// and nothing is kept), the 运费险 claim (paid only if the order's policy
/// is still unclaimed, else silently skipped), freeing the request's units
/// on the line when it ends without money or goods moving, a return
/// parcel, an order move, jobs and outbox.
#[derive(Debug, Clone)]
pub struct RequestTransitionWrite {
    pub request_id: AfterSalesId,
    pub from: RequestState,
    pub to: RequestState,
    pub idempotency: Option<IdempotencyWrite>,
    pub clock_since: Timestamp,
    pub deadline: Option<Timestamp>,
    pub event: RequestEvent,
    pub refund: Option<Refund>,
    pub claim: Option<ClaimRecord>,
    pub free_units: bool,
    pub parcel: Option<Shipment>,
    pub order: Option<OrderTransitionWrite>,
    pub jobs: Vec<NewJob>,
    pub outbox: OutboxEvent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestOutcome {
    Applied,
    StateWas(RequestState),
}

/// The provider paid a refund: `pending → succeeded` (guarded) and, with
/// it, the request move that payment completes (e.g. `refund_due →
/// refunded`).
#[derive(Debug, Clone)]
pub struct RefundSettlement {
    pub refund_id: RefundId,
    pub provider_ref: String,
    pub at: Timestamp,
    pub request: Option<RequestTransitionWrite>,
}

#[async_trait]
pub trait AfterSalesStore: Send + Sync {
    async fn open_request(&self, write: &OpenRequestWrite) -> StoreResult<OpenOutcome>;
    /// `NotFound` if the request does not exist.
    async fn transition_request(
        &self,
        write: &RequestTransitionWrite,
    ) -> StoreResult<RequestOutcome>;
    /// With timeline, refund and claim.
    async fn get_request(&self, id: AfterSalesId) -> StoreResult<Option<AfterSalesRequest>>;
    /// Oldest first.
    async fn order_requests(&self, order: OrderId) -> StoreResult<Vec<AfterSalesRequest>>;
    /// Newest first, keyset by id, overfetching by one; `states` empty = all.
    async fn merchant_requests(
        &self,
        merchant: MerchantId,
        states: &[RequestState],
        page: PageRequest,
    ) -> StoreResult<Vec<AfterSalesRequest>>;
    /// Requests in `in_arbitration`, oldest first.
    async fn arbitration_queue(&self, limit: u32) -> StoreResult<Vec<AfterSalesRequest>>;
    async fn get_refund(&self, id: RefundId) -> StoreResult<Option<Refund>>;
    /// Whether it applied (false: already settled).
    async fn settle_refund(&self, settlement: &RefundSettlement) -> StoreResult<bool>;
    /// Refunds created for the buyer since `since` (the trust rule).
    async fn buyer_refunds_since(&self, buyer: UserId, since: Timestamp) -> StoreResult<u64>;
    /// Puts `quantity` units back on the SKU once per request; false if the
    /// request was already restocked.
    async fn restock_return(
        &self,
        request: AfterSalesId,
        sku: SkuId,
        quantity: u32,
    ) -> StoreResult<bool>;
}
