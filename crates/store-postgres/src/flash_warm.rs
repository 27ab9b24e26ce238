//! Readying the pool for a sale's first batches, during its countdown.
//!
//! When a sale opens, every viewer taps at once and the first batches run
//! on whichever pooled connections come next. On a connection that has
//! never run them, the backend compiles the plpgsql functions and loads
//! the sale's and the orders' table and index descriptors; a connection
//! the pool has yet to open costs a backend's start. Measured with `bench
//! flash-sale --db postgres --nodes 2 --trace`, the answers to requests
//! sent in the sale's first 300 ms had a p99 of 52 and 78 ms cold, and 34
//! and 38 ms with this (the rest of the sale: 30–43 ms either way).
//!
//! So the countdown pays for it: each connection runs the batch's read
//! inside a transaction it rolls back. Nothing is written. (The batch's
//! insert is not prepared ahead: prepared without the argument types sqlx
//! binds, its JSON parameters would be typed `jsonb`, and the batch's
//! text-encoded JSON would then be refused.)

use sqlx::pool::PoolConnection;
use sqlx::{AssertSqlSafe, PgPool, Postgres};
use yc_domain::FlashSaleId;
use yc_store::StoreResult;

use crate::error::db_err;
use crate::flash_reads;

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
    let read = format!(
        "BEGIN; {}; ROLLBACK",
        flash_reads::call(sale, &[], &[], &[], false)
    );
    let readied = sqlx::raw_sql(AssertSqlSafe(read)).execute(&mut *conn).await;
    if readied.is_err() {
        // It may be left inside the transaction: not back into the pool.
        conn.close_on_drop();
    }
    readied.map(drop).map_err(db_err)
}
