use async_trait::async_trait;
use yc_domain::address::Address;
use yc_domain::live::{FlashSale, LiveRoom, Refusal};
use yc_domain::order::Order;
use yc_domain::page::PageRequest;
use yc_domain::{FlashSaleId, LiveRoomId, MerchantId, ProductId, Timestamp, UserId};

use crate::{IdempotencyRecord, IdempotencyWrite, NewJob, OutboxEvent, StoreResult};

/// A sale with its pool's current count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleState {
    pub sale: FlashSale,
    pub remaining: i64,
}

/// The idempotency scope of flash orders. Both stores keep these keys on
/// the order itself (with its request hash and held units), not in the
/// generic idempotency table; `get_idempotency` with this scope answers
/// with the order as placed.
pub const FLASH_SCOPE: &str = "flash_order";

/// One buyer's request inside a flash batch. `order` is fully built
/// (flash price, address snapshot, `flash_sale_id` set, one line of the
/// sale's SKU with the requested quantity); the store decides whether it
/// is kept.
#[derive(Debug, Clone)]
pub struct FlashItem {
    pub order: Order,
    /// Scope `FLASH_SCOPE`. Its `response` is never stored or read: the
    /// order is the answer, so the hot path leaves it `Null` rather than
    /// encode every order twice (a repeat of an accepted key inside its own
    /// batch encodes the order when it happens).
    pub idempotency: IdempotencyWrite,
}

