//! After-sales (安心购): every rule, driven by the settable clock.

use crate::aftersales_kit::*;
use crate::harness::World;
use crate::story;
use yc_domain::aftersales::{
    ProductKind, ReasonCode, RefundStatus, RequestKind, RequestState as S, Rule,
};
use yc_domain::order::OrderStatus;
use yc_services::aftersales::MerchantAction;

story!(unshipped_refund_is_instant, |w: World| async move {
    let shop = w.merchant("as1_shop").await;
    let product = w.product(&shop, 10).await;
    let (buyer, addr) = w.buyer_with_address("as1_buyer").await;
    let order = w.paid_order(&buyer, &addr, &product, 2, false).await;
    assert_eq!(w.stock_of(product.id).await, 8);

    let one = open(
        &w,
        &buyer,
        input(&order, RequestKind::RefundOnly, 1, ReasonCode::Other),
    )
    .await
    .unwrap();
    assert_eq!(one.request.state, S::RefundDue);
    assert_eq!(one.request.rule, Rule::UnshippedInstantRefund);
    assert_eq!(one.rule_notice.code, "unshipped_instant_refund");
    assert_eq!(
        w.stock_of(product.id).await,
        9,
        "the unit is back on sale at once"
    );
    assert_eq!(
        w.services.order(&buyer, order.id).await.unwrap().status,
        OrderStatus::Paid
    );

    let two = open(
        &w,
        &buyer,
        input(&order, RequestKind::RefundOnly, 1, ReasonCode::Other),
    )
    .await
    .unwrap();
    assert_eq!(w.stock_of(product.id).await, 10);
    assert_eq!(
        w.services.order(&buyer, order.id).await.unwrap().status,
        OrderStatus::Cancelled,
        "every unit refunded before shipping closes the order"
    );
    w.drain_jobs().await;
    for id in [one.request.id, two.request.id] {
        let r = w
            .services
            .aftersales_request(&buyer, id)
            .await
            .unwrap()
            .request;
        assert_eq!(r.state, S::Refunded);
        assert_eq!(r.refund.unwrap().status, RefundStatus::Succeeded);
    }
    assert_eq!(refunds(&w), (2, 19800));
    // Nothing is left to request.
    let third = open(
        &w,
        &buyer,
        input(&order, RequestKind::RefundOnly, 1, ReasonCode::Other),
    )
    .await;
    assert_eq!(refused(third), Rule::OrderNotEligible);
});

story!(no_reason_window_and_kinds, |w: World| async move {
    let shop = w.merchant("as2_shop").await;
    let product = w.product(&shop, 10).await;
    let fresh = w
        .product_with(&shop, 10, 3900, ProductKind::FreshFood)
        .await;
    let (buyer, addr) = w.buyer_with_address("as2_buyer").await;

    let a = delivered(&w, &shop, &buyer, &addr, &product, 1, false).await;
    let b = delivered(&w, &shop, &buyer, &addr, &product, 1, false).await;
    let f = delivered(&w, &shop, &buyer, &addr, &fresh, 1, false).await;
    let before_delivery = w.paid_order(&buyer, &addr, &product, 1, false).await;
    assert_eq!(
        refused(
            open(
                &w,
                &buyer,
                input(
                    &before_delivery,
                    RequestKind::ReturnRefund,
                    1,
                    ReasonCode::NoReason
                )
            )
            .await
        ),
        Rule::ReturnNeedsDelivery
    );
    assert_eq!(
        refused(
            open(
                &w,
                &buyer,
                input(&f, RequestKind::ReturnRefund, 1, ReasonCode::NoReason)
            )
            .await
        ),
        Rule::NonReturnableFreshFood
    );
    // A quality problem is not a no-reason return: fresh food may claim it.
    let q = open(
        &w,
        &buyer,
        input(&f, RequestKind::ReturnRefund, 1, ReasonCode::QualityIssue),
    )
    .await
    .unwrap();
    assert_eq!(q.request.state, S::AwaitingMerchant);

    w.advance_hours(7 * 24 - 1);
    let ok = open(
        &w,
        &buyer,
        input(&a, RequestKind::ReturnRefund, 1, ReasonCode::NoReason),
    )
    .await
    .unwrap();
    assert_eq!(ok.request.state, S::AwaitingMerchant);
    assert_eq!(ok.deadline_notice.unwrap().code, "merchant_response48h");
    w.advance_hours(1);
    assert_eq!(
        refused(
            open(
                &w,
                &buyer,
                input(&b, RequestKind::ReturnRefund, 1, ReasonCode::NoReason)
            )
            .await
        ),
        Rule::NoReasonWindowPassed
    );
});

