//! Return terms and 运费险 round-trip: the product's terms, the order
//! line's snapshot of them, the order's policy (also through the flash
//! batch writer) and the shop's 商家赠送运费险 flag.

use std::sync::Arc;

use yc_domain::aftersales::{InsuranceSource, ProductKind, ReturnPolicy};
use yc_domain::order::OrderInsurance;
use yc_domain::{MerchantId, Money};
use yc_store::{FlashOutcome, ProductQuery, Store, StoreError};

use crate::fixtures::{self, all_orders, at, insured_order, new_merchant_user, page};
use crate::live_fixtures::{flash_batch, flash_item, stored_sale};

pub async fn return_terms_and_insurance_round_trip(store: Arc<dyn Store>) {
    let shop = fixtures::merchant(&store).await;
    let buyer = fixtures::buyer(&store).await;
    let mut fresh = fixtures::product(shop.id, &[(3900, 10)]);
    fresh.return_policy = ReturnPolicy {
        no_reason_days: None,
        kind: ProductKind::FreshFood,
    };
    store.insert_product(&fresh).await.unwrap();
    let mut generous = fixtures::product(shop.id, &[(5900, 10)]);
    generous.return_policy = ReturnPolicy {
        no_reason_days: Some(15),
        kind: ProductKind::Standard,
    };
    store.insert_product(&generous).await.unwrap();
    assert_eq!(
        store.get_product(fresh.id).await.unwrap(),
        Some(fresh.clone())
    );
    let query = ProductQuery {
        merchant_id: Some(shop.id),
        ..ProductQuery::default()
    };
    let listed = store.list_products(&query, page(10, None)).await.unwrap();
    assert_eq!(listed, vec![generous.clone(), fresh.clone()]);

    let bought = Some(InsuranceSource::BoughtAtCheckout);
    let insured = insured_order(buyer.id, &fresh, &[(0, 2)], at(1), bought);
    assert_eq!(
        insured.order.lines[0].return_policy, fresh.return_policy,
        "the line snapshots the terms"
    );
    let policy = insured.order.insurance.unwrap();
    assert_eq!((policy.premium, policy.claimed), (Money::cny(150), false));
    assert_eq!(insured.order.total, Money::cny(2 * 3900 + 150));
    store.create_order(&insured).await.unwrap();
    let granted = Some(InsuranceSource::GrantedByMerchant);
    let gift = insured_order(buyer.id, &generous, &[(0, 1)], at(2), granted);
    store.create_order(&gift).await.unwrap();
    let plain = insured_order(buyer.id, &generous, &[(0, 1)], at(3), None);
    store.create_order(&plain).await.unwrap();
    for new in [&insured, &gift, &plain] {
        assert_eq!(
            store.get_order(new.order.id).await.unwrap(),
            Some(new.order.clone())
        );
    }
    assert_eq!(
        all_orders(&store, buyer.id).await,
        vec![plain.order, gift.order, insured.order]
    );
}

pub async fn flash_orders_keep_terms_and_insurance(store: Arc<dyn Store>) {
    let (p, sale) = stored_sale(&store, 30, 10, 2).await;
    let buyer = fixtures::buyer(&store).await.id;
    let mut item = flash_item(&sale, &p, buyer, 1, "terms", at(1));
    item.order.lines[0].return_policy = ReturnPolicy {
        no_reason_days: None,
        kind: ProductKind::Customized,
    };
    item.order.insurance = Some(OrderInsurance {
        source: InsuranceSource::GrantedByMerchant,
        premium: Money::cny(0),
        claimed: false,
    });
    let plain = flash_item(&sale, &p, buyer, 1, "plain", at(1));
    let expected = [item.order.clone(), plain.order.clone()];
    let batch = flash_batch(&sale, vec![item, plain], at(1));
    let result = store.commit_flash_batch(&batch).await.unwrap();
    assert_eq!(result.outcomes, vec![FlashOutcome::Accepted; 2]);
    for order in expected {
        assert_eq!(store.get_order(order.id).await.unwrap(), Some(order));
    }
}

pub async fn merchant_insurance_flag_round_trips(store: Arc<dyn Store>) {
    let (user, mut shop) = new_merchant_user();
    shop.grants_return_insurance = true;
    store
        .create_user(&user, "$argon2id$v=19$fixture", Some(&shop))
        .await
        .unwrap();
    let plain = fixtures::merchant(&store).await;
    assert_eq!(
        store.get_merchant(shop.id).await.unwrap(),
        Some(shop.clone())
    );
    assert!(!plain.grants_return_insurance);

    store.set_merchant_insurance(shop.id, false).await.unwrap();
    shop.grants_return_insurance = false;
    assert_eq!(
        store.get_merchant(shop.id).await.unwrap(),
        Some(shop.clone())
    );
    store.set_merchant_insurance(plain.id, true).await.unwrap();
    let both = store.get_merchants(&[shop.id, plain.id]).await.unwrap();
    assert_eq!(both.len(), 2);
    for m in both {
        assert_eq!(m.grants_return_insurance, m.id == plain.id);
    }
    match store.set_merchant_insurance(MerchantId::new(), true).await {
        Err(StoreError::NotFound) => {}
        other => panic!("an unknown shop must be NotFound, got {other:?}"),
    }
}
