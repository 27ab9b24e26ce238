//! `commit_flash_batch`, the hot path: the batch is checked and encoded
//! here (`flash_wire`), then the writer thread (`flash_thread`) runs one
//! `BEGIN IMMEDIATE` transaction that reads the pool, takes the batch's
//! stored keys and its buyers' held units from the sale's ledger
//! (`flash_ledger`), decides with
//! `yc_domain::live::allocate` (`flash_plan`) and writes the accepted
//! orders (`flash_writes`); the answers are rebuilt here
//! (`FlashBatch::outcomes`, shared with PostgreSQL), a replayed key's from
//! its stored order.

use sqlx::{SqliteConnection, SqlitePool};
use yc_domain::OrderId;
use yc_domain::order::Order;
use yc_store::{
    FlashBatch, FlashBatchResult, FlashDecided, IdempotencyRecord, StoreError, StoreResult,
};

use crate::error::from_sqlx;
use crate::flash_thread::FlashThread;
use crate::flash_wire::WireBatch;
use crate::sql::to_json;

pub(crate) async fn commit(
    read: &SqlitePool,
    thread: &FlashThread,
    batch: &FlashBatch,
) -> StoreResult<FlashBatchResult> {
    let wire = WireBatch::from_batch(batch)?;
    let mut plan = thread.run(wire).await?;
    let replays = std::mem::take(&mut plan.replays);
    if !replays.is_empty() {
        // Committed before this batch began, so any snapshot sees them.
        let mut conn = read.acquire().await.map_err(from_sqlx)?;
        for (i, order_id) in replays {
            let answer = to_json(&placed(&mut conn, &order_id).await?)?;
            if let Some(FlashDecided::Existing { response, .. }) = plan.decided.get_mut(i) {
                *response = answer;
            }
        }
    }
    Ok(FlashBatchResult {
        outcomes: batch.outcomes(&plan.decided)?,
        remaining: plan.remaining,
    })
}

/// The first answer to a key that placed `order_id`: the order as placed.
async fn placed(conn: &mut SqliteConnection, order_id: &str) -> StoreResult<Order> {
    let id: OrderId = order_id
        .parse()
        .map_err(|_| StoreError::Backend("orders.id is not a uuid".into()))?;
    let order = crate::orders::get(conn, id)
        .await?
        .ok_or_else(|| StoreError::Backend("a flash key's order vanished".into()))?;
    Ok(order.as_placed())
}

/// A flash key's record for `get_idempotency`: its order as placed.
pub(crate) async fn stored_key(
    conn: &mut SqliteConnection,
    order_id: &str,
    request_hash: String,
) -> StoreResult<Option<IdempotencyRecord>> {
    let order = placed(conn, order_id).await?;
    Ok(Some(IdempotencyRecord {
        request_hash,
        response: serde_json::to_value(&order)
            .map_err(|_| StoreError::Backend("order did not encode as JSON".into()))?,
    }))
}
