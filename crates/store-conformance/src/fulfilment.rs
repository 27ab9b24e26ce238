//! FulfilmentStore: shipping paid orders, parcels and their tracking
//! events (the lists are in `fulfilment_lists`).

use std::sync::Arc;

use yc_domain::ShipmentId;
use yc_domain::fulfilment::TrackingStatus;
use yc_domain::order::{Order, OrderStatus};
use yc_store::{Store, StoreError, TrackingOutcome, TransitionOutcome};

use crate::aftersales_fixtures::{
    CARRIER, HOUR_MS, due_job_kinds, paid_order, ship_write, tracking,
};
use crate::fixtures::{self, at, placed_order, transition, unpublished_ids};

async fn stored(store: &Arc<dyn Store>, order: &Order) -> Order {
    store.get_order(order.id).await.unwrap().unwrap()
}

pub async fn ship_order_ships_paid_orders_once(store: Arc<dyn Store>) {
    use OrderStatus::{PendingPayment, Shipped};
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;
    let (order, _) = paid_order(&store, buyer.id, &p, &[(0, 1)], None).await;
    let unpaid = placed_order(&store, buyer.id, &p).await;

    let early = ship_write(&unpaid, "SF0", at(5));
    assert_eq!(
        store.ship_order(&early).await.unwrap(),
        TransitionOutcome::StatusWas(PendingPayment),
        "only a paid order ships"
    );
    assert_eq!(stored(&store, &unpaid).await, unpaid, "nothing written");
    assert_eq!(
        store.shipment_by_tracking(CARRIER, "SF0").await.unwrap(),
        None
    );

    let ship = ship_write(&order, "SF1", at(10));
    assert_eq!(
        store.ship_order(&ship).await.unwrap(),
        TransitionOutcome::Applied
    );
    let shipped = stored(&store, &order).await;
    assert_eq!(shipped.status, Shipped);
    assert_eq!(shipped.timeline.last(), Some(&ship.transition.event));
    assert_eq!(
        store.get_shipment(ship.shipment.id).await.unwrap(),
        Some(ship.shipment.clone()),
        "the parcel round-trips (masked waybill, lane, no events yet)"
    );
    assert_eq!(
        store.shipment_by_tracking(CARRIER, "SF1").await.unwrap(),
        Some(ship.shipment.clone())
    );
    assert_eq!(
        store.shipment_by_tracking("YTO", "SF1").await.unwrap(),
        None
    );
    assert_eq!(store.get_shipment(ShipmentId::new()).await.unwrap(), None);

    let again = ship_write(&order, "SF2", at(11));
    assert_eq!(
        store.ship_order(&again).await.unwrap(),
        TransitionOutcome::StatusWas(Shipped)
    );
    assert_eq!(
        store.shipment_by_tracking(CARRIER, "SF2").await.unwrap(),
        None
    );
    assert_eq!(
        store.order_shipments(order.id).await.unwrap(),
        vec![ship.shipment.clone()]
    );
    let outbox = unpublished_ids(&store).await;
    assert!(outbox.contains(&ship.transition.outbox.id));
    assert!(!outbox.contains(&again.transition.outbox.id));
    assert!(!outbox.contains(&early.transition.outbox.id));
    let kinds = due_job_kinds(&store, at(HOUR_MS)).await;
    assert_eq!(
        kinds.iter().filter(|k| *k == "carrier_poll").count(),
        1,
        "only the applied shipping wrote its jobs: {kinds:?}"
    );
}

