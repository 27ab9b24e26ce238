//! Flash sales under contention on PostgreSQL: two nodes (separate pools,
//! as separate processes would have) committing batches against one pool,
//! and expiry racing cancellation.
//!
//! Needs `YC_TEST_POSTGRES_URL`; without it every test passes at once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod flashkit;

use std::collections::HashMap;
use std::sync::Arc;

use sqlx::PgPool;
use tokio::sync::Barrier;
use tokio::task::JoinSet;
use yc_domain::order::OrderStatus;
use yc_domain::{OrderId, UserId};
use yc_store::{FlashOutcome, Store, TransitionOutcome};
use yc_store_conformance::fixtures::{self, T0, at};
use yc_store_postgres::PgStore;

use common::{DropSchema, fresh_schema, postgres_url};
use flashkit::{Lcg, batch, bulk_buyers, counters, db, item, live_units};

/// Two stores with separate pools on one fresh schema, and a direct pool.
async fn two_nodes(url: &str) -> (Arc<dyn Store>, Arc<dyn Store>, PgPool, DropSchema) {
    let schema = fresh_schema();
    let guard = DropSchema {
        url: url.to_owned(),
        schema: schema.clone(),
    };
    let (a, b) = tokio::join!(
        PgStore::connect_in_schema(url, &schema, 4),
        PgStore::connect_in_schema(url, &schema, 4),
    );
    let a: Arc<dyn Store> = Arc::new(a.unwrap());
    let b: Arc<dyn Store> = Arc::new(b.unwrap());
    (a, b, db(url, &schema).await, guard)
}

const POOL: i64 = 300;
const CAP: u32 = 2;
const TASKS: usize = 8;
const BATCHES: usize = 12;
const BATCH: usize = 25;

/// 8 tasks on two nodes commit batches of random buyers (1–2 units each,
/// cap 2, some retried keys) against a pool of 300: nothing oversold, no
/// buyer over the cap, and the database agrees with the outcomes.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_group_commits_never_oversell() {
    let Some(url) = postgres_url() else { return };
    let (a, b, db, _guard) = two_nodes(&url).await;
    let sale = Arc::new(flashkit::sale(&a, 1000, POOL, CAP).await);
    let buyers = Arc::new(bulk_buyers(&db, 400).await);

    let barrier = Arc::new(Barrier::new(TASKS));
    let mut tasks = JoinSet::new();
    for t in 0..TASKS {
        let node = Arc::clone(if t % 2 == 0 { &a } else { &b });
        let (sale, buyers, barrier) =
            (Arc::clone(&sale), Arc::clone(&buyers), Arc::clone(&barrier));
        tasks.spawn(async move {
            let mut rng = Lcg(t as u64 + 1);
            let mut accepted: Vec<(UserId, u32, OrderId)> = Vec::new();
            let mut refused = Vec::new();
            let mut sent = Vec::new();
            barrier.wait().await;
            for n in 0..BATCHES {
                let now = at((n * 10) as i64);
                let items: Vec<_> = (0..BATCH)
                    .map(|i| {
                        // Every 7th item retries an earlier request of this task.
                        if i % 7 == 6 && !sent.is_empty() {
                            let earlier: &yc_store::FlashItem = &sent[rng.below(sent.len())];
                            return earlier.clone();
                        }
                        let buyer = buyers[rng.below(buyers.len())];
                        let quantity = 1 + rng.below(2) as u32;
                        item(&sale, buyer, quantity, &format!("t{t}-b{n}-i{i}"), now)
                    })
                    .collect();
                let out = node
                    .commit_flash_batch(&batch(&sale, items.clone(), now))
                    .await
                    .unwrap();
                assert_eq!(out.outcomes.len(), items.len());
                assert!(out.remaining >= 0);
                for (it, outcome) in items.iter().zip(&out.outcomes) {
                    match outcome {
                        FlashOutcome::Accepted => {
                            let o = &it.order;
                            accepted.push((o.buyer_id, o.lines[0].quantity, o.id));
                        }
                        FlashOutcome::Refused(_) => refused.push(it.order.id),
                        FlashOutcome::Replayed(r) => {
                            assert_eq!(r.request_hash, it.idempotency.request_hash);
                        }
                    }
                }
                sent.extend(items);
            }
            (accepted, refused)
        });
    }
    let mut accepted = Vec::new();
    let mut refused = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (acc, refs) = joined.unwrap();
        accepted.extend(acc);
        refused.extend(refs);
    }

    let remaining = b
        .get_flash_sale(sale.sale.id)
        .await
        .unwrap()
        .unwrap()
        .remaining;
    let units: i64 = accepted.iter().map(|a| i64::from(a.1)).sum();
    assert!(remaining >= 0);
    assert_eq!(units, POOL - remaining, "accepted units came from the pool");
    assert!(units > 0 && !refused.is_empty(), "the race was contended");
    let mut per_buyer: HashMap<uuid::Uuid, i64> = HashMap::new();
    for (buyer, q, _) in &accepted {
        *per_buyer.entry(buyer.0).or_default() += i64::from(*q);
    }
    assert!(
        per_buyer.values().all(|q| *q <= i64::from(CAP)),
        "nobody over the cap"
    );

    let (in_db, db_per_buyer) = live_units(&db, &sale.sale).await;
    assert_eq!(in_db, units, "flash orders in the database match");
    let mut db_per_buyer: Vec<_> = db_per_buyer;
    db_per_buyer.sort();
    let mut expected: Vec<_> = per_buyer.into_iter().collect();
    expected.sort();
    assert_eq!(db_per_buyer, expected);
    assert_eq!(counters(&db, &sale.sale).await, expected, "counters agree");
    for (_, _, id) in accepted.iter().take(20) {
        assert!(a.get_order(*id).await.unwrap().is_some());
    }
    // A refused request retried later may have been accepted then.
    let accepted_ids: std::collections::HashSet<OrderId> = accepted.iter().map(|a| a.2).collect();
    refused.retain(|id| !accepted_ids.contains(id));
    for id in refused.iter().take(20) {
        assert!(b.get_order(*id).await.unwrap().is_none());
    }
    let sku = sale.sale.sku_id;
    assert_eq!(
        fixtures::sku_stock(&a, sale.product.id, sku).await,
        1000 - POOL
    );
}

