//! THE hot path: the group commit of a flash sale's buy requests.
//!
//! One transaction and one commit (one WAL flush) per batch, whatever its
//! size (`flash_tx`: buyers locked, the pool read, then the orders already
//! placed with the batch's keys and its buyers' held units with ONE array
//! query (`flash_reads`), `yc_domain::live::allocate` decides, ONE
//! statement inserts every row (`flash_writes`) and the pool is taken
//! last). Everything that needs no database (invariants, JSON encoding,
//! key de-duplication, rebuilding replayed answers from their orders)
//! happens here, before the transaction or after its commit.

use std::collections::HashMap;

use sqlx::PgPool;
use uuid::Uuid;
use yc_domain::order::Order;
use yc_domain::{OrderId, SkuId, UserId};
use yc_store::{FlashBatch, FlashBatchResult, FlashDecided as Decided, StoreError, StoreResult};

use crate::codec::to_json;
use crate::error::{corrupt, db_err};
use crate::flash_tx;
use crate::order_rows::get_order;

/// Everything computed before the transaction.
pub(crate) struct Prepared<'a> {
    /// Units each item asks for (its lines' quantities).
    pub quantities: Vec<u32>,
    /// The batch's outbox event and expiry job payloads, as JSON text.
    pub event_payload: String,
    pub job_payload: String,
    /// The SKU every line of the batch is of (`None` for an empty batch).
    pub sku: Option<SkuId>,
    /// Distinct (buyer, key) of the batch, as parallel arrays.
    pub key_users: Vec<Uuid>,
    pub key_names: Vec<&'a str>,
    /// Index into the distinct keys, per item.
    pub key_of_item: Vec<usize>,
    /// The first item carrying each distinct key.
    pub first_item: Vec<usize>,
}

pub(crate) fn invariant(what: &'static str) -> StoreError {
    tracing::error!(what, "flash batch refused: invariant violated");
    StoreError::Backend(format!("flash batch invariant violated: {what}"))
}

fn prepare(batch: &FlashBatch) -> StoreResult<Prepared<'_>> {
    let n = batch.items.len();
    let mut p = Prepared {
        quantities: Vec::with_capacity(n),
        event_payload: to_json(&batch.event.payload)?,
        job_payload: to_json(&batch.expiry_job.payload)?,
        sku: batch
            .items
            .first()
            .and_then(|i| i.order.lines.first())
            .map(|l| l.sku_id),
        key_users: Vec::new(),
        key_names: Vec::new(),
        key_of_item: Vec::with_capacity(n),
        first_item: Vec::new(),
    };
    let mut keys: HashMap<(UserId, &str, &str), usize> = HashMap::with_capacity(n);
    for (i, item) in batch.items.iter().enumerate() {
        let order = &item.order;
        if !order.is_consistent() {
            return Err(invariant("order totals do not add up"));
        }
        if order.flash_sale_id != Some(batch.sale_id) {
            return Err(invariant("order of another sale"));
        }
        if order.lines.iter().any(|l| Some(l.sku_id) != p.sku) {
            return Err(invariant("line of another SKU"));
        }
        let quantity = order
            .lines
            .iter()
            .try_fold(0_u32, |sum, l| sum.checked_add(l.quantity))
            .ok_or_else(|| invariant("quantity overflow"))?;
        p.quantities.push(quantity);
        let idem = &item.idempotency;
        let next = keys.len();
        let k = *keys
            .entry((idem.user_id, idem.scope, idem.key.as_str()))
            .or_insert(next);
        if k == next {
            p.key_users.push(idem.user_id.as_uuid());
            p.key_names.push(&idem.key);
            p.first_item.push(i);
        }
        p.key_of_item.push(k);
    }
    Ok(p)
}

/// Each flash key's record for `get_idempotency(ies)`, in order: the
/// newest of the buyer's flash orders placed with the key, as placed (keys
/// are per sale; a key reused on another sale answers with that sale's
/// order, whose hash differs). One read for all of them, and one more per
/// key that placed an order.
pub(crate) async fn stored_keys(
    pool: &PgPool,
    keys: &[(UserId, &str)],
) -> StoreResult<Vec<Option<yc_store::IdempotencyRecord>>> {
    let buyers: Vec<Uuid> = keys.iter().map(|(u, _)| u.as_uuid()).collect();
    let names: Vec<&str> = keys.iter().map(|(_, k)| *k).collect();
    let rows: Vec<(i64, Uuid, String)> = sqlx::query_as(
        "SELECT u.ord, o.id, o.flash_hash \
         FROM UNNEST($1::uuid[], $2::text[]) WITH ORDINALITY AS u(buyer_id, key, ord) \
         CROSS JOIN LATERAL (SELECT o.id, o.flash_hash FROM orders o \
             WHERE o.buyer_id = u.buyer_id AND o.flash_sale_id IS NOT NULL \
               AND o.flash_key = u.key ORDER BY o.id DESC LIMIT 1) o",
    )
    .bind(buyers)
    .bind(names)
    .fetch_all(pool)
    .await
    .map_err(db_err)?;
    let mut found = vec![None; keys.len()];
    for (ord, order, request_hash) in rows {
        let at = usize::try_from(ord - 1).map_err(|_| corrupt("ordinal"))?;
        let slot = found.get_mut(at).ok_or_else(|| corrupt("ordinal"))?;
        let response =
            serde_json::to_value(placed(pool, order).await?).map_err(|_| corrupt("order JSON"))?;
        *slot = Some(yc_store::IdempotencyRecord {
            request_hash,
            response,
        });
    }
    Ok(found)
}

/// The first answer to a key that placed `order`: the order as placed.
async fn placed(pool: &PgPool, order: Uuid) -> StoreResult<Order> {
    Ok(get_order(pool, OrderId::from(order))
        .await?
        .ok_or_else(|| corrupt("a flash key's order"))?
        .as_placed())
}

pub(crate) async fn commit_batch(
    pool: &PgPool,
    batch: &FlashBatch,
) -> StoreResult<FlashBatchResult> {
    let prepared = prepare(batch)?;
    let (mut decided, replays, remaining) = flash_tx::run(pool, batch, &prepared).await?;
    for (i, order) in replays {
        let answer = to_json(&placed(pool, order).await?)?;
        if let Some(Decided::Existing { response, .. }) = decided.get_mut(i) {
            *response = answer;
        }
    }
    Ok(FlashBatchResult {
        outcomes: batch.outcomes(&decided)?,
        remaining,
    })
}
