//! Nobody sees or edits what is not theirs; absence and "not yours" look alike.

use crate::story;
use yc_domain::Money;
use yc_domain::catalog::{ProductDraft, SkuDraft, SpecAxis};
use yc_services::ServiceError;
use yc_services::catalog::ProductEdit;
use yc_services::checkout::{CreateOrder, LineInput};

story!(
    buyers_and_merchants_see_only_their_own,
    |w: crate::harness::World| async move {
        let shop_a = w.merchant("shop_a").await;
        let shop_b = w.merchant("shop_b").await;
        let product_b = w.product(&shop_b, 10).await;
        let (alice, alice_addr) = w.buyer_with_address("alice").await;
        let (bob, bob_addr) = w.buyer_with_address("bob").await;

        let req = CreateOrder {
            lines: vec![LineInput {
                sku_id: product_b.skus[0].id,
                quantity: 1,
            }],
            address_id: alice_addr.id,
            from_cart: false,
            return_insurance: false,
        };
        let order = w
            .services
            .create_order(&alice, req, Some("k1"))
            .await
            .unwrap();
        assert!(matches!(
            w.services.order(&bob, order.id).await,
            Err(ServiceError::NotFound(_))
        ));
        assert!(matches!(
            w.services.cancel_order(&bob, order.id).await,
            Err(ServiceError::NotFound(_))
        ));
        assert_eq!(
            w.services.order(&alice, order.id).await.unwrap().id,
            order.id
        );

        // Bob cannot ship an order to Alice's address.
        let req = CreateOrder {
            lines: vec![LineInput {
                sku_id: product_b.skus[0].id,
                quantity: 1,
            }],
            address_id: alice_addr.id,
            from_cart: false,
            return_insurance: false,
        };
        assert!(matches!(
            w.services.create_order(&bob, req, Some("k2")).await,
            Err(ServiceError::NotFound(_))
        ));
        let _ = bob_addr;

        let edit = ProductEdit {
            title: Some("hijacked".into()),
            ..ProductEdit::default()
        };
        assert!(matches!(
            w.services.update_product(&shop_a, product_b.id, edit).await,
            Err(ServiceError::NotFound(_))
        ));
        assert!(matches!(
            w.services
                .update_sku(&shop_a, product_b.skus[0].id, None, Some(100))
                .await,
            Err(ServiceError::NotFound(_))
        ));
        assert_eq!(
            w.stock_of(product_b.id).await,
            9,
            "only Alice's order took a unit"
        );

        let draft = ProductDraft {
            title: "x".into(),
            description: String::new(),
            category: "c".into(),
            media: vec![],
            spec_axes: vec![SpecAxis {
                name: "a".into(),
                values: vec!["v".into()],
            }],
            skus: vec![SkuDraft {
                spec: vec!["v".into()],
                price: Money::cny(100),
                stock: 1,
            }],
            return_policy: None,
        };
        assert!(matches!(
            w.services.create_product(&alice, draft).await,
            Err(ServiceError::Forbidden(_))
        ));
    }
);
