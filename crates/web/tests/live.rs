#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Live rooms in the web router: the list, the room page with its
//! flash-sale card, one-tap buying (JSON, never an error page) and comments.

mod common;

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use common::{World, location, text, world};
use serde_json::Value;
use yc_domain::live::FlashSaleDraft;
use yc_domain::{FlashSaleId, LiveRoomId, Money};
use yc_store::SessionKind;

/// The demo room, and a new sale in it (shop1 hosts it).
async fn new_sale(w: &World, pool: i64, cap: u32, starts_in_secs: i64) -> (LiveRoomId, FlashSaleId) {
    let (shop, _) = w
        .services
        .login("shop1", "shop1234", SessionKind::Api)
        .await
        .unwrap();
    let room = demo_room(w).await;
    let view = w.services.live_room(room).await.unwrap();
    let sku = view
        .pinned
        .iter()
        .flat_map(|p| p.skus.iter())
        .find(|s| s.stock >= pool)
        .unwrap();
    let draft = FlashSaleDraft {
        sku_id: sku.id,
        flash_price: Money::cny((sku.price.amount_minor / 2).max(1)),
        pool_size: pool,
        per_buyer_cap: cap,
        starts_in_secs,
        countdown_secs: 10,
        duration_secs: 600,
        pay_window_minutes: None,
    };
    let sale = w.services.create_flash_sale(&shop, room, draft).await.unwrap();
    (room, sale.sale.id)
}

async fn demo_room(w: &World) -> LiveRoomId {
    let rooms = w.services.live_rooms(Default::default()).await.unwrap();
    rooms.items[0].id
}