story!(merchant_48h_then_buyer_7d, |w: World| async move {
    let shop = w.merchant("as3_shop").await;
    let product = w.product(&shop, 10).await;
    let (buyer, addr) = w.buyer_with_address("as3_buyer").await;
    let order = delivered(&w, &shop, &buyer, &addr, &product, 1, false).await;
    let r = open(
        &w,
        &buyer,
        input(&order, RequestKind::ReturnRefund, 1, ReasonCode::NoReason),
    )
    .await
    .unwrap();
    let id = r.request.id;

    w.advance_hours(47);
    w.drain_jobs().await;
    assert_eq!(
        w.services
            .aftersales_request(&buyer, id)
            .await
            .unwrap()
            .request
            .state,
        S::AwaitingMerchant
    );
    w.advance_hours(1);
    w.drain_jobs().await;
    let r = w
        .services
        .aftersales_request(&buyer, id)
        .await
        .unwrap()
        .request;
    assert_eq!(r.state, S::AwaitingReturn, "48 h of silence approves");
    assert_eq!(
        r.timeline.last().unwrap().rule,
        Some(Rule::MerchantResponse48h)
    );
    assert_eq!(r.timeline.last().unwrap().actor, "platform");

    w.advance_days(7);
    w.drain_jobs().await;
    let r = w
        .services
        .aftersales_request(&buyer, id)
        .await
        .unwrap()
        .request;
    assert_eq!(r.state, S::Closed, "not shipped back within 7 days");
    // The closed request freed its unit for a new one.
    let again = open(
        &w,
        &buyer,
        input(&order, RequestKind::RefundOnly, 1, ReasonCode::QualityIssue),
    )
    .await
    .unwrap();
    assert_eq!(again.request.state, S::AwaitingMerchant);
});

story!(
    receipt_8d_then_refund_not_instant_over_cap,
    |w: World| async move {
        let shop = w.merchant("as4_shop").await;
        let dear = w
            .product_with(&shop, 10, 200_000, ProductKind::Standard)
            .await;
        let (buyer, addr) = w.buyer_with_address("as4_buyer").await;
        let order = delivered(&w, &shop, &buyer, &addr, &dear, 1, false).await;
        let r = open(
            &w,
            &buyer,
            input(&order, RequestKind::ReturnRefund, 1, ReasonCode::NoReason),
        )
        .await
        .unwrap();
        assert!(
            !r.request.instant_refund_eligible,
            "¥2,000 is over the instant-refund cap"
        );
        let id = r.request.id;
        w.services
            .merchant_aftersales(
                &shop,
                id,
                MerchantAction::Approve,
                "",
                Some(&crate::harness::key()),
            )
            .await
            .unwrap();
        let shipped = w
            .services
            .ship_back(&buyer, id, Some(&crate::harness::key()))
            .await
            .unwrap();
        assert_eq!(shipped.request.state, S::ReturnShipped);
        let tracking = w.services.order_tracking(&buyer, order.id).await.unwrap();
        let parcel = tracking
            .parcels
            .iter()
            .find(|p| p.shipment.request_id == Some(id))
            .unwrap();
        w.services
            .sandbox_advance(&buyer, &parcel.shipment.tracking_no)
            .await
            .unwrap();
        w.drain_jobs().await;
        let r = w
            .services
            .aftersales_request(&buyer, id)
            .await
            .unwrap()
            .request;
        assert_eq!(r.state, S::ReturnPickedUp);
        assert!(r.refund.is_none(), "no instant refund over the cap");

        w.advance_days(8);
        w.drain_jobs().await;
        let r = w
            .services
            .aftersales_request(&buyer, id)
            .await
            .unwrap()
            .request;
        assert_eq!(
            r.state,
            S::Refunded,
            "8 days without the merchant confirming: confirmed and refunded"
        );
        assert!(
            r.timeline
                .iter()
                .any(|e| e.rule == Some(Rule::ReceiptConfirm8d))
        );
        assert_eq!(refunds(&w), (1, 200_000));
        // Resellable returns go back into stock once.
        assert_eq!(w.stock_of(dear.id).await, 9);
        assert!(w.services.restock_return(&shop, id).await.unwrap());
        assert!(!w.services.restock_return(&shop, id).await.unwrap());
        assert_eq!(w.stock_of(dear.id).await, 10);
    }
);

