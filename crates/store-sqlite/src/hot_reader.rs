//! A read-only connection on its own thread for the flash hot path's one
//! read per batch (the buyers' default addresses).
//!
//! Why not the sqlx reader pool: sqlx hands every row back from its
//! worker thread over a channel, so a batch of 60 addresses was 60+
//! thread wake-ups and 2–4 ms (perf: the sqlx workers used ~20 % of a
//! core for this read alone, and the lane's build stage, waiting on it,
//! was the slowest stage of the pipeline). Here a read is one closure in,
//! one answer out.

use std::path::Path;
use std::sync::{Arc, Mutex, mpsc};

use rusqlite::{Connection, OpenFlags};
use tokio::sync::oneshot;
use yc_store::{StoreError, StoreResult};

use crate::flash_thread::backend;

type Job = Box<dyn FnOnce(&Connection) + Send>;

/// Handle to the reader thread; `stop` lets it finish and close.
#[derive(Clone)]
pub(crate) struct HotReader {
    jobs: Arc<Mutex<Option<mpsc::Sender<Job>>>>,
}

impl std::fmt::Debug for HotReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HotReader")
    }
}

impl HotReader {
    pub fn start(path: &Path) -> StoreResult<HotReader> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .and_then(|c| {
            c.busy_timeout(crate::BUSY_TIMEOUT)?;
            c.set_prepared_statement_cache_capacity(8);
            Ok(c)
        })
        .map_err(backend)?;
        // Unbounded in type only: each lane waits for its read before the
        // next, so at most one job per live sale is queued.
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("yc-sqlite-hotread".into())
            .spawn(move || {
                for job in rx {
                    job(&conn);
                }
            })
            .map_err(|e| {
                tracing::error!(error = %e, "cannot start the hot reader thread");
                StoreError::Backend(format!("cannot start the hot reader thread: {e}"))
            })?;
        Ok(HotReader {
            jobs: Arc::new(Mutex::new(Some(tx))),
        })
    }

    /// Runs `read` on the thread's connection (autocommit: one read
    /// snapshot per statement) and returns its answer.
    pub async fn run<T, F>(&self, read: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let _ = reply.send(read(conn));
        });
        let sent = self
            .jobs
            .lock()
            .ok()
            .is_some_and(|jobs| jobs.as_ref().is_some_and(|tx| tx.send(job).is_ok()));
        if !sent {
            return Err(StoreError::Backend("hot reader stopped".into()));
        }
        answer
            .await
            .map_err(|_| StoreError::Backend("hot reader stopped".into()))?
    }

    pub fn stop(&self) {
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.take();
        }
    }
}
