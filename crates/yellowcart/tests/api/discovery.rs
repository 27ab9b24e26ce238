//! Discovery over HTTP: behaviour batches are bounded and all-or-nothing,
//! the feed explains itself and never shows a hidden product, search finds
//! a word inside a longer Chinese title.

use crate::helpers::{assert_problem, spawn};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn events_feed_and_search() {
    let app = spawn().await;
    let shop = app.register("discshop", true).await;
    let (product, _) = app.product(&shop, 10).await; // titled 测试连衣裙
    let video: Value = app
        .post(
            "/api/v1/merchant/videos",
            Some(&shop),
            json!({ "title": "夏日穿搭", "video_url": "/assets/v.mp4", "poster_url": "/assets/v.jpg", "product_ids": [product] }),
        )
        .await
        .json()
        .await
        .unwrap();
    let vid = video["id"].as_str().unwrap().to_owned();
    let device = uuid::Uuid::now_v7().to_string();
    let store = &app.server.services.store;
    let before = store.last_event_seq().await.unwrap();

    let unknown = json!({ "device_id": device, "events": [{ "video_id": vid, "kind": "impression" }, { "video_id": vid, "kind": "teleport" }] });
    assert_problem(
        app.post("/api/v1/events", None, unknown).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let many: Vec<Value> = (0..101)
        .map(|_| json!({ "video_id": vid, "kind": "impression" }))
        .collect();
    assert_problem(
        app.post(
            "/api/v1/events",
            None,
            json!({ "device_id": device, "events": many }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let huge: Vec<Value> = (0..600)
        .map(|_| json!({ "video_id": vid, "kind": "impression" }))
        .collect();
    assert_problem(
        app.post(
            "/api/v1/events",
            None,
            json!({ "device_id": device, "events": huge }),
        )
        .await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;
    assert_eq!(
        store.last_event_seq().await.unwrap(),
        before,
        "nothing stored"
    );
    let ok = app
        .post("/api/v1/events", None, json!({ "device_id": device, "events": [{ "video_id": vid, "kind": "watch", "completion_pct": 95 }, { "video_id": vid, "kind": "cart_tap" }] }))
        .await;
    assert_eq!(ok.status(), StatusCode::ACCEPTED);
    assert_eq!(ok.json::<Value>().await.unwrap()["accepted"], 2);

    let feed: Value = app
        .get(
            &format!("/api/v1/feed?device_id={device}&limit=5&region=浙江"),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(feed["items"][0]["video"]["id"], vid.as_str());
    assert!(!feed["items"][0]["reasons"].as_array().unwrap().is_empty());
    assert_problem(
        app.get("/api/v1/feed?region=Atlantis", None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    // The index follows new products within a commit period.
    let mut found = Value::Null;
    for _ in 0..100 {
        found = app
            .get("/api/v1/search?q=连衣裙", None)
            .await
            .json()
            .await
            .unwrap();
        if found["total"] == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["product"]["id"], product.as_str());
    assert_problem(
        app.get("/api/v1/search?q=x&limit=500", None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;

    // Hidden: out of the feed and (after the worker's flush) out of search.
    let hide = app
        .http
        .patch(app.url(&format!("/api/v1/merchant/products/{product}")))
        .bearer_auth(&shop)
        .json(&json!({ "status": "hidden" }))
        .send()
        .await
        .unwrap();
    assert_eq!(hide.status(), StatusCode::OK);
    let feed: Value = app
        .get(&format!("/api/v1/feed?device_id={device}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["video"]["id"] != vid.as_str())
    );
    let mut total = Value::Null;
    for _ in 0..100 {
        let found: Value = app
            .get("/api/v1/search?q=连衣裙", None)
            .await
            .json()
            .await
            .unwrap();
        total = found["total"].clone();
        if total == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(total, 0, "the index followed the edit within seconds");
}
