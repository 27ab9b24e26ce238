//! THE hot path: the group commit of a flash sale's buy requests.
//!
//! One transaction and one commit (one WAL flush) per batch, whatever its
//! size: the sale row is locked FIRST (nodes serialise per sale on it),
//! the orders already placed with the batch's keys and its buyers' held
//! units are read with ONE array query (`flash_reads`),
//! `yc_domain::live::allocate` decides, and ONE statement writes every
//! table with an array (`UNNEST`) insert (`flash_writes`). Everything that
//! needs no database (invariants, JSON encoding, key de-duplication,
//! rebuilding replayed answers from their orders) happens before the lock
//! or after the commit, so the lock is held only for the round trips.

use std::collections::HashMap;

use sqlx::PgPool;
use uuid::Uuid;
use yc_domain::live::{BuyRequest, Decision, allocate};
use yc_domain::order::Order;
use yc_domain::{OrderId, SkuId, UserId};
use yc_store::{FlashBatch, FlashBatchResult, FlashDecided as Decided, StoreError, StoreResult};

use crate::codec::to_json;
use crate::error::{corrupt, db_err};
use crate::flash_reads::stored;
use crate::flash_writes::{self, Accepted};
use crate::order_rows::get_order;

/// Everything computed before the transaction.
pub(crate) struct Prepared<'a> {
    /// Units each item asks for (its lines' quantities).
    quantities: Vec<u32>,
    /// The batch's outbox event and expiry job payloads, as JSON text.
    event_payload: String,
    job_payload: String,
    /// The SKU every line of the batch is of (`None` for an empty batch).
    sku: Option<SkuId>,
    /// Distinct (buyer, key) of the batch, as parallel arrays.
    pub key_users: Vec<Uuid>,
    pub key_names: Vec<&'a str>,
    /// Index into the distinct keys, per item.
    key_of_item: Vec<usize>,
    /// The first item carrying each distinct key.
    first_item: Vec<usize>,
}

fn invariant(what: &'static str) -> StoreError {
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

/// A flash key's record for `get_idempotency`: the newest of the buyer's
/// flash orders placed with `key`, as placed (keys are per sale; a key
/// reused on another sale answers with that sale's order, whose hash
/// differs).
pub(crate) async fn stored_key(
    pool: &PgPool,
    user: UserId,
    key: &str,
) -> StoreResult<Option<yc_store::IdempotencyRecord>> {
    let row: Option<(Uuid, String)> = sqlx::query_as(
        "SELECT id, flash_hash FROM orders \
         WHERE buyer_id = $1 AND flash_sale_id IS NOT NULL AND flash_key = $2 \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(user.as_uuid())
    .bind(key)
    .fetch_optional(pool)
    .await
    .map_err(db_err)?;
    let Some((order, request_hash)) = row else {
        return Ok(None);
    };
    let response =
        serde_json::to_value(placed(pool, order).await?).map_err(|_| corrupt("order JSON"))?;
    Ok(Some(yc_store::IdempotencyRecord {
        request_hash,
        response,
    }))
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
    let (mut decided, replays, remaining) = run(pool, batch, &prepared).await?;
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

/// The decisions (replays with an empty response), the replayed items'
/// orders, and the pool after.
type Run = (Vec<Decided>, Vec<(usize, Uuid)>, i64);

/// The transaction.
async fn run(pool: &PgPool, batch: &FlashBatch, p: &Prepared<'_>) -> StoreResult<Run> {
    let mut tx = pool.begin().await.map_err(db_err)?;
    let sale: Option<(i64, i32, Uuid)> = sqlx::query_as(
        "SELECT remaining, per_buyer_cap, sku_id FROM flash_sales WHERE id = $1 FOR UPDATE",
    )
    .bind(batch.sale_id.as_uuid())
    .fetch_optional(&mut *tx)
    .await
    .map_err(db_err)?;
    let (remaining, cap, sku) = sale.ok_or(StoreError::NotFound)?;
    if p.sku.is_some_and(|s| s.as_uuid() != sku) {
        return Err(invariant("line of another SKU"));
    }
    let cap = u32::try_from(cap).map_err(|_| corrupt("per-buyer cap"))?;
    let stored = stored(&mut tx, batch.sale_id, p).await?;

    // Items to decide: the first of each key that has no row yet. Later
    // items with its key follow its decision; a key with a row replays it.
    let mut decided: Vec<Option<Decided>> = Vec::with_capacity(batch.items.len());
    let mut candidates: Vec<usize> = Vec::new();
    let mut replays = Vec::new();
    for (i, &k) in p.key_of_item.iter().enumerate() {
        decided.push(if let Some((hash, order)) = stored.existing.get(&k) {
            replays.push((i, *order));
            Some(Decided::Existing {
                hash: hash.clone(),
                response: String::new(),
            })
        } else if p.first_item[k] != i {
            Some(Decided::SameAs(p.first_item[k]))
        } else {
            candidates.push(i);
            None
        });
    }
    let requests: Vec<BuyRequest> = candidates
        .iter()
        .map(|&i| BuyRequest {
            buyer: batch.items[i].order.buyer_id,
            quantity: p.quantities[i],
        })
        .collect();
    let allocation = allocate(remaining, cap, &stored.held, &requests);
    let mut accepted = Vec::new();
    for (&i, decision) in candidates.iter().zip(&allocation.decisions) {
        decided[i] = Some(match decision {
            Decision::Accept => {
                accepted.push(i);
                Decided::Accepted
            }
            Decision::Refuse(r) => Decided::Refused(*r),
        });
    }
    let decided = decided
        .into_iter()
        .map(|d| d.ok_or_else(|| invariant("undecided item")))
        .collect::<StoreResult<Vec<_>>>()?;
    if accepted.is_empty() {
        // Nothing to write: no commit, no WAL flush (the lock goes with the rollback).
        tx.rollback().await.map_err(db_err)?;
        return Ok((decided, replays, remaining));
    }
    let write = Accepted {
        batch,
        items: &accepted,
        quantities: &p.quantities,
        event_payload: &p.event_payload,
        job_payload: &p.job_payload,
        remaining: allocation.remaining_after,
    };
    flash_writes::write(&mut tx, &write).await?;
    tx.commit().await.map_err(db_err)?;
    Ok((decided, replays, allocation.remaining_after))
}
