//! Unpaid orders cancel themselves when the window passes and give their
//! stock back, exactly once; a payment arriving later is refunded.

use crate::story;
use yc_domain::order::OrderStatus;
use yc_domain::payment::{PaymentMethod, PaymentStatus};
use yc_services::checkout::{CreateOrder, LineInput};
use yc_services::payments::PayRequest;

story!(
    unpaid_orders_expire_and_release_stock,
    |w: crate::harness::World| async move {
        let shop = w.merchant("exp_shop").await;
        let product = w.product(&shop, 3).await;
        let (buyer, addr) = w.buyer_with_address("exp_buyer").await;
        let req = CreateOrder {
            lines: vec![LineInput {
                sku_id: product.skus[0].id,
                quantity: 2,
            }],
            address_id: addr.id,
            from_cart: false,
            return_insurance: false,
        };
        let order = w
            .services
            .create_order(&buyer, req, Some("e1"))
            .await
            .unwrap();
        let start = w
            .services
            .pay(
                &buyer,
                PayRequest {
                    order_id: order.id,
                    method: PaymentMethod::WechatPay,
                },
                Some("e2"),
            )
            .await
            .unwrap();
        assert_eq!(w.stock_of(product.id).await, 1);

        w.clock.advance_ms(14 * 60 * 1000);
        w.services.run_due_jobs().await.unwrap();
        assert_eq!(
            w.services.order(&buyer, order.id).await.unwrap().status,
            OrderStatus::PendingPayment,
            "not yet"
        );

        w.clock.advance_ms(60 * 1000 + 1);
        assert_eq!(w.services.run_due_jobs().await.unwrap(), 1);
        let cancelled = w.services.order(&buyer, order.id).await.unwrap();
        assert_eq!(cancelled.status, OrderStatus::Cancelled);
        assert_eq!(
            cancelled.timeline.last().map(|e| e.status),
            Some(OrderStatus::Cancelled)
        );
        assert_eq!(w.stock_of(product.id).await, 3);
        assert!(
            !w.services.expire_order(order.id).await.unwrap(),
            "a second expiry does nothing"
        );
        assert_eq!(w.stock_of(product.id).await, 3, "released exactly once");

        // The buyer paid at the provider just too late: the money goes back.
        let (sandbox, trade) = {
            let token = start
                .redirect_url
                .split("token=")
                .nth(1)
                .unwrap()
                .to_owned();
            let (sb, mut trade) = w.services.sandbox_trade("wechat_pay", &token).unwrap();
            trade.expires_at = i64::MAX;
            (sb, trade)
        };
        let body = sandbox.confirm(&trade, yc_services::Clock::now(&w.clock));
        w.services
            .payment_callback("wechat_pay", &body)
            .await
            .unwrap();
        assert_eq!(
            w.services
                .payment(&buyer, start.payment.id)
                .await
                .unwrap()
                .status,
            PaymentStatus::Refunded
        );
        assert_eq!(
            w.services.order(&buyer, order.id).await.unwrap().status,
            OrderStatus::Cancelled
        );
    }
);
