//! The flash-sale engine: one writer lane per sale per node. Handlers only
//! enqueue; the lane drains everything that queued while the previous
//! batch was committing, builds the orders, and commits them in ONE
//! transaction (one fsync), then answers everyone. This is group commit:
//! the busier the sale, the bigger the batch, the cheaper each order.
//! Correctness does not rest on the lane: the store re-decides every batch
//! on the locked sale row, so several nodes stay exact.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};
use yc_domain::account::User;
use yc_domain::live::{FlashSale, SaleItem};
use yc_domain::order::Order;
use yc_domain::{FlashSaleId, Timestamp};

use crate::ServiceResult;

/// Requests one batch may hold; bounds the transaction and its latency.
pub const MAX_BATCH: usize = 512;
/// Requests queued per sale per node before new ones are turned away.
pub const MAX_QUEUE: usize = 20_000;
/// A lane with no requests for this long stops (and is rebuilt on demand).
pub const IDLE_MS: u64 = 60_000;
/// A "sold out" hint older than this is re-checked against the store
/// (units come back when unpaid orders expire, possibly on another node).
pub const HINT_TTL_MS: i64 = 500;

pub(crate) struct BuyJob {
    pub user: User,
    pub quantity: u32,
    pub key: String,
    pub hash: String,
    pub reply: oneshot::Sender<ServiceResult<Order>>,
}

/// What a lane knows of its sale and product (both immutable once the sale exists).
#[derive(Clone)]
pub(crate) struct SaleSnapshot {
    pub sale: FlashSale,
    pub item: SaleItem,
}

pub(crate) struct Lane {
    pub snapshot: SaleSnapshot,
    pub tx: mpsc::Sender<BuyJob>,
    /// Pool size after the last batch this node committed or read.
    pub remaining_hint: AtomicI64,
    pub hint_at_ms: AtomicI64,
}

impl Lane {
    /// True when the pool was empty a moment ago: answer "sold out"
    /// without queueing (the 99 % who lose never touch the database).
    pub fn known_sold_out(&self, now: Timestamp) -> bool {
        self.remaining_hint.load(Ordering::Acquire) <= 0
            && now.millis() - self.hint_at_ms.load(Ordering::Acquire) < HINT_TTL_MS
    }
    pub fn set_hint(&self, remaining: i64, now: Timestamp) {
        self.remaining_hint.store(remaining, Ordering::Release);
        self.hint_at_ms.store(now.millis(), Ordering::Release);
    }
}

#[derive(Clone, Default)]
pub struct FlashEngine {
    lanes: Arc<Mutex<HashMap<FlashSaleId, Arc<Lane>>>>,
    /// Held while a lane's sale is read from the store: when a sale opens,
    /// every buyer's first request finds no lane, and without it each one
    /// read the sale, its product and its insurance.
    pub(crate) loading: Arc<tokio::sync::Mutex<()>>,
    /// The Idempotency-Key checks of refused requests (`replays`).
    pub(crate) key_checks: super::replays::KeyChecks,
}

/// The thread every lane of this process runs on. A lane is a chain of
/// awaits (address read, commit, answers); on the shared runtime each one
/// re-queues behind the HTTP tasks (measured: +10 % flash orders/s on its
/// own thread). It lives as long as the process, so connections a lane
/// opens stay attached to a running IO driver.
fn lane_runtime() -> Option<&'static tokio::runtime::Handle> {
    static RUNTIME: OnceLock<Option<tokio::runtime::Handle>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .thread_name("yc-flash-lanes")
                .build()
                .map_err(|e| tracing::error!(error = %e, "no flash lane runtime"))
                .ok()?;
            let handle = runtime.handle().clone();
            std::thread::Builder::new()
                .name("yc-flash-lanes".into())
                .spawn(move || runtime.block_on(std::future::pending::<()>()))
                .map_err(|e| tracing::error!(error = %e, "no flash lane thread"))
                .ok()?;
            Some(handle)
        })
        .as_ref()
}

/// Runs a lane's writer task on the lanes' thread (or, if that thread
/// could not start, on the caller's runtime).
pub(crate) fn spawn_lane<F>(task: F)
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    match lane_runtime() {
        Some(handle) => drop(handle.spawn(task)),
        None => drop(tokio::spawn(task)),
    }
}

impl FlashEngine {
    pub(crate) fn lane(&self, id: FlashSaleId) -> Option<Arc<Lane>> {
        self.lanes
            .lock()
            .ok()?
            .get(&id)
            .filter(|l| !l.tx.is_closed())
            .cloned()
    }

    /// Registers a lane unless another task did first; returns the one in use
    /// and, if it is new, the receiver its writer task must drain.
    pub(crate) fn install(
        &self,
        snapshot: SaleSnapshot,
        remaining: i64,
        now: Timestamp,
    ) -> Option<(Arc<Lane>, Option<mpsc::Receiver<BuyJob>>)> {
        let mut lanes = self.lanes.lock().ok()?;
        if let Some(existing) = lanes.get(&snapshot.sale.id).filter(|l| !l.tx.is_closed()) {
            return Some((existing.clone(), None));
        }
        let (tx, rx) = mpsc::channel(MAX_QUEUE);
        let lane = Arc::new(Lane {
            snapshot,
            tx,
            remaining_hint: AtomicI64::new(remaining),
            hint_at_ms: AtomicI64::new(now.millis()),
        });
        lanes.insert(lane.snapshot.sale.id, lane.clone());
        Some((lane, Some(rx)))
    }

    /// Forgets an idle lane (only if it is still the registered one).
    pub(crate) fn retire(&self, lane: &Arc<Lane>) {
        if let Ok(mut lanes) = self.lanes.lock()
            && lanes
                .get(&lane.snapshot.sale.id)
                .is_some_and(|l| Arc::ptr_eq(l, lane))
        {
            lanes.remove(&lane.snapshot.sale.id);
        }
    }

    pub(crate) fn refresh_hint(&self, id: FlashSaleId, remaining: i64, now: Timestamp) {
        if let Some(lane) = self.lane(id) {
            lane.set_hint(remaining, now);
        }
    }
}

/// Takes the next batch: waits for one request (or the idle timeout),
/// then everything already queued, up to `MAX_BATCH`.
pub(crate) async fn next_batch(rx: &mut mpsc::Receiver<BuyJob>) -> Option<Vec<BuyJob>> {
    let first = tokio::time::timeout(Duration::from_millis(IDLE_MS), rx.recv())
        .await
        .ok()??;
    let mut batch = Vec::with_capacity(64);
    batch.push(first);
    while batch.len() < MAX_BATCH {
        match rx.try_recv() {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
    Some(batch)
}
