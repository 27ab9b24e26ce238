//! SQLite implementation of the yellowcart [`Store`](yc_store::Store): the
//! embedded default, one file on disk.
//!
//! Concurrency model: every write takes ONE fair write gate (`writer`) and
//! goes through one connection — the sqlx writer, or the flash path's
//! writer thread — and every multi-statement write is a `BEGIN IMMEDIATE`
//! transaction, so writers are serialised in-process and never meet
//! `SQLITE_BUSY` upgrades; reads use a separate pool of read-only
//! connections which, in WAL mode, never block and are never blocked by the
//! writer. `synchronous=FULL` makes an acknowledged commit durable across
//! power loss.
//!
//! All SQL of the store lives in this crate, as runtime-checked queries.

mod accounts;
mod addresses;
mod aftersales;
mod aftersales_rows;
mod aftersales_writes;
mod behaviour;
mod books;
mod catalog;
mod checkpointer;
mod conn_thread;
mod default_addresses;
mod error;
mod flash;
mod flash_expire;
mod flash_group;
mod flash_indexer;
mod flash_ledger;
mod flash_plan;
mod flash_thread;
mod flash_wire;
mod flash_writes;
mod fulfilment;
mod hot_read;
mod hot_reader;
mod live;
mod ops;
mod order_writes;
mod orders;
mod payments;
mod products;
mod rooms;
mod rows;
mod session_reader;
mod shopping;
mod sql;
mod videos;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64};
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use yc_store::StoreError;

/// How long a statement waits on a lock held by another process.
pub(crate) const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a call queues for the writer connection before failing.
const WRITER_QUEUE_TIMEOUT: Duration = Duration::from_secs(30);
const READERS: u32 = 4;
/// Prepared statements the writer keeps (sqlx's default is 100).
const WRITER_STATEMENTS: usize = 256;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone)]
pub struct SqliteStore {
    /// The only sqlx connection that writes, behind the write gate.
    write: writer::Writer,
    /// Read-only connections.
    read: SqlitePool,
    /// The flash hot path's writer (takes the same write gate).
    flash: flash_thread::FlashThread,
    /// The flash writer's held units and keys per sale (key lookups).
    ledgers: flash_ledger::SharedLedgers,
    /// The buyers' default addresses, for the flash path's batches.
    default_addresses: default_addresses::DefaultAddresses,
    /// Session lookups, batched.
    sessions: session_reader::SessionReader,
    /// The flash path's per-batch read (default addresses).
    hot_read: conn_thread::ConnThread,
    /// Copies the WAL into the database off the writers' commits.
    checkpointer: checkpointer::Checkpointer,
    /// Writes that need no fsync of their own (outbox marks).
    books: conn_thread::ConnThread,
    path: PathBuf,
}

impl SqliteStore {
    /// Opens (creating it and its directory if missing) the database at
    /// `path` and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| {
                tracing::error!(error = %e, dir = %dir.display(), "cannot create database directory");
                StoreError::Backend(format!("cannot create database directory: {e}"))
            })?;
        }
        let base = SqliteConnectOptions::new()
            .filename(path)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);

        // Writes want a page cache that holds the hot index pages between
        // transactions. Checkpoints run on their own thread
        // (`checkpointer`); a writer's automatic checkpoint is a backstop
        // only. The flash writer thread uses the same settings.
        let writer_options = base
            .clone()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .pragma("temp_store", "memory")
            .pragma("cache_size", "-65536")
            .pragma(
                "wal_autocheckpoint",
                checkpointer::BACKSTOP_FRAMES.to_string(),
            )
            .statement_cache_capacity(WRITER_STATEMENTS);
        // min 1 and no idle/lifetime expiry: the writer connection stays open,
        // which keeps the WAL and shared-memory files the readers need.
        // No ping before each acquire: the connection is a local file, and
        // the ping is a round trip to sqlx's worker thread.
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .test_before_acquire(false)
            .idle_timeout(None)
            .max_lifetime(None)
            .acquire_timeout(WRITER_QUEUE_TIMEOUT)
            .connect_with(writer_options)
            .await
            .map_err(error::from_sqlx)?;
        MIGRATOR.run(&write).await.map_err(|e| {
            tracing::error!(error = %e, "sqlite migration failed");
            StoreError::Backend(format!("migration failed: {e}"))
        })?;

        let read = SqlitePoolOptions::new()
            .max_connections(READERS)
            .connect_with(base.read_only(true))
            .await
            .map_err(error::from_sqlx)?;

        let write = writer::Writer::new(write);
        let ledgers = flash_ledger::SharedLedgers::default();
        let mark = Arc::new(AtomicI64::new(0));
        // Indexes what an earlier process left past the mark before the
        // flash writer starts (the ledgers' invariant, `flash_ledger`).
        let groups = Arc::new(AtomicU64::new(0));
        let checkpointer =
            checkpointer::Checkpointer::start(path, write.gate(), mark.clone(), groups.clone())?;
        let flash =
            flash_thread::FlashThread::start(path, write.gate(), ledgers.clone(), mark, groups)?;
        let hot_read = hot_reader::start(path)?;
        let sessions = session_reader::SessionReader::start(path)?;
        let books = books::start(path)?;
        Ok(SqliteStore {
            books,
            ledgers,
            default_addresses: default_addresses::DefaultAddresses::default(),
            sessions,
            hot_read,
            write,
            read,
            flash,
            checkpointer,
            path: path.to_path_buf(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Closes both pools, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.read.close().await;
        self.flash.stop();
        self.checkpointer.stop();
        self.hot_read.stop();
        self.sessions.stop();
        self.books.stop();
        self.write.close().await;
    }
}

#[cfg(test)]
mod flash_group_tests;
#[cfg(test)]
mod flash_index_tests;
#[cfg(test)]
mod tests;
