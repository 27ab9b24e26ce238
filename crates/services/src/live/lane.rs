//! The writer task of one sale's lane: drains the queue into a batch,
//! builds it, and hands it to the store with at most one more batch ahead
//! of it (see `engine` for why batches).

use std::collections::HashMap;
use std::sync::Arc;
use tracing::warn;
use yc_domain::address::Address;
use yc_domain::live::{Refusal, flash_order};
use yc_domain::order::Order;
use yc_domain::{EventId, JobId, Timestamp, ValidationError};
use yc_store::{FlashBatch, FlashItem, FlashOutcome, IdempotencyWrite, NewJob, OutboxEvent};

use super::buy::{EXPIRE_FLASH_JOB, FLASH_SCOPE};
use super::engine::{BuyJob, Lane, SaleSnapshot, next_batch};
use super::hub::LiveEvent;
use crate::{ServiceError, ServiceResult, Services};

/// Batches of one lane at the store at once (each store re-decides every
/// batch on the locked sale row, so overlap cannot oversell). More is
/// worse, measured on SQLite even with its writer folding queued batches
/// into one commit (6: 15.7–17.4k orders/s against 18.0–18.7k for 2,
/// alternated): each extra batch is drained smaller and pays its own
/// address read, order build and pool read.
const IN_FLIGHT: usize = 2;

/// A batch ready to commit and the requests waiting for it, in item order.
struct Built {
    batch: FlashBatch,
    waiting: Vec<BuyJob>,
}

impl Services {
    /// Up to `IN_FLIGHT` batches at the store: one committing and the next
    /// already queued behind it, so the writer never waits for the lane
    /// (answers, the next drain) between two commits. The queue is drained
    /// only when a slot frees: a batch built early would sit idle while
    /// later requests queue behind it, keeping every batch smaller than
    /// it could be.
    pub(super) async fn run_lane(
        self,
        lane: Arc<Lane>,
        mut rx: tokio::sync::mpsc::Receiver<BuyJob>,
    ) {
        let slots = Arc::new(tokio::sync::Semaphore::new(IN_FLIGHT));
        let mut commits = tokio::task::JoinSet::new();
        while let Ok(slot) = slots.clone().acquire_owned().await {
            let Some(jobs) = next_batch(&mut rx).await else {
                break;
            };
            if let Some(built) = self.build_batch(&lane, jobs).await {
                let (services, lane) = (self.clone(), lane.clone());
                commits.spawn(async move {
                    services.commit_built(&lane, built).await;
                    drop(slot);
                });
            }
            while commits.try_join_next().is_some() {}
        }
        while commits.join_next().await.is_some() {}
        self.flash.retire(&lane);
        // Answer anything that raced in after the idle timeout.
        rx.close();
        while let Ok(job) = rx.try_recv() {
            let _ = job.reply.send(Err(ServiceError::Overloaded));
        }
    }

    /// Turns queued requests into a batch; answers at once those that
    /// cannot be in it (no default address, over the cap).
    async fn build_batch(&self, lane: &Lane, jobs: Vec<BuyJob>) -> Option<Built> {
        let now = self.now();
        let snap = &lane.snapshot;
        let users: Vec<_> = jobs.iter().map(|j| j.user.id).collect();
        let addresses: HashMap<_, _> = match self.store.default_addresses(&users).await {
            Ok(a) => a.into_iter().map(|a| (a.user_id, a)).collect(),
            Err(e) => {
                fail_all(jobs, &ServiceError::from(e));
                return None;
            }
        };
        let mut items = Vec::with_capacity(jobs.len());
        let mut waiting = Vec::with_capacity(jobs.len());
        for job in jobs {
            let Some(address) = addresses.get(&job.user.id) else {
                let _ = job.reply.send(Err(ValidationError::new(
                    "address_id",
                    "no_address",
                    "add a default shipping address first",
                )
                .into()));
                continue;
            };
            match flash_item(snap, &job, address, now) {
                Ok(item) => {
                    items.push(item);
                    waiting.push(job);
                }
                Err(e) => {
                    let _ = job.reply.send(Err(e));
                }
            }
        }
        if items.is_empty() {
            return None;
        }
        let batch = FlashBatch {
            sale_id: snap.sale.id,
            event: OutboxEvent {
                id: EventId::new(),
                topic: "flash.orders".into(),
                payload: serde_json::json!({ "sale_id": snap.sale.id, "count": items.len() }),
                created_at: now,
            },
            expiry_job: NewJob {
                id: JobId::new(),
                kind: EXPIRE_FLASH_JOB.into(),
                payload: serde_json::json!({ "sale_id": snap.sale.id }),
                run_at: now.plus_millis(snap.sale.pay_window_ms + 1000),
            },
            items,
        };
        Some(Built { batch, waiting })
    }

