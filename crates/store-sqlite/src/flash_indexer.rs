//! Copies flash orders' (buyer, sale, key) into `flash_order_keys` after
//! the fact, in chunks sorted by buyer (migration 0007 says why).
//!
//! A chunk of N new orders over an index of L leaf pages dirties at most L
//! pages however large N is, where indexing each order as it is placed
//! dirtied one page per order. So the indexer waits until the tail is
//! worth a pass (`DUE_ROWS`) or has waited long enough (`DUE_AFTER`),
//! which bounds the tail a buyer's order list scans. It runs on the
//! checkpoint thread's connection, under the store's write gate, and
//! moves `flash_index_mark` in the transaction that adds its last rows.
//!
//! A due pass waits while the flash writer is busy (it committed since
//! the last tick), up to `MUST_ROWS` / `MUST_AFTER`: a pass is ~7 µs of
//! work per order done in slices under the write gate, and each slice the
//! writer waited for held a whole batch of buyers (measured with `bench
//! flash-sale`: 10–25 writer waits of 2–8 ms per pass, p99 of the
//! pass's 0.3 s 30–48 ms against ~20 ms around it). A live sale's burst
//! lasts seconds; its orders are indexed in the lull after it, and until
//! then a buyer's order list scans a longer tail (≤ `MUST_ROWS`).

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rusqlite::{Connection, TransactionBehavior};

use crate::writer::Gate;

/// Unindexed orders that make a pass due at once.
const DUE_ROWS: i64 = 32_768;
/// How long an unindexed order waits for a pass when the writer is quiet.
const DUE_AFTER: Duration = Duration::from_secs(4);
/// Bounds on the wait while the flash writer is busy (roughly: one more tick).
const MUST_ROWS: i64 = 4 * DUE_ROWS;
const MUST_AFTER: Duration = Duration::from_secs(30);
/// Orders one pass covers (a bound on the pass's transaction).
const CHUNK_ROWS: i64 = 65_536;
/// Orders one transaction of a pass inserts.
const STEP_ROWS: usize = 128;

/// When the tail last became non-empty, and the flash writer's
/// transaction count at the last tick.
#[derive(Debug, Default)]
pub(crate) struct Indexer {
    waiting_since: Option<Instant>,
    groups_seen: u64,
}

