//! PostgreSQL-specific checks the backend-neutral suite cannot express:
//! several nodes (separate pools, as separate processes would have) sharing
//! one database, concurrent first-time migrations, and the error mapping.
//!
//! Needs `YC_TEST_POSTGRES_URL`; without it every test passes at once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashSet;
use std::sync::Arc;

use serde_json::json;
use tokio::sync::Barrier;
use tokio::task::JoinSet;
use yc_domain::order::OrderStatus;
use yc_domain::{JobId, SkuId, Timestamp};
use yc_store::{NewJob, NewSession, SessionKind, Store, StoreError};
use yc_store_conformance::fixtures::{self, T0, at, idempotency, new_order, page, sku_stock};
use yc_store_postgres::PgStore;

use common::{DropSchema, fresh_schema, postgres_url};

/// Two stores with separate pools on one fresh schema, opened at the same
/// time (both race to create the schema and run the migrations).
async fn two_nodes(url: &str) -> (Arc<dyn Store>, Arc<dyn Store>, DropSchema) {
    let schema = fresh_schema();
    let guard = DropSchema {
        url: url.to_owned(),
        schema: schema.clone(),
    };
    let (a, b) = tokio::join!(
        PgStore::connect_in_schema(url, &schema, 6),
        PgStore::connect_in_schema(url, &schema, 6),
    );
    let a: Arc<dyn Store> = Arc::new(a.expect("node a"));
    let b: Arc<dyn Store> = Arc::new(b.expect("node b"));
    (a, b, guard)
}