    /// One transaction, one fsync, then everyone in the batch gets an answer.
    async fn commit_built(&self, lane: &Lane, built: Built) {
        let Built { batch, waiting } = built;
        let snap = &lane.snapshot;
        let started = std::time::Instant::now();
        let committed = self.store.commit_flash_batch(&batch).await;
        let elapsed = started.elapsed();
        tracing::debug!(
            batch = batch.items.len(),
            commit_us = elapsed.as_micros(),
            "flash batch"
        );
        metrics::histogram!("yc_flash_batch_size").record(batch.items.len() as f64);
        metrics::histogram!("yc_flash_commit_seconds").record(elapsed.as_secs_f64());
        match committed {
            Ok(result) => {
                let now = self.now();
                lane.set_hint(result.remaining, now);
                self.publish_stock(snap, result.remaining, now);
                let accepted = result
                    .outcomes
                    .iter()
                    .filter(|o| matches!(o, FlashOutcome::Accepted))
                    .count();
                let refused = result.outcomes.len() - accepted;
                metrics::counter!("yc_flash_orders_total", "outcome" => "accepted")
                    .increment(accepted as u64);
                metrics::counter!("yc_flash_orders_total", "outcome" => "refused_or_replayed")
                    .increment(refused as u64);
                for ((job, item), outcome) in
                    waiting.into_iter().zip(batch.items).zip(result.outcomes)
                {
                    let answered = answer(&job.hash, item.order, outcome, snap);
                    let _ = job.reply.send(answered);
                }
            }
            Err(e) => {
                warn!(error = %e, "flash batch failed");
                fail_all(waiting, &ServiceError::from(e));
            }
        }
    }

    fn publish_stock(&self, snap: &SaleSnapshot, remaining: i64, now: Timestamp) {
        let phase = snap.sale.phase(now, remaining);
        self.live.publish(
            snap.sale.room_id,
            LiveEvent::Stock {
                sale_id: snap.sale.id,
                remaining,
                phase,
            },
        );
    }
}

fn flash_item(
    snap: &SaleSnapshot,
    job: &BuyJob,
    address: &Address,
    now: Timestamp,
) -> ServiceResult<FlashItem> {
    let order = flash_order(
        &snap.sale,
        &snap.item,
        job.user.id,
        address,
        job.quantity,
        now,
    )
    .map_err(|refusal| refusal_error(refusal, snap))?;
    // No response: the order is the answer (see `FlashItem`).
    let idempotency = IdempotencyWrite {
        user_id: job.user.id,
        scope: FLASH_SCOPE,
        key: job.key.clone(),
        request_hash: job.hash.clone(),
        response: serde_json::Value::Null,
        created_at: now,
    };
    Ok(FlashItem { order, idempotency })
}

fn answer(
    hash: &str,
    order: Order,
    outcome: FlashOutcome,
    snap: &SaleSnapshot,
) -> ServiceResult<Order> {
    match outcome {
        FlashOutcome::Accepted => Ok(order),
        FlashOutcome::Replayed(record) if record.request_hash == hash => {
            Ok(serde_json::from_value(record.response)?)
        }
        FlashOutcome::Replayed(_) => Err(ServiceError::IdempotencyMismatch),
        FlashOutcome::Refused(refusal) => Err(refusal_error(refusal, snap)),
    }
}

/// The answer a buyer gets for each way the sale's rule refuses a request.
fn refusal_error(refusal: Refusal, snap: &SaleSnapshot) -> ServiceError {
    match refusal {
        Refusal::SoldOut => ServiceError::SoldOut {
            sku_id: snap.sale.sku_id,
        },
        Refusal::CapExceeded => ServiceError::Conflict("cap_exceeded"),
        Refusal::Invalid => {
            ValidationError::new("quantity", "out_of_range", "quantity must be at least 1").into()
        }
    }
}

fn fail_all(jobs: Vec<BuyJob>, e: &ServiceError) {
    for job in jobs {
        let _ = job.reply.send(Err(ServiceError::Internal(e.to_string())));
    }
}
