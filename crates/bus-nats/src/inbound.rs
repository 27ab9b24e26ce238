//! What arrives from the other nodes: the shared event stream into this
//! node's in-process bus, the other nodes' live events to this node's
//! viewers.

use async_nats::jetstream::consumer::{DeliverPolicy, pull};
use futures::StreamExt;
use std::sync::Arc;
use tokio::sync::watch;
use tracing::{info, warn};
use yc_services::Services;
use yc_services::events::Event;
use yc_services::live::LiveEvent;

use crate::{NODE_HEADER, NatsLink};

type Ordered = pull::Ordered;

/// Subscribes (both subscriptions are in place when this returns, so
/// nothing published afterwards is missed) and delivers in the background
/// until `shutdown` turns true.
pub async fn run_inbound(
    link: Arc<NatsLink>,
    services: Services,
    shutdown: watch::Receiver<bool>,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let live = link
        .client
        .subscribe(link.prefix.live_wildcard())
        .await
        .map_err(|e| anyhow::anyhow!("subscribing to live events: {e}"))?;
    // The server has the subscription once it answered a ping after it.
    link.client
        .flush()
        .await
        .map_err(|e| anyhow::anyhow!("flushing NATS: {e}"))?;
    let events = event_consumer(&link).await?;
    info!(
        prefix = link.prefix.as_str(),
        "linked to the other nodes over NATS"
    );
    Ok(tokio::spawn(deliver(
        link, services, live, events, shutdown,
    )))
}

/// An ordered consumer from the end of the stream: this node's bus, like
/// the in-process one, carries events from its start on.
async fn event_consumer(link: &NatsLink) -> anyhow::Result<Ordered> {
    let stream = link
        .js
        .get_stream(link.prefix.stream_name())
        .await
        .map_err(|e| anyhow::anyhow!("opening the event stream: {e}"))?;
    let consumer = stream
        .create_consumer(pull::OrderedConfig {
            deliver_policy: DeliverPolicy::New,
            filter_subject: link.prefix.events_wildcard(),
            ..Default::default()
        })
        .await
        .map_err(|e| anyhow::anyhow!("creating the event consumer: {e}"))?;
    consumer
        .messages()
        .await
        .map_err(|e| anyhow::anyhow!("reading the event stream: {e}"))
}

async fn deliver(
    link: Arc<NatsLink>,
    services: Services,
    mut live: async_nats::Subscriber,
    mut events: Ordered,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            message = live.next() => match message {
                Some(m) => on_live(&link, &services, &m),
                None => {
                    warn!("live subscription closed");
                    break;
                }
            },
            message = events.next() => match message {
                Some(Ok(m)) => on_event(&services, &m.payload),
                // The ordered consumer recreates itself after a gap; a
                // reported error is logged and reading goes on.
                Some(Err(e)) => warn!(error = %e, "event stream error"),
                None => {
                    warn!("event stream closed");
                    break;
                }
            },
            _ = shutdown.changed() => break,
        }
    }
}

fn on_live(link: &NatsLink, services: &Services, m: &async_nats::Message) {
    let from = m.headers.as_ref().and_then(|h| h.get(NODE_HEADER));
    if from.map(|v| v.as_str()) == Some(link.node.as_str()) {
        return; // delivered locally when it was published
    }
    let Some(room) = link.prefix.room_of(m.subject.as_str()) else {
        return;
    };
    match serde_json::from_slice::<LiveEvent>(&m.payload) {
        Ok(event) => services.live.publish_from_peer(room, event),
        Err(e) => warn!(error = %e, "unreadable live event from another node"),
    }
}

fn on_event(services: &Services, payload: &[u8]) {
    match serde_json::from_slice::<Event>(payload) {
        Ok(event) => services.events.publish(event),
        Err(e) => warn!(error = %e, "unreadable event in the stream"),
    }
}