/// 200 buyers race for 50 units through two nodes: exactly 50 orders.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_never_oversell() {
    let Some(url) = postgres_url() else { return };
    let (a, b, _guard) = two_nodes(&url).await;
    let shop = fixtures::merchant(&a).await;
    let buyer = fixtures::buyer(&b).await;
    let p = fixtures::stored_product(&a, shop.id, &[(9900, 50)]).await;
    let sku = p.skus[0].id;

    let barrier = Arc::new(Barrier::new(200));
    let mut tasks = JoinSet::new();
    for i in 0..200_i64 {
        let node = Arc::clone(if i % 2 == 0 { &a } else { &b });
        let barrier = Arc::clone(&barrier);
        let new = new_order(buyer.id, &p, &[(0, 1)], at(i));
        tasks.spawn(async move {
            barrier.wait().await;
            node.create_order(&new).await
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
    assert_eq!(sku_stock(&a, p.id, sku).await, 0);
    let orders = b
        .list_orders(buyer.id, None, page(100, None))
        .await
        .unwrap();
    assert_eq!(orders.len(), 50);
    // Every order's expiry job and outbox event were written with it.
    assert_eq!(a.unpublished_events(1000).await.unwrap().len(), 50);
    let far = at(24 * 3_600_000);
    assert_eq!(b.claim_jobs(far, far, 100).await.unwrap().len(), 50);
}

/// 20 retries of one request with one key through two nodes: one order.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_same_idempotency_key() {
    let Some(url) = postgres_url() else { return };
    let (a, b, _guard) = two_nodes(&url).await;
    let shop = fixtures::merchant(&a).await;
    let buyer = fixtures::buyer(&a).await;
    let p = fixtures::stored_product(&a, shop.id, &[(9900, 100)]).await;

    let barrier = Arc::new(Barrier::new(20));
    let mut tasks = JoinSet::new();
    for i in 0..20_i64 {
        let node = Arc::clone(if i % 2 == 0 { &a } else { &b });
        let barrier = Arc::clone(&barrier);
        let mut new = new_order(buyer.id, &p, &[(0, 1)], at(i));
        new.idempotency = Some(idempotency(buyer.id, "create_order", "k", new.order.id.0));
        tasks.spawn(async move {
            barrier.wait().await;
            node.create_order(&new).await
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
    assert_eq!((ok, taken), (1, 19));
    let orders = a
        .list_orders(buyer.id, None, page(100, None))
        .await
        .unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!(orders[0].status, OrderStatus::PendingPayment);
    assert_eq!(sku_stock(&b, p.id, p.skus[0].id).await, 99);
}

/// Twelve workers on two nodes lease 5 jobs at a time from 60 due jobs:
/// no job is leased twice, none is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_share_jobs_without_overlap() {
    let Some(url) = postgres_url() else { return };
    let (a, b, _guard) = two_nodes(&url).await;
    let mut scheduled = HashSet::new();
    for i in 0..60_i64 {
        let job = NewJob {
            id: JobId::new(),
            kind: "expire_order".into(),
            payload: json!({ "n": i }),
            run_at: at(i),
        };
        a.schedule_job(&job).await.unwrap();
        scheduled.insert(job.id);
    }
    let barrier = Arc::new(Barrier::new(12));
    let mut tasks = JoinSet::new();
    for w in 0..12 {
        let node = Arc::clone(if w % 2 == 0 { &a } else { &b });
        let barrier = Arc::clone(&barrier);
        tasks.spawn(async move {
            barrier.wait().await;
            node.claim_jobs(at(1000), at(60_000), 5).await
        });
    }
    let mut seen = HashSet::new();
    while let Some(joined) = tasks.join_next().await {
        let jobs = joined.unwrap().unwrap();
        assert!(jobs.windows(2).all(|w| w[0].run_at <= w[1].run_at));
        for j in jobs {
            assert!(seen.insert(j.id), "job leased twice");
        }
    }
    assert_eq!(seen, scheduled);
    assert!(
        b.claim_jobs(at(2000), at(60_000), 100)
            .await
            .unwrap()
            .is_empty()
    );
}

/// Unique violations become named errors; references to missing rows are
/// `NotFound`; a failed transaction keeps nothing.
#[tokio::test]
async fn errors_are_mapped_and_nothing_is_kept() {
    let Some(url) = postgres_url() else { return };
    let (store, _, _guard) = two_nodes(&url).await;
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 5)]).await;

    let mut again = fixtures::product(shop.id, &[(100, 1)]);
    again.id = p.id;
    match store.insert_product(&again).await {
        Err(StoreError::Duplicate { field: "id" }) => {}
        other => panic!("expected Duplicate id, got {other:?}"),
    }
    let mut reused_sku = fixtures::product(shop.id, &[(100, 1)]);
    reused_sku.skus[0].id = p.skus[0].id;
    match store.insert_product(&reused_sku).await {
        Err(StoreError::Duplicate { field: "id" }) => {}
        other => panic!("expected Duplicate id (of the SKU), got {other:?}"),
    }
    assert_eq!(
        store.get_product(reused_sku.id).await.unwrap(),
        None,
        "rolled back"
    );

    let mut upper = fixtures::new_user(yc_domain::account::Role::Buyer, None);
    upper.login = buyer.login.to_uppercase();
    match store.create_user(&upper, "h", None).await {
        Err(StoreError::Duplicate { field: "login" }) => {}
        other => panic!("logins are unique case-insensitively, got {other:?}"),
    }

    let session = NewSession {
        token_hash: "f".repeat(64),
        user_id: buyer.id,
        kind: SessionKind::Api,
        created_at: T0,
        expires_at: at(1000),
    };
    store.create_session(&session).await.unwrap();
    match store.create_session(&session).await {
        Err(StoreError::Duplicate {
            field: "token_hash",
        }) => {}
        other => panic!("expected Duplicate token_hash, got {other:?}"),
    }

    match store.cart_add(buyer.id, SkuId::new(), 1, T0).await {
        Err(StoreError::NotFound) => {}
        other => panic!("an unknown SKU must be NotFound, got {other:?}"),
    }
    assert!(store.cart_lines(buyer.id).await.unwrap().is_empty());

    // An order line naming a SKU that does not exist reserves nothing.
    let mut ghost = new_order(buyer.id, &p, &[(0, 1)], T0);
    let missing = SkuId::new();
    ghost.order.lines[0].sku_id = missing;
    match store.create_order(&ghost).await {
        Err(StoreError::SoldOut { sku_id }) => assert_eq!(sku_id, missing),
        other => panic!("expected SoldOut for a missing SKU, got {other:?}"),
    }
    assert_eq!(store.get_order(ghost.order.id).await.unwrap(), None);
    assert_eq!(sku_stock(&store, p.id, p.skus[0].id).await, 5);
    assert_eq!(
        store
            .session_user(&session.token_hash, Timestamp(T0.millis() + 1))
            .await
            .unwrap(),
        Some(buyer)
    );
}

/// Re-adding a SKU moves its line to the top (as on SQLite); setting the
/// quantity keeps the line where it is.
#[tokio::test]
async fn cart_add_refreshes_the_line_set_keeps_it() {
    let Some(url) = postgres_url() else { return };
    let (store, _, _guard) = two_nodes(&url).await;
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 5), (100, 5)]).await;
    let (s0, s1) = (p.skus[0].id, p.skus[1].id);
    store.cart_add(buyer.id, s0, 1, at(0)).await.unwrap();
    store.cart_add(buyer.id, s1, 1, at(1)).await.unwrap();
    store.cart_set(buyer.id, s0, 3, at(2)).await.unwrap();
    let order = |lines: Vec<yc_store::CartRow>| lines.iter().map(|l| l.sku_id).collect::<Vec<_>>();
    assert_eq!(
        order(store.cart_lines(buyer.id).await.unwrap()),
        vec![s1, s0]
    );
    store.cart_add(buyer.id, s0, 1, at(3)).await.unwrap();
    let lines = store.cart_lines(buyer.id).await.unwrap();
    assert_eq!(order(lines.clone()), vec![s0, s1]);
    assert_eq!((lines[0].quantity, lines[0].added_at), (4, at(3)));
    match store.cart_set(buyer.id, s1, 0, at(4)).await {
        Err(StoreError::Backend(_)) => {}
        other => panic!("a zero quantity is refused by the schema, got {other:?}"),
    }
}
