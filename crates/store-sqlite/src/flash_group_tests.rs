//! The flash writer's groups (`flash_group`): batches queued behind a
//! busy writer commit in one transaction and are answered as if one by
//! one — a key placed by an earlier batch of the group is replayed, a
//! buyer's cap counts the group's earlier orders, a failing batch fails
//! alone.

use std::sync::Arc;
use std::time::Duration;

use yc_domain::FlashSaleId;
use yc_domain::live::Refusal::CapExceeded;
use yc_store::FlashOutcome::{Accepted, Refused, Replayed};
use yc_store::{FlashBatch, FlashBatchResult, LiveStore, Store, StoreError, StoreResult};
use yc_store_conformance::fixtures::{self, all_orders, at};
use yc_store_conformance::live_fixtures::{flash_batch, flash_item, remaining, stored_sale};

use crate::SqliteStore;

/// Sends `batches` while the write gate is held, so the writer takes the
/// first alone (and blocks on the gate) and every later one as a group.
async fn queued_behind_the_gate(
    sqlite: &SqliteStore,
    batches: Vec<FlashBatch>,
) -> Vec<StoreResult<FlashBatchResult>> {
    let gate = sqlite.write.gate();
    let held = gate.clone().lock_owned().await;
    let mut sent = Vec::new();
    for batch in batches {
        let store = sqlite.clone();
        sent.push(tokio::spawn(async move {
            store.commit_flash_batch(&batch).await
        }));
        // In order: the writer's queue is FIFO.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    drop(held);
    let mut answers = Vec::new();
    for s in sent {
        answers.push(s.await.unwrap());
    }
    answers
}

#[tokio::test]
async fn a_group_answers_each_batch_as_if_alone() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(&dir.path().join("yellowcart.db"))
        .await
        .unwrap();
    let store: Arc<dyn Store> = Arc::new(sqlite.clone());
    let (p, sale) = stored_sale(&store, 50, 20, 2).await;
    let (a, b) = (
        fixtures::buyer(&store).await.id,
        fixtures::buyer(&store).await.id,
    );
    let first = flash_item(&sale, &p, b, 1, "b0", at(1));
    let a1 = flash_item(&sale, &p, a, 1, "a1", at(1));
    let mut ghost = sale.clone();
    ghost.id = FlashSaleId::new();
    let batches = vec![
        // Taken alone: the writer then waits for the gate.
        flash_batch(&sale, vec![first], at(1)),
        flash_batch(&sale, vec![a1.clone()], at(1)),
        flash_batch(
            &ghost,
            vec![flash_item(&ghost, &p, a, 1, "g", at(1))],
            at(1),
        ),
        // a1 again (a retry), and a's second and third unit (cap 2).
        flash_batch(
            &sale,
            vec![
                a1.clone(),
                flash_item(&sale, &p, a, 1, "a2", at(1)),
                flash_item(&sale, &p, a, 1, "a3", at(1)),
            ],
            at(1),
        ),
    ];
    let answers = queued_behind_the_gate(&sqlite, batches).await;
    let outcomes: Vec<_> = answers
        .iter()
        .map(|a| a.as_ref().map(|r| r.outcomes.clone()))
        .collect();
    assert_eq!(outcomes[0].as_ref().unwrap(), &vec![Accepted]);
    assert_eq!(outcomes[1].as_ref().unwrap(), &vec![Accepted]);
    assert!(
        matches!(outcomes[2], Err(StoreError::NotFound)),
        "{:?}",
        outcomes[2]
    );
    let last = outcomes[3].as_ref().unwrap();
    assert!(matches!(&last[0], Replayed(r) if r.request_hash == a1.idempotency.request_hash));
    assert_eq!(last[1..], [Accepted, Refused(CapExceeded)]);
    assert_eq!(answers[3].as_ref().unwrap().remaining, 17);
    assert_eq!(remaining(&store, sale.id).await, 17);
    assert_eq!(all_orders(&store, a).await.len(), 2);

    // The ledger learnt the group's orders once committed: a later batch
    // replays a2 and still counts a at the cap.
    let later = flash_batch(
        &sale,
        vec![
            flash_item(&sale, &p, a, 1, "a2", at(2)),
            flash_item(&sale, &p, a, 1, "a4", at(2)),
        ],
        at(2),
    );
    let result = store.commit_flash_batch(&later).await.unwrap();
    assert!(matches!(result.outcomes[0], Replayed(_)));
    assert_eq!(result.outcomes[1], Refused(CapExceeded));
}
