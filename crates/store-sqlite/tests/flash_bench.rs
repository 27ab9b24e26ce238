//! Micro-benchmark of the flash hot path: sequential `commit_flash_batch`
//! calls (as the single group-commit writer makes them) into a temp-file
//! database with durable settings (WAL, synchronous=FULL: one fsync per
//! batch). Batches are built before the clock starts.
//!
//! ```text
//! cargo test --release -p yc-store-sqlite --test flash_bench -- --ignored --nocapture
//! ```
//! `FLASH_BENCH_BATCHES` (default 200) and `FLASH_BENCH_SIZES` (default
//! "50,100,500") change the run.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use yc_domain::UserId;
use yc_store::{FlashBatch, FlashOutcome, Store};
use yc_store_conformance::fixtures::{self, at};
use yc_store_conformance::live_fixtures::{flash_batch, flash_item, stored_sale};
use yc_store_sqlite::SqliteStore;

const BUYERS: usize = 2000;

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

async fn run(batches: usize, size: usize) {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(
        SqliteStore::open(&dir.path().join("bench.db"))
            .await
            .unwrap(),
    );
    let orders = i64::try_from(batches * size).unwrap();
    let (p, sale) = stored_sale(&store, orders, orders, 99).await;
    let mut buyers: Vec<UserId> = Vec::with_capacity(BUYERS);
    for _ in 0..BUYERS {
        buyers.push(fixtures::buyer(&store).await.id);
    }
    let all: Vec<FlashBatch> = (0..batches)
        .map(|b| {
            let now = at(i64::try_from(b).unwrap());
            let items = (0..size)
                .map(|i| {
                    let n = b * size + i;
                    let key = format!("bench-{n}");
                    flash_item(&sale, &p, buyers[n % BUYERS], 1, &key, now)
                })
                .collect();
            flash_batch(&sale, items, now)
        })
        .collect();

    let mut slowest = Duration::ZERO;
    let mut accepted = 0_usize;
    let started = Instant::now();
    for batch in &all {
        let t = Instant::now();
        let result = store.commit_flash_batch(batch).await.unwrap();
        slowest = slowest.max(t.elapsed());
        accepted += result
            .outcomes
            .iter()
            .filter(|o| **o == FlashOutcome::Accepted)
            .count();
    }
    let elapsed = started.elapsed();
    assert_eq!(
        accepted,
        batches * size,
        "every order fits the pool and caps"
    );
    let per_sec = accepted as f64 / elapsed.as_secs_f64();
    println!(
        "flash bench: batch {size:>4} × {batches} batches: {accepted} orders in {:.3}s = \
         {per_sec:>8.0} orders/s (mean {:.2} ms/batch, max {:.2} ms)",
        elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1000.0 / batches as f64,
        slowest.as_secs_f64() * 1000.0,
    );
    assert_eq!(
        store
            .get_flash_sale(sale.id)
            .await
            .unwrap()
            .unwrap()
            .remaining,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run with --release --ignored --nocapture"]
async fn flash_commit_throughput() {
    let batches: usize = env_or("FLASH_BENCH_BATCHES", "200").parse().unwrap();
    for size in env_or("FLASH_BENCH_SIZES", "50,100,500").split(',') {
        run(batches, size.trim().parse().unwrap()).await;
    }
}
