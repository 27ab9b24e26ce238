//! AfterSalesStore: settling refunds, the trust count, restocking returns,
//! and the merchant's and the arbitrators' lists.

use std::sync::Arc;

use yc_domain::aftersales::{
    AfterSalesRequest, RefundStatus, RequestKind, RequestState, Transition,
};
use yc_domain::order::OrderStatus;
use yc_domain::{AfterSalesId, RefundId};
use yc_store::{OpenOutcome, RefundSettlement, RequestOutcome, Store};

use crate::aftersales_fixtures::{
    advance, open_write, opened, paid_order, refund_for, request, request_move,
};
use crate::fixtures::{self, T0, at, page, sku_stock, unpublished_ids};

use RequestState::{AwaitingMerchant, InArbitration, RefundDue, Refunded, Refused};

fn ids(requests: &[AfterSalesRequest]) -> Vec<AfterSalesId> {
    requests.iter().map(|r| r.id).collect()
}

pub async fn settle_refund_settles_once(store: Arc<dyn Store>) {
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
    store.transition_request(&approve).await.unwrap();

    let paid = RefundSettlement {
        refund_id: refund.id,
        provider_ref: "rf-1".into(),
        at: at(40),
        request: Some(request_move(
            r.id,
            RefundDue,
            Transition::Refund,
            Refunded,
            at(40),
        )),
    };
    assert!(store.settle_refund(&paid).await.unwrap());
    let settled = store.get_refund(refund.id).await.unwrap().unwrap();
    assert_eq!(settled.status, RefundStatus::Succeeded);
    assert_eq!(settled.paid_at, Some(at(40)));
    assert_eq!(settled.provider_ref.as_deref(), Some("rf-1"));
    let done = store.get_request(r.id).await.unwrap().unwrap();
    assert_eq!(done.state, Refunded, "the request move applied with it");
    assert_eq!(done.refund, Some(settled.clone()));
    let move_event = &paid.request.as_ref().unwrap().event;
    assert_eq!(done.timeline.last(), Some(move_event));

    let again = RefundSettlement {
        refund_id: refund.id,
        provider_ref: "rf-2".into(),
        at: at(41),
        request: Some(request_move(
            r.id,
            RefundDue,
            Transition::Refund,
            Refunded,
            at(41),
        )),
    };
    assert!(
        !store.settle_refund(&again).await.unwrap(),
        "already settled"
    );
    assert_eq!(store.get_refund(refund.id).await.unwrap(), Some(settled));
    assert_eq!(store.get_request(r.id).await.unwrap().unwrap(), done);
    let outbox = unpublished_ids(&store).await;
    assert!(outbox.contains(&paid.request.unwrap().outbox.id));
    assert!(!outbox.contains(&again.request.unwrap().outbox.id));

    let ghost = RefundSettlement {
        refund_id: RefundId::new(),
        provider_ref: "rf-3".into(),
        at: at(42),
        request: None,
    };
    assert!(!store.settle_refund(&ghost).await.unwrap());
}

pub async fn buyer_refunds_since_counts_refunds(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let (a, b) = (fixtures::buyer(&store).await, fixtures::buyer(&store).await);
    let p = fixtures::stored_product(&store, shop.id, &[(100, 20)]).await;
    for (buyer, created) in [(a.id, 10), (a.id, 20), (a.id, 30), (b.id, 20)] {
        let (order, pay) = paid_order(&store, buyer, &p, &[(0, 1)], None).await;
        let mut write = open_write(
            request(&order, 0, RequestKind::RefundOnly, 1, at(created)),
            OrderStatus::Paid,
        );
        write.refund = Some(refund_for(&write.request, &pay, at(created)));
        assert_eq!(
            store.open_request(&write).await.unwrap(),
            OpenOutcome::Opened
        );
    }
    // A request without a refund is not counted.
    let (order, _) = paid_order(&store, a.id, &p, &[(0, 1)], None).await;
    opened(&store, &order, 0, RequestKind::RefundOnly, 1, at(25)).await;

    assert_eq!(store.buyer_refunds_since(a.id, T0).await.unwrap(), 3);
    assert_eq!(store.buyer_refunds_since(a.id, at(20)).await.unwrap(), 2);
    assert_eq!(store.buyer_refunds_since(a.id, at(31)).await.unwrap(), 0);
    assert_eq!(store.buyer_refunds_since(b.id, T0).await.unwrap(), 1);
}

pub async fn restock_return_restocks_once(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 10)]).await;
    let sku = p.skus[0].id;
    let (order, _) = paid_order(&store, buyer.id, &p, &[(0, 2)], None).await;
    let r = opened(&store, &order, 0, RequestKind::ReturnRefund, 2, at(10)).await;
    assert_eq!(sku_stock(&store, p.id, sku).await, 8);

    assert!(store.restock_return(r.id, sku, 2).await.unwrap());
    assert_eq!(sku_stock(&store, p.id, sku).await, 10);
    assert!(store.get_request(r.id).await.unwrap().unwrap().restocked);
    assert!(!store.restock_return(r.id, sku, 2).await.unwrap(), "once");
    assert_eq!(sku_stock(&store, p.id, sku).await, 10);
}

