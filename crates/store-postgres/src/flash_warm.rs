//! Readying the pool for a sale's first batches, during its countdown.
//!
//! When a sale opens, every viewer taps at once and the first batches run
//! on whichever pooled connections come next. On a connection that has
//! never run them, the backend compiles the plpgsql functions, parses and
//! plans the batch's statements and loads the descriptors of every table
//! and index they touch; a connection the pool has yet to open costs a
//! backend's start. Measured with `bench flash-sale --db postgres --nodes 2
//! --trace`: with only the batch's read readied, requests sent 30–50 ms
//! into the sale (the second round of batches, the first to reach the
//! inserts on most connections) were answered in 55–70 ms, against 15–30
//! ms for the rest of the first second.
//!
//! So the countdown pays for all of it: each connection runs the batch's
//! statements, as the lane sends them, inside a transaction it rolls
//! back: the address read, the locks and read, the insert of an empty
//! batch (its outbox and job rows are rolled back with it) and a take of
//! no units. Nothing is kept.

use sqlx::pool::PoolConnection;
use sqlx::{AssertSqlSafe, PgConnection, PgPool, Postgres};
use yc_domain::{EventId, FlashSaleId, JobId, Timestamp};
use yc_store::{FlashBatch, NewJob, OutboxEvent, StoreResult};

use crate::error::db_err;
use crate::flash_writes::{self, Accepted};
use crate::{flash_conn, flash_reads, sales};

/// Connections left to the requests that arrive meanwhile (the countdown's
/// buy sheets): the others are all held until each is ready.
const SPARE: u32 = 2;

pub(crate) async fn warm(pool: &PgPool, sale: FlashSaleId) -> StoreResult<()> {
    let n = pool
        .options()
        .get_max_connections()
        .saturating_sub(SPARE)
        .max(1);
    // Held together, so that each of the n is a different connection.
    let mut held = Vec::new();
    for _ in 0..n {
        held.push(pool.acquire().await.map_err(db_err)?);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for conn in held {
        tasks.spawn(warm_one(conn, sale));
    }
    while let Some(done) = tasks.join_next().await {
        done.map_err(|e| yc_store::StoreError::Backend(format!("warming a connection: {e}")))??;
    }
    Ok(())
}

async fn warm_one(mut conn: PoolConnection<Postgres>, sale: FlashSaleId) -> StoreResult<()> {
    let readied = ready(&mut conn, sale).await;
    if readied.is_err() {
        // It may be left inside the transaction: not back into the pool.
        conn.close_on_drop();
    }
    readied
}

/// A batch's round trips, with nothing in them, ending in a rollback.
async fn ready(conn: &mut PgConnection, sale: FlashSaleId) -> StoreResult<()> {
    sales::read_default_addresses(&mut *conn, Vec::new()).await?;
    let read = format!("BEGIN; {}", flash_reads::call(sale, &[], &[], &[], false));
    let rows = sqlx::raw_sql(AssertSqlSafe(read))
        .fetch_all(&mut *conn)
        .await
        .map_err(db_err)?;
    let batch = empty_batch(sale);
    let write = Accepted {
        batch: &batch,
        items: &[],
        quantities: &[],
        event_payload: "null",
        job_payload: "null",
    };
    flash_writes::write(&mut *conn, &write).await?;
    // The read answers one row for the sale itself; an unknown sale has
    // no pool to take from (flash_take would raise).
    let end = if rows.is_empty() {
        "ROLLBACK".to_owned()
    } else {
        format!("{}; ROLLBACK", flash_conn::take_call(sale, 0))
    };
    sqlx::raw_sql(AssertSqlSafe(end))
        .execute(&mut *conn)
        .await
        .map_err(db_err)?;
    Ok(())
}

fn empty_batch(sale: FlashSaleId) -> FlashBatch {
    FlashBatch {
        sale_id: sale,
        items: Vec::new(),
        event: OutboxEvent {
            id: EventId::new(),
            topic: "flash.warm".into(),
            payload: serde_json::Value::Null,
            created_at: Timestamp(0),
        },
        expiry_job: NewJob {
            id: JobId::new(),
            kind: "flash.warm".into(),
            payload: serde_json::Value::Null,
            run_at: Timestamp(0),
        },
    }
}
