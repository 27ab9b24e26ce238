//! Domain events: written to the outbox with the change, then relayed to
//! the event bus. In-process delivery is the embedded default.

use serde::Serialize;
use tokio::sync::broadcast;
use yc_domain::EventId;

use crate::{ServiceResult, Services};

/// Events relayed per pass.
const RELAY_BATCH: u32 = 256;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub id: EventId,
    pub topic: String,
    pub payload: serde_json::Value,
}

/// Publish/subscribe behind a narrow interface; the in-process version
/// is a broadcast channel (slow subscribers lose the oldest events).
#[derive(Clone)]
pub struct EventBus {
    tx: broadcast::Sender<Event>,
}

impl EventBus {
    pub fn in_process() -> Self {
        let (tx, _) = broadcast::channel(1024);
        EventBus { tx }
    }
    pub fn publish(&self, event: Event) {
        // No subscribers is fine: the outbox keeps the record.
        let _ = self.tx.send(event);
    }
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.tx.subscribe()
    }
}

impl Services {
    /// Publishes unpublished outbox events, oldest first; returns how many.
    pub async fn relay_outbox(&self) -> ServiceResult<usize> {
        let events = self.store.unpublished_events(RELAY_BATCH).await?;
        if events.is_empty() {
            return Ok(0);
        }
        let ids: Vec<EventId> = events.iter().map(|e| e.id).collect();
        for e in events {
            self.events.publish(Event {
                id: e.id,
                topic: e.topic,
                payload: e.payload,
            });
        }
        self.store.mark_events_published(&ids, self.now()).await?;
        Ok(ids.len())
    }
}