impl Indexer {
    /// Runs a pass if one is due; `mark` is published after each commit.
    /// `groups` counts the flash writer's commits.
    pub fn tick(
        &mut self,
        conn: &mut Connection,
        gate: &Gate,
        mark: &AtomicI64,
        groups: &AtomicU64,
    ) {
        let committed = groups.load(Ordering::Acquire);
        let busy = committed != self.groups_seen;
        self.groups_seen = committed;
        match tail(conn, mark) {
            Ok(0) => self.waiting_since = None,
            Ok(rows) => {
                let since = *self.waiting_since.get_or_insert_with(Instant::now);
                if pass_now(rows, since.elapsed(), busy) {
                    match pass(conn, Some(gate), mark) {
                        Ok(()) => self.waiting_since = None,
                        Err(e) => tracing::error!(error = %e, "flash index pass failed"),
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "flash index tail unknown"),
        }
    }
}

/// Whether a tail of `rows` unindexed orders, the oldest `waited` old,
/// gets its pass now.
fn pass_now(rows: i64, waited: Duration, writer_busy: bool) -> bool {
    let due = rows >= DUE_ROWS || waited >= DUE_AFTER;
    let must = rows >= MUST_ROWS || waited >= MUST_AFTER;
    must || (due && !writer_busy)
}

/// Orders past the mark (flash or not; the pass skips the others).
fn tail(conn: &Connection, mark: &AtomicI64) -> rusqlite::Result<i64> {
    let top: i64 = conn
        .prepare_cached("SELECT COALESCE(MAX(rowid), 0) FROM orders")?
        .query_row([], |r| r.get(0))?;
    Ok((top - mark.load(Ordering::Acquire)).max(0))
}

/// Indexes up to `CHUNK_ROWS` orders past the mark: reads them in one
/// snapshot, sorts them by key, and inserts them in transactions of
/// `STEP_ROWS` — each a slice of the buyer space, so it dirties only that
/// slice's leaves and holds the gate for milliseconds, not for the whole
/// pass (measured: one 20k-order transaction held it 60–110 ms). The mark
/// moves with the last slice; until then the slices already written are
/// also past the mark, which readers tolerate (they merge by order).
pub(crate) fn pass(
    conn: &mut Connection,
    gate: Option<&Gate>,
    mark: &AtomicI64,
) -> rusqlite::Result<()> {
    let started = Instant::now();
    let (from, upto, mut rows) = pending(conn)?;
    if upto <= from {
        mark.store(from, Ordering::Release);
        return Ok(());
    }
    rows.sort_unstable();
    // At least one slice: with no flash orders in range the mark still moves.
    let slices: Vec<&[KeyRow]> = match rows.len() {
        0 => vec![&[]],
        _ => rows.chunks(STEP_ROWS).collect(),
    };
    let mut added = 0;
    let mut held = Duration::ZERO;
    for (i, slice) in slices.iter().enumerate() {
        let _gate = gate.map(|g| g.blocking_lock());
        let locked = Instant::now();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            // ON CONFLICT: a pass cut short (crash) left slices behind.
            let mut insert = tx.prepare_cached(
                "INSERT INTO flash_order_keys (buyer_id, flash_sale_id, flash_key, order_id) \
                 VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            )?;
            for row in *slice {
                added += insert.execute(rusqlite::params![row.0, row.1, row.2, row.3])?;
            }
        }
        if i + 1 == slices.len() {
            tx.execute(
                "UPDATE flash_index_mark SET last_rowid = ?1 WHERE id = 1",
                [upto],
            )?;
        }
        tx.commit()?;
        held = held.max(locked.elapsed());
    }
    mark.store(upto, Ordering::Release);
    if added != rows.len() {
        tracing::warn!(
            rows = rows.len(),
            added,
            "flash index pass met keys already indexed (an earlier pass cut short)"
        );
    }
    tracing::debug!(
        rows = upto - from,
        flash = rows.len(),
        ms = started.elapsed().as_millis(),
        slices = slices.len(),
        longest_hold_us = held.as_micros(),
        "flash index pass"
    );
    Ok(())
}

/// (buyer, sale, key, order) of one flash order.
type KeyRow = (String, String, String, String);

/// The mark, the range a pass covers, and its flash orders: one snapshot.
fn pending(conn: &mut Connection) -> rusqlite::Result<(i64, i64, Vec<KeyRow>)> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
    let from: i64 = tx.query_row(
        "SELECT last_rowid FROM flash_index_mark WHERE id = 1",
        [],
        |r| r.get(0),
    )?;
    let top: i64 = tx.query_row("SELECT COALESCE(MAX(rowid), 0) FROM orders", [], |r| {
        r.get(0)
    })?;
    let upto = top.min(from.saturating_add(CHUNK_ROWS));
    let rows = tx
        .prepare(
            "SELECT buyer_id, flash_sale_id, COALESCE(flash_key, 'order:' || id), id \
             FROM orders WHERE rowid > ?1 AND rowid <= ?2 AND flash_sale_id IS NOT NULL",
        )?
        .query_map([from, upto], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<Vec<KeyRow>>>()?;
    tx.commit()?;
    Ok((from, upto, rows))
}

/// Startup (no other writer yet, so no gate): passes until the tail is covered, so
/// every order past the mark from now on is one the flash writer's
/// ledgers hold.
pub(crate) fn catch_up(conn: &mut Connection, mark: &AtomicI64) -> rusqlite::Result<()> {
    loop {
        let before = mark.load(Ordering::Acquire);
        pass(conn, None, mark)?;
        if tail(conn, mark)? == 0 || mark.load(Ordering::Acquire) == before {
            return Ok(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_due_pass_waits_for_a_quiet_writer_within_bounds() {
        let second = Duration::from_secs(1);
        assert!(!pass_now(DUE_ROWS - 1, second, false), "not due yet");
        assert!(pass_now(DUE_ROWS, second, false), "due, writer quiet");
        assert!(pass_now(1, DUE_AFTER, false), "old enough, writer quiet");
        assert!(!pass_now(DUE_ROWS, second, true), "due, writer busy");
        assert!(!pass_now(1, DUE_AFTER, true), "old enough, writer busy");
        assert!(pass_now(MUST_ROWS, second, true), "too many to wait");
        assert!(pass_now(1, MUST_AFTER, true), "waited too long");
    }
}
