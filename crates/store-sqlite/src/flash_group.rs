//! One transaction of the flash writer: the batches that were queued when
//! it became free, each decided and written in turn inside a savepoint
//! (one failing batch answers its own error, the others still commit),
//! then one COMMIT — one fsync for the group.
//!
//! A later batch of the same sale must see what the earlier ones placed,
//! but the ledger learns of orders only once they committed (a key
//! lookup must never find an order that may still roll back), so the
//! group keeps what it placed so far beside the ledger (`Placing`).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicI64, Ordering};

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior};
use tokio::sync::oneshot;
use uuid::Uuid;
use yc_domain::{FlashSaleId, UserId};
use yc_store::{StoreError, StoreResult};

use crate::flash_ledger::{Ledgers, Placed, SharedLedgers};
use crate::flash_plan::{Plan, decide, first_of_keys};
use crate::flash_thread::backend;
use crate::flash_wire::WireBatch;
use crate::flash_writes::write_accepted;

/// A batch waiting for the writer and where its answer goes.
pub(crate) struct Job {
    pub batch: WireBatch,
    pub reply: oneshot::Sender<StoreResult<Plan>>,
}

/// Orders placed by earlier batches of the open transaction.
#[derive(Default)]
struct Placing {
    keys: HashMap<(FlashSaleId, UserId, String), (String, Uuid)>,
    held: HashMap<(FlashSaleId, UserId), u32>,
    sales: HashSet<FlashSaleId>,
}

impl Placing {
    fn add(&mut self, sale: FlashSaleId, placed: &[Placed]) {
        if !placed.is_empty() {
            self.sales.insert(sale);
        }
        for p in placed {
            let held = self.held.entry((sale, p.buyer)).or_insert(0);
            *held = held.saturating_add(p.units);
            self.keys
                .insert((sale, p.buyer, p.key.clone()), (p.hash.clone(), p.order));
        }
    }

    fn has_sale(&self, sale: FlashSaleId) -> bool {
        self.sales.contains(&sale)
    }
}

/// Commits `jobs` in one transaction; one answer per job, in order.
/// Nothing stays behind on an error, and the ledger learns of the
/// group's orders only once they committed.
pub(crate) fn commit_group(
    conn: &mut Connection,
    jobs: &[Job],
    ledgers: &SharedLedgers,
    mark: &AtomicI64,
) -> Vec<StoreResult<Plan>> {
    // The whole group failed: every batch gets the (already logged) cause.
    let all = |e: &StoreError| {
        jobs.iter()
            .map(|_| Err(StoreError::Backend(e.to_string())))
            .collect()
    };
    let tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => return all(&backend(e)),
    };
    // Split of the writer's time (statements vs WAL write + fsync), for
    // RUST_LOG=yc_store_sqlite=debug when tuning the hot path.
    let started = std::time::Instant::now();
    let mut placing = Placing::default();
    let mut done = Vec::with_capacity(jobs.len());
    for job in jobs {
        let decided = match in_savepoint(&tx, |sp| {
            decide_and_write(sp, &job.batch, ledgers, &placing)
        }) {
            Ok(decided) => decided,
            Err(e) => {
                // Dropping `tx` rolls the whole group back.
                forget_sales(jobs, ledgers);
                return all(&e);
            }
        };
        if let Ok((_, placed)) = &decided {
            placing.add(job.batch.sale_id, placed);
        }
        done.push(decided);
    }
    let written = std::time::Instant::now();
    if let Err(e) = tx.commit() {
        // Whether a failed COMMIT left anything behind is the file's to
        // say, not the ledger's: the sales are reloaded before their next batch.
        forget_sales(jobs, ledgers);
        return all(&backend(e));
    }
    let recorded = record(jobs, &mut done, ledgers, mark);
    tracing::debug!(
        batches = jobs.len(),
        items = jobs.iter().map(|j| j.batch.items.len()).sum::<usize>(),
        statements_us = (written - started).as_micros(),
        commit_us = written.elapsed().as_micros(),
        "flash writer group"
    );
    match recorded {
        Ok(()) => done.into_iter().map(|d| d.map(|(plan, _)| plan)).collect(),
        Err(e) => all(&e),
    }
}

/// Hands the committed orders to the ledger.
fn record(
    jobs: &[Job],
    done: &mut [StoreResult<(Plan, Vec<Placed>)>],
    ledgers: &SharedLedgers,
    mark: &AtomicI64,
) -> StoreResult<()> {
    let mut held = ledgers.lock()?;
    for (job, decided) in jobs.iter().zip(done.iter_mut()) {
        if let Ok((_, placed)) = decided {
            for order in placed.drain(..) {
                held.record(job.batch.sale_id, order);
            }
        }
    }
    held.evict(mark.load(Ordering::Acquire));
    Ok(())
}

/// The group's sales are read again from their orders before their next batch.
fn forget_sales(jobs: &[Job], ledgers: &SharedLedgers) {
    if let Ok(mut held) = ledgers.lock() {
        jobs.iter().for_each(|j| held.forget(j.batch.sale_id));
    }
}

