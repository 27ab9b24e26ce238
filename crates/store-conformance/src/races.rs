//! Cases that race many tasks on a multi-threaded runtime: the guards of the
//! contract must hold under real contention, not only one call at a time.
//! Every task waits on a barrier so the calls start together.

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::json;
use tokio::sync::Barrier;
use tokio::task::JoinSet;
use yc_domain::order::OrderStatus;
use yc_store::{FlashOutcome, SkuPatch, Store, StoreError, TransitionOutcome};

use crate::fixtures::{self, all_orders, at, idempotency, job, new_order, sku_stock, transition};
use crate::live_fixtures::{flash_batch, flash_item, remaining, stored_sale};

/// 25 concurrent `-1` deltas on 10 units: exactly 10 succeed.
pub async fn update_sku_concurrent_deltas(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;
    let sku = p.skus[0].id;
    let barrier = Arc::new(tokio::sync::Barrier::new(25));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..25 {
        let (store, barrier) = (Arc::clone(&store), Arc::clone(&barrier));
        tasks.spawn(async move {
            barrier.wait().await;
            let patch = SkuPatch {
                price: None,
                stock_delta: Some(-1),
            };
            store.update_sku(shop.id, sku, &patch).await
        });
    }
    let (mut ok, mut refused) = (0, 0);
    while let Some(joined) = tasks.join_next().await {
        match joined.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::StockOutOfRange) => refused += 1,
            Err(other) => panic!("unexpected error: {other:?}"),
        }
    }
    assert_eq!((ok, refused), (10, 15));
    assert_eq!(sku_stock(&store, p.id, sku).await, 0);
}

/// 200 buyers race for 50 units: exactly 50 orders, 150 `SoldOut`, stock 0.
pub async fn create_order_concurrent_stock(store: Arc<dyn Store>) {
    const TASKS: usize = 200;
    const STOCK: i64 = 50;
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(9900, STOCK)]).await;
    let sku = p.skus[0].id;

    let barrier = Arc::new(Barrier::new(TASKS));
    let mut tasks = JoinSet::new();
    for i in 0..TASKS {
        let new = new_order(buyer.id, &p, &[(0, 1)], at(i as i64));
        let (store, barrier) = (Arc::clone(&store), Arc::clone(&barrier));
        tasks.spawn(async move {
            barrier.wait().await;
            store.create_order(&new).await
        });
    }
    let (mut ok, mut sold_out) = (0, 0);
    while let Some(joined) = tasks.join_next().await {
        match joined.unwrap() {
            Ok(()) => ok += 1,
            Err(StoreError::SoldOut { sku_id }) if sku_id == sku => sold_out += 1,
            Err(other) => panic!("unexpected error under contention: {other:?}"),
        }
    }
    assert_eq!((ok, sold_out), (50, 150));
    assert_eq!(sku_stock(&store, p.id, sku).await, 0);
    let orders = all_orders(&store, buyer.id).await;
    assert_eq!(orders.len(), 50, "one stored order per success");
    assert!(
        orders
            .iter()
            .all(|o| o.status == OrderStatus::PendingPayment)
    );
}

/// 20 retries of one request with one key race: exactly one order exists.
pub async fn create_order_concurrent_same_key(store: Arc<dyn Store>) {
    const TASKS: usize = 20;
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(9900, 100)]).await;

    let barrier = Arc::new(Barrier::new(TASKS));
    let mut tasks = JoinSet::new();
    for i in 0..TASKS {
        let mut new = new_order(buyer.id, &p, &[(0, 1)], at(i as i64));
        new.idempotency = Some(idempotency(buyer.id, "create_order", "dup", new.order.id.0));
        let (store, barrier) = (Arc::clone(&store), Arc::clone(&barrier));
        tasks.spawn(async move {
            barrier.wait().await;
            store.create_order(&new).await
        });
    }
    let (mut ok, mut taken) = (0, 0);
    while let Some(joined) = tasks.join_next().await {
        match joined.unwrap() {
            Ok(()) => ok += 1,
            Err(StoreError::IdempotencyKeyTaken) => taken += 1,
            Err(other) => panic!("unexpected error under contention: {other:?}"),
        }
    }
    assert_eq!((ok, taken), (1, TASKS - 1));
    let orders = all_orders(&store, buyer.id).await;
    assert_eq!(orders.len(), 1);
    assert_eq!(sku_stock(&store, p.id, p.skus[0].id).await, 99);
    let record = store
        .get_idempotency(buyer.id, "create_order", "dup")
        .await
        .unwrap()
        .expect("record");
    assert_eq!(
        record.response,
        json!({ "id": orders[0].id, "status": 201 }),
        "the record is the winner's"
    );
}

/// The buyer cancels while the expiry job fires, for ten orders at once:
/// each order is released exactly once.
pub async fn transition_order_race_releases_once(store: Arc<dyn Store>) {
    use OrderStatus::{Cancelled, PendingPayment};
    const ORDERS: usize = 10;
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 2 * ORDERS as i64)]).await;
    let sku = p.skus[0].id;
    let mut orders = Vec::new();
    for i in 0..ORDERS {
        let new = new_order(buyer.id, &p, &[(0, 2)], at(i as i64));
        store.create_order(&new).await.unwrap();
        orders.push(new.order.id);
    }
    assert_eq!(sku_stock(&store, p.id, sku).await, 0);

    let barrier = Arc::new(Barrier::new(2 * ORDERS));
    let mut tasks = JoinSet::new();
    for id in orders {
        for n in 0..2 {
            let write = transition(id, PendingPayment, Cancelled, true, at(100 + n));
            let (store, barrier) = (Arc::clone(&store), Arc::clone(&barrier));
            tasks.spawn(async move {
                barrier.wait().await;
                store.transition_order(&write).await
            });
        }
    }
    let (mut applied, mut refused) = (0, 0);
    while let Some(joined) = tasks.join_next().await {
        match joined.unwrap() {
            Ok(TransitionOutcome::Applied) => applied += 1,
            Ok(TransitionOutcome::StatusWas(Cancelled)) => refused += 1,
            other => panic!("unexpected outcome: {other:?}"),
        }
    }
    assert_eq!((applied, refused), (ORDERS, ORDERS));
    assert_eq!(sku_stock(&store, p.id, sku).await, 2 * ORDERS as i64);
}

