//! After-sales: shop-granted 运费险, refusal → arbitration, bounds,
//! exchanges, idempotent opens and moves.

use crate::aftersales_kit::*;
use crate::harness::World;
use crate::story;
use yc_domain::aftersales::{ReasonCode, RequestKind, RequestState as S, Rule};
use yc_services::ServiceError;
use yc_services::aftersales::{BuyerAction, MerchantAction};

story!(merchant_granted_insurance, |w: World| async move {
    let shop = w.merchant("as6_shop").await;
    w.services.set_shop_insurance(&shop, true).await.unwrap();
    let product = w.product(&shop, 10).await;
    let (buyer, addr) = w.buyer_with_address("as6_buyer").await;
    let order = w.paid_order(&buyer, &addr, &product, 1, false).await;
    let insurance = order.insurance.unwrap();
    assert_eq!(
        insurance.source,
        yc_domain::aftersales::InsuranceSource::GrantedByMerchant
    );
    assert_eq!(insurance.premium.amount_minor, 0);
    assert_eq!(order.total.amount_minor, 9900);
});

story!(refuse_escalate_arbitrate, |w: World| async move {
    let shop = w.merchant("as7_shop").await;
    let ops = w
        .services
        .create_operator("as7_ops", "password-123")
        .await
        .unwrap();
    let product = w.product(&shop, 10).await;
    let (buyer, addr) = w.buyer_with_address("as7_buyer").await;
    let order = delivered(&w, &shop, &buyer, &addr, &product, 2, false).await;

    let r = open(
        &w,
        &buyer,
        input(
            &order,
            RequestKind::RefundOnly,
            1,
            ReasonCode::NotAsDescribed,
        ),
    )
    .await
    .unwrap();
    let id = r.request.id;
    assert!(
        w.services
            .merchant_aftersales(
                &shop,
                id,
                MerchantAction::Refuse,
                "",
                Some(&crate::harness::key())
            )
            .await
            .is_err(),
        "a refusal says why"
    );
    let refused_view = w
        .services
        .merchant_aftersales(
            &shop,
            id,
            MerchantAction::Refuse,
            "商品无问题",
            Some(&crate::harness::key()),
        )
        .await
        .unwrap();
    assert_eq!(refused_view.request.state, S::Refused);
    assert!(matches!(
        w.services
            .arbitrate(&buyer, id, true, "", Some(&crate::harness::key()))
            .await,
        Err(ServiceError::Forbidden(_))
    ));
    w.services
        .buyer_aftersales(
            &buyer,
            id,
            BuyerAction::Escalate,
            "图片为证",
            Some(&crate::harness::key()),
        )
        .await
        .unwrap();
    assert_eq!(w.services.arbitration_queue(&ops).await.unwrap().len(), 1);
    let approved = w
        .services
        .arbitrate(&ops, id, true, "支持买家", Some(&crate::harness::key()))
        .await
        .unwrap();
    assert_eq!(approved.request.state, S::RefundDue);
    assert_eq!(
        approved.request.timeline.last().unwrap().rule,
        Some(Rule::ArbitrationFinal)
    );
    w.drain_jobs().await;
    assert_eq!(
        w.services
            .aftersales_request(&buyer, id)
            .await
            .unwrap()
            .request
            .state,
        S::Refunded
    );

    // A refused arbitration is final.
    let r2 = open(
        &w,
        &buyer,
        input(
            &order,
            RequestKind::RefundOnly,
            1,
            ReasonCode::NotAsDescribed,
        ),
    )
    .await
    .unwrap();
    w.services
        .merchant_aftersales(
            &shop,
            r2.request.id,
            MerchantAction::Refuse,
            "无问题",
            Some(&crate::harness::key()),
        )
        .await
        .unwrap();
    w.services
        .buyer_aftersales(
            &buyer,
            r2.request.id,
            BuyerAction::Escalate,
            "",
            Some(&crate::harness::key()),
        )
        .await
        .unwrap();
    let final_no = w
        .services
        .arbitrate(
            &ops,
            r2.request.id,
            false,
            "证据不足",
            Some(&crate::harness::key()),
        )
        .await
        .unwrap();
    assert_eq!(final_no.request.state, S::ArbitrationRefused);
    assert!(
        w.services
            .buyer_aftersales(
                &buyer,
                r2.request.id,
                BuyerAction::Escalate,
                "",
                Some(&crate::harness::key())
            )
            .await
            .is_err()
    );
    assert!(
        w.services
            .arbitrate(&ops, r2.request.id, true, "", Some(&crate::harness::key()))
            .await
            .is_err()
    );
});

