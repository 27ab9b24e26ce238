//! A second writing connection, on its own thread (`conn_thread`), for
//! bookkeeping whose loss in a crash costs only a repeat: marking outbox
//! events published. It commits with `synchronous=NORMAL` — no fsync of
//! its own; the next FULL commit of another writer (a flash batch, any use
//! case) syncs the WAL, and its frames with it.
//!
//! Why: the relay marks a pass's events every 0.5 s; on the FULL writer
//! that was an fsync under the write gate each time, and during a flash
//! sale the flash writer waited 4–15 ms for the gate twice a second
//! (RUST_LOG debug gate waits, `bench flash-sale`). A mark lost in a crash
//! only re-relays its events, which the relay already allows (a crash
//! between publishing and marking does the same) and consumers dedupe by
//! event id (the NATS stream by `Nats-Msg-Id`).
//!
//! Writers stay serialised: the thread takes the store's write gate
//! itself, so the gate is held for the statement only — not across the
//! hand-offs to and from this thread, which wait for a busy core.

use std::path::Path;

use rusqlite::Connection;
use yc_store::StoreResult;

use crate::conn_thread::{self, ConnThread};
use crate::flash_thread::backend;
use crate::writer::Gate;

pub(crate) fn start(path: &Path) -> StoreResult<ConnThread> {
    let conn = conn_thread::open(path, true)
        .and_then(|c| {
            c.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")?;
            // Checkpoints belong to the checkpoint thread, outside the gate.
            c.query_row("PRAGMA wal_autocheckpoint = 0", [], |_| Ok(()))?;
            c.set_prepared_statement_cache_capacity(4);
            Ok(c)
        })
        .map_err(backend)?;
    ConnThread::start("yc-sqlite-books", conn)
}

/// Marks `ids` (a JSON array of event ids) published at `at`.
pub(crate) fn mark_published(
    conn: &mut Connection,
    gate: &Gate,
    ids: &str,
    at: i64,
) -> StoreResult<()> {
    // A plain OS thread, not a runtime's: blocking here is the point.
    let _gate = gate.blocking_lock();
    conn.prepare_cached(
        "UPDATE outbox SET published_at = ?1 \
         WHERE id IN (SELECT value FROM json_each(?2)) AND published_at IS NULL",
    )
    .and_then(|mut s| s.execute(rusqlite::params![at, ids]))
    .map_err(backend)?;
    Ok(())
}
