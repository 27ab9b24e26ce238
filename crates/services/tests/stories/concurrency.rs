//! 200 buyers race for 50 units: exactly 50 orders, stock 0, and every
//! other answer is "sold out".

use crate::story;
use futures::future::join_all;
use yc_domain::order::OrderStatus;
use yc_domain::page::PageRequest;
use yc_services::ServiceError;
use yc_services::checkout::{CreateOrder, LineInput};

story!(
    no_oversell_under_a_race,
    |w: crate::harness::World| async move {
        let merchant = w.merchant("racer_shop").await;
        let product = w.product(&merchant, 50).await;
        let sku = product.skus[0].id;
        let mut buyers = Vec::new();
        for i in 0..20 {
            buyers.push(w.buyer_with_address(&format!("racer{i}")).await);
        }
        let tasks = (0..200).map(|i| {
            let s = w.services.clone();
            let (user, address) = buyers[i % buyers.len()].clone();
            tokio::spawn(async move {
                let req = CreateOrder {
                    lines: vec![LineInput {
                        sku_id: sku,
                        quantity: 1,
                    }],
                    address_id: address.id,
                    from_cart: false,
                    return_insurance: false,
                };
                s.create_order(&user, req, Some(&format!("race-{i}"))).await
            })
        });
        let results: Vec<_> = join_all(tasks)
            .await
            .into_iter()
            .map(|r| r.unwrap())
            .collect();
        let ok = results.iter().filter(|r| r.is_ok()).count();
        let sold_out = results
            .iter()
            .filter(|r| {
                matches!(
                    r,
                    Err(ServiceError::SoldOut { .. }) | Err(ServiceError::Conflict("sold_out"))
                )
            })
            .count();
        let other: Vec<_> = results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .filter(|e| {
                !matches!(
                    e,
                    ServiceError::SoldOut { .. } | ServiceError::Conflict("sold_out")
                )
            })
            .collect();
        assert!(other.is_empty(), "unexpected errors: {other:?}");
        assert_eq!(ok, 50);
        assert_eq!(sold_out, 150);
        assert_eq!(w.stock_of(product.id).await, 0);
        let mut persisted = 0;
        for (user, _) in &buyers {
            let page = PageRequest {
                size: yc_domain::page::PageSize::parse(Some(100)).unwrap(),
                after: None,
            };
            persisted += w
                .services
                .orders(user, Some(OrderStatus::PendingPayment), page)
                .await
                .unwrap()
                .items
                .len();
        }
        assert_eq!(
            persisted, 50,
            "every acknowledged order is stored, and no other"
        );
    }
);
