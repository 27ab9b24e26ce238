//! The store's write lock: a fair async mutex (the gate) that every
//! in-process writer takes before it writes — the sqlx writer connection
//! and the flash writer thread alike — so writers queue in arrival order
//! instead of meeting on SQLite's lock.
//!
//! Why a gate and not the size-1 sqlx pool as the lock: handing the pool's
//! connection back runs a spawned task that pings sqlx's worker thread, and
//! the next `acquire` waits for it; on the flash path that was ~0.6 ms of
//! every ~4.7 ms batch cycle (`bench flash-sale`, RUST_LOG debug stages).
//! The flash thread takes only the gate. SQLite's own lock (with the busy
//! timeout) stays the safety net: a rollback still in flight on the sqlx
//! connection when the gate passes on only makes the next writer wait.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use sqlx::pool::PoolConnection;
use sqlx::{Sqlite, SqliteConnection, SqlitePool};
use tokio::sync::{Mutex, OwnedMutexGuard};
use yc_store::StoreResult;

use crate::error::from_sqlx;
use crate::sql::Tx;

/// The writer connection behind the gate.
#[derive(Debug, Clone)]
pub(crate) struct Writer {
    pool: SqlitePool,
    gate: Gate,
}

/// The gate alone, for writers with their own connection (the flash thread).
pub(crate) type Gate = Arc<Mutex<()>>;

/// The writer connection, held with the gate (autocommit statements).
pub(crate) struct WriteConn {
    conn: PoolConnection<Sqlite>,
    _gate: OwnedMutexGuard<()>,
}

/// A `BEGIN IMMEDIATE` transaction, held with the gate. Field order
/// matters: the transaction (and its rollback on drop) goes first.
pub(crate) struct WriteTx {
    tx: Tx,
    gate: OwnedMutexGuard<()>,
}

impl Writer {
    pub fn new(pool: SqlitePool) -> Writer {
        Writer {
            pool,
            gate: Arc::new(Mutex::new(())),
        }
    }

    pub fn gate(&self) -> Gate {
        self.gate.clone()
    }

    pub async fn conn(&self) -> StoreResult<WriteConn> {
        let gate = self.gate.clone().lock_owned().await;
        let conn = self.pool.acquire().await.map_err(from_sqlx)?;
        Ok(WriteConn { conn, _gate: gate })
    }

    pub async fn begin(&self) -> StoreResult<WriteTx> {
        let gate = self.gate.clone().lock_owned().await;
        let tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(from_sqlx)?;
        Ok(WriteTx { tx, gate })
    }

    /// The connection without the gate, for tests reading settings.
    #[cfg(test)]
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

impl WriteTx {
    /// The transaction and the gate, for `sql::finish`: the gate is
    /// released only after the commit (or rollback) has run.
    pub fn into_parts(self) -> (Tx, OwnedMutexGuard<()>) {
        (self.tx, self.gate)
    }

    /// Ends the transaction keeping nothing, then opens the gate.
    pub async fn rollback(self) -> Result<(), sqlx::Error> {
        self.tx.rollback().await
    }
}

impl Deref for WriteConn {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        &self.conn
    }
}

impl DerefMut for WriteConn {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.conn
    }
}

impl Deref for WriteTx {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        &self.tx
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.tx
    }
}
