//! OrderStore: creating orders (stock, idempotency, all-or-nothing), listing
//! them, and guarded status transitions.

use std::sync::Arc;

use serde_json::json;
use tokio::sync::Barrier;
use tokio::task::JoinSet;
use yc_domain::order::{Order, OrderStatus};
use yc_domain::{OrderId, UserId};
use yc_store::{Store, StoreError, TransitionOutcome};

use crate::fixtures::{self, T0, at, idempotency, new_order, page, sku_stock, transition};

fn order_ids(orders: &[Order]) -> Vec<OrderId> {
    orders.iter().map(|o| o.id).collect()
}

async fn all_orders(store: &Arc<dyn Store>, buyer: UserId) -> Vec<Order> {
    store.list_orders(buyer, None, page(100, None)).await.unwrap()
}

pub async fn create_order_writes_everything(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(12900, 10), (5000, 3)]).await;
    let unrelated = fixtures::stored_product(&store, shop.id, &[(100, 1)]).await;
    store.cart_add(buyer.id, p.skus[0].id, 2, T0).await.unwrap();
    store.cart_add(buyer.id, p.skus[1].id, 1, T0).await.unwrap();
    let keep = unrelated.skus[0].id;
    store.cart_add(buyer.id, keep, 1, T0).await.unwrap();

    let mut new = new_order(buyer.id, &p, &[(0, 2), (1, 1)], at(5));
    let idem = idempotency(buyer.id, "create_order", "key-1", new.order.id.0);
    new.idempotency = Some(idem.clone());
    store.create_order(&new).await.unwrap();

    assert_eq!(sku_stock(&store, p.id, p.skus[0].id).await, 8);
    assert_eq!(sku_stock(&store, p.id, p.skus[1].id).await, 2);
    assert_eq!(
        store.get_order(new.order.id).await.unwrap(),
        Some(new.order.clone()),
        "lines, address snapshot and timeline round-trip"
    );
    assert_eq!(store.get_order(OrderId::new()).await.unwrap(), None);
    let cart = store.cart_lines(buyer.id).await.unwrap();
    assert_eq!(
        cart.iter().map(|l| l.sku_id).collect::<Vec<_>>(),
        vec![keep],
        "only the ordered lines leave the cart"
    );

    let record = store
        .get_idempotency(buyer.id, "create_order", "key-1")
        .await
        .unwrap()
        .expect("idempotency row");
    assert_eq!(record.request_hash, idem.request_hash);
    assert_eq!(record.response, idem.response);
    let miss = store.get_idempotency(buyer.id, "pay", "key-1").await.unwrap();
    assert!(miss.is_none(), "keys are per scope");
    let other = fixtures::buyer(&store).await;
    let miss = store
        .get_idempotency(other.id, "create_order", "key-1")
        .await
        .unwrap();
    assert!(miss.is_none(), "keys are per user");

    let deadline = new.order.pay_deadline;
    assert!(store.claim_jobs(T0, at(1000), 10).await.unwrap().is_empty());
    let jobs = store.claim_jobs(deadline, deadline.plus_secs(30), 10).await.unwrap();
    assert_eq!(jobs.len(), 1, "the expiry job is scheduled");
    assert_eq!(jobs[0].id, new.expiry_job.id);
    assert_eq!(jobs[0].kind, "expire_order");
    assert_eq!(jobs[0].payload, new.expiry_job.payload);
    assert_eq!(jobs[0].run_at, deadline);

    let events = store.unpublished_events(10).await.unwrap();
    assert_eq!(events.len(), 1, "the outbox event is written");
    assert_eq!(events[0].id, new.event.id);
    assert_eq!(events[0].topic, "order.created");
    assert_eq!(events[0].payload, new.event.payload);
    assert_eq!(events[0].created_at, new.event.created_at);
}

