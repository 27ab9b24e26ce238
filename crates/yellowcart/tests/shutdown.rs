//! Stopping a server with live viewers connected: their event streams end
//! and the server stops, instead of graceful shutdown waiting on streams
//! that never end by themselves.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_stops_with_live_viewers_connected() {
    let (server, _dir) = common::demo_server().await;
    let http = reqwest::Client::new();
    let room = common::first_live_room(&http, &server.url()).await;
    let url = format!("{}/api/v1/live/{room}/events", server.url());
    let mut viewer = http.get(&url).send().await.unwrap();
    assert!(viewer.status().is_success());
    assert!(
        viewer.chunk().await.unwrap().is_some(),
        "the stream is live"
    );

    let services = server.services.clone();
    let stopped = tokio::time::timeout(Duration::from_secs(10), server.stop()).await;
    assert!(stopped.is_ok(), "the server waited on the viewer's stream");
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while let Ok(Some(_)) = viewer.chunk().await {}
    })
    .await;
    assert!(ended.is_ok(), "the viewer's stream ended");
    assert!(
        services.live.join(room.parse().unwrap()).is_none(),
        "nobody joins a stopped server"
    );
}
