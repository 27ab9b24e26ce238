//! OrderStore: guarded status transitions and the stock they release.

use std::sync::Arc;

use yc_domain::OrderId;
use yc_domain::order::OrderStatus;
use yc_store::{Store, StoreError, TransitionOutcome};

use crate::fixtures::{self, T0, at, new_order, sku_stock, transition};

pub async fn transition_order_is_guarded(store: Arc<dyn Store>) {
    use OrderStatus::{Cancelled, Paid, PendingPayment, Shipped};
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;
    let order = fixtures::placed_order(&store, buyer.id, &p).await;

    let pay = transition(order.id, PendingPayment, Paid, false, at(10));
    assert_eq!(
        store.transition_order(&pay).await.unwrap(),
        TransitionOutcome::Applied
    );
    let stored = store.get_order(order.id).await.unwrap().unwrap();
    assert_eq!(stored.status, Paid);
    assert_eq!(
        stored.timeline,
        vec![order.timeline[0].clone(), pay.event.clone()]
    );

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
    assert_eq!(
        store.transition_order(&ship).await.unwrap(),
        TransitionOutcome::Applied
    );
    assert_eq!(
        store
            .get_order(order.id)
            .await
            .unwrap()
            .unwrap()
            .timeline
            .len(),
        3
    );

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
    assert_eq!(
        store.transition_order(&cancel).await.unwrap(),
        TransitionOutcome::Applied
    );
    assert_eq!(sku_stock(&store, p.id, p.skus[0].id).await, 10);
    assert_eq!(sku_stock(&store, p.id, p.skus[1].id).await, 5);

    let expire = transition(new.order.id, PendingPayment, Cancelled, true, at(2));
    assert_eq!(
        store.transition_order(&expire).await.unwrap(),
        TransitionOutcome::StatusWas(Cancelled)
    );
    assert_eq!(
        sku_stock(&store, p.id, p.skus[0].id).await,
        10,
        "released once"
    );
    assert_eq!(sku_stock(&store, p.id, p.skus[1].id).await, 5);
}
