//! `commit_flash_batch`, the hot path: the batch is checked and encoded
//! here (`flash_wire`), then the writer thread (`flash_thread`) runs one
//! `BEGIN IMMEDIATE` transaction that reads the pool, the batch's stored
//! keys and its buyers' counters, decides with
//! `yc_domain::live::allocate` (`flash_plan`) and writes the accepted
//! orders (`flash_writes`); the answers are rebuilt here.

use sqlx::SqlitePool;
use yc_store::{FlashBatch, FlashBatchResult, FlashOutcome, IdempotencyRecord, StoreResult};

use crate::error::from_sqlx;
use crate::flash_plan::Decided;
use crate::flash_thread::FlashThread;
use crate::flash_wire::WireBatch;

pub(crate) async fn commit(
    writer: &SqlitePool,
    thread: &FlashThread,
    batch: &FlashBatch,
) -> StoreResult<FlashBatchResult> {
    let wire = WireBatch::from_batch(batch)?;
    // The store's write lock: no other in-process writer runs meanwhile.
    let lock = writer.acquire().await.map_err(from_sqlx)?;
    let decision = thread.run(wire).await;
    drop(lock);
    let plan = decision?;
    let outcomes = plan
        .decided
        .iter()
        .map(|d| outcome(batch, &plan.decided, d))
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(FlashBatchResult {
        outcomes,
        remaining: plan.remaining,
    })
}

fn outcome(batch: &FlashBatch, all: &[Decided], d: &Decided) -> StoreResult<FlashOutcome> {
    Ok(match d {
        Decided::Accepted => FlashOutcome::Accepted,
        Decided::Refused(r) => FlashOutcome::Refused(*r),
        Decided::Existing { hash, response } => FlashOutcome::Replayed(IdempotencyRecord {
            request_hash: hash.clone(),
            response: serde_json::from_str(response).map_err(|e| {
                tracing::error!(error = %e, "stored idempotent response is not JSON");
                yc_store::StoreError::Backend("stored idempotent response is not JSON".into())
            })?,
        }),
        // The earlier item was decided first: its write replays, anything
        // else is the same answer.
        Decided::SameAs(first) => match all.get(*first) {
            Some(Decided::Accepted) => {
                let idem = &batch.items[*first].idempotency;
                FlashOutcome::Replayed(IdempotencyRecord {
                    request_hash: idem.request_hash.clone(),
                    response: idem.response.clone(),
                })
            }
            Some(earlier @ (Decided::Refused(_) | Decided::Existing { .. })) => {
                outcome(batch, all, earlier)?
            }
            Some(Decided::SameAs(_)) | None => {
                return Err(yc_store::StoreError::Backend(
                    "flash batch: duplicate key chain".into(),
                ));
            }
        },
    })
}