story!(bounded_requests_per_line, |w: World| async move {
    let shop = w.merchant("as8_shop").await;
    let product = w.product(&shop, 10).await;
    let (buyer, addr) = w.buyer_with_address("as8_buyer").await;
    let order = delivered(&w, &shop, &buyer, &addr, &product, 3, false).await;
    assert_eq!(
        refused(
            open(
                &w,
                &buyer,
                input(&order, RequestKind::RefundOnly, 4, ReasonCode::Other)
            )
            .await
        ),
        Rule::QuantityExceedsRemaining
    );
    for _ in 0..3 {
        let r = open(
            &w,
            &buyer,
            input(&order, RequestKind::RefundOnly, 1, ReasonCode::Other),
        )
        .await
        .unwrap();
        w.services
            .buyer_aftersales(
                &buyer,
                r.request.id,
                BuyerAction::Cancel,
                "",
                Some(&crate::harness::key()),
            )
            .await
            .unwrap();
    }
    assert_eq!(
        refused(
            open(
                &w,
                &buyer,
                input(&order, RequestKind::RefundOnly, 1, ReasonCode::Other)
            )
            .await
        ),
        Rule::TooManyRequests
    );
});

story!(exchange_reships_without_refund, |w: World| async move {
    let shop = w.merchant("as9_shop").await;
    let product = w.product(&shop, 10).await;
    let (buyer, addr) = w.buyer_with_address("as9_buyer").await;
    let order = delivered(&w, &shop, &buyer, &addr, &product, 1, false).await;
    let r = open(
        &w,
        &buyer,
        input(&order, RequestKind::Exchange, 1, ReasonCode::WrongItem),
    )
    .await
    .unwrap();
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
    w.services
        .ship_back(&buyer, id, Some(&crate::harness::key()))
        .await
        .unwrap();
    w.services
        .merchant_aftersales(
            &shop,
            id,
            MerchantAction::ConfirmReceipt,
            "",
            Some(&crate::harness::key()),
        )
        .await
        .unwrap();
    let done = w
        .services
        .merchant_aftersales(
            &shop,
            id,
            MerchantAction::Reship,
            "已换新",
            Some(&crate::harness::key()),
        )
        .await
        .unwrap();
    assert_eq!(done.request.state, S::Exchanged);
    w.drain_jobs().await;
    assert_eq!(refunds(&w), (0, 0));
});

story!(idempotent_open_replays, |w: World| async move {
    let shop = w.merchant("as10_shop").await;
    let product = w.product(&shop, 10).await;
    let (buyer, addr) = w.buyer_with_address("as10_buyer").await;
    let order = w.paid_order(&buyer, &addr, &product, 2, false).await;
    let req = input(&order, RequestKind::RefundOnly, 1, ReasonCode::Other);
    let a = w
        .services
        .open_aftersales(&buyer, req.clone(), Some("as-key"))
        .await
        .unwrap();
    let b = w
        .services
        .open_aftersales(&buyer, req.clone(), Some("as-key"))
        .await
        .unwrap();
    assert_eq!(a.request.id, b.request.id);
    assert_eq!(w.stock_of(product.id).await, 9, "released once");
    let other = input(&order, RequestKind::RefundOnly, 2, ReasonCode::Other);
    assert!(matches!(
        w.services
            .open_aftersales(&buyer, other, Some("as-key"))
            .await,
        Err(ServiceError::IdempotencyMismatch)
    ));
    assert!(matches!(
        w.services.open_aftersales(&buyer, req, None).await,
        Err(ServiceError::IdempotencyKeyRequired)
    ));
});

story!(keyed_moves_replay, |w: World| async move {
    let shop = w.merchant("as11_shop").await;
    let product = w.product(&shop, 10).await;
    let (buyer, addr) = w.buyer_with_address("as11_buyer").await;
    let order = delivered(&w, &shop, &buyer, &addr, &product, 1, false).await;
    let r = open(
        &w,
        &buyer,
        input(&order, RequestKind::RefundOnly, 1, ReasonCode::QualityIssue),
    )
    .await
    .unwrap();
    let id = r.request.id;
    let a = w
        .services
        .merchant_aftersales(
            &shop,
            id,
            MerchantAction::Approve,
            "同意",
            Some("approve-1"),
        )
        .await
        .unwrap();
    let b = w
        .services
        .merchant_aftersales(
            &shop,
            id,
            MerchantAction::Approve,
            "同意",
            Some("approve-1"),
        )
        .await
        .unwrap();
    assert_eq!(a.request.state, S::RefundDue);
    assert_eq!(
        b.request.timeline.len(),
        a.request.timeline.len(),
        "the retry replays the first answer"
    );
    assert!(matches!(
        w.services
            .merchant_aftersales(
                &shop,
                id,
                MerchantAction::Approve,
                "同意",
                Some("approve-2")
            )
            .await,
        Err(ServiceError::AfterSalesIllegal(_)) | Err(ServiceError::Conflict(_))
    ));
    w.drain_jobs().await;
    assert_eq!(refunds(&w), (1, 9900));
});
