//! Same key and request: the first answer again and no second effect.
//! Same key, other request: refused. Concurrent duplicates: one effect.

use crate::story;
use futures::future::join_all;
use yc_domain::payment::PaymentMethod;
use yc_services::ServiceError;
use yc_services::checkout::{CreateOrder, LineInput};
use yc_services::payments::PayRequest;

story!(
    create_order_and_pay_replay,
    |w: crate::harness::World| async move {
        let shop = w.merchant("idem_shop").await;
        let product = w.product(&shop, 10).await;
        let (buyer, addr) = w.buyer_with_address("idem_buyer").await;
        let req = |qty| CreateOrder {
            lines: vec![LineInput {
                sku_id: product.skus[0].id,
                quantity: qty,
            }],
            address_id: addr.id,
            from_cart: false,
            return_insurance: false,
        };

        let first = w
            .services
            .create_order(&buyer, req(2), Some("order-key"))
            .await
            .unwrap();
        let again = w
            .services
            .create_order(&buyer, req(2), Some("order-key"))
            .await
            .unwrap();
        assert_eq!(first, again, "the first answer is replayed");
        assert_eq!(w.stock_of(product.id).await, 8, "reserved once");
        assert!(matches!(
            w.services
                .create_order(&buyer, req(3), Some("order-key"))
                .await,
            Err(ServiceError::IdempotencyMismatch)
        ));
        assert!(matches!(
            w.services.create_order(&buyer, req(1), None).await,
            Err(ServiceError::IdempotencyKeyRequired)
        ));

        let pay = PayRequest {
            order_id: first.id,
            method: PaymentMethod::Alipay,
        };
        let p1 = w
            .services
            .pay(&buyer, pay.clone(), Some("pay-key"))
            .await
            .unwrap();
        let p2 = w
            .services
            .pay(&buyer, pay.clone(), Some("pay-key"))
            .await
            .unwrap();
        assert_eq!(p1, p2);
        assert_eq!(
            w.services
                .store
                .order_payments(first.id)
                .await
                .unwrap()
                .len(),
            1
        );
        let other = PayRequest {
            order_id: first.id,
            method: PaymentMethod::WechatPay,
        };
        assert!(matches!(
            w.services.pay(&buyer, other, Some("pay-key")).await,
            Err(ServiceError::IdempotencyMismatch)
        ));
    }
);

story!(
    concurrent_duplicates_make_one_order,
    |w: crate::harness::World| async move {
        let shop = w.merchant("dup_shop").await;
        let product = w.product(&shop, 100).await;
        let (buyer, addr) = w.buyer_with_address("dup_buyer").await;
        let tasks = (0..20).map(|_| {
            let s = w.services.clone();
            let buyer = buyer.clone();
            let req = CreateOrder {
                lines: vec![LineInput {
                    sku_id: product.skus[0].id,
                    quantity: 1,
                }],
                address_id: addr.id,
                from_cart: false,
                return_insurance: false,
            };
            tokio::spawn(async move { s.create_order(&buyer, req, Some("same-key")).await })
        });
        let results: Vec<_> = join_all(tasks)
            .await
            .into_iter()
            .map(|r| r.unwrap().unwrap())
            .collect();
        assert!(
            results.iter().all(|o| o.id == results[0].id),
            "every retry sees the one order"
        );
        assert_eq!(w.stock_of(product.id).await, 99);
    }
);
