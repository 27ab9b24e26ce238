#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Live rooms in the web router: the list and the room page with its
//! flash-sale card in each phase.

mod common;

use axum::http::{StatusCode, header};
use common::live::{demo_room, live_data, new_sale};
use common::{text, world};
use serde_json::Value;
use yc_store::SessionKind;

#[tokio::test]
async fn the_feed_leads_to_the_room_list() {
    let w = world().await;
    let html = text(w.get("/", None).await).await;
    assert!(html.contains(r#"href="/live""#) && html.contains(">直播<"));
    let res = w.get("/live", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = text(res).await;
    let room = demo_room(&w).await;
    assert!(html.contains(&format!(r#"href="/live/{room}""#)), "{html}");
    assert!(html.contains("直播中") && html.contains("人在看") && html.contains("花语女装"));
    assert!(html.contains("/assets/demo/videos/v01.jpg"));
    assert!(html.contains("/static/live.css?v="));
}

#[tokio::test]
async fn the_room_renders_the_sale_card_in_its_phase() {
    let w = world().await;
    let room = demo_room(&w).await;
    // The demo sale opens 90 s after seeding: announced, not counting down yet.
    let res = w.get(&format!("/live/{room}"), None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    let html = text(res).await;
    assert!(
        html.contains("autoplay muted loop playsinline")
            && html.contains("/assets/demo/videos/live01.mp4")
    );
    assert!(
        html.contains(r#"data-testid="sale-button" data-phase="scheduled" disabled>即将开抢<"#),
        "{html}"
    );
    assert!(html.contains(r#"data-testid="sale-remaining" data-remaining>50<"#));
    assert!(html.contains(r#"data-testid="countdown" data-countdown>01:"#));
    assert!(html.contains("每人限购 2 件") && html.contains("秒杀价"));
    assert!(html.contains(r#"data-sheet="/sheet/live/"#) && html.contains(r#"id="sheet""#));
    assert!(html.contains("/static/live.js?v="));
    // No inline script: only our files and JSON data.
    for tag in html.split("<script").skip(1) {
        assert!(
            tag.starts_with(" src=\"/static/") || tag.starts_with(r#" type="application/json""#),
            "{tag}"
        );
    }
    let data = live_data(&html);
    assert_eq!(data["events"], format!("/api/v1/live/{room}/events"));
    assert_eq!(data["sale"]["phase"], "scheduled");
    assert_eq!(data["sale"]["cap"], 2);
    let opens = data["sale"]["opens_in_ms"].as_i64().unwrap();
    assert!((1..=90_000).contains(&opens), "{opens}");

    // An open sale takes the card.
    new_sale(&w, 3, 2, 0).await;
    let html = text(w.get(&format!("/live/{room}"), None).await).await;
    assert!(
        html.contains(r#"data-testid="sale-button" data-phase="open">立即抢购<"#),
        "{html}"
    );
    assert!(html.contains(r#"data-testid="sale-remaining" data-remaining>3<"#));
    assert_eq!(live_data(&html)["sale"]["opens_in_ms"], 0);

    // In English.
    let html = text(w.get(&format!("/live/{room}"), Some("yc_lang=en")).await).await;
    assert!(
        html.contains(">Grab it<")
            && html.contains("Limit 2 per person")
            && !html.contains("立即抢购")
    );

    // The yellow cart's list of pinned products.
    let html = text(w.get(&format!("/sheet/live/{room}"), None).await).await;
    assert!(html.contains("直播间商品 · 4") && !html.contains("<html"));
    assert_eq!(html.matches("plist-item").count(), 4);
    assert!(html.contains(&format!("?live={room}")));

    let res = w.get("/live/not-a-room", None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_hls_stream_is_left_to_live_js() {
    let w = world().await;
    let (shop, _) = w
        .services
        .login("shop1", "shop1234", SessionKind::Api)
        .await
        .unwrap();
    let draft = yc_domain::live::LiveRoomDraft {
        title: "HLS".into(),
        stream_url: "https://cdn.example/live/index.m3u8".into(),
        poster_url: "/assets/demo/videos/v02.jpg".into(),
        pinned: vec![],
    };
    let room = w.services.create_live_room(&shop, draft).await.unwrap();
    let html = text(w.get(&format!("/live/{}", room.id), None).await).await;
    assert!(html.contains(r#"data-hls="https://cdn.example/live/index.m3u8""#));
    assert!(!html.contains(r#"src="https://cdn.example"#));
    assert!(html.contains(r#"poster="/assets/demo/videos/v02.jpg""#));
    assert!(html.contains("当前浏览器暂不支持播放此直播流"));
    // No sale, no pinned products: no card, no cart.
    assert!(!html.contains("data-flash") && !html.contains("data-testid=\"live-cart\""));
    assert_eq!(live_data(&html)["sale"], Value::Null);
}

#[tokio::test]
async fn live_assets_are_cached() {
    let w = world().await;
    for path in ["/static/live.css", "/static/live.js"] {
        let res = w.get(path, None).await;
        assert_eq!(res.status(), StatusCode::OK);
        let cache = res.headers()[header::CACHE_CONTROL].to_str().unwrap();
        assert!(cache.contains("immutable"), "{cache}");
    }
}