story!(
    instant_refund_and_insurance_at_pickup,
    |w: World| async move {
        let shop = w.merchant("as5_shop").await;
        let product = w.product(&shop, 10).await;
        let (buyer, addr) = w.buyer_with_address("as5_buyer").await;
        let order = delivered(&w, &shop, &buyer, &addr, &product, 2, true).await;
        assert_eq!(
            order.total.amount_minor,
            2 * 9900 + 150,
            "运费险 premium in the total"
        );

        let mut ids = Vec::new();
        for _ in 0..2 {
            let r = open(
                &w,
                &buyer,
                input(&order, RequestKind::ReturnRefund, 1, ReasonCode::NoReason),
            )
            .await
            .unwrap();
            assert!(r.request.instant_refund_eligible);
            w.services
                .merchant_aftersales(
                    &shop,
                    r.request.id,
                    MerchantAction::Approve,
                    "",
                    Some(&crate::harness::key()),
                )
                .await
                .unwrap();
            w.services
                .ship_back(&buyer, r.request.id, Some(&crate::harness::key()))
                .await
                .unwrap();
            ids.push(r.request.id);
        }
        let tracking = w.services.order_tracking(&buyer, order.id).await.unwrap();
        for p in tracking
            .parcels
            .iter()
            .filter(|p| p.shipment.request_id.is_some())
        {
            w.services
                .sandbox_advance(&buyer, &p.shipment.tracking_no)
                .await
                .unwrap();
        }
        w.drain_jobs().await;
        let first = w
            .services
            .aftersales_request(&buyer, ids[0])
            .await
            .unwrap()
            .request;
        let second = w
            .services
            .aftersales_request(&buyer, ids[1])
            .await
            .unwrap()
            .request;
        for r in [&first, &second] {
            assert_eq!(
                r.state,
                S::RefundedAwaitingReceipt,
                "paid at pickup, before arrival"
            );
            let refund = r.refund.as_ref().unwrap();
            assert!(refund.instant);
            assert_eq!(refund.status, RefundStatus::Succeeded);
        }
        let claims: Vec<_> = [&first, &second].iter().filter_map(|r| r.claim).collect();
        assert_eq!(claims.len(), 1, "one claim per policy");
        assert_eq!(claims[0].amount.amount_minor, 1200);
        assert!(
            w.services
                .order(&buyer, order.id)
                .await
                .unwrap()
                .insurance
                .unwrap()
                .claimed
        );
        assert_eq!(refunds(&w), (2, 19800));

        let done = w
            .services
            .merchant_aftersales(
                &shop,
                ids[0],
                MerchantAction::ConfirmReceipt,
                "",
                Some(&crate::harness::key()),
            )
            .await
            .unwrap();
        assert_eq!(done.request.state, S::Refunded);
        w.drain_jobs().await;
        assert_eq!(
            refunds(&w),
            (2, 19800),
            "confirming receipt pays nothing more"
        );
    }
);
