//! A flash batch decides on an unlocked read of the pool and takes its
//! units last (`flash_tx`). Here another transaction holds the sale's row
//! while the batch decides, and takes most of the pool before letting go:
//! the batch's take must fail, nothing it inserted may stay, and the batch
//! must be decided again on the pool as it now is.
//!
//! Needs `YC_TEST_POSTGRES_URL`; without it the test passes at once.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;
mod flashkit;

use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::PgPool;
use yc_domain::live::Refusal;
use yc_store::{FlashOutcome, Store};
use yc_store_conformance::fixtures::T0;
use yc_store_postgres::PgStore;

use common::{DropSchema, fresh_schema, postgres_url};
use flashkit::{batch, bulk_buyers, db, item, live_units};

/// Waits until a backend is blocked on a row lock in `flash_take`.
async fn wait_for_blocked_take(db: &PgPool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let blocked: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM pg_stat_activity \
             WHERE wait_event_type = 'Lock' AND query LIKE '%flash_take(%'",
        )
        .fetch_one(db)
        .await
        .unwrap();
        if blocked > 0 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the batch never reached its take"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_that_loses_the_pool_at_its_take_is_decided_again() {
    let Some(url) = postgres_url() else { return };
    let schema = fresh_schema();
    let _guard = DropSchema {
        url: url.clone(),
        schema: schema.clone(),
    };
    let store: Arc<dyn Store> =
        Arc::new(PgStore::connect_in_schema(&url, &schema, 4).await.unwrap());
    let db = db(&url, &schema).await;
    let sale = flashkit::sale(&store, 100, 10, 5).await;
    let buyers = bulk_buyers(&db, 3).await;

    // Another writer (standing in for a batch on another node) holds the
    // sale's row and will leave one unit of the ten.
    let mut other = db.begin().await.unwrap();
    sqlx::query("UPDATE flash_sales SET remaining = 1 WHERE id = $1")
        .bind(sale.sale.id.as_uuid())
        .execute(&mut *other)
        .await
        .unwrap();

    // Six units asked for while the committed pool still says ten: the
    // unlocked read accepts all three, so the batch inserts and waits at
    // its take.
    let items: Vec<_> = buyers
        .iter()
        .zip([1_u32, 2, 3])
        .enumerate()
        .map(|(i, (b, q))| item(&sale, *b, q, &format!("k{i}"), T0))
        .collect();
    let committing = {
        let (store, batch) = (Arc::clone(&store), batch(&sale, items.clone(), T0));
        tokio::spawn(async move { store.commit_flash_batch(&batch).await })
    };
    wait_for_blocked_take(&db).await;
    other.commit().await.unwrap();

    let out = committing.await.unwrap().unwrap();
    assert_eq!(
        out.outcomes,
        vec![
            FlashOutcome::Accepted,
            FlashOutcome::Refused(Refusal::SoldOut),
            FlashOutcome::Refused(Refusal::SoldOut),
        ],
        "decided again on the one unit left"
    );
    assert_eq!(out.remaining, 0);
    let (units, per_buyer) = live_units(&db, &sale.sale).await;
    assert_eq!(units, 1, "nothing of the first decision stayed");
    assert_eq!(per_buyer, vec![(buyers[0].as_uuid(), 1)]);
    let remaining = store
        .get_flash_sale(sale.sale.id)
        .await
        .unwrap()
        .unwrap()
        .remaining;
    assert_eq!(remaining, 0);
}
