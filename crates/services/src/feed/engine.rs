//! The node's feed model and how far it has read the behaviour log.

use std::collections::{HashSet, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::{Mutex, Notify, RwLock};
use yc_feed::FeedModel;

/// Sequence numbers at or below the cursor that may still appear (a
/// PostgreSQL transaction committing late): re-read this far back.
pub(crate) const REREAD_WINDOW: i64 = 1_000;

/// Where the tail stands: the highest sequence seen and the recent ones,
/// so a re-read window skips what was already observed.
#[derive(Default)]
pub(crate) struct Tail {
    pub cursor: i64,
    seen: HashSet<i64>,
    order: VecDeque<i64>,
}

impl Tail {
    /// False if `seq` was already observed.
    pub fn admit(&mut self, seq: i64) -> bool {
        if seq <= self.cursor - REREAD_WINDOW || !self.seen.insert(seq) {
            return false;
        }
        self.order.push_back(seq);
        // Bounded: only the re-read window needs remembering.
        while self.order.len() > 4 * REREAD_WINDOW as usize {
            if let Some(old) = self.order.pop_front() {
                self.seen.remove(&old);
            }
        }
        self.cursor = self.cursor.max(seq);
        true
    }
}

#[derive(Clone, Default)]
pub struct FeedEngine {
    pub(crate) model: Arc<RwLock<FeedModel>>,
    pub(crate) tail: Arc<Mutex<Tail>>,
    /// Woken when this node appended events, so it reads them at once.
    pub(crate) signal: Arc<Notify>,
    pub(crate) loaded: Arc<AtomicBool>,
}

impl FeedEngine {
    pub fn is_loaded(&self) -> bool {
        self.loaded.load(Ordering::Acquire)
    }

    pub async fn stats(&self) -> yc_feed::ModelStats {
        self.model.read().await.stats()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_skips_seen_and_bounds_memory() {
        let mut t = Tail::default();
        assert!(t.admit(1));
        assert!(t.admit(3));
        assert!(!t.admit(3));
        assert!(t.admit(2), "a late commit below the cursor is still taken");
        for s in 4..20_000 {
            t.admit(s);
        }
        assert!(t.seen.len() <= 4 * REREAD_WINDOW as usize);
        assert!(!t.admit(5), "far below the window is ignored");
    }
}
