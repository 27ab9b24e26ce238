//! Two nodes linked over a real NATS server (set `YC_TEST_NATS_URL`, e.g.
//! `nats://127.0.0.1:4222`, with JetStream on); skipped without one. Each
//! test uses its own prefix, so its stream and subjects are its own.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, watch};
use yc_bus_nats::{NatsConfig, NatsLink, Prefix, run_inbound};
use yc_domain::{FlashSaleId, LiveRoomId, Timestamp, live::SalePhase};
use yc_services::events::Event;
use yc_services::live::{Comment, LiveEvent};
use yc_services::payments::PaymentGateway;
use yc_services::{Config, Services, Store, SystemClock};
use yc_store_sqlite::SqliteStore;

struct Node {
    services: Services,
    link: Arc<NatsLink>,
    _stop: watch::Sender<bool>,
}

fn config() -> Option<NatsConfig> {
    let url = std::env::var("YC_TEST_NATS_URL").ok()?;
    Some(NatsConfig {
        url,
        prefix: Prefix::throwaway("yct").unwrap(),
    })
}

async fn node(store: Arc<dyn Store>, config: &NatsConfig) -> Node {
    let link = NatsLink::connect(config).await.unwrap();
    let services = Services::new(
        store,
        Arc::new(SystemClock),
        Config::default(),
        PaymentGateway::sandbox(b"link-test-secret"),
    )
    .with_link(link.clone());
    let (stop, rx) = watch::channel(false);
    run_inbound(link.clone(), services.clone(), rx)
        .await
        .unwrap();
    Node {
        services,
        link,
        _stop: stop,
    }
}

async fn sqlite() -> (Arc<dyn Store>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("link.db"))
        .await
        .unwrap();
    (Arc::new(store), dir)
}

async fn next<T: Clone>(rx: &mut broadcast::Receiver<T>) -> Option<T> {
    tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .ok()?
        .ok()
}

async fn nothing_more<T: Clone + std::fmt::Debug>(rx: &mut broadcast::Receiver<T>) {
    let more = tokio::time::timeout(Duration::from_millis(400), rx.recv()).await;
    assert!(more.is_err(), "unexpected extra message: {more:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_events_reach_every_nodes_viewers_once() {
    let Some(config) = config() else {
        eprintln!("YC_TEST_NATS_URL not set: NATS link test skipped");
        return;
    };
    let (store, _dir) = sqlite().await;
    let a = node(store.clone(), &config).await;
    let b = node(store, &config).await;
    let room = LiveRoomId::new();
    let (mut on_a, _, _ga) = a.services.live.join(room).unwrap();
    let (mut on_b, _, _gb) = b.services.live.join(room).unwrap();

    let comment = LiveEvent::Comment(Comment {
        author: "张*".into(),
        text: "上链接!".into(),
        at: Timestamp(1),
    });
    a.services.live.publish(room, comment.clone());
    assert_eq!(
        next(&mut on_b).await,
        Some(comment.clone()),
        "to B's viewer"
    );
    assert_eq!(next(&mut on_a).await, Some(comment), "to A's own viewer");

    let stock = LiveEvent::Stock {
        sale_id: FlashSaleId::new(),
        remaining: 41,
        phase: SalePhase::Open,
    };
    b.services.live.publish(room, stock.clone());
    assert_eq!(next(&mut on_a).await, Some(stock.clone()));
    assert_eq!(next(&mut on_b).await, Some(stock));
    nothing_more(&mut on_a).await;
    nothing_more(&mut on_b).await;

    // Another room's viewers hear nothing of it.
    let (mut elsewhere, _, _ge) = b.services.live.join(LiveRoomId::new()).unwrap();
    nothing_more(&mut elsewhere).await;
    a.link.delete_stream().await.unwrap();
}

/// Collects events until none arrives for a while; counts each id.
async fn drain(rx: &mut broadcast::Receiver<Event>) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    while let Ok(Ok(e)) = tokio::time::timeout(Duration::from_millis(800), rx.recv()).await {
        *seen.entry(e.id.to_string()).or_insert(0) += 1;
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outbox_events_are_stored_once_and_reach_every_node() {
    let Some(config) = config() else {
        eprintln!("YC_TEST_NATS_URL not set: NATS link test skipped");
        return;
    };
    let (store, _dir) = sqlite().await;
    let a = node(store.clone(), &config).await;
    let b = node(store.clone(), &config).await;
    a.services.seed_demo(&|_| {}).await.unwrap();
    let pending = store.unpublished_events(10_000).await.unwrap();
    assert!(pending.len() >= 2, "the demo orders wrote events");
    let mut on_a = a.services.events.subscribe();
    let mut on_b = b.services.events.subscribe();

    // Both nodes' relays race over the same outbox rows.
    let mut relayed = 0;
    loop {
        let (x, y) = tokio::join!(a.services.relay_outbox(), b.services.relay_outbox());
        let (x, y) = (x.unwrap(), y.unwrap());
        relayed += x + y;
        if x == 0 && y == 0 {
            break;
        }
    }
    assert!(relayed >= pending.len());
    assert!(store.unpublished_events(10).await.unwrap().is_empty());

    for (name, rx) in [("A", &mut on_a), ("B", &mut on_b)] {
        let seen = drain(rx).await;
        assert_eq!(seen.len(), pending.len(), "node {name} saw every event");
        assert!(seen.values().all(|&n| n == 1), "node {name} saw each once");
        for e in &pending {
            assert!(seen.contains_key(&e.id.to_string()));
        }
    }
    a.link.delete_stream().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_the_stream_did_not_take_stays_in_the_outbox() {
    let Some(config) = config() else {
        eprintln!("YC_TEST_NATS_URL not set: NATS link test skipped");
        return;
    };
    let (store, _dir) = sqlite().await;
    let a = node(store.clone(), &config).await;
    a.services.seed_demo(&|_| {}).await.unwrap();
    let pending = store.unpublished_events(10_000).await.unwrap().len();
    // The stream is gone: nothing can acknowledge.
    a.link.delete_stream().await.unwrap();
    assert!(a.services.relay_outbox().await.is_err());
    assert_eq!(
        store.unpublished_events(10_000).await.unwrap().len(),
        pending,
        "nothing marked published"
    );
    // Back (a node starting creates it again): the next pass relays all.
    let again = NatsLink::connect(&config).await.unwrap();
    let mut relayed = 0;
    while let Ok(n) = a.services.relay_outbox().await {
        if n == 0 {
            break;
        }
        relayed += n;
    }
    assert_eq!(relayed, pending);
    again.delete_stream().await.unwrap();
}
