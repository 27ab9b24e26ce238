//! LiveStore: the flash hot path, `commit_flash_batch`.

use std::sync::Arc;

use yc_domain::FlashSaleId;
use yc_domain::live::Refusal::{CapExceeded, Invalid, SoldOut};
use yc_store::FlashOutcome::{Accepted, Refused, Replayed};
use yc_store::{IdempotencyRecord, Store, StoreError};

use crate::fixtures::{self, all_orders, at, sku_stock};
use crate::live_fixtures::{FLASH_SCOPE, flash_batch, flash_item, remaining, stored_sale};

pub async fn flash_batch_decides_by_pool_and_cap(store: Arc<dyn Store>) {
    let (p, sale) = stored_sale(&store, 50, 5, 2).await;
    let mut b = Vec::new();
    for _ in 0..7 {
        b.push(fixtures::buyer(&store).await.id);
    }
    let items = vec![
        flash_item(&sale, &p, b[0], 2, "a1", at(1)),
        flash_item(&sale, &p, b[0], 1, "a2", at(1)),
        flash_item(&sale, &p, b[1], 2, "b1", at(1)),
        flash_item(&sale, &p, b[2], 2, "c1", at(1)),
        flash_item(&sale, &p, b[3], 1, "d1", at(1)),
        flash_item(&sale, &p, b[4], 0, "e1", at(1)),
        flash_item(&sale, &p, b[5], 3, "f1", at(1)),
    ];
    let batch = flash_batch(&sale, items.clone(), at(1));
    let result = store.commit_flash_batch(&batch).await.unwrap();
    let expected = vec![
        Accepted,
        Refused(CapExceeded),
        Accepted,
        Refused(SoldOut),
        Accepted,
        Refused(Invalid),
        Refused(CapExceeded),
    ];
    assert_eq!(result.outcomes, expected);
    assert_eq!(result.remaining, 0);
    assert_eq!(remaining(&store, sale.id).await, 0);
    assert_eq!(
        sku_stock(&store, p.id, sale.sku_id).await,
        45,
        "SKU untouched"
    );

    for (item, outcome) in items.iter().zip(&expected) {
        let stored = store.get_order(item.order.id).await.unwrap();
        let record = store
            .get_idempotency(item.order.buyer_id, FLASH_SCOPE, &item.idempotency.key)
            .await
            .unwrap();
        if *outcome == Accepted {
            assert_eq!(
                stored,
                Some(item.order.clone()),
                "round-trips flash_sale_id"
            );
            let record = record.expect("the accepted item's key is stored");
            assert_eq!(record.request_hash, item.idempotency.request_hash);
            assert_eq!(record.response, item.idempotency.response);
        } else {
            assert_eq!((stored, record), (None, None), "a refusal writes nothing");
        }
    }
    let events = fixtures::unpublished_ids(&store).await;
    assert_eq!(events, vec![batch.event.id], "one event for the batch");
    let due = batch.expiry_job.run_at;
    let jobs = store.claim_jobs(due, due.plus_secs(30), 10).await.unwrap();
    let job_ids: Vec<_> = jobs.iter().map(|j| j.id).collect();
    assert_eq!(job_ids, vec![batch.expiry_job.id], "one expiry job");

    let late = flash_batch(
        &sale,
        vec![flash_item(&sale, &p, b[6], 1, "g1", at(2))],
        at(2),
    );
    let result = store.commit_flash_batch(&late).await.unwrap();
    assert_eq!(
        (result.outcomes, result.remaining),
        (vec![Refused(SoldOut)], 0)
    );
    assert_eq!(
        fixtures::unpublished_ids(&store).await,
        vec![batch.event.id]
    );
    let later = late.expiry_job.run_at.plus_secs(3600);
    let jobs = store.claim_jobs(later, later, 10).await.unwrap();
    assert!(
        jobs.iter().all(|j| j.id != late.expiry_job.id),
        "no job either"
    );

    let mut ghost = sale.clone();
    ghost.id = FlashSaleId::new();
    let unknown = flash_batch(
        &ghost,
        vec![flash_item(&ghost, &p, b[6], 1, "h", at(3))],
        at(3),
    );
    match store.commit_flash_batch(&unknown).await {
        Err(StoreError::NotFound) => {}
        other => panic!("an unknown sale must be NotFound, got {other:?}"),
    }
}

