//! Micro-benchmark of the flash group commit (ignored by default):
//!
//! ```text
//! YC_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test \
//!   cargo test --release -p yc-store-postgres --test flash_bench -- --ignored --nocapture
//! ```
//!
//! For batch sizes 50, 100 and 500 it commits 200 batches through one node
//! (one pool, one batcher) and through two nodes (two pools on one schema,
//! one batcher each, racing for the sale's row lock), and for comparison
//! one transaction per order (batches of one, 16 committers on two nodes).
//! Orders are built before the clock starts: this measures the store.
//! Every configuration runs `YC_BENCH_REPEAT` times (default 3, each in a
//! fresh schema) and the median run is reported; `YC_BENCH_BATCHES`
//! overrides the 200.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod flashkit;

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;
use yc_store::{FlashBatch, FlashOutcome, Store};
use yc_store_conformance::fixtures::at;
use yc_store_postgres::PgStore;

use common::{DropSchema, fresh_schema, postgres_url};
use flashkit::{Sale, batch, bulk_buyers, db, item};

struct Run {
    orders: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Run {
    fn rate(&self) -> f64 {
        self.orders as f64 / self.elapsed.as_secs_f64()
    }

    fn report(&self, label: &str) {
        let mut l = self.latencies.clone();
        l.sort();
        let pct = |p: usize| {
            l.get((l.len() * p / 100).min(l.len().saturating_sub(1)))
                .copied()
        };
        let rate = self.rate();
        println!(
            "{label:<34} {:>7} orders in {:>6.2}s = {:>8.0} orders/s  (commit p50 {:?}, p99 {:?})",
            self.orders,
            self.elapsed.as_secs_f64(),
            rate,
            pct(50).unwrap_or_default(),
            pct(99).unwrap_or_default(),
        );
    }
}

/// A fresh schema with `nodes` stores on it, a sale with a pool of exactly
/// `batches * size` units (cap 2; every buyer buys twice), and the batches.
async fn setup(
    url: &str,
    nodes: usize,
    pool_per_node: u32,
    batches: usize,
    size: usize,
) -> (Vec<Arc<dyn Store>>, Vec<FlashBatch>, DropSchema) {
    let schema = fresh_schema();
    let guard = DropSchema {
        url: url.to_owned(),
        schema: schema.clone(),
    };
    let mut stores: Vec<Arc<dyn Store>> = Vec::new();
    for _ in 0..nodes {
        let store = PgStore::connect_in_schema(url, &schema, pool_per_node)
            .await
            .unwrap();
        stores.push(Arc::new(store));
    }
    let total = batches * size;
    let sale: Sale = flashkit::sale(&stores[0], total as i64 + 10, total as i64, 2).await;
    let direct = db(url, &schema).await;
    let buyers = bulk_buyers(&direct, total.div_ceil(2)).await;
    sqlx::query("CHECKPOINT").execute(&direct).await.unwrap();
    let built = (0..batches)
        .map(|b| {
            let now = at(b as i64);
            let items = (0..size)
                .map(|i| {
                    let n = b * size + i;
                    item(&sale, buyers[n % buyers.len()], 1, &format!("k{n}"), now)
                })
                .collect();
            batch(&sale, items, now)
        })
        .collect();
    (stores, built, guard)
}

/// `committers` tasks per node, each committing its share of `batches` in
/// turn; every order must be accepted.
async fn drive(stores: &[Arc<dyn Store>], committers: usize, batches: Vec<FlashBatch>) -> Run {
    let lanes = stores.len() * committers;
    let mut shares: Vec<Vec<FlashBatch>> = (0..lanes).map(|_| Vec::new()).collect();
    let orders = batches.iter().map(|b| b.items.len()).sum();
    for (i, b) in batches.into_iter().enumerate() {
        shares[i % lanes].push(b);
    }
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for (lane, share) in shares.into_iter().enumerate() {
        let store = Arc::clone(&stores[lane % stores.len()]);
        tasks.spawn(async move {
            let mut latencies = Vec::with_capacity(share.len());
            for b in share {
                let t = Instant::now();
                let out = store.commit_flash_batch(&b).await.unwrap();
                latencies.push(t.elapsed());
                assert!(out.outcomes.iter().all(|o| *o == FlashOutcome::Accepted));
            }
            latencies
        });
    }
    let mut latencies = Vec::new();
    while let Some(done) = tasks.join_next().await {
        latencies.extend(done.unwrap());
    }
    Run {
        orders,
        elapsed: start.elapsed(),
        latencies,
    }
}

fn env_or(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs one configuration `repeat` times and reports the median run.
async fn measure(
    label: &str,
    url: &str,
    nodes: usize,
    committers: usize,
    batches: usize,
    size: usize,
) {
    let mut runs = Vec::new();
    for _ in 0..env_or("YC_BENCH_REPEAT", 3).max(1) {
        let (stores, built, _guard) = setup(url, nodes, committers as u32 + 1, batches, size).await;
        runs.push(drive(&stores, committers, built).await);
    }
    runs.sort_by_key(|r| r.elapsed);
    let rates: Vec<String> = runs.iter().map(|r| format!("{:.0}", r.rate())).collect();
    runs[runs.len() / 2].report(label);
    println!("{:<34} all runs (orders/s): {}", "", rates.join(", "));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run with --ignored --nocapture (and --release)"]
async fn flash_group_commit_throughput() {
    let Some(url) = postgres_url() else { return };
    let batches = env_or("YC_BENCH_BATCHES", 200);
    println!("flash group commit, {batches} batches per run");
    for size in [50, 100, 500] {
        for nodes in [1, 2] {
            let label = format!("batch {size:>3}, {nodes} node(s)");
            measure(&label, &url, nodes, 1, batches, size).await;
        }
    }
    // The design this replaces: one transaction per order, many committers.
    measure("one order per transaction, 2x8", &url, 2, 8, 4000, 1).await;
}
