//! Two `yellowcart` nodes on one PostgreSQL, linked over NATS: a live
//! comment posted on one node reaches a viewer following the room's
//! events on the other, and an order placed on one node reaches the other
//! node's event bus through the JetStream stream. Needs both
//! `YC_TEST_POSTGRES_URL` and `YC_TEST_NATS_URL`; skipped otherwise.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use reqwest::Client;
use serde_json::{Value, json};
use std::time::Duration;
use yellowcart::config::{Database, ServerConfig};
use yellowcart::server::{Running, start};

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

async fn node(
    pg: &str,
    schema: &str,
    nats: &yc_bus_nats::NatsConfig,
    seed: bool,
) -> (Running, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut config = ServerConfig::new("127.0.0.1:0".parse().unwrap(), dir.path().to_path_buf());
    config.database = Database::Postgres {
        url: pg.to_owned(),
        max_connections: 4,
        schema: Some(schema.to_owned()),
    };
    config.seed_demo = seed;
    config.job_poll_ms = 50;
    config.nats = Some(nats.clone());
    (start(config).await.unwrap(), dir)
}

async fn register(http: &Client, base: &str, login: &str) -> String {
    let body = json!({ "login": login, "password": "password-123", "display_name": "李四" });
    let res = http
        .post(format!("{base}/api/v1/auth/register"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let v: Value = res.json().await.unwrap();
    v["token"].as_str().unwrap().to_owned()
}

/// Buys the room's first pinned SKU; returns the order id.
async fn place_order(http: &Client, base: &str, token: &str, room: &str) -> String {
    let view = common::get_json(http, &format!("{base}/api/v1/live/{room}")).await;
    let sku = view["pinned"][0]["skus"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let address = json!({ "recipient": "王五", "phone": "13700137000", "province": "上海市",
        "city": "上海市", "district": "浦东新区", "detail": "世纪大道100号" });
    let res = http
        .post(format!("{base}/api/v1/addresses"))
        .bearer_auth(token)
        .json(&address)
        .send()
        .await
        .unwrap();
    let address: Value = res.json().await.unwrap();
    let body = json!({ "lines": [{ "sku_id": sku, "quantity": 1 }], "address_id": address["id"] });
    let res = http
        .post(format!("{base}/api/v1/orders"))
        .bearer_auth(token)
        .header("Idempotency-Key", "link-order-1")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let order: Value = res.json().await.unwrap();
    order["id"].as_str().unwrap().to_owned()
}

/// Reads the server-sent events until one contains `needle`.
async fn wait_for(events: &mut reqwest::Response, needle: &str) -> String {
    let mut seen = String::new();
    let found = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(chunk) = events.chunk().await.unwrap() {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if seen.contains(needle) {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(found, Ok(true), "no {needle:?} in: {seen}");
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_comment_on_one_node_reaches_viewers_of_the_other() {
    let (Some(pg), Some(nats_url)) = (env("YC_TEST_POSTGRES_URL"), env("YC_TEST_NATS_URL")) else {
        eprintln!(
            "YC_TEST_POSTGRES_URL and YC_TEST_NATS_URL not both set: two-node link test skipped"
        );
        return;
    };
    let schema = format!("link_{}", uuid::Uuid::now_v7().simple());
    let nats = yc_bus_nats::NatsConfig {
        url: nats_url,
        prefix: yc_bus_nats::Prefix::throwaway("link").unwrap(),
    };
    let (one, _d1) = node(&pg, &schema, &nats, true).await;
    let (two, _d2) = node(&pg, &schema, &nats, false).await;
    let http = Client::new();
    let room = common::first_live_room(&http, &one.url()).await;

    let mut on_two = http
        .get(format!("{}/api/v1/live/{room}/events", two.url()))
        .send()
        .await
        .unwrap();
    assert!(on_two.status().is_success());
    let mut bus_two = two.services.events.subscribe();

    let token = register(&http, &one.url(), "link-viewer").await;
    let res = http
        .post(format!("{}/api/v1/live/{room}/comments", one.url()))
        .bearer_auth(&token)
        .json(&json!({ "text": "两个节点都看得到" }))
        .send()
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let seen = wait_for(&mut on_two, "两个节点都看得到").await;
    assert!(seen.contains("李*"), "the author is masked: {seen}");

    // An order placed on node one: its order.created event reaches node
    // two's bus through the stream (node one's job worker relays it).
    let order = place_order(&http, &one.url(), &token, &room).await;
    let arrived = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let e = bus_two.recv().await.unwrap();
            if e.topic == "order.created" && e.payload.to_string().contains(&order) {
                return e;
            }
        }
    })
    .await;
    assert!(arrived.is_ok(), "order.created of {order} not on node two");

    // Stopping ends the open event stream instead of waiting for it.
    let stopped = tokio::time::timeout(Duration::from_secs(10), async {
        one.stop().await;
        two.stop().await;
    })
    .await;
    assert!(
        stopped.is_ok(),
        "a node did not stop with a viewer connected"
    );
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while let Ok(Some(_)) = on_two.chunk().await {}
    })
    .await;
    assert!(ended.is_ok(), "the viewer's stream ended");
    let link = yc_bus_nats::NatsLink::connect(&nats).await.unwrap();
    link.delete_stream().await.unwrap();
    let store = yc_store_postgres::PgStore::connect_in_schema(&pg, &schema, 1)
        .await
        .unwrap();
    store.drop_schema().await.unwrap();
}
