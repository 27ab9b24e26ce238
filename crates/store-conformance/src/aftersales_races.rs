//! After-sales and tracking guards under contention (multi-threaded
//! runtime; every task waits on a barrier so the calls start together).

use std::sync::Arc;

use tokio::sync::Barrier;
use tokio::task::JoinSet;
use yc_domain::aftersales::{RequestKind, RequestState, Transition};
use yc_domain::fulfilment::TrackingStatus;
use yc_domain::order::OrderStatus;
use yc_store::{OpenOutcome, RequestOutcome, Store, TrackingOutcome};

use crate::aftersales_fixtures::{
    open_write, opened, paid_order, refund_for, request, request_move, ship_write, tracking,
};
use crate::fixtures::{self, T0, at, unpublished_ids};

const TASKS: usize = 20;

/// 20 approvals of one request race, each carrying its own refund: one
/// applies, and one refund row exists.
pub async fn transition_request_race_refunds_once(store: Arc<dyn Store>) {
    use RequestState::{AwaitingMerchant, RefundDue};
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;
    let (order, pay) = paid_order(&store, buyer.id, &p, &[(0, 1)], None).await;
    let r = opened(&store, &order, 0, RequestKind::RefundOnly, 1, at(10)).await;

    let barrier = Arc::new(Barrier::new(TASKS));
    let mut tasks = JoinSet::new();
    for i in 0..TASKS {
        let now = at(20 + i as i64);
        let mut write = request_move(
            r.id,
            AwaitingMerchant,
            Transition::MerchantApprove,
            RefundDue,
            now,
        );
        write.refund = Some(refund_for(&r, &pay, now));
        let (store, barrier) = (Arc::clone(&store), Arc::clone(&barrier));
        tasks.spawn(async move {
            barrier.wait().await;
            let outcome = store.transition_request(&write).await;
            (write, outcome)
        });
    }
    let (mut winners, mut refused) = (Vec::new(), 0);
    while let Some(joined) = tasks.join_next().await {
        match joined.unwrap() {
            (write, Ok(RequestOutcome::Applied)) => winners.push(write),
            (_, Ok(RequestOutcome::StateWas(RefundDue))) => refused += 1,
            (_, other) => panic!("unexpected outcome under contention: {other:?}"),
        }
    }
    assert_eq!((winners.len(), refused), (1, TASKS - 1));
    let winner = &winners[0];
    let stored = store.get_request(r.id).await.unwrap().unwrap();
    assert_eq!(stored.refund, winner.refund, "the winner's refund");
    assert_eq!(stored.timeline.len(), 2, "one move recorded");
    assert_eq!(store.buyer_refunds_since(buyer.id, T0).await.unwrap(), 1);
}

/// 20 one-unit requests race on a line of 3 units: exactly 3 open.
pub async fn open_request_race_respects_line(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;
    let (order, _) = paid_order(&store, buyer.id, &p, &[(0, 3)], None).await;

    let barrier = Arc::new(Barrier::new(TASKS));
    let mut tasks = JoinSet::new();
    for i in 0..TASKS {
        let req = request(&order, 0, RequestKind::RefundOnly, 1, at(10 + i as i64));
        let mut write = open_write(req, OrderStatus::Paid);
        write.release_units = true;
        let (store, barrier) = (Arc::clone(&store), Arc::clone(&barrier));
        tasks.spawn(async move {
            barrier.wait().await;
            store.open_request(&write).await
        });
    }
    let (mut opened_n, mut limited) = (0, 0);
    while let Some(joined) = tasks.join_next().await {
        match joined.unwrap() {
            Ok(OpenOutcome::Opened) => opened_n += 1,
            Ok(OpenOutcome::LineLimit) => limited += 1,
            other => panic!("unexpected outcome under contention: {other:?}"),
        }
    }
    assert_eq!((opened_n, limited), (3, TASKS - 3));
    assert_eq!(store.order_requests(order.id).await.unwrap().len(), 3);
    let stock = fixtures::sku_stock(&store, p.id, p.skus[0].id).await;
    assert_eq!(stock, 10, "each opened request gave its unit back once");
}

/// 20 deliveries of the same event race: one is recorded.
pub async fn record_tracking_race_applies_once(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;
    let (order, _) = paid_order(&store, buyer.id, &p, &[(0, 1)], None).await;
    let ship = ship_write(&order, "SF-RACE", at(10));
    store.ship_order(&ship).await.unwrap();
    let before = unpublished_ids(&store).await.len();

    let barrier = Arc::new(Barrier::new(TASKS));
    let mut tasks = JoinSet::new();
    for i in 0..TASKS {
        let write = tracking(
            ship.shipment.id,
            0,
            TrackingStatus::PickedUp,
            at(20 + i as i64),
        );
        let (store, barrier) = (Arc::clone(&store), Arc::clone(&barrier));
        tasks.spawn(async move {
            barrier.wait().await;
            store.record_tracking(&write).await
        });
    }
    let (mut applied, mut stale) = (0, 0);
    while let Some(joined) = tasks.join_next().await {
        match joined.unwrap() {
            Ok(TrackingOutcome::Applied) => applied += 1,
            Ok(TrackingOutcome::SeqWas(1)) => stale += 1,
            other => panic!("unexpected outcome under contention: {other:?}"),
        }
    }
    assert_eq!((applied, stale), (1, TASKS - 1));
    let parcel = store.get_shipment(ship.shipment.id).await.unwrap().unwrap();
    assert_eq!(parcel.events.len(), 1);
    assert_eq!(unpublished_ids(&store).await.len(), before + 1);
}
