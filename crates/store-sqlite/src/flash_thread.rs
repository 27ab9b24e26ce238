//! The flash hot path's writer: one OS thread with its own connection
//! (rusqlite) that runs a whole batch — read the pool, bring the sale's
//! ledger of keys and held units up to date (`flash_ledger`), decide,
//! write, commit — as ONE synchronous call.
//!
//! Why not the sqlx writer: see `conn_thread` (measured with `bench
//! flash-sale`: 5.2–5.6k → 6.3–7.5k orders/s on the same build).
//!
//! Writers stay serialised in-process: the thread holds the store's write
//! gate (`writer`) for the whole transaction, so this connection never
//! competes with the sqlx writer for SQLite's lock. Batches queue on the
//! thread, so the next one starts the moment a commit returns.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use yc_domain::UserId;
use yc_store::{StoreError, StoreResult};

use crate::conn_thread::ConnThread;
use crate::flash_ledger::{Ledgers, Placed, SharedLedgers};
use crate::flash_plan::{Plan, decide, first_of_keys};
use crate::flash_wire::WireBatch;
use crate::flash_writes::write_accepted;
use crate::writer::Gate;

/// Statements the connection keeps prepared (every statement of a batch).
const STATEMENTS: usize = 32;

/// Handle to the writer thread.
#[derive(Clone, Debug)]
pub(crate) struct FlashThread {
    thread: ConnThread,
    gate: Gate,
    ledgers: SharedLedgers,
    /// `flash_index_mark.last_rowid` as the indexer last committed it.
    mark: Arc<AtomicI64>,
}

pub(crate) fn backend(e: rusqlite::Error) -> StoreError {
    tracing::error!(error = %e, "sqlite flash writer failure");
    StoreError::Backend(e.to_string())
}

impl FlashThread {
    /// Opens the connection (the schema must exist) and starts the thread.
    pub fn start(
        path: &Path,
        gate: Gate,
        ledgers: SharedLedgers,
        mark: Arc<AtomicI64>,
    ) -> StoreResult<FlashThread> {
        let conn = open(path).map_err(backend)?;
        let thread = ConnThread::start("yc-sqlite-flash", conn)?;
        Ok(FlashThread {
            thread,
            gate,
            ledgers,
            mark,
        })
    }

    /// Runs one batch on the thread, under the write gate.
    pub async fn run(&self, batch: WireBatch) -> StoreResult<Plan> {
        let (gate, ledgers, mark) = (self.gate.clone(), self.ledgers.clone(), self.mark.clone());
        self.thread
            .run(move |conn| {
                // A plain OS thread, not a runtime's: blocking here is the point.
                let _gate = gate.blocking_lock();
                commit(conn, &batch, &ledgers, &mark)
            })
            .await
    }

    #[cfg(test)]
    pub fn mark(&self) -> Arc<AtomicI64> {
        self.mark.clone()
    }

    /// Lets the thread finish its current batch and close its connection.
    pub fn stop(&self) {
        self.thread.stop();
    }
}

/// Same durability and cache as the sqlx writer (see `SqliteStore::open`).
///
/// Foreign keys are off on this connection only: every reference a flash
/// batch writes is checked by the batch itself — SKU, product and merchant
/// against the sale row read in the same transaction (`check_terms`),
/// lines and events point at the order just inserted, and each buyer has
/// the default address read for the batch (which references the user;
/// users are never deleted). SQLite's own checks were 7 index lookups per
/// order on the writer thread.
fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(crate::BUSY_TIMEOUT)?;
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(rusqlite::Error::InvalidParameterName(format!(
            "flash writer needs WAL, database is in {mode}"
        )));
    }
    conn.execute_batch(
        "PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF; \
         PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;",
    )?;
    conn.query_row(
        &format!(
            "PRAGMA wal_autocheckpoint = {}",
            crate::checkpointer::BACKSTOP_FRAMES
        ),
        [],
        |_| Ok(()),
    )?;
    conn.set_prepared_statement_cache_capacity(STATEMENTS);
    Ok(conn)
}

/// One `BEGIN IMMEDIATE` transaction; nothing stays behind on an error,
/// and the ledger learns of the batch's orders only once they committed.
fn commit(
    conn: &mut Connection,
    batch: &WireBatch,
    ledgers: &SharedLedgers,
    mark: &AtomicI64,
) -> StoreResult<Plan> {
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(backend)?;
    // Split of the writer's time (statements vs WAL write + fsync), for
    // RUST_LOG=yc_store_sqlite=debug when tuning the hot path.
    let started = std::time::Instant::now();
    let (plan, placed) = decide_and_write(&tx, batch, ledgers)?;
    let written = std::time::Instant::now();
    if let Err(e) = tx.commit() {
        // Whether a failed COMMIT left anything behind is the file's to
        // say, not the ledger's: the sale is reloaded before its next batch.
        ledgers.lock()?.forget(batch.sale_id);
        return Err(backend(e));
    }
    let mut held = ledgers.lock()?;
    for order in placed {
        held.record(batch.sale_id, order);
    }
    held.evict(mark.load(Ordering::Acquire));
    tracing::debug!(
        items = batch.items.len(),
        statements_us = (written - started).as_micros(),
        commit_us = written.elapsed().as_micros(),
        "flash writer batch"
    );
    Ok(plan)
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
    tx: &rusqlite::Transaction<'_>,
    batch: &WireBatch,
    ledgers: &SharedLedgers,
) -> StoreResult<(Plan, Vec<Placed>)> {
    let sale = batch.sale_id.0.hyphenated().to_string();
    let pool = tx
        .prepare_cached(
            "SELECT sku_id, product_id, merchant_id, price_minor, currency, per_buyer_cap, \
             remaining FROM flash_sales WHERE id = ?",
        )
        .and_then(|mut s| {
            s.query_row([&sale], |r| {
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
        .ok_or(StoreError::NotFound)?;
    check_terms(batch, &pool)?;
    let (existing, held) = {
        let mut ledgers = ledgers.lock()?;
        ledgers.prepare(tx, batch.sale_id)?;
        (existing_keys(&ledgers, batch), held_counts(&ledgers, batch))
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
fn existing_keys(ledgers: &Ledgers, batch: &WireBatch) -> HashMap<usize, (String, String)> {
    first_of_keys(&batch.items)
        .into_iter()
        .filter_map(|i| {
            let item = &batch.items[i];
            let (hash, order) = ledgers.key(batch.sale_id, item.order.buyer_id, &item.key)?;
            Some((i, (hash, order.hyphenated().to_string())))
        })
        .collect()
}

/// What the batch's buyers already hold in this sale.
fn held_counts(ledgers: &Ledgers, batch: &WireBatch) -> HashMap<UserId, u32> {
    batch
        .items
        .iter()
        .map(|item| {
            let buyer = item.order.buyer_id;
            (buyer, ledgers.held(batch.sale_id, buyer))
        })
        .collect()
}