pub async fn create_order_sold_out_writes_nothing(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    // SKU ids ascend in creation order: the first line is decremented before
    // the second one fails, so the rollback must give it back.
    let p = fixtures::stored_product(&store, shop.id, &[(100, 5), (200, 1)]).await;
    store.cart_add(buyer.id, p.skus[0].id, 2, T0).await.unwrap();
    store.cart_add(buyer.id, p.skus[1].id, 2, T0).await.unwrap();
    let cart_before = store.cart_lines(buyer.id).await.unwrap();

    let mut snapshot = p.clone();
    snapshot.skus[1].stock = 99; // stale catalog read: passes the early check
    let mut new = new_order(buyer.id, &snapshot, &[(0, 2), (1, 2)], T0);
    new.idempotency = Some(idempotency(buyer.id, "create_order", "k", new.order.id.0));
    match store.create_order(&new).await {
        Err(StoreError::SoldOut { sku_id }) => assert_eq!(sku_id, p.skus[1].id),
        other => panic!("expected SoldOut, got {other:?}"),
    }

    assert_eq!(store.get_order(new.order.id).await.unwrap(), None);
    assert!(all_orders(&store, buyer.id).await.is_empty());
    let idem = store.get_idempotency(buyer.id, "create_order", "k").await.unwrap();
    assert!(idem.is_none(), "no idempotency row is kept");
    assert_eq!(sku_stock(&store, p.id, p.skus[0].id).await, 5, "stock unchanged");
    assert_eq!(sku_stock(&store, p.id, p.skus[1].id).await, 1);
    assert_eq!(store.cart_lines(buyer.id).await.unwrap(), cart_before);
    let far = at(365 * 24 * 3_600_000);
    assert!(store.claim_jobs(far, far, 10).await.unwrap().is_empty());
    assert!(store.unpublished_events(10).await.unwrap().is_empty());

    // The key was not consumed: a satisfiable retry with it succeeds.
    let mut retry = new_order(buyer.id, &snapshot, &[(0, 2), (1, 1)], T0);
    retry.idempotency = Some(idempotency(buyer.id, "create_order", "k", retry.order.id.0));
    store.create_order(&retry).await.unwrap();
    assert_eq!(sku_stock(&store, p.id, p.skus[1].id).await, 0);
}

pub async fn create_order_idempotency_key_taken(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;

    let mut first = new_order(buyer.id, &p, &[(0, 1)], T0);
    let first_idem = idempotency(buyer.id, "create_order", "same", first.order.id.0);
    first.idempotency = Some(first_idem.clone());
    store.create_order(&first).await.unwrap();

    let mut second = new_order(buyer.id, &p, &[(0, 3)], at(1));
    second.idempotency = Some(idempotency(buyer.id, "create_order", "same", second.order.id.0));
    match store.create_order(&second).await {
        Err(StoreError::IdempotencyKeyTaken) => {}
        other => panic!("expected IdempotencyKeyTaken, got {other:?}"),
    }
    assert_eq!(store.get_order(second.order.id).await.unwrap(), None);
    assert_eq!(sku_stock(&store, p.id, p.skus[0].id).await, 9);
    let record = store
        .get_idempotency(buyer.id, "create_order", "same")
        .await
        .unwrap()
        .expect("first record");
    assert_eq!(record.request_hash, first_idem.request_hash);
    assert_eq!(record.response, first_idem.response, "the first answer is kept");
    assert_eq!(order_ids(&all_orders(&store, buyer.id).await), vec![first.order.id]);

    // Same key, another user: independent.
    let other = fixtures::buyer(&store).await;
    let mut theirs = new_order(other.id, &p, &[(0, 1)], at(2));
    theirs.idempotency = Some(idempotency(other.id, "create_order", "same", theirs.order.id.0));
    store.create_order(&theirs).await.unwrap();
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
    assert!(orders.iter().all(|o| o.status == OrderStatus::PendingPayment));
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

pub async fn list_orders_pages_and_filters(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let other = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 100)]).await;
    let mut mine = Vec::new();
    for _ in 0..5 {
        mine.push(fixtures::placed_order(&store, buyer.id, &p).await);
    }
    fixtures::placed_order(&store, other.id, &p).await;
    for o in [&mine[1], &mine[3]] {
        let cancel = transition(o.id, OrderStatus::PendingPayment, OrderStatus::Cancelled, true, at(9));
        store.transition_order(&cancel).await.unwrap();
    }
    mine.reverse(); // newest first: [4, 3, 2, 1, 0]

    let first = store.list_orders(buyer.id, None, page(2, None)).await.unwrap();
    assert_eq!(order_ids(&first), order_ids(&mine[0..3]));
    assert_eq!(first[0], mine[0], "listed orders carry lines and timeline");
    assert_eq!(first[1].timeline.len(), 2, "cancelled order has two events");
    let rest = store
        .list_orders(buyer.id, None, page(2, Some(first[1].id.0)))
        .await
        .unwrap();
    assert_eq!(order_ids(&rest), order_ids(&mine[2..5]));

    let cancelled = store
        .list_orders(buyer.id, Some(OrderStatus::Cancelled), page(10, None))
        .await
        .unwrap();
    assert_eq!(order_ids(&cancelled), vec![mine[1].id, mine[3].id]);
    let pending = store
        .list_orders(buyer.id, Some(OrderStatus::PendingPayment), page(1, None))
        .await
        .unwrap();
    assert_eq!(order_ids(&pending), vec![mine[0].id, mine[2].id]);
    let paid = store
        .list_orders(buyer.id, Some(OrderStatus::Paid), page(10, None))
        .await
        .unwrap();
    assert!(paid.is_empty());
}

