//! Live-room helpers for the router tests: a new flash sale in the demo
//! room, posts the way live.js makes them, and the page's JSON data.

use axum::body::Body;
use axum::http::{Request, Response, header};
use serde_json::Value;
use yc_domain::live::FlashSaleDraft;
use yc_domain::{FlashSaleId, LiveRoomId, Money};
use yc_store::SessionKind;

use super::{World, text};

/// The demo room, and a new sale in it (shop1 hosts it).
pub async fn new_sale(
    w: &World,
    pool: i64,
    cap: u32,
    starts_in_secs: i64,
) -> (LiveRoomId, FlashSaleId) {
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
    let sale = w
        .services
        .create_flash_sale(&shop, room, draft)
        .await
        .unwrap();
    (room, sale.sale.id)
}

pub async fn demo_room(w: &World) -> LiveRoomId {
    let rooms = w.services.live_rooms(Default::default()).await.unwrap();
    rooms.items[0].id
}

/// A post the way live.js makes it.
pub async fn tap(
    w: &World,
    uri: &str,
    cookie: Option<&str>,
    key: &str,
    body: &str,
) -> Response<Body> {
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

pub async fn json(res: Response<Body>) -> Value {
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
pub fn live_data(html: &str) -> Value {
    let marker = r#"<script type="application/json" id="live-data">"#;
    let start = html.find(marker).unwrap() + marker.len();
    let end = start + html[start..].find("</script>").unwrap();
    serde_json::from_str(&html[start..end]).unwrap()
}
