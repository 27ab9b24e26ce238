//! Live rooms and flash sales on PostgreSQL: rooms, sale creation, the
//! group commit (allocation, idempotency, invariants), expiry and
//! cancellation returning units exactly once.
//!
//! Needs `YC_TEST_POSTGRES_URL`; without it every test passes at once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod flashkit;

use std::sync::Arc;

use sqlx::PgPool;
use yc_domain::live::Refusal;
use yc_domain::{FlashSaleId, ProductId};
use yc_store::{FlashOutcome, IdempotencyRecord, Store, StoreError};
use yc_store_conformance::fixtures::{self, T0, at, page, sku_stock};
use yc_store_postgres::PgStore;

use common::{DropSchema, fresh_schema, postgres_url};
use flashkit::{SCOPE, batch, counters, db, item, live_units};

/// A fresh store, a direct pool on its schema, and the schema's guard.
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
async fn rooms_keep_pins_in_order_and_check_owners() {
    let Some(url) = postgres_url() else { return };
    let (store, _db, _guard) = open(&url).await;
    let shop = fixtures::merchant(&store).await;
    let other = fixtures::merchant(&store).await;
    let p1 = fixtures::stored_product(&store, shop.id, &[(100, 1)]).await;
    let p2 = fixtures::stored_product(&store, shop.id, &[(100, 1)]).await;
    let r1 = flashkit::room(shop.id, vec![p2.id, p1.id]);
    store.insert_live_room(&r1).await.unwrap();
    let r2 = flashkit::room(shop.id, vec![]);
    store.insert_live_room(&r2).await.unwrap();
    assert_eq!(store.get_live_room(r1.id).await.unwrap(), Some(r1.clone()));

    let first = store.list_live_rooms(page(1, None)).await.unwrap();
    assert_eq!(
        first,
        vec![r2.clone(), r1.clone()],
        "newest first, one extra"
    );
    let next = store.list_live_rooms(page(1, Some(r2.id.0))).await.unwrap();
    assert_eq!(next, vec![r1.clone()]);

    let moved = store.set_pinned(shop.id, r1.id, &[p1.id]).await.unwrap();
    assert_eq!(moved.pinned, vec![p1.id]);
    assert!(matches!(
        store.set_pinned(other.id, r1.id, &[p2.id]).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.set_pinned(shop.id, r1.id, &[p2.id, p2.id]).await,
        Err(StoreError::Duplicate { field: "pinned" })
    ));
    assert!(matches!(
        store.set_pinned(shop.id, r1.id, &[ProductId::new()]).await,
        Err(StoreError::NotFound)
    ));
    let kept = store.get_live_room(r1.id).await.unwrap().unwrap();
    assert_eq!(kept.pinned, vec![p1.id], "failed replacements keep nothing");
}

