//! `commit_flash_batch`, the hot path: one `BEGIN IMMEDIATE` transaction
//! (the caller opens it on the single writer connection) reads the pool, the
//! batch's existing idempotency rows and its buyers' counters with three
//! statements, decides with `yc_domain::live::allocate`, then writes the
//! accepted orders with multi-row statements (`flash_write`).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use sqlx::{FromRow, SqliteConnection};
use uuid::Uuid;
use uuid::fmt::Hyphenated;
use yc_domain::live::{BuyRequest, Decision, Refusal, allocate};
use yc_domain::order::OrderStatus;
use yc_domain::{FlashSaleId, Money, UserId};
use yc_store::{
    FlashBatch, FlashBatchResult, FlashItem, FlashOutcome, IdempotencyRecord, StoreError,
    StoreResult,
};

use crate::error::from_sqlx;
use crate::rows::{IdempotencyRow, id, money, small};
use crate::sql::{Key, key_list, to_json};
use crate::{flash_write, ops, order_writes};

/// What the batch needs of the sale row.
#[derive(FromRow)]
struct PoolRow {
    sku_id: Hyphenated,
    product_id: Hyphenated,
    merchant_id: Hyphenated,
    price_minor: i64,
    currency: String,
    per_buyer_cap: i64,
    remaining: i64,
}

#[derive(FromRow)]
struct KeyRow {
    user_id: Hyphenated,
    scope: String,
    key: String,
    #[sqlx(flatten)]
    record: IdempotencyRow,
}

/// An idempotency key's identity, borrowed from the batch.
type KeyOf<'a> = (Uuid, &'a str, &'a str);

fn key_of(item: &FlashItem) -> KeyOf<'_> {
    let i = &item.idempotency;
    (i.user_id.0, i.scope, i.key.as_str())
}

pub(crate) async fn commit(
    conn: &mut SqliteConnection,
    batch: &FlashBatch,
) -> StoreResult<FlashBatchResult> {
    let pool: PoolRow = sqlx::query_as(
        "SELECT sku_id, product_id, merchant_id, price_minor, currency, per_buyer_cap, remaining \
         FROM flash_sales WHERE id = ?",
    )
    .bind(batch.sale_id.key())
    .fetch_optional(&mut *conn)
    .await
    .map_err(from_sqlx)?
    .ok_or(StoreError::NotFound)?;
    let price = money(pool.price_minor, &pool.currency)?;
    if let Some(bad) = batch
        .items
        .iter()
        .position(|i| !fits(i, batch.sale_id, &pool, price))
    {
        tracing::error!(
            item = bad,
            "refusing a flash item that does not fit its sale"
        );
        return Err(StoreError::Backend(
            "flash item does not fit its sale".into(),
        ));
    }
    let existing = existing_keys(conn, &batch.items).await?;
    let held = held_counts(conn, batch.sale_id, &batch.items).await?;
    let cap = small(pool.per_buyer_cap, "flash_sales.per_buyer_cap")?;
    let plan = decide(&batch.items, pool.remaining, cap, existing, &held);
    if !plan.accepted.is_empty() {
        let accepted: Vec<&FlashItem> = plan.accepted.iter().map(|i| &batch.items[*i]).collect();
        flash_write::insert_orders(conn, &accepted).await?;
        flash_write::set_held(conn, batch.sale_id, &plan.held_after).await?;
        let updated =
            sqlx::query("UPDATE flash_sales SET remaining = ?1 WHERE id = ?2 AND remaining = ?3")
                .bind(plan.remaining)
                .bind(batch.sale_id.key())
                .bind(pool.remaining)
                .execute(&mut *conn)
                .await
                .map_err(from_sqlx)?
                .rows_affected();
        if updated != 1 {
            // Impossible under the write lock; refuse rather than oversell.
            tracing::error!("flash pool changed under the batch's write lock");
            return Err(StoreError::Backend(
                "flash pool changed during the batch".into(),
            ));
        }
        order_writes::insert_outbox(conn, &batch.event).await?;
        ops::insert_job(conn, &batch.expiry_job).await?;
    }
    Ok(FlashBatchResult {
        outcomes: plan.outcomes,
        remaining: plan.remaining,
    })
}

/// The batch's invariants: a caller bug must not persist an order the
/// sale's pool does not account for. One line of the sale's SKU at the
/// flash price, a new unpaid order of this sale with one timeline event,
/// totals that add up, a key owned by the buyer.
fn fits(item: &FlashItem, sale: FlashSaleId, pool: &PoolRow, price: Money) -> bool {
    let o = &item.order;
    let line_fits = matches!(o.lines.as_slice(), [l]
        if l.sku_id.0 == pool.sku_id.into_uuid()
            && l.product_id.0 == pool.product_id.into_uuid()
            && l.unit_price == price);
    line_fits
        && o.flash_sale_id == Some(sale)
        && o.merchant_id.0 == pool.merchant_id.into_uuid()
        && o.status == OrderStatus::PendingPayment
        && o.timeline.len() == 1
        && o.is_consistent()
        && item.idempotency.user_id == o.buyer_id
}