pub async fn transition_order_is_guarded(store: Arc<dyn Store>) {
    use OrderStatus::{Cancelled, Paid, PendingPayment, Shipped};
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;
    let order = fixtures::placed_order(&store, buyer.id, &p).await;

    let pay = transition(order.id, PendingPayment, Paid, false, at(10));
    assert_eq!(store.transition_order(&pay).await.unwrap(), TransitionOutcome::Applied);
    let stored = store.get_order(order.id).await.unwrap().unwrap();
    assert_eq!(stored.status, Paid);
    assert_eq!(stored.timeline, vec![order.timeline[0].clone(), pay.event.clone()]);

    let again = transition(order.id, PendingPayment, Paid, false, at(11));
    assert_eq!(
        store.transition_order(&again).await.unwrap(),
        TransitionOutcome::StatusWas(Paid)
    );
    let cancel = transition(order.id, PendingPayment, Cancelled, true, at(12));
    assert_eq!(
        store.transition_order(&cancel).await.unwrap(),
        TransitionOutcome::StatusWas(Paid)
    );
    let unchanged = store.get_order(order.id).await.unwrap().unwrap();
    assert_eq!(unchanged, stored, "a refused transition writes nothing");
    assert_eq!(sku_stock(&store, p.id, p.skus[0].id).await, 9, "no release");

    let ship = transition(order.id, Paid, Shipped, false, at(13));
    assert_eq!(store.transition_order(&ship).await.unwrap(), TransitionOutcome::Applied);
    assert_eq!(store.get_order(order.id).await.unwrap().unwrap().timeline.len(), 3);

    let ghost = transition(OrderId::new(), PendingPayment, Paid, false, at(14));
    match store.transition_order(&ghost).await {
        Err(StoreError::NotFound) => {}
        other => panic!("an unknown order must be NotFound, got {other:?}"),
    }

    let outbox = fixtures::unpublished_ids(&store).await;
    assert!(outbox.contains(&pay.outbox.id) && outbox.contains(&ship.outbox.id));
    assert!(!outbox.contains(&again.outbox.id) && !outbox.contains(&cancel.outbox.id));
}

pub async fn transition_order_releases_stock_once(store: Arc<dyn Store>) {
    use OrderStatus::{Cancelled, PendingPayment};
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10), (200, 5)]).await;
    let new = new_order(buyer.id, &p, &[(0, 3), (1, 2)], T0);
    store.create_order(&new).await.unwrap();
    assert_eq!(sku_stock(&store, p.id, p.skus[0].id).await, 7);
    assert_eq!(sku_stock(&store, p.id, p.skus[1].id).await, 3);

    let cancel = transition(new.order.id, PendingPayment, Cancelled, true, at(1));
    assert_eq!(store.transition_order(&cancel).await.unwrap(), TransitionOutcome::Applied);
    assert_eq!(sku_stock(&store, p.id, p.skus[0].id).await, 10);
    assert_eq!(sku_stock(&store, p.id, p.skus[1].id).await, 5);

    let expire = transition(new.order.id, PendingPayment, Cancelled, true, at(2));
    assert_eq!(
        store.transition_order(&expire).await.unwrap(),
        TransitionOutcome::StatusWas(Cancelled)
    );
    assert_eq!(sku_stock(&store, p.id, p.skus[0].id).await, 10, "released once");
    assert_eq!(sku_stock(&store, p.id, p.skus[1].id).await, 5);
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
