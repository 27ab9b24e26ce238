//! The flash hot path's writer: one OS thread with its own connection
//! (rusqlite) that runs batches — read the pool, bring the sale's ledger
//! of keys and held units up to date (`flash_ledger`), decide, write —
//! and commits them, as ONE synchronous call per transaction.
//!
//! Why not the sqlx writer: see `conn_thread` (measured with `bench
//! flash-sale`: 5.2–5.6k → 6.3–7.5k orders/s on the same build).
//!
//! Every batch queued when the thread becomes free goes into the same
//! transaction (`flash_group`): one fsync for all of them. One writer
//! serves every sale of the node, so with several rooms selling at once
//! their batches queue behind each other's commits.
//!
//! Writers stay serialised in-process: the thread holds the store's write
//! gate (`writer`) for the whole transaction, so this connection never
//! competes with the sqlx writer for SQLite's lock.

use std::path::Path;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};

use rusqlite::Connection;
use tokio::sync::oneshot;
use yc_store::{StoreError, StoreResult};

use crate::flash_group::{Job, commit_group};
use crate::flash_ledger::SharedLedgers;
use crate::flash_plan::Plan;
use crate::flash_wire::WireBatch;
use crate::writer::Gate;

/// Statements the connection keeps prepared (every statement of a batch).
const STATEMENTS: usize = 32;
/// Bounds on one transaction: batches, and their items together (a batch
/// that alone exceeds it still runs, alone).
const GROUP_BATCHES: usize = 64;
const GROUP_ITEMS: usize = 1024;

/// Handle to the writer thread.
#[derive(Clone, Debug)]
pub(crate) struct FlashThread {
    jobs: Arc<Mutex<Option<mpsc::Sender<Job>>>>,
    /// `flash_index_mark.last_rowid` as the indexer last committed it.
    #[cfg(test)]
    mark: Arc<AtomicI64>,
}

pub(crate) fn backend(e: rusqlite::Error) -> StoreError {
    tracing::error!(error = %e, "sqlite flash writer failure");
    StoreError::Backend(e.to_string())
}

fn stopped() -> StoreError {
    StoreError::Backend("the flash writer stopped".into())
}

impl FlashThread {
    /// Opens the connection (the schema must exist) and starts the thread.
    pub fn start(
        path: &Path,
        gate: Gate,
        ledgers: SharedLedgers,
        mark: Arc<AtomicI64>,
        groups: Arc<AtomicU64>,
    ) -> StoreResult<FlashThread> {
        let conn = open(path).map_err(backend)?;
        let (tx, rx) = mpsc::channel::<Job>();
        let writer = Writer {
            gate,
            ledgers,
            mark: mark.clone(),
            groups,
        };
        std::thread::Builder::new()
            .name("yc-sqlite-flash".into())
            .spawn(move || writer.serve(conn, &rx))
            .map_err(|e| {
                tracing::error!(error = %e, "cannot start the flash writer thread");
                StoreError::Backend(format!("cannot start the flash writer: {e}"))
            })?;
        Ok(FlashThread {
            jobs: Arc::new(Mutex::new(Some(tx))),
            #[cfg(test)]
            mark,
        })
    }

    /// Runs one batch on the thread, in the next transaction it commits.
    /// The queue is unbounded in type only: every caller waits for its
    /// answer, and each sale's lane has a bounded number of batches out.
    pub async fn run(&self, batch: WireBatch) -> StoreResult<Plan> {
        let (reply, answer) = oneshot::channel();
        let sent = self.jobs.lock().ok().is_some_and(|jobs| {
            jobs.as_ref()
                .is_some_and(|tx| tx.send(Job { batch, reply }).is_ok())
        });
        if !sent {
            return Err(stopped());
        }
        answer.await.map_err(|_| stopped())?
    }

    #[cfg(test)]
    pub fn mark(&self) -> Arc<AtomicI64> {
        self.mark.clone()
    }

    /// Lets the thread finish its current transaction and close its connection.
    pub fn stop(&self) {
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.take();
        }
    }
}

/// What the thread holds besides its connection.
struct Writer {
    gate: Gate,
    ledgers: SharedLedgers,
    mark: Arc<AtomicI64>,
    /// Transactions committed so far: the indexer's sign of a busy sale.
    groups: Arc<AtomicU64>,
}

impl Writer {
    /// Waits for a batch, takes every batch queued behind it (within the
    /// bounds), commits them together and answers each.
    fn serve(&self, mut conn: Connection, rx: &mpsc::Receiver<Job>) {
        while let Ok(first) = rx.recv() {
            let mut items = first.batch.items.len();
            let mut jobs = vec![first];
            while jobs.len() < GROUP_BATCHES && items < GROUP_ITEMS {
                match rx.try_recv() {
                    Ok(job) => {
                        items += job.batch.items.len();
                        jobs.push(job);
                    }
                    Err(_) => break,
                }
            }
            // A plain OS thread, not a runtime's: blocking here is the point.
            let answers = {
                let _gate = self.gate.blocking_lock();
                commit_group(&mut conn, &jobs, &self.ledgers, &self.mark)
            };
            self.groups.fetch_add(1, Ordering::Release);
            for (job, answer) in jobs.into_iter().zip(answers) {
                let _ = job.reply.send(answer);
            }
        }
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
    let conn = crate::conn_thread::open(path, true)?;
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