/// The keys of the batch already stored, by the index of the first item
/// carrying each: one statement, whatever the batch size.
async fn existing_keys(
    conn: &mut SqliteConnection,
    items: &[FlashItem],
) -> StoreResult<HashMap<usize, IdempotencyRecord>> {
    let mut first: HashMap<KeyOf<'_>, usize> = HashMap::with_capacity(items.len());
    let mut probe = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        if let Entry::Vacant(slot) = first.entry(key_of(item)) {
            slot.insert(i);
            let k = &item.idempotency;
            probe.push((k.user_id.key(), k.scope, k.key.as_str()));
        }
    }
    let rows: Vec<KeyRow> = sqlx::query_as(
        "SELECT k.user_id, k.scope, k.key, k.request_hash, k.response \
         FROM json_each(?) AS j JOIN idempotency_keys AS k \
           ON k.user_id = j.value ->> 0 AND k.scope = j.value ->> 1 AND k.key = j.value ->> 2",
    )
    .bind(to_json(&probe)?)
    .fetch_all(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    let mut found = HashMap::with_capacity(rows.len());
    for row in rows {
        let user = row.user_id.into_uuid();
        if let Some(&i) = first.get(&(user, row.scope.as_str(), row.key.as_str())) {
            found.insert(i, row.record.into_record()?);
        }
    }
    Ok(found)
}

/// What the batch's buyers already hold in this sale.
async fn held_counts(
    conn: &mut SqliteConnection,
    sale: FlashSaleId,
    items: &[FlashItem],
) -> StoreResult<HashMap<UserId, u32>> {
    let buyers: Vec<UserId> = items.iter().map(|i| i.order.buyer_id).collect();
    let rows: Vec<(Hyphenated, i64)> = sqlx::query_as(
        "SELECT buyer_id, held FROM flash_buyers \
         WHERE sale_id = ? AND buyer_id IN (SELECT value FROM json_each(?))",
    )
    .bind(sale.key())
    .bind(key_list(&buyers))
    .fetch_all(&mut *conn)
    .await
    .map_err(from_sqlx)?;
    rows.into_iter()
        .map(|(buyer, held)| Ok((id(buyer), small(held, "flash_buyers.held")?)))
        .collect()
}

/// The decisions of one batch, in item order.
struct Plan {
    outcomes: Vec<FlashOutcome>,
    /// Indices of the items to write, in item order.
    accepted: Vec<usize>,
    /// What each buyer with an accepted item holds afterwards.
    held_after: HashMap<UserId, u32>,
    remaining: i64,
}

/// Replays first (stored keys, then keys repeated in the batch), the rest
/// through the allocation rule in item order.
fn decide(
    items: &[FlashItem],
    remaining: i64,
    cap: u32,
    mut existing: HashMap<usize, IdempotencyRecord>,
    held: &HashMap<UserId, u32>,
) -> Plan {
    let mut first: HashMap<KeyOf<'_>, usize> = HashMap::with_capacity(items.len());
    let mut repeat_of: Vec<Option<usize>> = Vec::with_capacity(items.len());
    let mut fresh = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let earlier = *first.entry(key_of(item)).or_insert(i);
        repeat_of.push((earlier != i).then_some(earlier));
        if earlier == i && !existing.contains_key(&i) {
            fresh.push(i);
        }
    }
    let requests: Vec<BuyRequest> = fresh
        .iter()
        .map(|&i| {
            let o = &items[i].order;
            let quantity = o.lines.first().map_or(0, |l| l.quantity);
            BuyRequest {
                buyer: o.buyer_id,
                quantity,
            }
        })
        .collect();
    let allocation = allocate(remaining, cap, held, &requests);
    let mut decisions = allocation.decisions.into_iter();
    let mut outcomes = Vec::with_capacity(items.len());
    let mut accepted = Vec::new();
    for (i, earlier) in repeat_of.into_iter().enumerate() {
        let outcome = if let Some(e) = earlier {
            replay_of(items, e, &outcomes)
        } else if let Some(record) = existing.remove(&i) {
            FlashOutcome::Replayed(record)
        } else {
            // `fresh` holds exactly these items, in this order.
            match decisions.next() {
                Some(Decision::Accept) => {
                    accepted.push(i);
                    FlashOutcome::Accepted
                }
                Some(Decision::Refuse(why)) => FlashOutcome::Refused(why),
                None => FlashOutcome::Refused(Refusal::Invalid),
            }
        };
        outcomes.push(outcome);
    }
    Plan {
        outcomes,
        accepted,
        held_after: allocation.held_after,
        remaining: allocation.remaining_after,
    }
}

/// A later item with the key of item `earlier`: the earlier write if it
/// was accepted, else the same outcome.
fn replay_of(items: &[FlashItem], earlier: usize, outcomes: &[FlashOutcome]) -> FlashOutcome {
    match outcomes.get(earlier) {
        Some(FlashOutcome::Accepted) => {
            let w = &items[earlier].idempotency;
            FlashOutcome::Replayed(IdempotencyRecord {
                request_hash: w.request_hash.clone(),
                response: w.response.clone(),
            })
        }
        Some(other) => other.clone(),
        // `earlier` < the current index: always decided already.
        None => FlashOutcome::Refused(Refusal::Invalid),
    }
}