/// Runs `work` in a savepoint: kept on success, undone on error (the
/// inner result). The outer error means the savepoint itself could not
/// be opened or closed: what the batch left is unknown, so the caller
/// must give up the whole transaction.
fn in_savepoint<T>(
    tx: &Transaction<'_>,
    work: impl FnOnce(&Transaction<'_>) -> StoreResult<T>,
) -> StoreResult<StoreResult<T>> {
    tx.execute_batch("SAVEPOINT flash_batch").map_err(backend)?;
    let result = work(tx);
    let end = match result {
        Ok(_) => "RELEASE flash_batch",
        Err(_) => "ROLLBACK TO flash_batch; RELEASE flash_batch",
    };
    tx.execute_batch(end).map_err(backend)?;
    Ok(result)
}

/// What the batch needs of the sale row.
struct Pool {
    sku_id: String,
    product_id: String,
    merchant_id: String,
    price_minor: i64,
    currency: String,
    per_buyer_cap: i64,
    remaining: i64,
}

fn decide_and_write(
    tx: &Transaction<'_>,
    batch: &WireBatch,
    ledgers: &SharedLedgers,
    placing: &Placing,
) -> StoreResult<(Plan, Vec<Placed>)> {
    let sale = batch.sale_id.0.hyphenated().to_string();
    let pool = read_pool(tx, &sale)?;
    check_terms(batch, &pool)?;
    let (existing, held) = {
        let mut ledgers = ledgers.lock()?;
        if !ledgers.holds(batch.sale_id) && placing.has_sale(batch.sale_id) {
            // A reload now would count this group's orders twice. Cannot
            // happen: releases are applied before a group's first write.
            tracing::error!("flash ledger dropped inside a group that placed orders");
            return Err(StoreError::Backend("flash ledger dropped mid-group".into()));
        }
        ledgers.prepare(tx, batch.sale_id)?;
        (
            existing_keys(&ledgers, placing, batch),
            held_counts(&ledgers, placing, batch),
        )
    };
    let cap = u32::try_from(pool.per_buyer_cap)
        .map_err(|_| StoreError::Backend("flash_sales.per_buyer_cap out of range".into()))?;
    let plan = decide(&batch.items, pool.remaining, cap, existing, &held);
    if plan.accepted.is_empty() {
        return Ok((plan, Vec::new()));
    }
    let rowids = write_accepted(tx, batch, &sale, &plan, pool.remaining)?;
    let placed = plan
        .accepted
        .iter()
        .zip(rowids)
        .map(|(&i, rowid)| {
            let item = &batch.items[i];
            Placed {
                buyer: item.order.buyer_id,
                key: item.key.clone(),
                hash: item.request_hash.clone(),
                order: item.order.id.0,
                units: item.quantity,
                rowid,
            }
        })
        .collect();
    Ok((plan, placed))
}

fn read_pool(tx: &Transaction<'_>, sale: &str) -> StoreResult<Pool> {
    tx.prepare_cached(
        "SELECT sku_id, product_id, merchant_id, price_minor, currency, per_buyer_cap, \
         remaining FROM flash_sales WHERE id = ?",
    )
    .and_then(|mut s| {
        s.query_row([sale], |r| {
            Ok(Pool {
                sku_id: r.get(0)?,
                product_id: r.get(1)?,
                merchant_id: r.get(2)?,
                price_minor: r.get(3)?,
                currency: r.get(4)?,
                per_buyer_cap: r.get(5)?,
                remaining: r.get(6)?,
            })
        })
        .optional()
    })
    .map_err(backend)?
    .ok_or(StoreError::NotFound)
}

/// Every line is the sale's SKU at the flash price, sold by its merchant.
fn check_terms(batch: &WireBatch, pool: &Pool) -> StoreResult<()> {
    let fits = |o: &yc_domain::order::Order| {
        o.lines.first().is_some_and(|l| {
            l.sku_id.0.hyphenated().to_string() == pool.sku_id
                && l.product_id.0.hyphenated().to_string() == pool.product_id
                && l.unit_price.amount_minor == pool.price_minor
                && l.unit_price.currency.code() == pool.currency
        }) && o.merchant_id.0.hyphenated().to_string() == pool.merchant_id
    };
    if let Some(bad) = batch.items.iter().position(|i| !fits(&i.order)) {
        tracing::error!(
            item = bad,
            "refusing a flash item that does not fit its sale"
        );
        return Err(StoreError::Backend(
            "flash item does not fit its sale".into(),
        ));
    }
    Ok(())
}

/// The orders already placed with the batch's keys (hash, order id), by
/// the index of the first item carrying each key.
fn existing_keys(
    ledgers: &Ledgers,
    placing: &Placing,
    batch: &WireBatch,
) -> HashMap<usize, (String, String)> {
    let sale = batch.sale_id;
    first_of_keys(&batch.items)
        .into_iter()
        .filter_map(|i| {
            let item = &batch.items[i];
            let buyer = item.order.buyer_id;
            let (hash, order) = ledgers
                .key(sale, buyer, &item.key)
                .or_else(|| placing.keys.get(&(sale, buyer, item.key.clone())).cloned())?;
            Some((i, (hash, order.hyphenated().to_string())))
        })
        .collect()
}

/// What the batch's buyers already hold in this sale.
fn held_counts(ledgers: &Ledgers, placing: &Placing, batch: &WireBatch) -> HashMap<UserId, u32> {
    let sale = batch.sale_id;
    batch
        .items
        .iter()
        .map(|item| {
            let buyer = item.order.buyer_id;
            let placed = placing.held.get(&(sale, buyer)).copied().unwrap_or(0);
            (buyer, ledgers.held(sale, buyer).saturating_add(placed))
        })
        .collect()
}
