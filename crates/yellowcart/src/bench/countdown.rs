//! The sale's countdown, as a live room lives it: viewers are in the room
//! before 上链接, and each one opens the buy sheet, which shows the sale
//! and where a tap would ship (`GET /api/v1/flash-sales/{id}/checkout`).
//! The servers meet every buyer's session and address there, not in the
//! first second of the sale. (`--cold` skips this: the sale opens at once
//! to buyers the servers have never seen.)

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::fixtures::Buyer;
use super::http1::Conn;

/// Sheet views a countdown can hold per second of its length, planned
/// low so the views end before the sale opens on a loaded machine.
const VIEWS_PER_SECOND: usize = 4_000;
/// Bounds on the countdown (the sale's `starts_in_secs`).
const MIN_SECS: usize = 1;
const MAX_SECS: usize = 120;

/// Seconds from the sale's creation to its opening, for `buyers` viewers.
pub fn length_secs(buyers: usize) -> i64 {
    let secs = buyers.div_ceil(VIEWS_PER_SECOND).clamp(MIN_SECS, MAX_SECS);
    i64::try_from(secs).unwrap_or(i64::MAX)
}

/// What the countdown saw.
pub struct Views {
    pub ok: usize,
    pub failed: usize,
    /// Buyers whose view had not come when the sale opened.
    pub late: usize,
    pub took: Duration,
}

/// Every buyer opens the sheet once, over the same connection slots the
/// buying uses; views stop at `opens_at`.
pub async fn open_sheets(
    addrs: &[SocketAddr],
    buyers: &Arc<Vec<Buyer>>,
    connections: usize,
    path: &str,
    opens_at: Instant,
) -> anyhow::Result<Views> {
    let started = Instant::now();
    let stride = connections.max(1);
    let mut tasks = Vec::with_capacity(stride);
    for c in 0..stride {
        let addr = addrs[c % addrs.len()];
        let (buyers, path) = (buyers.clone(), path.to_owned());
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(addr).await?;
            let (mut ok, mut failed) = (0, 0);
            for buyer in buyers.iter().skip(c).step_by(stride) {
                if Instant::now() >= opens_at {
                    break;
                }
                match conn.get(&path, &buyer.token).await {
                    Some(reply) if reply.status == 200 => ok += 1,
                    Some(_) => failed += 1,
                    None => {
                        failed += 1;
                        conn = Conn::open(addr).await?;
                    }
                }
            }
            anyhow::Ok((ok, failed))
        }));
    }
    let (mut ok, mut failed) = (0, 0);
    for t in tasks {
        let (o, f) = t.await??;
        ok += o;
        failed += f;
    }
    Ok(Views {
        ok,
        failed,
        late: buyers.len().saturating_sub(ok + failed),
        took: started.elapsed(),
    })
}
