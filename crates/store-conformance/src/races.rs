//! Cases that race many tasks on a multi-threaded runtime: the guards of the
//! contract must hold under real contention, not only one call at a time.
//! Every task waits on a barrier so the calls start together.

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::json;
use tokio::sync::Barrier;
use tokio::task::JoinSet;
use yc_domain::order::OrderStatus;
use yc_store::{SkuPatch, Store, StoreError, TransitionOutcome};

use crate::fixtures::{self, all_orders, at, idempotency, job, new_order, sku_stock, transition};

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