/// Expiry on one node races buyers cancelling on the other: every unit
/// comes back exactly once, whoever wins each order.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn expiry_racing_cancellation_returns_units_once() {
    let Some(url) = postgres_url() else { return };
    let (a, b, db, _guard) = two_nodes(&url).await;
    let sale = flashkit::sale(&a, 100, 60, 2).await;
    let buyers = bulk_buyers(&db, 40).await;
    let items: Vec<_> = buyers
        .iter()
        .enumerate()
        .map(|(i, buyer)| item(&sale, *buyer, 1 + (i % 2) as u32, &format!("k{i}"), T0))
        .collect();
    let total: i64 = items
        .iter()
        .map(|i| i64::from(i.order.lines[0].quantity))
        .sum();
    let out = a
        .commit_flash_batch(&batch(&sale, items.clone(), T0))
        .await
        .unwrap();
    assert_eq!(out.remaining, 60 - total);
    let deadline = items[0].order.pay_deadline;

    let barrier = Arc::new(Barrier::new(2));
    let expirer = {
        let (a, barrier, id) = (Arc::clone(&a), Arc::clone(&barrier), sale.sale.id);
        tokio::spawn(async move {
            barrier.wait().await;
            let mut n = 0;
            loop {
                let got = a
                    .expire_flash_orders(id, deadline, "超时", 7)
                    .await
                    .unwrap();
                assert!(got <= 7, "never past the limit");
                if got == 0 {
                    return n;
                }
                n += got;
            }
        })
    };
    let canceller = {
        let (b, barrier) = (Arc::clone(&b), Arc::clone(&barrier));
        let ids: Vec<OrderId> = items.iter().rev().map(|i| i.order.id).collect();
        tokio::spawn(async move {
            barrier.wait().await;
            let mut n = 0;
            for id in ids {
                let w = fixtures::transition(
                    id,
                    OrderStatus::PendingPayment,
                    OrderStatus::Cancelled,
                    true,
                    deadline,
                );
                if b.transition_order(&w).await.unwrap() == TransitionOutcome::Applied {
                    n += 1;
                }
            }
            n
        })
    };
    let (expired, cancelled) = (expirer.await.unwrap(), canceller.await.unwrap());
    assert_eq!(expired + cancelled, 40, "each order cancelled once");
    assert_eq!(
        a.get_flash_sale(sale.sale.id)
            .await
            .unwrap()
            .unwrap()
            .remaining,
        60
    );
    assert_eq!(live_units(&db, &sale.sale).await.0, 0);
    assert!(counters(&db, &sale.sale).await.is_empty());
}
