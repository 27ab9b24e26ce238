use async_trait::async_trait;
use yc_domain::behaviour::BehaviourEvent;

use crate::StoreResult;

/// The append-only behaviour log the feed learns from.
#[async_trait]
pub trait BehaviourStore: Send + Sync {
    /// Appends the batch in ONE transaction: all of it or nothing. Each
    /// event gets the next sequence number.
    async fn append_events(&self, events: &[BehaviourEvent]) -> StoreResult<()>;
    /// Events with a sequence number above `after`, in sequence order, at
    /// most `limit`. (On PostgreSQL a number may become visible after a
    /// higher one; readers re-read a window and skip what they saw.)
    async fn events_after(&self, after: i64, limit: u32)
    -> StoreResult<Vec<(i64, BehaviourEvent)>>;
    /// The highest sequence number so far (0 when empty).
    async fn last_event_seq(&self) -> StoreResult<i64>;
}
