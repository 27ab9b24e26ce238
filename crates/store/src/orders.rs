use async_trait::async_trait;
use yc_domain::order::{Order, OrderEvent, OrderStatus};
use yc_domain::page::PageRequest;
use yc_domain::payment::{Payment, PaymentMethod, PaymentStatus};
use yc_domain::{OrderId, PaymentId, SkuId, Timestamp, UserId};

use crate::{NewJob, OutboxEvent, StoreResult};

/// The idempotency row written in the same transaction as the effect it
/// guards. `response` is the first answer, replayed on retries.
#[derive(Debug, Clone)]
pub struct IdempotencyWrite {
    pub user_id: UserId,
    /// Which operation the key belongs to ("create_order", "pay").
    pub scope: &'static str,
    pub key: String,
    /// SHA-256 hex of the canonical request; a reuse with another body is refused.
    pub request_hash: String,
    pub response: serde_json::Value,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyRecord {
    pub request_hash: String,
    pub response: serde_json::Value,
}

/// Everything creating an order writes, in ONE transaction, in this order:
/// 1. the idempotency row, if any (`IdempotencyKeyTaken` on conflict);
/// 2. for every line, in ascending SKU id order (so two orders never wait
///    on each other's rows): `UPDATE sku SET stock = stock - qty WHERE id = ?
///    AND stock >= qty`; zero rows → roll back, `SoldOut { sku_id }`;
/// 3. the order, its lines and its first timeline event;
/// 4. the cart lines named in `remove_from_cart` for the buyer;
/// 5. the payment-expiry job and the outbox event.
#[derive(Debug, Clone)]
pub struct NewOrder {
    pub order: Order,
    pub remove_from_cart: Vec<SkuId>,
    pub idempotency: Option<IdempotencyWrite>,
    pub expiry_job: NewJob,
    pub event: OutboxEvent,
}

/// One status move, guarded: applied only if the order is still in `from`.
#[derive(Debug, Clone)]
pub struct OrderTransitionWrite {
    pub order_id: OrderId,
    pub from: OrderStatus,
    pub to: OrderStatus,
    pub event: OrderEvent,
    /// Give every line's quantity back (cancel, expire): to its SKU's
    /// stock, or, for a flash order, to the sale's pool and the buyer's
    /// flash counter.
    pub release_stock: bool,
    pub outbox: OutboxEvent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionOutcome {
    Applied,
    /// The order was not in `from` any more (or never existed: `NotFound`
    /// is returned for that instead); nothing was written.
    StatusWas(OrderStatus),
}

/// A provider's confirmation of a payment, applied in ONE transaction:
/// payment `pending → succeeded` (guarded), then the order
/// `pending_payment → paid` (guarded) with its timeline event and outbox
/// event. A payment that is no longer pending changes nothing.
#[derive(Debug, Clone)]
pub struct PaymentSettlement {
    pub payment_id: PaymentId,
    pub provider_trade_no: String,
    pub at: Timestamp,
    pub order_event: OrderEvent,
    pub outbox: OutboxEvent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettleOutcome {
    /// Payment succeeded and the order is now paid.
    OrderPaid,
    /// The payment was already settled (a duplicate callback): no change.
    AlreadySettled(PaymentStatus),
    /// Payment marked succeeded, but the order was in this status and could
    /// not be paid (e.g. it expired): the caller must refund.
    OrderNotPayable(OrderStatus),
}

#[async_trait]
pub trait OrderStore: Send + Sync {
    async fn get_idempotency(
        &self,
        user: UserId,
        scope: &str,
        key: &str,
    ) -> StoreResult<Option<IdempotencyRecord>>;

    /// `get_idempotency` of each (user, key) in `scope`, in order: for
    /// the flash sale's refusals, which check thousands of keys a second
    /// once the pool is gone, in batches (the default asks one by one).
    async fn get_idempotencies(
        &self,
        scope: &str,
        keys: &[(UserId, &str)],
    ) -> StoreResult<Vec<Option<IdempotencyRecord>>> {
        one_by_one(self, scope, keys).await
    }

    async fn create_order(&self, new: &NewOrder) -> StoreResult<()>;
    /// With lines and timeline (oldest event first).
    async fn get_order(&self, id: OrderId) -> StoreResult<Option<Order>>;
    /// The buyer's orders, newest first, keyset by id, overfetching by one.
    async fn list_orders(
        &self,
        buyer: UserId,
        status: Option<OrderStatus>,
        page: PageRequest,
    ) -> StoreResult<Vec<Order>>;
    /// `NotFound` if the order does not exist.
    async fn transition_order(
        &self,
        write: &OrderTransitionWrite,
    ) -> StoreResult<TransitionOutcome>;

    /// Inserts the payment (and the idempotency row, same transaction).
    async fn create_payment(
        &self,
        payment: &Payment,
        idempotency: Option<&IdempotencyWrite>,
    ) -> StoreResult<()>;
    async fn get_payment(&self, id: PaymentId) -> StoreResult<Option<Payment>>;
    /// Oldest first.
    async fn order_payments(&self, order: OrderId) -> StoreResult<Vec<Payment>>;
    /// `NotFound` if the payment does not exist.
    async fn settle_payment(&self, settlement: &PaymentSettlement) -> StoreResult<SettleOutcome>;
    /// `succeeded → refunded` after the provider refunded an unpayable
    /// order's money; `pending → closed` for abandoned attempts. Guarded on
    /// `from`; returns whether the row changed.
    async fn set_payment_status(
        &self,
        id: PaymentId,
        from: PaymentStatus,
        to: PaymentStatus,
    ) -> StoreResult<bool>;
    /// How many succeeded payments the buyer made with each method.
    async fn payment_method_usage(&self, buyer: UserId) -> StoreResult<Vec<(PaymentMethod, u64)>>;
}

/// `get_idempotencies` as one `get_idempotency` per key: the default, and
/// what a store answers for scopes it does not batch.
pub async fn one_by_one<S: OrderStore + ?Sized>(
    store: &S,
    scope: &str,
    keys: &[(UserId, &str)],
) -> StoreResult<Vec<Option<IdempotencyRecord>>> {
    let mut found = Vec::with_capacity(keys.len());
    for (user, key) in keys {
        found.push(store.get_idempotency(*user, scope, key).await?);
    }
    Ok(found)
}
