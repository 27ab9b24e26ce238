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
    /// Stores a domain event in the shared stream; `Ok` once the broker has
    /// acknowledged it. The same event id published twice (two nodes'
    /// relays, or a retry after a crash) is stored once.
    async fn publish_event(&self, event: &Event) -> anyhow::Result<()>;
    /// Tells the other nodes about a live-room event. Best effort and never
    /// blocks: viewers also re-read stock from the store every second.
    fn publish_live(&self, room: LiveRoomId, event: &LiveEvent);
}

pub type SharedLink = Arc<dyn NodeLink>;

impl Services {
    /// Publishes unpublished outbox events, oldest first; returns how many.
    /// With a link, an event counts as published once the stream holds it
    /// (this node's bus then gets it back from the stream, like every
    /// node's); a failure leaves it and the ones after it for the next pass.
    pub async fn relay_outbox(&self) -> ServiceResult<usize> {
        let events = self.store.unpublished_events(RELAY_BATCH).await?;
        if events.is_empty() {
            return Ok(0);
        }
        let mut done: Vec<EventId> = Vec::with_capacity(events.len());
        let mut failed = None;
        for e in events {
            let event = Event {
                id: e.id,
                topic: e.topic,
                payload: e.payload,
            };
            match &self.link {
                None => self.events.publish(event),
                Some(link) => {
                    if let Err(err) = link.publish_event(&event).await {
                        failed = Some(err);
                        break;
                    }
                }
            }
            done.push(e.id);
        }
        if !done.is_empty() {
            self.store.mark_events_published(&done, self.now()).await?;
        }
        match failed {
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
