//! Domain events: written to the outbox with the change, then relayed to
//! the event bus. In-process delivery is the embedded default; with a
//! `NodeLink` (NATS JetStream, crate `yc-bus-nats`) the relay stores each
//! event in the deployment's shared stream and every node's bus is fed
//! from that stream, so each node sees every node's events.

use serde::{Deserialize, Serialize};
use std::sync::Arc;
use tokio::sync::broadcast;
use yc_domain::{EventId, LiveRoomId};

use crate::live::LiveEvent;
use crate::{ServiceError, ServiceResult, Services};

/// Events relayed per pass.
const RELAY_BATCH: u32 = 256;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// The link between the nodes of one deployment. Without one, this node
/// is the whole deployment and events stay in process.
#[async_trait::async_trait]
pub trait NodeLink: Send + Sync {
    /// Stores domain events in the shared stream, sent back to back; says
    /// how many of them, from the first, the broker acknowledged. The same
    /// event id published twice (two nodes' relays, or a retry after a
    /// crash or a failed pass) is stored once.
    async fn publish_events(&self, events: &[Event]) -> Published;
    /// Tells the other nodes about a live-room event. Best effort and never
    /// blocks: viewers also re-read stock from the store every second.
    fn publish_live(&self, room: LiveRoomId, event: &LiveEvent);
}

/// What `NodeLink::publish_events` got stored.
#[derive(Debug)]
pub struct Published {
    /// The first `stored` events are in the stream.
    pub stored: usize,
    /// Why the rest are not (none when all are).
    pub error: Option<anyhow::Error>,
}

pub type SharedLink = Arc<dyn NodeLink>;

impl Services {
    /// Publishes unpublished outbox events, oldest first; returns how many.
    /// With a link, an event counts as published once the stream holds it
    /// (this node's bus then gets it back from the stream, like every
    /// node's); a failure leaves it and the ones after it for the next pass.
    pub async fn relay_outbox(&self) -> ServiceResult<usize> {
        let rows = self.store.unpublished_events(RELAY_BATCH).await?;
        if rows.is_empty() {
            return Ok(0);
        }
        let ids: Vec<EventId> = rows.iter().map(|e| e.id).collect();
        let events = rows.into_iter().map(|e| Event {
            id: e.id,
            topic: e.topic,
            payload: e.payload,
        });
        let published = match &self.link {
            None => {
                events.for_each(|e| self.events.publish(e));
                Published {
                    stored: ids.len(),
                    error: None,
                }
            }
            Some(link) => link.publish_events(&events.collect::<Vec<_>>()).await,
        };
        let done = ids.get(..published.stored).unwrap_or(&ids);
        if !done.is_empty() {
            self.store.mark_events_published(done, self.now()).await?;
        }
        match published.error {
            None => Ok(done.len()),
            Some(err) => Err(ServiceError::Internal(format!(
                "relaying event {} of the outbox: {err:#}",
                done.len() + 1
            ))),
        }
    }

    /// Joins this node to the others through `link`: relayed events and
    /// live-room events go through it. Feed what arrives from the other
    /// nodes to `events.publish` and `live.publish_from_peer`.
    pub fn with_link(mut self, link: SharedLink) -> Self {
        let parts = std::sync::Arc::make_mut(&mut self.parts);
        parts.live = parts.live.clone().linked(link.clone());
        parts.link = Some(link);
        self
    }
}
