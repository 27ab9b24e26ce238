//! A read-only connection on its own thread (`conn_thread`) for the flash
//! hot path's one read per batch (the buyers' default addresses).
//!
//! Why not the sqlx reader pool: sqlx hands every row back from its
//! worker thread over a channel, so a batch of 60 addresses was 60+
//! thread wake-ups and 2–4 ms (perf: the sqlx workers used ~20 % of a
//! core for this read alone, and the lane's build stage, waiting on it,
//! was the slowest stage of the pipeline).

use std::path::Path;

use yc_store::StoreResult;

use crate::conn_thread::{self, ConnThread};
use crate::flash_thread::backend;

pub(crate) fn start(path: &Path) -> StoreResult<ConnThread> {
    let conn = conn_thread::open(path, false).map_err(backend)?;
    conn.set_prepared_statement_cache_capacity(8);
    ConnThread::start("yc-sqlite-hotread", conn)
}
