//! AfterSalesStore: guarded request moves and everything they carry
//! (idempotency row, refund, 运费险 claim, order move), all or nothing;
//! return parcels are in `aftersales_parcels`.

use std::sync::Arc;

use yc_domain::aftersales::{
    ClaimRecord, InsuranceSource, RETURN_INSURANCE_PAYOUT_FEN, RequestKind, RequestState,
    Transition,
};
use yc_domain::fulfilment::Direction;
use yc_domain::order::OrderStatus;
use yc_domain::{AfterSalesId, Money};
use yc_store::{RequestOutcome, Store, StoreError};

use crate::aftersales_fixtures::{
    HOUR_MS, advance, lane, opened, paid_order, parcel, refund_for, request_move,
};
use crate::fixtures::{self, T0, at, idempotency, job, transition, unpublished_ids};

use RequestState::{AwaitingMerchant, AwaitingReturn, RefundDue, ReturnPickedUp, ReturnShipped};

async fn state(store: &Arc<dyn Store>, id: AfterSalesId) -> RequestState {
    store.get_request(id).await.unwrap().unwrap().state
}

pub async fn transition_request_is_guarded(store: Arc<dyn Store>) {
    use RequestState::Refused;
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;
    let (order, _) = paid_order(&store, buyer.id, &p, &[(0, 1)], None).await;
    let r = opened(&store, &order, 0, RequestKind::ReturnRefund, 1, at(10)).await;

    let mut approve = request_move(
        r.id,
        AwaitingMerchant,
        Transition::MerchantApprove,
        AwaitingReturn,
        at(20),
    );
    approve.deadline = Some(at(20 + 168 * HOUR_MS));
    approve.jobs = vec![job("aftersales_ship_back", at(20 + 168 * HOUR_MS))];
    assert_eq!(
        store.transition_request(&approve).await.unwrap(),
        RequestOutcome::Applied
    );
    let moved = store.get_request(r.id).await.unwrap().unwrap();
    assert_eq!(moved.state, AwaitingReturn);
    assert_eq!(
        (moved.clock_since, moved.deadline),
        (at(20), approve.deadline)
    );
    assert_eq!(
        moved.timeline,
        vec![r.timeline[0].clone(), approve.event.clone()]
    );

    let again = request_move(
        r.id,
        AwaitingMerchant,
        Transition::MerchantApprove,
        AwaitingReturn,
        at(21),
    );
    assert_eq!(
        store.transition_request(&again).await.unwrap(),
        RequestOutcome::StateWas(AwaitingReturn)
    );
    let refuse = request_move(
        r.id,
        AwaitingMerchant,
        Transition::MerchantRefuse,
        Refused,
        at(22),
    );
    assert_eq!(
        store.transition_request(&refuse).await.unwrap(),
        RequestOutcome::StateWas(AwaitingReturn)
    );
    assert_eq!(
        store.get_request(r.id).await.unwrap().unwrap(),
        moved,
        "a refused move writes nothing"
    );
    let outbox = unpublished_ids(&store).await;
    assert!(outbox.contains(&approve.outbox.id));
    assert!(!outbox.contains(&again.outbox.id) && !outbox.contains(&refuse.outbox.id));

    let ghost = request_move(
        AfterSalesId::new(),
        AwaitingMerchant,
        Transition::MerchantApprove,
        AwaitingReturn,
        at(23),
    );
    match store.transition_request(&ghost).await {
        Err(StoreError::NotFound) => {}
        other => panic!("an unknown request must be NotFound, got {other:?}"),
    }
}

pub async fn transition_request_refund_is_unique(store: Arc<dyn Store>) {
    use OrderStatus::{Cancelled, Paid};
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;
    let (order, pay) = paid_order(&store, buyer.id, &p, &[(0, 1)], None).await;
    let r = opened(&store, &order, 0, RequestKind::RefundOnly, 1, at(10)).await;

    let mut approve = request_move(
        r.id,
        AwaitingMerchant,
        Transition::MerchantApprove,
        RefundDue,
        at(20),
    );
    let refund = refund_for(&r, &pay, at(20));
    approve.refund = Some(refund.clone());
    approve.order = Some(transition(order.id, Paid, Cancelled, false, at(20)));
    assert_eq!(
        store.transition_request(&approve).await.unwrap(),
        RequestOutcome::Applied
    );
    let before = store.get_request(r.id).await.unwrap().unwrap();
    assert_eq!(before.refund, Some(refund.clone()));
    assert_eq!(store.get_refund(refund.id).await.unwrap(), Some(refund));
    let order_now = store.get_order(order.id).await.unwrap().unwrap();
    assert_eq!(
        order_now.status, Cancelled,
        "the order move is written with it"
    );
    let outbox_before = unpublished_ids(&store).await;

    let mut second = request_move(
        r.id,
        RefundDue,
        Transition::Refund,
        RequestState::Refunded,
        at(30),
    );
    let again = refund_for(&r, &pay, at(30));
    second.refund = Some(again.clone());
    second.parcel = Some(parcel(
        &order,
        Direction::Return,
        Some(r.id),
        "RT-X",
        lane(),
        at(30),
    ));
    second.jobs = vec![job("refund_payout", at(30))];
    match store.transition_request(&second).await {
        Err(StoreError::Duplicate { field: "refund" }) => {}
        other => panic!("expected Duplicate(refund), got {other:?}"),
    }
    assert_eq!(
        store.get_request(r.id).await.unwrap().unwrap(),
        before,
        "the move is rolled back with the refund"
    );
    assert_eq!(store.get_refund(again.id).await.unwrap(), None);
    assert_eq!(
        store.shipment_by_tracking("SF", "RT-X").await.unwrap(),
        None
    );
    assert_eq!(unpublished_ids(&store).await, outbox_before);
    let jobs = store
        .claim_jobs(at(HOUR_MS), at(2 * HOUR_MS), 100)
        .await
        .unwrap();
    assert!(jobs.iter().all(|j| j.kind != "refund_payout"));
    assert_eq!(store.buyer_refunds_since(buyer.id, T0).await.unwrap(), 1);
}

