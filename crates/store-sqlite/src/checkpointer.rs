//! Copies the WAL back into the database file on its own thread, so no
//! writer pays for it inside a commit.
//!
//! Why: with SQLite's automatic checkpoint the connection whose commit
//! crosses the threshold runs the checkpoint before its COMMIT returns —
//! reading every frame back from the WAL, writing it into the database
//! and fsyncing both — and on the flash hot path that was ~¼ of the
//! writer thread's time (perf, `bench flash-sale`). Here a separate
//! connection runs PASSIVE checkpoints, which never block the writer
//! (SQLite lets a writer append to the WAL while another connection
//! checkpoints), and the writers' own automatic checkpoint is only a
//! backstop against a WAL that grows without bound.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use rusqlite::Connection;
use yc_store::{StoreError, StoreResult};

use crate::flash_indexer::{self, Indexer};
use crate::writer::Gate;

/// How often the WAL is copied back. Longer means a page rewritten by many
/// transactions is copied once; shorter means a smaller WAL.
const INTERVAL: Duration = Duration::from_millis(50);

/// Frames past which a writer checkpoints itself (~200 MiB of 4 KiB
/// pages): only reached if this thread falls far behind or stops.
pub(crate) const BACKSTOP_FRAMES: u32 = 50_000;

/// Handle to the thread; `stop` ends it after its current checkpoint.
#[derive(Clone)]
pub(crate) struct Checkpointer {
    stop: Arc<AtomicBool>,
}

impl std::fmt::Debug for Checkpointer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Checkpointer")
    }
}

impl Checkpointer {
    /// Also indexes flash orders (`flash_indexer`): at once, everything
    /// past the mark, then on each tick when a pass is due.
    pub fn start(
        path: &Path,
        gate: Gate,
        mark: Arc<AtomicI64>,
        groups: Arc<AtomicU64>,
    ) -> StoreResult<Checkpointer> {
        let mut conn = crate::conn_thread::open(path, true)
            .and_then(|c| {
                // NORMAL: this connection's own commits (the flash index's
                // slices) do not fsync. They hold only rows rebuilt from the
                // orders, and the WAL keeps commits in order, so a crash can
                // lose only a suffix of slices, which the next pass redoes;
                // the flash writer's next commit syncs them anyway. A slice's
                // fsync under the write gate stalled every buyer (2,048-row
                // slices held the gate 13-16 ms). Checkpoints still sync the
                // WAL before copying it and the database after.
                c.execute_batch("PRAGMA synchronous = NORMAL;")?;
                // Its own commits must not checkpoint inline (SQLite's default
                // past 1,000 frames) while they hold the write gate: this
                // thread checkpoints on its own schedule, outside the gate.
                c.query_row("PRAGMA wal_autocheckpoint = 0", [], |_| Ok(()))?;
                Ok(c)
            })
            .map_err(crate::flash_thread::backend)?;
        // No other writer runs yet: the store is still opening.
        flash_indexer::catch_up(&mut conn, &mark).map_err(crate::flash_thread::backend)?;
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::Builder::new()
            .name("yc-sqlite-ckpt".into())
            .spawn(move || run(conn, &flag, &gate, &mark, &groups))
            .map_err(|e| {
                tracing::error!(error = %e, "cannot start the checkpoint thread");
                StoreError::Backend(format!("cannot start the checkpoint thread: {e}"))
            })?;
        Ok(Checkpointer { stop })
    }

    pub fn stop(&self) {
        self.stop.store(true, Ordering::Release);
    }
}

fn run(mut conn: Connection, stop: &AtomicBool, gate: &Gate, mark: &AtomicI64, groups: &AtomicU64) {
    let mut indexer = Indexer::default();
    while !stop.load(Ordering::Acquire) {
        std::thread::sleep(INTERVAL);
        indexer.tick(&mut conn, gate, mark, groups);
        let done = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| {
            Ok((r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
        });
        match done {
            Ok((log, copied)) => tracing::trace!(log, copied, "wal checkpoint"),
            // A busy checkpointer lock or a transient error: next round.
            Err(e) => tracing::warn!(error = %e, "wal checkpoint failed"),
        }
    }
}