/// A post the way live.js makes it.
async fn tap(w: &World, uri: &str, cookie: Option<&str>, key: &str, body: &str) -> Response<Body> {
    let mut req = Request::post(uri)
        .header(header::HOST, "shop.test")
        .header(header::ORIGIN, "http://shop.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header("x-fragment", "1")
        .header("idempotency-key", key);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    w.send(req.body(Body::from(body.to_owned())).unwrap()).await
}

async fn json(res: Response<Body>) -> Value {
    let ct = res
        .headers()
        .get(header::CONTENT_TYPE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(ct.starts_with("application/json"), "{ct}");
    let body = text(res).await;
    assert!(!body.contains("<html"), "{body}");
    serde_json::from_str(&body).unwrap()
}

/// The JSON live.js reads from the page.
fn live_data(html: &str) -> Value {
    let marker = r#"<script type="application/json" id="live-data">"#;
    let start = html.find(marker).unwrap() + marker.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}

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
    let csp = res.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_owned();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    let html = text(res).await;
    assert!(html.contains("autoplay muted loop playsinline") && html.contains("/assets/demo/videos/live01.mp4"));
    assert!(html.contains(r#"data-testid="sale-button" data-phase="scheduled" disabled>即将开抢<"#), "{html}");
    assert!(html.contains(r#"data-testid="sale-remaining" data-remaining>50<"#));
    assert!(html.contains(r#"data-testid="countdown" data-countdown>01:"#));
    assert!(html.contains("每人限购 2 件") && html.contains("秒杀价"));
    assert!(html.contains(r#"data-sheet="/sheet/live/"#) && html.contains(r#"id="sheet""#));
    assert!(html.contains("/static/live.js?v="));
    // No inline script: only our files and JSON data.
    for tag in html.split("<script").skip(1) {
        assert!(tag.starts_with(" src=\"/static/") || tag.starts_with(r#" type="application/json""#), "{tag}");
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
    assert!(html.contains(r#"data-testid="sale-button" data-phase="open">立即抢购<"#), "{html}");
    assert!(html.contains(r#"data-testid="sale-remaining" data-remaining>3<"#));
    assert_eq!(live_data(&html)["sale"]["opens_in_ms"], 0);

    // In English.
    let html = text(w.get(&format!("/live/{room}"), Some("yc_lang=en")).await).await;
    assert!(html.contains(">Grab it<") && html.contains("Limit 2 per person") && !html.contains("立即抢购"));

    // The yellow cart's list of pinned products.
    let html = text(w.get(&format!("/sheet/live/{room}"), None).await).await;
    assert!(html.contains("直播间商品 · 4") && !html.contains("<html"));
    assert_eq!(html.matches("plist-item").count(), 4);
    assert!(html.contains(&format!("?live={room}")));

    let res = w.get("/live/not-a-room", None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn buying_requires_login() {
    let w = world().await;
    let (room, sale) = new_sale(&w, 3, 2, 0).await;
    let uri = format!("/live/{room}/sales/{sale}/buy");
    let res = tap(&w, &uri, None, "k1", "qty=1").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body = json(res).await;
    assert_eq!(body["login"], format!("/login?next=%2Flive%2F{room}"));
    assert_eq!(body["error"], "请先登录");

    // JSON unless a page is asked for; a plain form post (no script) is
    // sent to the login page.
    let res = w.post(&uri, None, &[("key", "k1"), ("qty", "1")]).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let page = Request::post(&uri)
        .header(header::HOST, "shop.test")
        .header(header::ACCEPT, "text/html")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from("key=k1&qty=1"))
        .unwrap();
    let res = w.send(page).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/login?next=%2Flive%2F{room}"));
}

#[tokio::test]
async fn a_tap_returns_the_order_as_json_once_per_key() {
    let w = world().await;
    let cookie = w.login().await;
    let (room, sale) = new_sale(&w, 3, 2, 0).await;
    let uri = format!("/live/{room}/sales/{sale}/buy");
    let res = tap(&w, &uri, Some(&cookie), "tap-1", "qty=1").await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let body = json(res).await;
    assert_eq!(body["ok"], true);
    assert_eq!(body["message"], "抢到了！");
    let order = &body["order"];
    let id = order["id"].as_str().unwrap().to_owned();
    assert_eq!(order["url"], format!("/orders/{id}"));
    assert_eq!(order["quantity"], 1);
    assert!(order["total"].as_str().unwrap().starts_with('¥'));

    // A retry of the same tap is the same order, not a second one.
    let again = json(tap(&w, &uri, Some(&cookie), "tap-1", "qty=1").await).await;
    assert_eq!(again["order"]["id"], id.as_str());
    assert_eq!(w.services.flash_sale(sale).await.unwrap().remaining, 2);

    // The order waits for payment; its page offers 去支付.
    let html = text(w.get(&format!("/orders/{id}"), Some(&cookie)).await).await;
    assert!(html.contains(r#"data-status="pending_payment""#) && html.contains("去支付"));

    // Over the cap: a readable refusal.
    tap(&w, &uri, Some(&cookie), "tap-2", "qty=1").await;
    let res = tap(&w, &uri, Some(&cookie), "tap-3", "qty=1").await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body = json(res).await;
    assert_eq!(body["code"], "cap_exceeded");
    assert!(body["error"].as_str().unwrap().contains("已达限购"));
}

#[tokio::test]
async fn sold_out_is_a_json_answer_not_an_error_page() {
    let w = world().await;
    let a = w.login().await;
    let b = w.login_as("demo2", "demo1234").await;
    let (room, sale) = new_sale(&w, 1, 2, 0).await;
    let uri = format!("/live/{room}/sales/{sale}/buy");
    assert_eq!(tap(&w, &uri, Some(&a), "a-1", "qty=1").await.status(), StatusCode::CREATED);
    let res = tap(&w, &uri, Some(&b), "b-1", "qty=1").await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body = json(res).await;
    assert_eq!(body["ok"], false);
    assert_eq!(body["code"], "sold_out");
    assert_eq!(body["phase"], "sold_out");
    assert_eq!(body["error"], "已抢光");

    // A sold-out sale gives the card to the next one coming up.
    let html = text(w.get(&format!("/live/{room}"), Some(&b)).await).await;
    assert!(html.contains(r#"data-phase="scheduled" disabled>即将开抢<"#), "{html}");
    assert!(!html.contains(&sale.to_string()));

    // Not open yet, in English.
    let (_, later) = new_sale(&w, 1, 1, 600).await;
    let uri = format!("/live/{room}/sales/{later}/buy");
    let en = format!("{b}; yc_lang=en");
    let body = json(tap(&w, &uri, Some(&en), "b-2", "qty=1").await).await;
    assert_eq!(body["code"], "sale_not_open");
    assert_eq!(body["error"], "Not open yet; hold on");
}

#[tokio::test]
async fn comments_need_login_and_are_limited() {
    let w = world().await;
    let room = demo_room(&w).await;
    let uri = format!("/live/{room}/comments");
    let res = tap(&w, &uri, None, "-", "text=hello").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(json(res).await["login"], format!("/login?next=%2Flive%2F{room}"));

    let cookie = w.login().await;
    let res = tap(&w, &uri, Some(&cookie), "-", "text=%E5%A5%BD%E7%9C%8B").await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let body = json(res).await;
    assert_eq!(body["comment"]["text"], "好看");
    assert_eq!(body["comment"]["author"], "演***");

    // Again at once: too fast.
    let res = tap(&w, &uri, Some(&cookie), "-", "text=again").await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(json(res).await["error"], "发言太快了，请稍后再试");

    // Too long, in the field's words.
    let long = format!("text={}", "x".repeat(101));
    let b = w.login_as("demo2", "demo1234").await;
    let res = tap(&w, &uri, Some(&b), "-", &long).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(res).await["error"], "评论：内容太长");
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
