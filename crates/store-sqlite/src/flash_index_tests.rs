//! The flash writer's ledgers and the deferred key index (migration 0007):
//! orders stay findable by key and in their buyer's list before, during
//! and after an index pass, and a reopened store decides from what its
//! orders say.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use yc_domain::live::Refusal::CapExceeded;
use yc_store::FlashOutcome::{Accepted, Refused, Replayed};
use yc_store::{FLASH_SCOPE, Store};
use yc_store_conformance::fixtures::{self, all_orders, at};
use yc_store_conformance::live_fixtures::{flash_batch, flash_item, stored_sale};

use crate::SqliteStore;

fn raw(store: &SqliteStore) -> rusqlite::Connection {
    rusqlite::Connection::open(store.path()).unwrap()
}

#[tokio::test]
async fn flash_orders_stay_findable_across_index_passes_and_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("yellowcart.db");
    let sqlite = SqliteStore::open(&path).await.unwrap();
    let store: Arc<dyn Store> = Arc::new(sqlite.clone());
    let (p, sale) = stored_sale(&store, 50, 20, 3).await;
    let (a, b) = (
        fixtures::buyer(&store).await.id,
        fixtures::buyer(&store).await.id,
    );
    let a1 = flash_item(&sale, &p, a, 1, "a1", at(1));
    let b1 = flash_item(&sale, &p, b, 2, "b1", at(1));
    let batch = flash_batch(&sale, vec![a1.clone(), b1], at(1));
    let result = store.commit_flash_batch(&batch).await.unwrap();
    assert_eq!(result.outcomes, vec![Accepted, Accepted]);

    // Past the mark: found through the ledger and the tail scan.
    let found = |buyer, key: &'static str| {
        let store = store.clone();
        async move {
            store
                .get_idempotency(buyer, FLASH_SCOPE, key)
                .await
                .unwrap()
                .map(|r| r.request_hash)
        }
    };
    assert_eq!(
        found(a, "a1").await,
        Some(a1.idempotency.request_hash.clone())
    );
    assert_eq!(all_orders(&store, a).await.len(), 1);

    // A pass covers them: the mark moves, nothing shows twice.
    let mark = sqlite.flash.mark();
    let mut conn = raw(&sqlite);
    let gate = sqlite.write.gate();
    tokio::task::spawn_blocking(move || {
        crate::flash_indexer::pass(&mut conn, Some(&gate), &mark).unwrap()
    })
    .await
    .unwrap();
    let indexed: i64 = raw(&sqlite)
        .query_row("SELECT count(*) FROM flash_order_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(indexed, 2);
    assert!(sqlite.flash.mark().load(Ordering::Acquire) > 0);
    assert_eq!(all_orders(&store, a).await.len(), 1);
    assert_eq!(
        found(a, "a1").await,
        Some(a1.idempotency.request_hash.clone())
    );

    // A pass under way: a slice written, the mark not yet moved.
    let a2 = flash_item(&sale, &p, a, 1, "a2", at(2));
    let result = store
        .commit_flash_batch(&flash_batch(&sale, vec![a2.clone()], at(2)))
        .await
        .unwrap();
    assert_eq!(result.outcomes, vec![Accepted]);
    raw(&sqlite)
        .execute(
            "INSERT INTO flash_order_keys SELECT buyer_id, flash_sale_id, flash_key, id \
             FROM orders WHERE id = ?",
            [a2.order.id.0.hyphenated().to_string()],
        )
        .unwrap();
    let listed: Vec<_> = all_orders(&store, a).await.iter().map(|o| o.id).collect();
    assert_eq!(
        listed,
        vec![a2.order.id, a1.order.id],
        "newest first, once each"
    );
    sqlite.close().await;
    drop(store);

    // Reopened: the ledger comes back from the orders (keys and held units).
    let sqlite = SqliteStore::open(&path).await.unwrap();
    let store: Arc<dyn Store> = Arc::new(sqlite.clone());
    let retry = flash_item(&sale, &p, a, 1, "a1", at(3));
    let over = flash_item(&sale, &p, a, 2, "a3", at(3));
    let last = flash_item(&sale, &p, a, 1, "a4", at(3));
    let result = store
        .commit_flash_batch(&flash_batch(&sale, vec![retry, over, last], at(3)))
        .await
        .unwrap();
    assert!(
        matches!(result.outcomes[0], Replayed(_)),
        "{:?}",
        result.outcomes
    );
    assert_eq!(result.outcomes[1..], [Refused(CapExceeded), Accepted]);
    assert_eq!(all_orders(&store, a).await.len(), 3);
    let unindexed: i64 = raw(&sqlite)
        .query_row(
            "SELECT count(*) FROM orders WHERE rowid > \
             (SELECT last_rowid FROM flash_index_mark)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(unindexed, 1, "the reopen indexed everything before it");
    sqlite.close().await;
}
