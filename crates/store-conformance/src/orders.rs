//! OrderStore: creating orders (stock, idempotency, all-or-nothing) and
//! listing them.

use std::sync::Arc;

use yc_domain::OrderId;
use yc_domain::order::{Order, OrderEvent, OrderStatus};
use yc_store::{Store, StoreError};

use crate::fixtures::{
    self, T0, all_orders, at, idempotency, new_order, page, sku_stock, transition,
};

fn order_ids(orders: &[Order]) -> Vec<OrderId> {
    orders.iter().map(|o| o.id).collect()
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
    let miss = store
        .get_idempotency(buyer.id, "pay", "key-1")
        .await
        .unwrap();
    assert!(miss.is_none(), "keys are per scope");
    let other = fixtures::buyer(&store).await;
    let miss = store
        .get_idempotency(other.id, "create_order", "key-1")
        .await
        .unwrap();
    assert!(miss.is_none(), "keys are per user");

    let deadline = new.order.pay_deadline;
    assert!(store.claim_jobs(T0, at(1000), 10).await.unwrap().is_empty());
    let jobs = store
        .claim_jobs(deadline, deadline.plus_secs(30), 10)
        .await
        .unwrap();
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

/// A timeline reads back exactly, whatever the store keeps on the order's
/// row: a placed order's note and the events after it in order, and a
/// history that does not start with "placed, pending payment, at
/// creation" (an order imported with its past) as it was written.
pub async fn order_timelines_round_trip(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(500, 10)]).await;

    let mut placed = new_order(buyer.id, &p, &[(0, 1)], at(5));
    placed.order.timeline[0].note = "直播秒杀 'quoted' {x,y}".into();
    store.create_order(&placed).await.unwrap();
    let id = placed.order.id;
    let pay = transition(
        id,
        OrderStatus::PendingPayment,
        OrderStatus::Paid,
        false,
        at(6),
    );
    store.transition_order(&pay).await.unwrap();
    let ship = transition(id, OrderStatus::Paid, OrderStatus::Shipped, false, at(7));
    store.transition_order(&ship).await.unwrap();
    let stored = store.get_order(id).await.unwrap().unwrap();
    assert_eq!(
        stored.timeline,
        vec![
            placed.order.timeline[0].clone(),
            pay.event.clone(),
            ship.event.clone()
        ],
        "placed first, then each move in order"
    );
    assert_eq!(stored.as_placed(), placed.order, "what a key replays");

    let mut imported = new_order(buyer.id, &p, &[(0, 1)], at(10));
    imported.order.timeline[0].at = at(11);
    imported.order.timeline.push(OrderEvent {
        status: OrderStatus::PendingPayment,
        at: at(12),
        note: "address corrected".into(),
    });
    store.create_order(&imported).await.unwrap();
    assert_eq!(
        store.get_order(imported.order.id).await.unwrap(),
        Some(imported.order.clone()),
        "a history not starting at creation is kept as written"
    );
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
    let idem = store
        .get_idempotency(buyer.id, "create_order", "k")
        .await
        .unwrap();
    assert!(idem.is_none(), "no idempotency row is kept");
    assert_eq!(
        sku_stock(&store, p.id, p.skus[0].id).await,
        5,
        "stock unchanged"
    );
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
    second.idempotency = Some(idempotency(
        buyer.id,
        "create_order",
        "same",
        second.order.id.0,
    ));
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
    assert_eq!(
        record.response, first_idem.response,
        "the first answer is kept"
    );
    assert_eq!(
        order_ids(&all_orders(&store, buyer.id).await),
        vec![first.order.id]
    );

    // Same key, another user: independent.
    let other = fixtures::buyer(&store).await;
    let mut theirs = new_order(other.id, &p, &[(0, 1)], at(2));
    theirs.idempotency = Some(idempotency(
        other.id,
        "create_order",
        "same",
        theirs.order.id.0,
    ));
    store.create_order(&theirs).await.unwrap();
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
        let cancel = transition(
            o.id,
            OrderStatus::PendingPayment,
            OrderStatus::Cancelled,
            true,
            at(9),
        );
        store.transition_order(&cancel).await.unwrap();
    }
    mine.reverse(); // newest first: [4, 3, 2, 1, 0]

    let first = store
        .list_orders(buyer.id, None, page(2, None))
        .await
        .unwrap();
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