pub async fn flash_batch_replays_keys(store: Arc<dyn Store>) {
    let (p, sale) = stored_sale(&store, 20, 10, 2).await;
    let (a, b, c) = (
        fixtures::buyer(&store).await.id,
        fixtures::buyer(&store).await.id,
        fixtures::buyer(&store).await.id,
    );
    let first = flash_item(&sale, &p, a, 1, "k1", at(1));
    let result = store
        .commit_flash_batch(&flash_batch(&sale, vec![first.clone()], at(1)))
        .await
        .unwrap();
    assert_eq!((result.outcomes, result.remaining), (vec![Accepted], 9));

    let items = vec![
        flash_item(&sale, &p, a, 2, "k1", at(2)), // stored key: replayed, not decided
        flash_item(&sale, &p, b, 1, "k1", at(2)), // keys are per user
        flash_item(&sale, &p, c, 1, "c-1", at(2)), // accepted…
        flash_item(&sale, &p, c, 2, "c-1", at(2)), // …and repeated in the batch
        flash_item(&sale, &p, c, 3, "c-2", at(2)), // refused…
        flash_item(&sale, &p, c, 1, "c-2", at(2)), // …and repeated: the same refusal
        flash_item(&sale, &p, c, 1, "c-3", at(2)), // c's second unit, within the cap
    ];
    let record = |i: &yc_store::FlashItem| IdempotencyRecord {
        request_hash: i.idempotency.request_hash.clone(),
        response: i.idempotency.response.clone(),
    };
    let result = store
        .commit_flash_batch(&flash_batch(&sale, items.clone(), at(2)))
        .await
        .unwrap();
    let expected = vec![
        Replayed(record(&first)),
        Accepted,
        Accepted,
        Replayed(record(&items[2])),
        Refused(CapExceeded),
        Refused(CapExceeded),
        Accepted,
    ];
    assert_eq!(result.outcomes, expected);
    assert_eq!(result.remaining, 6, "replays take no units");
    assert_eq!(remaining(&store, sale.id).await, 6);
    for (buyer, n) in [(a, 1), (b, 1), (c, 2)] {
        assert_eq!(all_orders(&store, buyer).await.len(), n);
    }
    for i in [0, 3, 4, 5] {
        assert_eq!(store.get_order(items[i].order.id).await.unwrap(), None);
    }
    let stored = store.get_idempotency(c, FLASH_SCOPE, "c-1").await.unwrap();
    assert_eq!(stored, Some(record(&items[2])), "the first write is kept");
    let refused = store.get_idempotency(c, FLASH_SCOPE, "c-2").await.unwrap();
    assert_eq!(refused, None);

    // The refusals' batched check answers as one check per key, in order.
    let keys = [
        (c, "c-1"),
        (c, "c-2"),
        (a, "k1"),
        (b, "k1"),
        (a, "c-1"),
        (c, "c-1"),
    ];
    let mut one_by_one = Vec::new();
    for (buyer, key) in keys {
        one_by_one.push(
            store
                .get_idempotency(buyer, FLASH_SCOPE, key)
                .await
                .unwrap(),
        );
    }
    let batched = store.get_idempotencies(FLASH_SCOPE, &keys).await.unwrap();
    assert_eq!(batched, one_by_one);
    assert_eq!(batched[0], Some(record(&items[2])));
    assert_eq!(batched[2], Some(record(&first)));
    assert_eq!((&batched[1], &batched[4]), (&None, &None));
    assert!(
        store
            .get_idempotencies(FLASH_SCOPE, &[])
            .await
            .unwrap()
            .is_empty()
    );
}

/// Keys are any printable ASCII (`parse_key`); a store that spells them
/// into SQL text (PostgreSQL's first round trip does, hex-encoded) must
/// find each one again exactly, quotes, braces and all.
pub async fn flash_keys_with_sql_and_array_syntax_round_trip(store: Arc<dyn Store>) {
    let (p, sale) = stored_sale(&store, 20, 10, 10).await;
    let buyer = fixtures::buyer(&store).await.id;
    let keys = [
        "it's",
        "a\"b\\c",
        "{x,y}",
        "$$;ROLLBACK;--",
        "NULL",
        "'{}'::text[]",
    ];
    let items: Vec<_> = keys
        .iter()
        .map(|k| flash_item(&sale, &p, buyer, 1, k, at(1)))
        .collect();
    let result = store
        .commit_flash_batch(&flash_batch(&sale, items.clone(), at(1)))
        .await
        .unwrap();
    assert_eq!(result.outcomes, vec![Accepted; keys.len()]);
    let again: Vec<_> = keys
        .iter()
        .map(|k| flash_item(&sale, &p, buyer, 1, k, at(2)))
        .collect();
    let replayed = store
        .commit_flash_batch(&flash_batch(&sale, again, at(2)))
        .await
        .unwrap();
    for ((key, item), outcome) in keys.iter().zip(&items).zip(&replayed.outcomes) {
        let first = IdempotencyRecord {
            request_hash: item.idempotency.request_hash.clone(),
            response: item.idempotency.response.clone(),
        };
        assert_eq!(*outcome, Replayed(first.clone()), "key {key:?} replays");
        let stored = store
            .get_idempotency(buyer, FLASH_SCOPE, key)
            .await
            .unwrap();
        assert_eq!(stored, Some(first), "key {key:?} is stored as sent");
    }
    assert_eq!(replayed.remaining, 4, "replays take no units");
    assert_eq!(all_orders(&store, buyer).await.len(), keys.len());
}

/// Readying the store for a sale's countdown (`warm_flash`) writes
/// nothing, takes nothing from the pool, and leaves the store working;
/// an unknown sale has nothing to ready.
pub async fn warm_flash_writes_nothing(store: Arc<dyn Store>) {
    let (p, sale) = stored_sale(&store, 20, 10, 2).await;
    store.warm_flash(sale.id).await.unwrap();
    store.warm_flash(FlashSaleId::new()).await.unwrap();
    assert_eq!(remaining(&store, sale.id).await, 10);
    assert!(fixtures::unpublished_ids(&store).await.is_empty());
    let buyer = fixtures::buyer(&store).await.id;
    let batch = flash_batch(
        &sale,
        vec![flash_item(&sale, &p, buyer, 2, "w1", at(1))],
        at(1),
    );
    let result = store.commit_flash_batch(&batch).await.unwrap();
    assert_eq!((result.outcomes, result.remaining), (vec![Accepted], 8));
}