#[tokio::test]
async fn flash_sale_takes_its_pool_from_stock() {
    let Some(url) = postgres_url() else { return };
    let (store, _db, _guard) = open(&url).await;
    let s = flashkit::sale(&store, 100, 30, 2).await;
    let sku = s.sale.sku_id;
    assert_eq!(sku_stock(&store, s.product.id, sku).await, 70);
    let state = store.get_flash_sale(s.sale.id).await.unwrap().unwrap();
    assert_eq!((state.sale.clone(), state.remaining), (s.sale.clone(), 30));

    // Too big a pool: SoldOut, nothing taken.
    let mut big = flashkit::draft(sku, 71, 2, 30)
        .parse(&s.room, s.product.id, s.sale.flash_price, 1000, T0)
        .unwrap();
    assert!(matches!(
        store.create_flash_sale(&big).await,
        Err(StoreError::SoldOut { sku_id }) if sku_id == sku
    ));
    // Another merchant's sale on this room and SKU: NotFound.
    big.pool_size = 1;
    big.merchant_id = fixtures::merchant(&store).await.id;
    assert!(matches!(
        store.create_flash_sale(&big).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(sku_stock(&store, s.product.id, sku).await, 70);

    // Sooner sales first.
    let sooner = flashkit::draft(sku, 10, 1, 10)
        .parse(&s.room, s.product.id, s.sale.flash_price, 70, T0)
        .unwrap();
    store.create_flash_sale(&sooner).await.unwrap();
    let listed = store.room_flash_sales(s.room.id).await.unwrap();
    let ids: Vec<FlashSaleId> = listed.iter().map(|l| l.sale.id).collect();
    assert_eq!(ids, vec![sooner.id, s.sale.id]);
    assert_eq!(sku_stock(&store, s.product.id, sku).await, 60);
}

#[tokio::test]
async fn group_commit_allocates_in_order_and_writes_once() {
    let Some(url) = postgres_url() else { return };
    let (store, db, _guard) = open(&url).await;
    let s = flashkit::sale(&store, 100, 5, 2).await;
    let (a, b, c) = (
        fixtures::buyer(&store).await.id,
        fixtures::buyer(&store).await.id,
        fixtures::buyer(&store).await.id,
    );
    let items = vec![
        item(&s, a, 1, "a1", T0),
        item(&s, a, 1, "a2", T0),
        item(&s, a, 1, "a3", T0), // over the cap
        item(&s, b, 2, "b1", T0),
        item(&s, c, 2, "c1", T0), // 1 left: sold out
        item(&s, a, 1, "a1", T0), // same key as the first: its write
        item(&s, c, 1, "c2", T0),
        item(&s, c, 2, "c1", T0), // same key as a refused item: same refusal
    ];
    let first = items[0].clone();
    let out = store
        .commit_flash_batch(&batch(&s, items.clone(), T0))
        .await
        .unwrap();
    use FlashOutcome::{Accepted, Refused, Replayed};
    let replay = IdempotencyRecord {
        request_hash: first.idempotency.request_hash.clone(),
        response: first.idempotency.response.clone(),
    };
    assert_eq!(
        out.outcomes,
        vec![
            Accepted,
            Accepted,
            Refused(Refusal::CapExceeded),
            Accepted,
            Refused(Refusal::SoldOut),
            Replayed(replay.clone()),
            Accepted,
            Refused(Refusal::SoldOut),
        ]
    );
    assert_eq!(out.remaining, 0);
    assert_eq!(
        store
            .get_flash_sale(s.sale.id)
            .await
            .unwrap()
            .unwrap()
            .remaining,
        0
    );
    assert_eq!(
        sku_stock(&store, s.product.id, s.sale.sku_id).await,
        95,
        "SKU stock untouched"
    );

    let read = store.get_order(first.order.id).await.unwrap().unwrap();
    assert_eq!(read, first.order);
    assert_eq!(read.flash_sale_id, Some(s.sale.id));
    assert_eq!(
        store.get_idempotency(a, SCOPE, "a1").await.unwrap(),
        Some(replay.clone())
    );
    assert_eq!(store.get_idempotency(a, SCOPE, "a3").await.unwrap(), None);
    assert_eq!(fixtures::all_orders(&store, a).await.len(), 2);
    assert_eq!(store.unpublished_events(100).await.unwrap().len(), 1);
    let far = at(3_600_000);
    assert_eq!(store.claim_jobs(far, far, 100).await.unwrap().len(), 1);
    assert_eq!(live_units(&db, &s.sale).await.0, 5);

    // A retry in a later batch replays; nothing more is written.
    let again = store
        .commit_flash_batch(&batch(&s, vec![items[0].clone(), items[3].clone()], at(5)))
        .await
        .unwrap();
    let b1 = &items[3].idempotency;
    let b1 = IdempotencyRecord {
        request_hash: b1.request_hash.clone(),
        response: b1.response.clone(),
    };
    assert_eq!(again.outcomes, vec![Replayed(replay), Replayed(b1)]);
    assert_eq!(
        store.unpublished_events(100).await.unwrap().len(),
        1,
        "nothing accepted, no event"
    );
    let mut held = counters(&db, &s.sale).await;
    held.sort();
    let mut expected = vec![(a.0, 2), (b.0, 2), (c.0, 1)];
    expected.sort();
    assert_eq!(held, expected);
}

#[tokio::test]
async fn group_commit_refuses_broken_batches_whole() {
    let Some(url) = postgres_url() else { return };
    let (store, db, _guard) = open(&url).await;
    let s = flashkit::sale(&store, 100, 50, 5).await;
    let other = flashkit::sale(&store, 100, 50, 5).await;
    let buyer = fixtures::buyer(&store).await.id;
    let good = item(&s, buyer, 1, "good", T0);

    let mut totals = item(&s, buyer, 1, "t", T0);
    totals.order.total.amount_minor += 1;
    let mut foreign = item(&s, buyer, 1, "f", T0);
    foreign.order.flash_sale_id = Some(other.sale.id);
    let wrong_sku = item(&other, buyer, 1, "w", T0);
    let mut wrong_sku_here = wrong_sku.clone();
    wrong_sku_here.order.flash_sale_id = Some(s.sale.id);
    for bad in [totals, foreign, wrong_sku_here] {
        let result = store
            .commit_flash_batch(&batch(&s, vec![good.clone(), bad], T0))
            .await;
        assert!(matches!(result, Err(StoreError::Backend(_))), "{result:?}");
    }
    assert_eq!(live_units(&db, &s.sale).await.0, 0, "nothing was kept");
    assert_eq!(
        store
            .get_flash_sale(s.sale.id)
            .await
            .unwrap()
            .unwrap()
            .remaining,
        50
    );

    let mut unknown = batch(&s, vec![], T0);
    unknown.sale_id = FlashSaleId::new();
    assert!(matches!(
        store.commit_flash_batch(&unknown).await,
        Err(StoreError::NotFound)
    ));
    let empty = store
        .commit_flash_batch(&batch(&s, vec![], T0))
        .await
        .unwrap();
    assert_eq!((empty.outcomes.len(), empty.remaining), (0, 50));
}
