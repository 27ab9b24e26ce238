//! AfterSalesStore: return parcels written with request moves, and the
//! order's parcels as `FulfilmentStore::order_shipments` lists them.

use std::sync::Arc;

use yc_domain::AfterSalesId;
use yc_domain::aftersales::{RequestKind, RequestState, Transition};
use yc_domain::fulfilment::{Direction, Lane, Province, TrackingStatus};
use yc_store::{RequestOutcome, Store, StoreError};

use crate::aftersales_fixtures::{
    advance, lane, opened, paid_order, parcel, request_move, ship_write, tracking,
};
use crate::fixtures::{self, at};

use RequestState::{AwaitingMerchant, AwaitingReturn, ReturnShipped};

async fn state(store: &Arc<dyn Store>, id: AfterSalesId) -> RequestState {
    store.get_request(id).await.unwrap().unwrap().state
}

pub async fn transition_request_writes_return_parcels(store: Arc<dyn Store>) {
    use RequestState::ReplacementDue;
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10), (200, 10)]).await;
    let (order, _) = paid_order(&store, buyer.id, &p, &[(0, 1), (1, 1)], None).await;
    let outbound = ship_write(&order, "SF-OUT", at(100));
    store.ship_order(&outbound).await.unwrap();
    let order = store.get_order(order.id).await.unwrap().unwrap();
    let r1 = opened(&store, &order, 0, RequestKind::ReturnRefund, 1, at(1)).await;
    let r2 = opened(&store, &order, 1, RequestKind::Exchange, 1, at(2)).await;
    let approve = [(Transition::MerchantApprove, AwaitingReturn)];
    advance(&store, r1.id, AwaitingMerchant, &approve, at(3)).await;
    advance(&store, r2.id, AwaitingMerchant, &approve, at(3)).await;
    let back = Lane::new(Province::Guangdong, Province::Zhejiang);
    let ship_back = |id: AfterSalesId, tracking_no: &str, n: i64| {
        let mut w = request_move(
            id,
            AwaitingReturn,
            Transition::BuyerShip,
            ReturnShipped,
            at(n),
        );
        w.parcel = Some(parcel(
            &order,
            Direction::Return,
            Some(id),
            tracking_no,
            back,
            at(n),
        ));
        w
    };

    // Shipped back before the outbound parcel's time, on purpose.
    let first = ship_back(r1.id, "RT-1", 50);
    assert_eq!(
        store.transition_request(&first).await.unwrap(),
        RequestOutcome::Applied
    );
    let mut first_parcel = first.parcel.clone().unwrap();
    assert_eq!(
        store.get_shipment(first_parcel.id).await.unwrap(),
        Some(first_parcel.clone())
    );
    let picked = tracking(first_parcel.id, 0, TrackingStatus::PickedUp, at(52));
    store.record_tracking(&picked).await.unwrap();
    first_parcel.events.push(picked.event);
    let reused = ship_back(r2.id, "RT-1", 55);
    match store.transition_request(&reused).await {
        Err(StoreError::Duplicate {
            field: "tracking_no",
        }) => {}
        other => panic!("expected Duplicate(tracking_no), got {other:?}"),
    }
    assert_eq!(state(&store, r2.id).await, AwaitingReturn, "rolled back");
    let second = ship_back(r2.id, "RT-2", 60);
    store.transition_request(&second).await.unwrap();
    assert_eq!(
        store.order_shipments(order.id).await.unwrap(),
        vec![
            outbound.shipment.clone(),
            first_parcel,
            second.parcel.clone().unwrap()
        ],
        "outbound first, then returns, with their events"
    );

    // One outbound parcel per order.
    let mut reship = request_move(
        r2.id,
        ReturnShipped,
        Transition::MerchantConfirmReceipt,
        ReplacementDue,
        at(70),
    );
    reship.parcel = Some(parcel(
        &order,
        Direction::Outbound,
        Some(r2.id),
        "SF-2",
        lane(),
        at(70),
    ));
    match store.transition_request(&reship).await {
        Err(StoreError::Duplicate { field: "shipment" }) => {}
        other => panic!("expected Duplicate(shipment), got {other:?}"),
    }
    assert_eq!(state(&store, r2.id).await, ReturnShipped, "rolled back");
    assert_eq!(store.order_shipments(order.id).await.unwrap().len(), 3);
}