/// Ten workers claim 5 at a time from 40 due jobs: no job is handed out
/// twice and none is lost.
pub async fn jobs_concurrent_claimers_never_share(store: Arc<dyn Store>) {
    const JOBS: usize = 40;
    const WORKERS: usize = 10;
    let mut scheduled = HashSet::new();
    for i in 0..JOBS {
        let j = job("expire_order", at(i as i64));
        store.schedule_job(&j).await.unwrap();
        scheduled.insert(j.id);
    }
    let barrier = Arc::new(Barrier::new(WORKERS));
    let mut tasks = JoinSet::new();
    for _ in 0..WORKERS {
        let (store, barrier) = (Arc::clone(&store), Arc::clone(&barrier));
        tasks.spawn(async move {
            barrier.wait().await;
            store.claim_jobs(at(1000), at(60_000), 5).await
        });
    }
    let mut seen = HashSet::new();
    while let Some(joined) = tasks.join_next().await {
        let jobs = joined.unwrap().unwrap();
        assert!(jobs.len() <= 5, "limit respected");
        for j in jobs {
            assert!(seen.insert(j.id), "job {} leased twice", j.id);
            assert_eq!(j.attempts, 1);
        }
    }
    assert_eq!(seen, scheduled, "every due job is leased exactly once");
}

/// A tiny deterministic generator (SplitMix64): cases stay reproducible
/// without a dependency.
pub(crate) fn next(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// 8 tasks each commit 25 batches of 10 requests (1–2 units, random buyers
/// shared between tasks, cap 2) against a pool of 300: the pool accounts
/// for every accepted unit, never goes negative, and no buyer passes the
/// cap, counted from the stored orders.
pub async fn flash_batches_concurrent_respect_pool_and_caps(store: Arc<dyn Store>) {
    const TASKS: u64 = 8;
    const BATCHES: usize = 25;
    const ITEMS: usize = 10;
    const BUYERS: u64 = 160;
    const POOL: i64 = 300;
    const CAP: u32 = 2;
    let (p, sale) = stored_sale(&store, 500, POOL, CAP).await;
    let mut buyers = Vec::new();
    for _ in 0..BUYERS {
        buyers.push(fixtures::buyer(&store).await.id);
    }
    let buyers = Arc::new(buyers);

    let barrier = Arc::new(Barrier::new(TASKS as usize));
    let mut tasks = JoinSet::new();
    for t in 0..TASKS {
        let (store, barrier, buyers) = (
            Arc::clone(&store),
            Arc::clone(&barrier),
            Arc::clone(&buyers),
        );
        let (p, sale) = (p.clone(), sale.clone());
        tasks.spawn(async move {
            let mut rng = t;
            let (mut units, mut refused) = (0_i64, 0_usize);
            barrier.wait().await;
            for b in 0..BATCHES {
                let items: Vec<_> = (0..ITEMS)
                    .map(|i| {
                        let buyer = buyers[(next(&mut rng) % BUYERS) as usize];
                        let quantity = 1 + (next(&mut rng) % 2) as u32;
                        flash_item(
                            &sale,
                            &p,
                            buyer,
                            quantity,
                            &format!("t{t}-b{b}-i{i}"),
                            at(b as i64),
                        )
                    })
                    .collect();
                let batch = flash_batch(&sale, items, at(b as i64));
                let result = store.commit_flash_batch(&batch).await.unwrap();
                assert!(
                    (0..=POOL).contains(&result.remaining),
                    "remaining {}",
                    result.remaining
                );
                assert_eq!(result.outcomes.len(), ITEMS);
                for (item, outcome) in batch.items.iter().zip(&result.outcomes) {
                    match outcome {
                        FlashOutcome::Accepted => units += i64::from(item.order.lines[0].quantity),
                        FlashOutcome::Refused(_) => refused += 1,
                        FlashOutcome::Replayed(_) => panic!("no key is reused"),
                    }
                }
            }
            (units, refused)
        });
    }
    let (mut units, mut refused) = (0, 0);
    while let Some(joined) = tasks.join_next().await {
        let (u, r) = joined.unwrap();
        units += u;
        refused += r;
    }
    let left = remaining(&store, sale.id).await;
    assert!(left >= 0);
    assert_eq!(
        units,
        POOL - left,
        "the pool accounts for every accepted unit"
    );
    assert!(refused > 0, "demand exceeds the pool and the caps");

    let mut stored_units = 0_i64;
    for buyer in buyers.iter() {
        let held: u32 = all_orders(&store, *buyer)
            .await
            .iter()
            .filter(|o| o.flash_sale_id == Some(sale.id))
            .flat_map(|o| o.lines.iter().map(|l| l.quantity))
            .sum();
        assert!(held <= CAP, "buyer {buyer} holds {held} > cap {CAP}");
        stored_units += i64::from(held);
    }
    assert_eq!(stored_units, units, "one stored order per accepted item");
    assert_eq!(sku_stock(&store, p.id, sale.sku_id).await, 500 - POOL);
}
