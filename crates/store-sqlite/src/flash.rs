//! `commit_flash_batch`, the hot path: the batch is checked and encoded
//! here (`flash_wire`), then the writer thread (`flash_thread`) runs one
//! `BEGIN IMMEDIATE` transaction that reads the pool, the batch's stored
//! keys and its buyers' counters, decides with
//! `yc_domain::live::allocate` (`flash_plan`) and writes the accepted
//! orders (`flash_writes`); the answers are rebuilt here
//! (`FlashBatch::outcomes`, shared with PostgreSQL).

use sqlx::SqlitePool;
use yc_store::{FlashBatch, FlashBatchResult, StoreResult};

use crate::error::from_sqlx;
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
    Ok(FlashBatchResult {
        outcomes: batch.outcomes(&plan.decided)?,
        remaining: plan.remaining,
    })
}
