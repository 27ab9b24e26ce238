//! Flash orders giving their units back on PostgreSQL: cancellation
//! through `transition_order` and `expire_flash_orders`, exactly once.
//!
//! Needs `YC_TEST_POSTGRES_URL`; without it every test passes at once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod flashkit;

use std::sync::Arc;

use sqlx::PgPool;
use yc_domain::FlashSaleId;
use yc_domain::order::OrderStatus;
use yc_store::{FlashOutcome, Store, TransitionOutcome};
use yc_store_conformance::fixtures::{self, T0, at, sku_stock};
use yc_store_postgres::PgStore;

use common::{DropSchema, fresh_schema, postgres_url};
use flashkit::{batch, counters, db, item, live_units};

async fn open(url: &str) -> (Arc<dyn Store>, PgPool, DropSchema) {
    let schema = fresh_schema();
    let guard = DropSchema {
        url: url.to_owned(),
        schema: schema.clone(),
    };
    let store = PgStore::connect_in_schema(url, &schema, 4).await.unwrap();
    (Arc::new(store), db(url, &schema).await, guard)
}

#[tokio::test]
async fn expiry_and_cancellation_return_units_exactly_once() {
    let Some(url) = postgres_url() else { return };
    let (store, db, _guard) = open(&url).await;
    let s = flashkit::sale(&store, 100, 10, 2).await;
    let buyers = [
        fixtures::buyer(&store).await.id,
        fixtures::buyer(&store).await.id,
        fixtures::buyer(&store).await.id,
    ];
    let items: Vec<_> = buyers
        .iter()
        .enumerate()
        .map(|(i, b)| item(&s, *b, 2, &format!("k{i}"), T0))
        .collect();
    store
        .commit_flash_batch(&batch(&s, items.clone(), T0))
        .await
        .unwrap();
    // The first buyer pays; the second cancels (units back to the pool).
    let paid = fixtures::transition(
        items[0].order.id,
        OrderStatus::PendingPayment,
        OrderStatus::Paid,
        false,
        at(1),
    );
    store.transition_order(&paid).await.unwrap();
    let cancel = fixtures::transition(
        items[1].order.id,
        OrderStatus::PendingPayment,
        OrderStatus::Cancelled,
        true,
        at(2),
    );
    assert_eq!(
        store.transition_order(&cancel).await.unwrap(),
        TransitionOutcome::Applied
    );
    assert_eq!(
        store.transition_order(&cancel).await.unwrap(),
        TransitionOutcome::StatusWas(OrderStatus::Cancelled)
    );
    assert_eq!(
        store
            .get_flash_sale(s.sale.id)
            .await
            .unwrap()
            .unwrap()
            .remaining,
        6
    );
    assert_eq!(
        sku_stock(&store, s.product.id, s.sale.sku_id).await,
        90,
        "not to the SKU"
    );

    let deadline = items[2].order.pay_deadline;
    let early = store
        .expire_flash_orders(s.sale.id, deadline.plus_millis(-1), "超时未支付", 100)
        .await
        .unwrap();
    assert_eq!(early, 0);
    for expected in [1, 0] {
        let n = store
            .expire_flash_orders(s.sale.id, deadline, "超时未支付", 100)
            .await
            .unwrap();
        assert_eq!(n, expected, "expired once, then nothing");
    }
    let expired = store.get_order(items[2].order.id).await.unwrap().unwrap();
    assert_eq!(expired.status, OrderStatus::Cancelled);
    assert_eq!(expired.timeline.last().unwrap().note, "超时未支付");
    assert_eq!(
        store
            .get_order(items[0].order.id)
            .await
            .unwrap()
            .unwrap()
            .status,
        OrderStatus::Paid
    );
    assert_eq!(
        store
            .get_flash_sale(s.sale.id)
            .await
            .unwrap()
            .unwrap()
            .remaining,
        8
    );
    assert_eq!(live_units(&db, &s.sale).await.0, 2);
    assert_eq!(counters(&db, &s.sale).await, vec![(buyers[0].0, 2)]);

    // The buyer whose order expired may buy again, up to the cap.
    let retry = store
        .commit_flash_batch(&batch(
            &s,
            vec![item(&s, buyers[2], 2, "k2-again", at(10))],
            at(10),
        ))
        .await
        .unwrap();
    assert_eq!(retry.outcomes, vec![FlashOutcome::Accepted]);
    assert_eq!(retry.remaining, 6);
    assert_eq!(
        store
            .expire_flash_orders(FlashSaleId::new(), at(0), "x", 10)
            .await
            .unwrap(),
        0,
        "an unknown sale has nothing to expire"
    );
}
