//! The link between yellowcart nodes over NATS (`--nats-url`).
//!
//! Two kinds of traffic, with the delivery each needs:
//! - Domain events (the outbox) go into one JetStream stream,
//!   `{PREFIX}_EVENTS` on subjects `{prefix}.events.{topic}`. The relay counts
//!   an event as published only once the stream acknowledged it, and the
//!   event id is the message id, so two nodes relaying the same outbox row
//!   (or a relay retried after a crash) store it once within the duplicate
//!   window. Every node reads the stream with an ordered consumer and feeds
//!   its in-process bus, so each node sees every node's events once.
//! - Live-room events (stock, comments) are plain NATS messages on
//!   `{prefix}.live.{room}`: they are worth something for seconds only, and
//!   viewers re-read stock from the store every second anyway, so storing
//!   them would buy nothing. Each node skips its own (it delivered them
//!   locally already).

mod inbound;
mod subjects;

use async_nats::HeaderMap;
use async_nats::jetstream::context::PublishAckFuture;
use async_nats::jetstream::{self, message::PublishMessage, stream};
use bytes::Bytes;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use yc_domain::LiveRoomId;
use yc_services::events::{Event, NodeLink, Published};
use yc_services::live::LiveEvent;

pub use inbound::run_inbound;
pub use subjects::{NatsConfig, Prefix};

/// Header naming the node that published a live event.
const NODE_HEADER: &str = "Yc-Node";
/// Live events waiting to be sent; past this they are dropped (counted).
const LIVE_QUEUE: usize = 4096;
/// How long a domain event may wait for the stream's acknowledgement.
const ACK_TIMEOUT: Duration = Duration::from_secs(5);
/// Bounds of the shared event stream: a week or 1 GiB, oldest dropped first.
const STREAM_MAX_AGE: Duration = Duration::from_secs(7 * 24 * 3600);
const STREAM_MAX_BYTES: i64 = 1 << 30;
const STREAM_MAX_MESSAGE: i32 = 1 << 20;
/// Republishing one event id within this window stores it once.
const DUPLICATE_WINDOW: Duration = Duration::from_secs(120);

pub struct NatsLink {
    client: async_nats::Client,
    js: jetstream::Context,
    prefix: Prefix,
    /// Random per process: tells this node's live events from the others'.
    node: String,
    live: mpsc::Sender<(LiveRoomId, LiveEvent)>,
}

impl NatsLink {
    /// Connects, makes sure the event stream exists, and starts the task
    /// that sends live events. Call `run_inbound` once services exist.
    pub async fn connect(config: &NatsConfig) -> anyhow::Result<Arc<Self>> {
        let client = async_nats::ConnectOptions::new()
            .name("yellowcart")
            .connect(config.url.as_str())
            .await
            .map_err(|e| anyhow::anyhow!("connecting to NATS at {}: {e}", config.url))?;
        let js = jetstream::new(client.clone());
        js.get_or_create_stream(stream_config(&config.prefix))
            .await
            .map_err(|e| anyhow::anyhow!("creating JetStream stream: {e}"))?;
        let (tx, rx) = mpsc::channel(LIVE_QUEUE);
        let link = NatsLink {
            client,
            js,
            prefix: config.prefix.clone(),
            node: uuid::Uuid::new_v4().simple().to_string(),
            live: tx,
        };
        // The task holds no handle on the link: dropping the link closes
        // the queue and ends it.
        tokio::spawn(send_live(
            link.client.clone(),
            link.prefix.clone(),
            link.node.clone(),
            rx,
        ));
        Ok(Arc::new(link))
    }

    async fn send(&self, event: &Event) -> anyhow::Result<PublishAckFuture> {
        let payload = Bytes::from(serde_json::to_vec(event)?);
        let message = PublishMessage::build()
            .payload(payload)
            .message_id(event.id.to_string());
        self.js
            .send_publish(self.prefix.event_subject(&event.topic), message)
            .await
            .map_err(|e| anyhow::anyhow!("publishing event: {e}"))
    }

    /// Removes the event stream (tests clean up with it).
    pub async fn delete_stream(&self) -> anyhow::Result<()> {
        self.js
            .delete_stream(self.prefix.stream_name())
            .await
            .map_err(|e| anyhow::anyhow!("deleting stream: {e}"))?;
        Ok(())
    }
}

fn stream_config(prefix: &Prefix) -> stream::Config {
    stream::Config {
        name: prefix.stream_name(),
        subjects: vec![prefix.events_wildcard()],
        max_age: STREAM_MAX_AGE,
        max_bytes: STREAM_MAX_BYTES,
        max_message_size: STREAM_MAX_MESSAGE,
        duplicate_window: DUPLICATE_WINDOW,
        storage: stream::StorageType::File,
        discard: stream::DiscardPolicy::Old,
        ..Default::default()
    }
}

#[async_trait::async_trait]
impl NodeLink for NatsLink {
    /// Sends every event before awaiting the first acknowledgement (one
    /// round trip per pass, not per event), then counts the acknowledged
    /// prefix. Events after a failed one that were stored anyway are
    /// stored once more by the next pass only if past the duplicate window.
    async fn publish_events(&self, events: &[Event]) -> Published {
        let mut acks = Vec::with_capacity(events.len());
        let mut error = None;
        for event in events {
            match self.send(event).await {
                Ok(ack) => acks.push(ack),
                Err(e) => {
                    error = Some(e);
                    break;
                }
            }
        }
        let mut stored = 0;
        for ack in acks {
            match tokio::time::timeout(ACK_TIMEOUT, ack).await {
                Ok(Ok(_)) => stored += 1,
                Ok(Err(e)) => {
                    error = Some(anyhow::anyhow!("stream refused the event: {e}"));
                    break;
                }
                Err(_) => {
                    error = Some(anyhow::anyhow!("no acknowledgement from the stream"));
                    break;
                }
            }
        }
        Published { stored, error }
    }

    fn publish_live(&self, room: LiveRoomId, event: &LiveEvent) {
        if self.live.try_send((room, event.clone())).is_err() {
            metrics::counter!("yc_link_live_dropped_total").increment(1);
        }
    }
}

/// Sends queued live events in order until the link is dropped.
async fn send_live(
    client: async_nats::Client,
    prefix: Prefix,
    node: String,
    mut rx: mpsc::Receiver<(LiveRoomId, LiveEvent)>,
) {
    while let Some((room, event)) = rx.recv().await {
        let Ok(payload) = serde_json::to_vec(&event) else {
            continue;
        };
        let mut headers = HeaderMap::new();
        headers.insert(NODE_HEADER, node.as_str());
        let sent = client
            .publish_with_headers(prefix.live_subject(room), headers, payload.into())
            .await;
        if let Err(e) = sent {
            tracing::warn!(error = %e, "live event not sent to the other nodes");
        }
    }
}
