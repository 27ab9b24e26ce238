//! A refund is never paid twice: the merchant, the 48 h timeout and the
//! arbitrator race on one request; payouts race and the provider fails.

use crate::aftersales_kit::refunds;
use crate::harness::World;
use crate::story;
use yc_domain::aftersales::{ReasonCode, RequestKind, RequestState as S};
use yc_services::aftersales::{BuyerAction, MerchantAction, OpenInput};

story!(
    approve_timeout_arbitration_race_pays_once,
    |w: World| async move {
        let shop = w.merchant("race_shop").await;
        let ops = w
            .services
            .create_operator("race_ops", "password-123")
            .await
            .unwrap();
        let product = w.product(&shop, 10).await;
        let (buyer, addr) = w.buyer_with_address("race_buyer").await;
        let order = w.paid_order(&buyer, &addr, &product, 2, false).await;
        let shipment = w.ship(&shop, &order).await;
        w.deliver_all(&shop, &shipment.tracking_no).await;
        let open = |qty| OpenInput {
            order_id: order.id,
            sku_id: order.lines[0].sku_id,
            kind: RequestKind::RefundOnly,
            quantity: qty,
            reason: ReasonCode::QualityIssue,
            reason_text: String::new(),
            evidence: vec![],
        };
        // Request A races in AwaitingMerchant (approve vs timeout vs an
        // arbitration that is not yet legal); request B in InArbitration
        // (approve vs refuse vs the merchant).
        let a = w
            .services
            .open_aftersales(&buyer, open(1), Some("race-a"))
            .await
            .unwrap()
            .request
            .id;
        let b = w
            .services
            .open_aftersales(&buyer, open(1), Some("race-b"))
            .await
            .unwrap()
            .request
            .id;
        w.services
            .merchant_aftersales(
                &shop,
                b,
                MerchantAction::Refuse,
                "不同意",
                Some(&crate::harness::key()),
            )
            .await
            .unwrap();
        w.services
            .buyer_aftersales(
                &buyer,
                b,
                BuyerAction::Escalate,
                "",
                Some(&crate::harness::key()),
            )
            .await
            .unwrap();
        w.advance_hours(48);

        let mut tasks = Vec::new();
        for i in 0..8 {
            let (s, shop, ops) = (w.services.clone(), shop.clone(), ops.clone());
            tasks.push(tokio::spawn(async move {
                let _ = s
                    .merchant_aftersales(
                        &shop,
                        a,
                        MerchantAction::Approve,
                        "",
                        Some(&crate::harness::key()),
                    )
                    .await;
                let _ = s.run_due_jobs().await;
                let _ = s
                    .arbitrate(&ops, a, true, "", Some(&crate::harness::key()))
                    .await;
                let _ = s
                    .arbitrate(&ops, b, i % 2 == 0, "", Some(&crate::harness::key()))
                    .await;
                let _ = s
                    .merchant_aftersales(
                        &shop,
                        b,
                        MerchantAction::Approve,
                        "",
                        Some(&crate::harness::key()),
                    )
                    .await;
                let _ = s.run_due_jobs().await;
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        w.drain_jobs().await;
        let ra = w
            .services
            .aftersales_request(&buyer, a)
            .await
            .unwrap()
            .request;
        assert_eq!(ra.state, S::Refunded);
        let moves = ra
            .timeline
            .iter()
            .filter(|e| e.state == S::RefundDue)
            .count();
        assert_eq!(moves, 1, "exactly one approval was applied");
        let rb = w
            .services
            .aftersales_request(&buyer, b)
            .await
            .unwrap()
            .request;
        assert!(matches!(rb.state, S::Refunded | S::ArbitrationRefused));
        let expected = if rb.state == S::Refunded {
            (2, 19800)
        } else {
            (1, 9900)
        };
        assert_eq!(
            refunds(&w),
            expected,
            "one refund per approved request, never two"
        );
    }
);

story!(
    payout_retries_without_double_refund,
    |w: World| async move {
        let shop = w.merchant("retry_shop").await;
        let product = w.product(&shop, 10).await;
        let (buyer, addr) = w.buyer_with_address("retry_buyer").await;
        let order = w.paid_order(&buyer, &addr, &product, 1, false).await;
        for s in &w.services.payments.sandboxes {
            s.fail_next_refunds(2);
        }
        let req = OpenInput {
            order_id: order.id,
            sku_id: order.lines[0].sku_id,
            kind: RequestKind::RefundOnly,
            quantity: 1,
            reason: ReasonCode::Other,
            reason_text: String::new(),
            evidence: vec![],
        };
        let r = w
            .services
            .open_aftersales(&buyer, req, Some("retry"))
            .await
            .unwrap();
        // Two provider outages, each retried after its backoff; concurrent
        // runners never both pay.
        for _ in 0..4 {
            let mut tasks = Vec::new();
            for _ in 0..4 {
                let s = w.services.clone();
                tasks.push(tokio::spawn(async move { s.run_due_jobs().await }));
            }
            for t in tasks {
                let _ = t.await.unwrap();
            }
            w.advance_hours(1);
        }
        let r = w
            .services
            .aftersales_request(&buyer, r.request.id)
            .await
            .unwrap()
            .request;
        assert_eq!(r.state, S::Refunded);
        assert_eq!(refunds(&w), (1, 9900));
    }
);