pub async fn merchant_requests_filter_and_page(store: Arc<dyn Store>) {
    use RequestState::AwaitingReturn;
    let shop = fixtures::merchant(&store).await;
    let other = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 20)]).await;
    let q = fixtures::stored_product(&store, other.id, &[(100, 20)]).await;
    let (o1, _) = paid_order(&store, buyer.id, &p, &[(0, 3)], None).await;
    let (o2, _) = paid_order(&store, buyer.id, &p, &[(0, 3)], None).await;
    let (o3, _) = paid_order(&store, buyer.id, &q, &[(0, 3)], None).await;
    let kind = RequestKind::ReturnRefund;
    let r1 = opened(&store, &o1, 0, kind, 1, at(1)).await;
    let r2 = opened(&store, &o2, 0, kind, 1, at(2)).await;
    let r3 = opened(&store, &o1, 0, kind, 1, at(3)).await;
    let r4 = opened(&store, &o2, 0, kind, 1, at(4)).await;
    let r5 = opened(&store, &o3, 0, kind, 1, at(5)).await;
    advance(
        &store,
        r2.id,
        AwaitingMerchant,
        &[(Transition::MerchantRefuse, Refused)],
        at(6),
    )
    .await;
    let approve = [(Transition::MerchantApprove, AwaitingReturn)];
    advance(&store, r4.id, AwaitingMerchant, &approve, at(7)).await;

    let first = store
        .merchant_requests(shop.id, &[], page(2, None))
        .await
        .unwrap();
    assert_eq!(
        ids(&first),
        vec![r4.id, r3.id, r2.id],
        "newest first, one extra"
    );
    let after = Some(first[1].id.0);
    let rest = store
        .merchant_requests(shop.id, &[], page(2, after))
        .await
        .unwrap();
    assert_eq!(ids(&rest), vec![r2.id, r1.id]);
    assert_eq!(rest[1], r1, "with the timeline");
    let waiting = store
        .merchant_requests(shop.id, &[AwaitingMerchant], page(10, None))
        .await
        .unwrap();
    assert_eq!(ids(&waiting), vec![r3.id, r1.id]);
    let moved = store
        .merchant_requests(shop.id, &[Refused, AwaitingReturn], page(10, None))
        .await
        .unwrap();
    assert_eq!(ids(&moved), vec![r4.id, r2.id]);
    let theirs = store
        .merchant_requests(other.id, &[], page(10, None))
        .await
        .unwrap();
    assert_eq!(theirs, vec![r5]);
    assert_eq!(
        ids(&store.order_requests(o1.id).await.unwrap()),
        vec![r1.id, r3.id],
        "an order's requests, oldest first"
    );
}

pub async fn arbitration_queue_oldest_first(store: Arc<dyn Store>) {
    use RequestState::AwaitingReturn;
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let p = fixtures::stored_product(&store, shop.id, &[(100, 20)]).await;
    let (order, _) = paid_order(&store, buyer.id, &p, &[(0, 3)], None).await;
    let (later, _) = paid_order(&store, buyer.id, &p, &[(0, 1)], None).await;
    let refuse = (Transition::MerchantRefuse, Refused);
    let escalate = (Transition::Escalate, InArbitration);
    let mut requests = Vec::new();
    for (o, n) in [(&order, 1), (&order, 2), (&order, 3), (&later, 4)] {
        let r = opened(&store, o, 0, RequestKind::ReturnRefund, 1, at(n)).await;
        requests.push(r.id);
    }
    for id in &requests[..3] {
        advance(&store, *id, AwaitingMerchant, &[refuse, escalate], at(10)).await;
    }
    advance(&store, requests[3], AwaitingMerchant, &[refuse], at(10)).await;

    let queue = store.arbitration_queue(10).await.unwrap();
    assert_eq!(ids(&queue), requests[..3].to_vec());
    assert!(
        queue
            .iter()
            .all(|r| r.state == InArbitration && r.timeline.len() == 3)
    );
    assert_eq!(
        ids(&store.arbitration_queue(2).await.unwrap()),
        requests[..2].to_vec()
    );

    let decide = request_move(
        requests[0],
        InArbitration,
        Transition::ArbitrationApprove,
        AwaitingReturn,
        at(20),
    );
    assert_eq!(
        store.transition_request(&decide).await.unwrap(),
        RequestOutcome::Applied
    );
    assert_eq!(
        ids(&store.arbitration_queue(10).await.unwrap()),
        requests[1..3].to_vec()
    );
}