pub async fn ship_order_duplicate_tracking_writes_nothing(store: Arc<dyn Store>) {
    use OrderStatus::Paid;
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;
    let (a, _) = paid_order(&store, buyer.id, &p, &[(0, 1)], None).await;
    let (b, _) = paid_order(&store, buyer.id, &p, &[(0, 1)], None).await;
    let first = ship_write(&a, "SF-DUP", at(10));
    store.ship_order(&first).await.unwrap();
    let outbox_before = unpublished_ids(&store).await;

    let reused = ship_write(&b, "SF-DUP", at(11));
    match store.ship_order(&reused).await {
        Err(StoreError::Duplicate {
            field: "tracking_no",
        }) => {}
        other => panic!("expected Duplicate(tracking_no), got {other:?}"),
    }
    let b_now = stored(&store, &b).await;
    assert_eq!(b_now, b, "the order move is rolled back: still paid");
    assert_eq!(b_now.status, Paid);
    assert_eq!(store.get_shipment(reused.shipment.id).await.unwrap(), None);
    assert_eq!(store.order_shipments(b.id).await.unwrap(), vec![]);
    assert_eq!(unpublished_ids(&store).await, outbox_before);
    let kinds = due_job_kinds(&store, at(HOUR_MS)).await;
    assert_eq!(kinds.iter().filter(|k| *k == "carrier_poll").count(), 1);

    // The number is unique per carrier, not across carriers.
    let mut other_carrier = ship_write(&b, "SF-DUP", at(12));
    other_carrier.shipment.carrier = "YTO".into();
    assert_eq!(
        store.ship_order(&other_carrier).await.unwrap(),
        TransitionOutcome::Applied
    );
}

pub async fn record_tracking_appends_in_seq_order(store: Arc<dyn Store>) {
    use OrderStatus::{Delivered, Shipped};
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;
    let (order, _) = paid_order(&store, buyer.id, &p, &[(0, 1)], None).await;
    let ship = ship_write(&order, "SF-T", at(10));
    store.ship_order(&ship).await.unwrap();
    let id = ship.shipment.id;

    let picked = tracking(id, 0, TrackingStatus::PickedUp, at(20));
    assert_eq!(
        store.record_tracking(&picked).await.unwrap(),
        TrackingOutcome::Applied
    );
    let stale = tracking(id, 0, TrackingStatus::OutForDelivery, at(21));
    assert_eq!(
        store.record_tracking(&stale).await.unwrap(),
        TrackingOutcome::SeqWas(1),
        "a stale expected seq is refused"
    );
    let city = TrackingStatus::InTransit {
        city: "广州".into(),
    };
    let transit = tracking(id, 1, city, at(30));
    assert_eq!(
        store.record_tracking(&transit).await.unwrap(),
        TrackingOutcome::Applied
    );
    let mut delivered = tracking(id, 2, TrackingStatus::Delivered, at(40));
    delivered.order = Some(transition(order.id, Shipped, Delivered, false, at(40)));
    delivered.jobs = vec![fixtures::job("auto_confirm", at(40))];
    assert_eq!(
        store.record_tracking(&delivered).await.unwrap(),
        TrackingOutcome::Applied
    );

    let parcel = store.get_shipment(id).await.unwrap().unwrap();
    let events = vec![
        picked.event.clone(),
        transit.event.clone(),
        delivered.event.clone(),
    ];
    assert_eq!(parcel.events, events, "oldest first, the stale one absent");
    assert_eq!(parcel.last_seq(), Some(3));
    assert_eq!(parcel.delivered_at, Some(at(40)));
    let shipped = store.shipment_by_tracking(CARRIER, "SF-T").await.unwrap();
    assert_eq!(shipped, Some(parcel));
    let order_now = stored(&store, &order).await;
    assert_eq!(order_now.status, Delivered);
    assert_eq!(
        order_now.timeline.last(),
        Some(&delivered.order.as_ref().unwrap().event)
    );
    let outbox = unpublished_ids(&store).await;
    for applied in [&picked, &transit, &delivered] {
        assert!(outbox.contains(&applied.outbox.id));
    }
    assert!(outbox.contains(&delivered.order.as_ref().unwrap().outbox.id));
    assert!(
        !outbox.contains(&stale.outbox.id),
        "nothing of a refused event"
    );
    let kinds = due_job_kinds(&store, at(HOUR_MS)).await;
    assert!(kinds.contains(&"auto_confirm".to_owned()));

    let ghost = tracking(ShipmentId::new(), 0, TrackingStatus::PickedUp, at(50));
    match store.record_tracking(&ghost).await {
        Err(StoreError::NotFound) => {}
        other => panic!("an unknown parcel must be NotFound, got {other:?}"),
    }
}
