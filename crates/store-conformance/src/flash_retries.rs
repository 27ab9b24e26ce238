//! Flash batches racing with retries of each other's keys, as when a
//! client retries on another connection while its first request is still
//! in a batch. A store may commit concurrent batches together (SQLite
//! folds the batches queued at its writer into one transaction); the
//! answers must be the same as one by one.

use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::Barrier;
use tokio::task::JoinSet;
use yc_domain::{FlashSaleId, OrderId, UserId};
use yc_store::{FlashOutcome, Store, StoreError};

use crate::fixtures::{self, all_orders, at};
use crate::live_fixtures::{flash_batch, flash_item, remaining, stored_sale};
use crate::races::next;

const TASKS: u64 = 6;
const BATCHES: usize = 20;
const ITEMS: usize = 8;
const BUYERS: usize = 40;
const KEYS_PER_BUYER: u64 = 3;
const POOL: i64 = 1_000;

/// What one task saw: per (buyer, key), the orders its items placed and
/// the orders its replays named.
#[derive(Default)]
struct Seen {
    accepted: Vec<((UserId, String), OrderId)>,
    replayed: Vec<((UserId, String), OrderId)>,
    ghosts_refused: usize,
}

/// 6 tasks × 20 batches of 8 items drawn from 120 shared (buyer, key)
/// pairs, with room in the pool and the cap for all: each pair places
/// exactly one order, every other item with that pair is answered with
/// that order, the pool counts one unit per pair; and each task's batch
/// for a sale that does not exist, sent among the others, fails alone.
pub async fn flash_concurrent_retries_place_each_key_once(store: Arc<dyn Store>) {
    let (p, sale) = stored_sale(&store, 2 * POOL, POOL, 100).await;
    let mut buyers = Vec::new();
    for _ in 0..BUYERS {
        buyers.push(fixtures::buyer(&store).await.id);
    }
    let buyers = Arc::new(buyers);
    let barrier = Arc::new(Barrier::new(TASKS as usize));
    let mut tasks = JoinSet::new();
    for t in 0..TASKS {
        let (store, barrier, buyers) = (store.clone(), barrier.clone(), buyers.clone());
        let (p, sale) = (p.clone(), sale.clone());
        tasks.spawn(async move {
            let mut rng = 0x5EED_u64 + t;
            let mut seen = Seen::default();
            barrier.wait().await;
            for b in 0..BATCHES {
                if b == BATCHES / 2 {
                    let mut ghost = sale.clone();
                    ghost.id = FlashSaleId::new();
                    let item = flash_item(&ghost, &p, buyers[0], 1, "ghost", at(1));
                    match store
                        .commit_flash_batch(&flash_batch(&ghost, vec![item], at(1)))
                        .await
                    {
                        Err(StoreError::NotFound) => seen.ghosts_refused += 1,
                        other => panic!("a batch for no sale must be NotFound, got {other:?}"),
                    }
                }
                let items: Vec<_> = (0..ITEMS)
                    .map(|_| {
                        let buyer = buyers[(next(&mut rng) % BUYERS as u64) as usize];
                        let key = format!("k{}", next(&mut rng) % KEYS_PER_BUYER);
                        flash_item(&sale, &p, buyer, 1, &key, at(1))
                    })
                    .collect();
                let batch = flash_batch(&sale, items, at(1));
                let result = store.commit_flash_batch(&batch).await.unwrap();
                for (item, outcome) in batch.items.iter().zip(result.outcomes) {
                    let pair = (item.order.buyer_id, item.idempotency.key.clone());
                    match outcome {
                        FlashOutcome::Accepted => seen.accepted.push((pair, item.order.id)),
                        FlashOutcome::Replayed(record) => {
                            assert_eq!(record.request_hash, item.idempotency.request_hash);
                            let id = record.response["id"].as_str().unwrap().parse().unwrap();
                            seen.replayed.push((pair, id));
                        }
                        FlashOutcome::Refused(why) => panic!("room for all, refused {why:?}"),
                    }
                }
            }
            seen
        });
    }
    let mut placed: HashMap<(UserId, String), OrderId> = HashMap::new();
    let mut replays = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let seen = joined.unwrap();
        assert_eq!(seen.ghosts_refused, 1);
        for (pair, order) in seen.accepted {
            let earlier = placed.insert(pair.clone(), order);
            assert!(earlier.is_none(), "{pair:?} placed twice");
        }
        replays.extend(seen.replayed);
    }
    for (pair, order) in replays {
        assert_eq!(
            placed.get(&pair),
            Some(&order),
            "{pair:?} replayed another order"
        );
    }
    let units = i64::try_from(placed.len()).unwrap();
    assert_eq!(remaining(&store, sale.id).await, POOL - units);
    for buyer in buyers.iter() {
        let stored = all_orders(&store, *buyer).await;
        let mine = placed.keys().filter(|(b, _)| b == buyer).count();
        assert_eq!(
            stored.len(),
            mine,
            "buyer {buyer}: one stored order per key"
        );
    }
}
