//! Payment callbacks: genuine ones settle once; forged, tampered, wrong
//! channel and amount-mismatched ones are refused and logged.

use crate::story;
use yc_domain::order::{Order, OrderStatus};
use yc_domain::payment::{PaymentMethod, PaymentStatus};
use yc_services::ServiceError;
use yc_services::checkout::{CreateOrder, LineInput};
use yc_services::payments::sandbox::SandboxProvider;
use yc_services::payments::{PayRequest, PaymentStart, channel_secret};

use crate::harness::{SECRET, World};

async fn pending_payment(
    w: &World,
    login: &str,
    method: PaymentMethod,
) -> (yc_domain::account::User, Order, PaymentStart) {
    let shop = w.merchant(&format!("{login}_shop")).await;
    let product = w.product(&shop, 5).await;
    let (buyer, addr) = w.buyer_with_address(login).await;
    let req = CreateOrder {
        lines: vec![LineInput {
            sku_id: product.skus[0].id,
            quantity: 1,
        }],
        address_id: addr.id,
        from_cart: false,
        return_insurance: false,
    };
    let order = w
        .services
        .create_order(&buyer, req, Some("o"))
        .await
        .unwrap();
    let start = w
        .services
        .pay(
            &buyer,
            PayRequest {
                order_id: order.id,
                method,
            },
            Some("p"),
        )
        .await
        .unwrap();
    (buyer, order, start)
}

fn notify(signer: &SandboxProvider, payment: &str, amount: &str) -> String {
    let p = |k: &str, v: &str| (k.to_string(), v.to_string());
    signer.signed_body(vec![
        p("out_trade_no", payment),
        p("trade_no", "T123"),
        p("total_amount", amount),
        p("trade_status", "TRADE_SUCCESS"),
    ])
}

story!(
    forged_and_tampered_callbacks_are_refused,
    |w: World| async move {
        let (buyer, order, start) = pending_payment(&w, "cb_buyer", PaymentMethod::Alipay).await;
        let pid = start.payment.id.to_string();
        let genuine = SandboxProvider::new(
            PaymentMethod::Alipay,
            channel_secret(SECRET, PaymentMethod::Alipay).as_bytes(),
        );
        let forger = SandboxProvider::new(PaymentMethod::Alipay, b"guessed-secret");
        let wechat = SandboxProvider::new(
            PaymentMethod::WechatPay,
            channel_secret(SECRET, PaymentMethod::WechatPay).as_bytes(),
        );

        let refused =
            |r: Result<(), ServiceError>| matches!(r, Err(ServiceError::CallbackRejected(_)));
        assert!(
            refused(
                w.services
                    .payment_callback("alipay", &notify(&forger, &pid, "99.00"))
                    .await
            ),
            "wrong key"
        );
        let tampered =
            notify(&genuine, &pid, "99.00").replace("total_amount=99.00", "total_amount=0.01");
        assert!(
            refused(w.services.payment_callback("alipay", &tampered).await),
            "body changed after signing"
        );
        assert!(
            refused(
                w.services
                    .payment_callback("alipay", &notify(&genuine, &pid, "0.01"))
                    .await
            ),
            "signed, but not the order's amount"
        );
        assert!(
            refused(
                w.services
                    .payment_callback("wechat_pay", &notify(&wechat, &pid, "99.00"))
                    .await
            ),
            "another channel's payment"
        );
        assert!(refused(
            w.services.payment_callback("alipay", "garbage").await
        ));
        assert!(refused(
            w.services
                .payment_callback("nope", &notify(&genuine, &pid, "99.00"))
                .await
        ));
        assert_eq!(
            w.services.store.count_rejected_callbacks().await.unwrap(),
            6,
            "each refusal is logged"
        );
        assert_eq!(
            w.services.order(&buyer, order.id).await.unwrap().status,
            OrderStatus::PendingPayment
        );

        let body = notify(&genuine, &pid, "99.00");
        w.services.payment_callback("alipay", &body).await.unwrap();
        let paid = w.services.order(&buyer, order.id).await.unwrap();
        assert_eq!(paid.status, OrderStatus::Paid);
        w.services.payment_callback("alipay", &body).await.unwrap();
        let again = w.services.order(&buyer, order.id).await.unwrap();
        assert_eq!(paid, again, "a duplicate callback changes nothing");
        assert_eq!(
            w.services
                .payment(&buyer, start.payment.id)
                .await
                .unwrap()
                .status,
            PaymentStatus::Succeeded
        );
    }
);

story!(a_second_paid_attempt_is_refunded, |w: World| async move {
    let (buyer, order, first) = pending_payment(&w, "twice_buyer", PaymentMethod::Alipay).await;
    let second = w
        .services
        .pay(
            &buyer,
            PayRequest {
                order_id: order.id,
                method: PaymentMethod::DouyinPay,
            },
            Some("p2"),
        )
        .await
        .unwrap();
    let alipay = SandboxProvider::new(
        PaymentMethod::Alipay,
        channel_secret(SECRET, PaymentMethod::Alipay).as_bytes(),
    );
    let douyin = SandboxProvider::new(
        PaymentMethod::DouyinPay,
        channel_secret(SECRET, PaymentMethod::DouyinPay).as_bytes(),
    );
    w.services
        .payment_callback(
            "alipay",
            &notify(&alipay, &first.payment.id.to_string(), "99.00"),
        )
        .await
        .unwrap();
    w.services
        .payment_callback(
            "douyin_pay",
            &notify(&douyin, &second.payment.id.to_string(), "99.00"),
        )
        .await
        .unwrap();
    assert_eq!(
        w.services.order(&buyer, order.id).await.unwrap().status,
        OrderStatus::Paid
    );
    assert_eq!(
        w.services
            .payment(&buyer, first.payment.id)
            .await
            .unwrap()
            .status,
        PaymentStatus::Succeeded
    );
    assert_eq!(
        w.services
            .payment(&buyer, second.payment.id)
            .await
            .unwrap()
            .status,
        PaymentStatus::Refunded,
        "no double charge"
    );
});