/// Everything one group commit writes.
#[derive(Debug, Clone)]
pub struct FlashBatch {
    pub sale_id: FlashSaleId,
    pub items: Vec<FlashItem>,
    /// One outbox event for the whole batch (written only if something was accepted).
    pub event: OutboxEvent,
    /// One expiry job for the whole batch, due when its orders' pay
    /// window ends (written only if something was accepted).
    pub expiry_job: NewJob,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlashOutcome {
    /// The order was written.
    Accepted,
    /// The key was used before (in an earlier batch, or earlier in this
    /// one): the caller compares hashes and replays.
    Replayed(IdempotencyRecord),
    Refused(Refusal),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlashBatchResult {
    /// One per item, in item order.
    pub outcomes: Vec<FlashOutcome>,
    /// The pool after the batch.
    pub remaining: i64,
}

#[async_trait]
pub trait LiveStore: Send + Sync {
    async fn insert_live_room(&self, room: &LiveRoom) -> StoreResult<()>;
    async fn get_live_room(&self, id: LiveRoomId) -> StoreResult<Option<LiveRoom>>;
    /// Newest first, keyset by id, overfetching by one.
    async fn list_live_rooms(&self, page: PageRequest) -> StoreResult<Vec<LiveRoom>>;
    /// Replaces the pinned products. `NotFound` unless the room belongs to `merchant`.
    async fn set_pinned(
        &self,
        merchant: MerchantId,
        room: LiveRoomId,
        products: &[ProductId],
    ) -> StoreResult<LiveRoom>;

    /// In ONE transaction: `UPDATE skus SET stock = stock - pool WHERE id =
    /// sku AND stock >= pool` (zero rows → `SoldOut`), then the sale row
    /// with `remaining = pool_size`. `NotFound` unless the room and the
    /// SKU's product both belong to `sale.merchant_id`.
    async fn create_flash_sale(&self, sale: &FlashSale) -> StoreResult<()>;
    async fn get_flash_sale(&self, id: FlashSaleId) -> StoreResult<Option<SaleState>>;
    /// The room's sales, soonest `starts_at` first (bounded: at most 50).
    async fn room_flash_sales(&self, room: LiveRoomId) -> StoreResult<Vec<SaleState>>;

    /// The default address of each user who has one (at most one each).
    async fn default_addresses(&self, users: &[UserId]) -> StoreResult<Vec<Address>>;

    /// Readies the store for a sale that has yet to open, so that its
    /// first batches do not pay for what is paid once (connections, parsed
    /// statements, compiled functions). Writes nothing; a store with
    /// nothing to ready does nothing.
    async fn warm_flash(&self, sale: FlashSaleId) -> StoreResult<()> {
        let _ = sale;
        Ok(())
    }

    /// THE hot path: one transaction, one commit (fsync) for the batch.
    /// 1. Decide on a pool and on held units that cannot move before the
    ///    commit, whatever other nodes do (SQLite: the write gate and
    ///    `BEGIN IMMEDIATE`; PostgreSQL: the buyers' advisory locks, the
    ///    pool taken last by a conditional decrement, or the sale row
    ///    locked from the start when that falls short).
    /// 2. Items whose (user, key) placed an order already → `Replayed`
    ///    with that order; a key repeated inside the batch → the later
    ///    item gets `Replayed` with the earlier item's write (if accepted)
    ///    or the same refusal.
    /// 3. The rest are decided by `yc_domain::live::allocate` against the
    ///    pool and each buyer's held units in the sale, in item order.
    /// 4. Accepted: insert the order (lines, timeline, `flash_sale_id`,
    ///    its key, request hash and held units); take the units from the
    ///    pool, and write the event and the job once.
    ///
    /// A sale that is unknown is `NotFound`.
    async fn commit_flash_batch(&self, batch: &FlashBatch) -> StoreResult<FlashBatchResult>;

    /// Cancels (guarded on `pending_payment`) up to `limit` of the sale's
    /// orders whose `pay_deadline <= now`, each with a timeline event
    /// (status cancelled, `note`), returning their units to the pool and
    /// lowering the buyer's counter, in one transaction. Returns how many.
    /// Running it twice never returns units twice.
    async fn expire_flash_orders(
        &self,
        sale: FlashSaleId,
        now: Timestamp,
        note: &str,
        limit: u32,
    ) -> StoreResult<u32>;
}

/// What a backend's flash transaction decided for one item, before any
/// stored answer is parsed (parsing happens after the commit, off the
/// write lock).
#[derive(Debug)]
pub enum FlashDecided {
    Accepted,
    Refused(Refusal),
    /// The key already had a row: its request hash and response JSON text.
    Existing {
        hash: String,
        response: String,
    },
    /// Same key as this earlier item of the batch: it follows that item.
    SameAs(usize),
}

impl FlashBatch {
    /// The answer for each item, in item order. A repeat of an accepted
    /// item replays that item's own write; a repeat of anything else gets
    /// the same answer.
    pub fn outcomes(&self, decided: &[FlashDecided]) -> StoreResult<Vec<FlashOutcome>> {
        decided.iter().map(|d| self.outcome(decided, d)).collect()
    }

    fn outcome(&self, all: &[FlashDecided], d: &FlashDecided) -> StoreResult<FlashOutcome> {
        Ok(match d {
            FlashDecided::Accepted => FlashOutcome::Accepted,
            FlashDecided::Refused(r) => FlashOutcome::Refused(*r),
            FlashDecided::Existing { hash, response } => {
                FlashOutcome::Replayed(IdempotencyRecord {
                    request_hash: hash.clone(),
                    response: serde_json::from_str(response).map_err(|_| {
                        crate::StoreError::Backend("stored idempotent response is not JSON".into())
                    })?,
                })
            }
            FlashDecided::SameAs(first) => match (all.get(*first), self.items.get(*first)) {
                (Some(FlashDecided::Accepted), Some(item)) => {
                    FlashOutcome::Replayed(IdempotencyRecord {
                        request_hash: item.idempotency.request_hash.clone(),
                        response: serde_json::to_value(&item.order).map_err(|_| {
                            crate::StoreError::Backend("flash order did not encode".into())
                        })?,
                    })
                }
                (Some(earlier @ (FlashDecided::Refused(_) | FlashDecided::Existing { .. })), _) => {
                    self.outcome(all, earlier)?
                }
                (Some(FlashDecided::SameAs(_) | FlashDecided::Accepted) | None, _) => {
                    return Err(crate::StoreError::Backend(
                        "flash batch: broken duplicate-key chain".into(),
                    ));
                }
            },
        })
    }
}
