//! A rusqlite connection owned by one OS thread that runs closures on it,
//! one at a time: one hand-off in, one answer out. The flash writer
//! (`flash_thread`) and the flash path's reader (`hot_reader`) are two
//! of these.
//!
//! Why not sqlx for those: sqlx runs each statement on its worker thread
//! and hands every statement and row back over a channel, so a flash
//! batch was ~20 thread hand-offs and a batch's address read 60+, each
//! waiting for a busy core (see those modules for what was measured).

use std::sync::{Arc, Mutex, mpsc};

use rusqlite::Connection;
use tokio::sync::oneshot;
use yc_store::{StoreError, StoreResult};

type Job = Box<dyn FnOnce(&mut Connection) + Send>;

/// Opens a rusqlite connection to the store's file as every thread of the
/// store does: no SQLite mutex (one thread owns it) and the store's busy
/// timeout. Pragmas differ per thread and stay with each caller.
pub(crate) fn open(path: &std::path::Path, writes: bool) -> rusqlite::Result<Connection> {
    use rusqlite::OpenFlags;
    let access = if writes {
        OpenFlags::SQLITE_OPEN_READ_WRITE
    } else {
        OpenFlags::SQLITE_OPEN_READ_ONLY
    };
    let conn = Connection::open_with_flags(path, access | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(crate::BUSY_TIMEOUT)?;
    Ok(conn)
}

/// Handle to the thread; `stop` lets it finish its current job and close.
#[derive(Clone)]
pub(crate) struct ConnThread {
    name: &'static str,
    jobs: Arc<Mutex<Option<mpsc::Sender<Job>>>>,
}

impl std::fmt::Debug for ConnThread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl ConnThread {
    /// Starts the thread. Its queue is unbounded in type only: every
    /// caller waits for its answer, and the flash path has one caller per
    /// live sale (the writer's callers also hold the store's write lock).
    pub fn start(name: &'static str, conn: Connection) -> StoreResult<ConnThread> {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                let mut conn = conn;
                for job in rx {
                    job(&mut conn);
                }
            })
            .map_err(|e| {
                tracing::error!(error = %e, thread = name, "cannot start a sqlite thread");
                StoreError::Backend(format!("cannot start {name}: {e}"))
            })?;
        Ok(ConnThread {
            name,
            jobs: Arc::new(Mutex::new(Some(tx))),
        })
    }

    /// Runs `work` on the thread's connection and returns its answer.
    pub async fn run<T, F>(&self, work: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
    {
        let (reply, answer) = oneshot::channel();
        let job: Job = Box::new(move |conn| {
            let _ = reply.send(work(conn));
        });
        let sent = self
            .jobs
            .lock()
            .ok()
            .is_some_and(|jobs| jobs.as_ref().is_some_and(|tx| tx.send(job).is_ok()));
        if !sent {
            return Err(self.stopped());
        }
        answer.await.map_err(|_| self.stopped())?
    }

    pub fn stop(&self) {
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.take();
        }
    }

    fn stopped(&self) -> StoreError {
        StoreError::Backend(format!("{} stopped", self.name))
    }
}