pub async fn transition_request_claims_insurance_once(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;
    let bought = Some(InsuranceSource::BoughtAtCheckout);
    let (order, _) = paid_order(&store, buyer.id, &p, &[(0, 2)], bought).await;
    let (bare, _) = paid_order(&store, buyer.id, &p, &[(0, 1)], None).await;
    let to_shipped = [
        (Transition::MerchantApprove, AwaitingReturn),
        (Transition::BuyerShip, ReturnShipped),
    ];
    let mut requests = Vec::new();
    for (o, n) in [(&order, 1), (&order, 2), (&bare, 3)] {
        let r = opened(&store, o, 0, RequestKind::ReturnRefund, 1, at(n)).await;
        advance(&store, r.id, AwaitingMerchant, &to_shipped, at(10 + n)).await;
        requests.push(r.id);
    }
    let pickup = |id: AfterSalesId, n: i64| {
        let mut w = request_move(
            id,
            ReturnShipped,
            Transition::CarrierPickedUp,
            ReturnPickedUp,
            at(n),
        );
        w.claim = Some(ClaimRecord {
            amount: Money::cny(RETURN_INSURANCE_PAYOUT_FEN),
            paid_at: at(n),
        });
        w
    };

    let first = pickup(requests[0], 30);
    assert_eq!(
        store.transition_request(&first).await.unwrap(),
        RequestOutcome::Applied
    );
    let claimed = store.get_request(requests[0]).await.unwrap().unwrap();
    assert_eq!(claimed.claim, first.claim);
    let insured = store.get_order(order.id).await.unwrap().unwrap();
    assert!(insured.insurance.is_some_and(|i| i.claimed));

    // The policy is spent: the second pickup moves, its claim is skipped.
    let second = pickup(requests[1], 31);
    assert_eq!(
        store.transition_request(&second).await.unwrap(),
        RequestOutcome::Applied
    );
    let skipped = store.get_request(requests[1]).await.unwrap().unwrap();
    assert_eq!((skipped.state, skipped.claim), (ReturnPickedUp, None));
    assert_eq!(
        store.get_request(requests[0]).await.unwrap().unwrap(),
        claimed
    );
    assert_eq!(store.get_order(order.id).await.unwrap().unwrap(), insured);

    // No policy, no claim.
    let uninsured = pickup(requests[2], 32);
    assert_eq!(
        store.transition_request(&uninsured).await.unwrap(),
        RequestOutcome::Applied
    );
    assert_eq!(
        store.get_request(requests[2]).await.unwrap().unwrap().claim,
        None
    );
    assert_eq!(
        store.get_order(bare.id).await.unwrap().unwrap().insurance,
        None
    );
}

pub async fn transition_request_idempotency_key(store: Arc<dyn Store>) {
    use RequestState::Refused;
    const SCOPE: &str = "aftersales_move";
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;
    let (order, _) = paid_order(&store, buyer.id, &p, &[(0, 2)], None).await;
    let r1 = opened(&store, &order, 0, RequestKind::ReturnRefund, 1, at(1)).await;
    let r2 = opened(&store, &order, 0, RequestKind::ReturnRefund, 1, at(2)).await;
    let approve = |id: AfterSalesId, n: i64| {
        request_move(
            id,
            AwaitingMerchant,
            Transition::MerchantApprove,
            AwaitingReturn,
            at(n),
        )
    };

    let mut first = approve(r1.id, 10);
    first.idempotency = Some(idempotency(buyer.id, SCOPE, "k", r1.id.0));
    assert_eq!(
        store.transition_request(&first).await.unwrap(),
        RequestOutcome::Applied
    );
    let record = store.get_idempotency(buyer.id, SCOPE, "k").await.unwrap();
    let response = first.idempotency.map(|i| i.response);
    assert_eq!(record.map(|r| r.response), response.clone());

    // A move that finds another state keeps nothing, not even its key.
    let mut stale = request_move(
        r1.id,
        AwaitingMerchant,
        Transition::MerchantRefuse,
        Refused,
        at(11),
    );
    stale.idempotency = Some(idempotency(buyer.id, SCOPE, "stale", r1.id.0));
    assert_eq!(
        store.transition_request(&stale).await.unwrap(),
        RequestOutcome::StateWas(AwaitingReturn)
    );
    let record = store
        .get_idempotency(buyer.id, SCOPE, "stale")
        .await
        .unwrap();
    assert!(record.is_none());

    // A used key on another move: refused, nothing of the move kept.
    let mut reuse = approve(r2.id, 12);
    reuse.idempotency = Some(idempotency(buyer.id, SCOPE, "k", r2.id.0));
    reuse.jobs = vec![job("aftersales_ship_back", at(12))];
    match store.transition_request(&reuse).await {
        Err(StoreError::IdempotencyKeyTaken) => {}
        other => panic!("expected IdempotencyKeyTaken, got {other:?}"),
    }
    let untouched = store.get_request(r2.id).await.unwrap().unwrap();
    assert_eq!(untouched, r2);
    assert!(!unpublished_ids(&store).await.contains(&reuse.outbox.id));
    let record = store.get_idempotency(buyer.id, SCOPE, "k").await.unwrap();
    assert_eq!(record.map(|r| r.response), response, "the first move's");
    assert_eq!(state(&store, r1.id).await, AwaitingReturn);
}
