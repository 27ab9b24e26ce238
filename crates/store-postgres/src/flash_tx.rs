//! The transaction of a flash group commit, tried optimistically first.
//!
//! Several nodes (and two batches per node) commit batches of one sale at
//! once, and every batch must end by changing the sale's one row. Holding
//! that row's lock from the first read to the commit made the batches of
//! all nodes take turns through three round trips, the inserts and the
//! commit's WAL flush. So the pool is decided on an unlocked read and taken
//! LAST, with a conditional decrement: the row lock is held only from that
//! statement to the commit. If the decrement finds too few units (another
//! batch took them meanwhile), or the unlocked read would refuse anyone
//! for want of stock, the batch is rolled back and decided again with the
//! row locked from the start, which is exact.
//!
//! The per-buyer cap and Idempotency-Keys need what the batch's buyers
//! already hold to stay still until the commit: both paths first take a
//! transaction-scoped advisory lock per buyer, in sorted order, in the
//! round trip that begins the transaction and reads (flash_reads). Lock order
//! is buyers, then the sale row; releases (flash_release) take only the
//! sale row and orders, and only lower what a buyer holds.

use sqlx::PgPool;
use uuid::Uuid;
use yc_domain::live::{BuyRequest, Decision, Refusal, allocate};
use yc_store::{FlashBatch, FlashDecided as Decided, StoreError, StoreResult};

use crate::flash::{Prepared, invariant};
use crate::flash_reads::{Stored, begin_and_read};
use crate::flash_writes::{self, Accepted};

/// The decisions (replays with an empty response), the replayed items'
/// orders, and the pool after.
pub(crate) type Run = (Vec<Decided>, Vec<(usize, Uuid)>, i64);

pub(crate) async fn run(pool: &PgPool, batch: &FlashBatch, p: &Prepared<'_>) -> StoreResult<Run> {
    if let Some(done) = attempt(pool, batch, p, Mode::Optimistic).await? {
        return Ok(done);
    }
    attempt(pool, batch, p, Mode::Locked)
        .await?
        .ok_or_else(|| invariant("the locked path gave way"))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The pool read without a lock; taken by a conditional decrement.
    Optimistic,
    /// The sale row locked from the first read.
    Locked,
}

/// One try; `None` when the optimistic path must give way to the locked one.
async fn attempt(
    pool: &PgPool,
    batch: &FlashBatch,
    p: &Prepared<'_>,
    mode: Mode,
) -> StoreResult<Option<Run>> {
    let (mut tx, stored) = begin_and_read(pool, batch.sale_id, p, mode == Mode::Locked).await?;
    let (remaining, cap, sku) = stored.sale.ok_or(StoreError::NotFound)?;
    if p.sku.is_some_and(|s| s.as_uuid() != sku) {
        return Err(invariant("line of another SKU"));
    }
    let decision = decide(batch, p, &stored, remaining, cap)?;
    if mode == Mode::Optimistic && decision.short_of_stock {
        tx.rollback().await?;
        return Ok(None);
    }
    let BatchDecision {
        decided,
        replays,
        accepted,
        units,
        ..
    } = decision;
    if accepted.is_empty() {
        // Nothing to write: no commit, no WAL flush.
        tx.rollback().await?;
        return Ok(Some((decided, replays, remaining)));
    }
    if units <= 0 {
        return Err(invariant("a batch that writes takes no units"));
    }
    let write = Accepted {
        batch,
        items: &accepted,
        quantities: &p.quantities,
        event_payload: &p.event_payload,
        job_payload: &p.job_payload,
    };
    flash_writes::write(tx.conn(), &write).await?;
    match tx.take_and_commit(batch.sale_id, units).await? {
        Some(after) => Ok(Some((decided, replays, after))),
        None if mode == Mode::Locked => Err(invariant("the locked pool fell short")),
        None => Ok(None),
    }
}

/// What a batch decided.
struct BatchDecision {
    decided: Vec<Decided>,
    replays: Vec<(usize, Uuid)>,
    /// Indexes of the accepted items, in item order.
    accepted: Vec<usize>,
    /// Units the accepted items take.
    units: i64,
    /// Someone was refused for want of stock.
    short_of_stock: bool,
}

/// Items to decide are the first of each key that has no order yet. Later
/// items with its key follow its decision; a key with an order replays it.
fn decide(
    batch: &FlashBatch,
    p: &Prepared<'_>,
    stored: &Stored,
    remaining: i64,
    cap: u32,
) -> StoreResult<BatchDecision> {
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
    let mut short_of_stock = false;
    for (&i, decision) in candidates.iter().zip(&allocation.decisions) {
        decided[i] = Some(match decision {
            Decision::Accept => {
                accepted.push(i);
                Decided::Accepted
            }
            Decision::Refuse(r) => {
                short_of_stock |= *r == Refusal::SoldOut;
                Decided::Refused(*r)
            }
        });
    }
    let decided = decided
        .into_iter()
        .map(|d| d.ok_or_else(|| invariant("undecided item")))
        .collect::<StoreResult<Vec<_>>>()?;
    let units = remaining
        .max(0)
        .checked_sub(allocation.remaining_after)
        .ok_or_else(|| invariant("the pool grew"))?;
    Ok(BatchDecision {
        decided,
        replays,
        accepted,
        units,
        short_of_stock,
    })
}
