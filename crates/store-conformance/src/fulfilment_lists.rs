//! FulfilmentStore: the lists — a shop's orders to ship, and the delivery
//! history the ETA model samples (latest delivered outbound parcels).

use std::sync::Arc;

use yc_domain::aftersales::{RequestKind, RequestState, Transition};
use yc_domain::fulfilment::{Direction, Lane, LaneClass, Province, TrackingStatus};
use yc_domain::order::{Order, OrderStatus};
use yc_store::Store;

use crate::aftersales_fixtures::{
    advance, lane, opened, paid_order, parcel, request_move, ship_write, tracking,
};
use crate::fixtures::{self, at, transition};

pub async fn orders_to_ship_oldest_paid_first(store: Arc<dyn Store>) {
    use OrderStatus::{Paid, PendingPayment};
    let shop = fixtures::merchant(&store).await;
    let other = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 20)]).await;
    let q = fixtures::stored_product(&store, other.id, &[(100, 20)]).await;
    let mut ids = Vec::new();
    // Created at 30, 10, 20, 0: the store must sort by creation time.
    for created in [30, 10, 20, 0] {
        let new = fixtures::new_order(buyer.id, &p, &[(0, 1)], at(created));
        store.create_order(&new).await.unwrap();
        ids.push(new.order.id);
    }
    for id in &ids[..3] {
        let pay = transition(*id, PendingPayment, Paid, false, at(40));
        store.transition_order(&pay).await.unwrap();
    }
    let shipped = store.get_order(ids[1]).await.unwrap().unwrap();
    store
        .ship_order(&ship_write(&shipped, "SF-S", at(50)))
        .await
        .unwrap();
    let (_, _) = paid_order(&store, buyer.id, &q, &[(0, 1)], None).await;

    assert_eq!(
        store.orders_to_ship(shop.id, 10).await.unwrap(),
        vec![ids[2], ids[0]],
        "paid and not shipped, oldest first, this shop only"
    );
    assert_eq!(
        store.orders_to_ship(shop.id, 1).await.unwrap(),
        vec![ids[2]]
    );
}

/// Ships (and, when `delivered` is set, delivers) one order on `lane`.
async fn parcel_on(
    store: &Arc<dyn Store>,
    order: &Order,
    lane: Lane,
    shipped: i64,
    delivered: Option<i64>,
) {
    let mut ship = ship_write(order, &format!("SF-{}", order.id), at(shipped));
    ship.shipment.lane = lane;
    store.ship_order(&ship).await.unwrap();
    if let Some(d) = delivered {
        let write = tracking(ship.shipment.id, 0, TrackingStatus::Delivered, at(d));
        store.record_tracking(&write).await.unwrap();
    }
}

pub async fn samples_are_latest_delivered_outbound(store: Arc<dyn Store>) {
    use Province::{Beijing, Guangdong, Jiangsu, Zhejiang};
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 50)]).await;
    let mut orders = Vec::new();
    for _ in 0..7 {
        orders.push(paid_order(&store, buyer.id, &p, &[(0, 1)], None).await.0);
    }
    let (zj_gd, zj_bj, zj_js) = (
        lane(),
        Lane::new(Zhejiang, Beijing),
        Lane::new(Zhejiang, Jiangsu),
    );
    parcel_on(&store, &orders[0], zj_gd, 0, Some(50)).await;
    parcel_on(&store, &orders[1], zj_gd, 10, Some(90)).await;
    parcel_on(&store, &orders[2], zj_gd, 20, Some(70)).await;
    parcel_on(&store, &orders[3], zj_gd, 30, None).await; // not delivered
    parcel_on(&store, &orders[4], zj_bj, 40, Some(80)).await;
    parcel_on(&store, &orders[5], zj_js, 45, Some(100)).await; // same region
    // A delivered return parcel on the same lane is not a sample.
    let request = opened(&store, &orders[6], 0, RequestKind::ReturnRefund, 1, at(3)).await;
    let approve = (Transition::MerchantApprove, RequestState::AwaitingReturn);
    advance(
        &store,
        request.id,
        RequestState::AwaitingMerchant,
        &[approve],
        at(4),
    )
    .await;
    let back = parcel(
        &orders[6],
        Direction::Return,
        Some(request.id),
        "RT-1",
        zj_gd,
        at(5),
    );
    let mut ship_back = request_move(
        request.id,
        RequestState::AwaitingReturn,
        Transition::BuyerShip,
        RequestState::ReturnShipped,
        at(5),
    );
    ship_back.parcel = Some(back.clone());
    store.transition_request(&ship_back).await.unwrap();
    let returned = tracking(back.id, 0, TrackingStatus::Delivered, at(200));
    store.record_tracking(&returned).await.unwrap();

    assert_eq!(
        store.lane_samples(zj_gd, 10).await.unwrap(),
        vec![(at(10), at(90)), (at(20), at(70)), (at(0), at(50))],
        "newest delivery first"
    );
    assert_eq!(
        store.lane_samples(zj_gd, 2).await.unwrap(),
        vec![(at(10), at(90)), (at(20), at(70))]
    );
    assert_eq!(
        store
            .lane_samples(Lane::new(Guangdong, Zhejiang), 10)
            .await
            .unwrap(),
        vec![],
        "lanes have a direction"
    );
    assert_eq!(zj_gd.class(), LaneClass::CrossRegion);
    assert_eq!(zj_bj.class(), LaneClass::CrossRegion);
    assert_eq!(
        store
            .class_samples(LaneClass::CrossRegion, 10)
            .await
            .unwrap(),
        vec![
            (at(10), at(90)),
            (at(40), at(80)),
            (at(20), at(70)),
            (at(0), at(50))
        ]
    );
    assert_eq!(
        store
            .class_samples(LaneClass::SameRegion, 10)
            .await
            .unwrap(),
        vec![(at(45), at(100))]
    );
    assert_eq!(
        store.class_samples(LaneClass::Remote, 10).await.unwrap(),
        vec![]
    );
}
