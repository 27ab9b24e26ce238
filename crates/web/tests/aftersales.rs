#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! After-sales through the web routes: the buyer's request and its moves,
//! the shop's queue, arbitration, and evidence uploads.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{World, demo_user, location, text, world, world_with};
use yc_domain::account::User;
use yc_domain::order::{Order, OrderStatus};
use yc_domain::page::PageRequest;

/// The value of the first `name="…" value="…"` field after `from`.
fn field_after(html: &str, from: &str, name: &str) -> String {
    let start = html.find(from).unwrap_or(0);
    let marker = format!(r#"name="{name}" value=""#);
    let at = start + html[start..].find(&marker).unwrap() + marker.len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

/// The idempotency key of the form whose `marker` (an action value)
/// follows it, searching from `from`.
fn key_of_form(html: &str, from: &str, marker: &str) -> String {
    let start = html.find(from).unwrap();
    let end = start + html[start..].find(marker).unwrap();
    let tail = html[start..end]
        .rsplit(r#"name="key" value=""#)
        .next()
        .unwrap();
    tail[..tail.find('"').unwrap()].to_owned()
}

async fn delivered_order(w: &World, buyer: &User) -> Order {
    let orders = w
        .services
        .orders(buyer, Some(OrderStatus::Delivered), PageRequest::default())
        .await
        .unwrap();
    orders.items.into_iter().next().unwrap()
}

async fn opened_return(w: &World, cookie: &str, order: &Order) -> String {
    let sku = order.lines[0].sku_id.to_string();
    let url = format!("/orders/{}/lines/{sku}/aftersales", order.id);
    let html = text(w.get(&url, Some(cookie)).await).await;
    assert!(
        html.contains("退货退款") && html.contains("七天无理由"),
        "{html}"
    );
    let key = field_after(&html, "aftersales-form", "key");
    let form = [
        ("key", key.as_str()),
        ("kind", "return_refund"),
        ("quantity", "1"),
        ("reason", "no_reason"),
        ("reason_text", "不想要了"),
    ];
    let res = w.post(&url, Some(cookie), &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert!(to.starts_with(&format!(
        "/orders/{}?notice=aftersales_opened#as-",
        order.id
    )));
    to.split("#as-").nth(1).unwrap().to_owned()
}

#[tokio::test]
async fn order_page_shows_the_parcel_insurance_and_a_return_to_refund() {
    let w = world().await;
    let cookie = w.login().await;
    let buyer = demo_user(&w, &cookie).await;
    let order = delivered_order(&w, &buyer).await;
    let page = format!("/orders/{}", order.id);
    let html = text(w.get(&page, Some(&cookie)).await).await;
    assert!(html.contains(r#"data-testid="parcel""#) && html.contains("演示快递"));
    assert!(html.contains("已签收") && html.contains("张*") && html.contains("138****8000"));
    assert!(html.contains(r#"data-testid="order-insurance" data-source="bought""#));
    assert!(html.contains("申请售后") && html.contains(r#"data-testid="confirm-receipt""#));

    // The rule refuses more than the line holds, on the form, in words.
    let sku = order.lines[0].sku_id;
    let url = format!("/orders/{}/lines/{sku}/aftersales", order.id);
    let form_html = text(w.get(&url, Some(&cookie)).await).await;
    let key = field_after(&form_html, "aftersales-form", "key");
    let bad = [
        ("key", key.as_str()),
        ("kind", "return_refund"),
        ("quantity", "9"),
        ("reason", "no_reason"),
        ("reason_text", "退九件"),
    ];
    let res = w.post(&url, Some(&cookie), &bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(res).await;
    assert!(
        html.contains("申请数量超过该商品可申请售后的剩余数量"),
        "{html}"
    );
    assert!(html.contains("退九件"), "the form keeps what was typed");

    let id = opened_return(&w, &cookie, &order).await;
    let opened = format!("{page}?notice=aftersales_opened");
    let html = text(w.get(&opened, Some(&cookie)).await).await;
    assert!(html.contains("售后申请已提交") && html.contains("待商家处理"));
    assert!(html.contains("data-left") && html.contains("商家需在48小时内处理"));

    // shop1 approves from its queue.
    let shop = w.login_as("shop1", "shop1234").await;
    let queue = text(w.get("/merchant/aftersales?state=todo", Some(&shop)).await).await;
    assert!(queue.contains(&format!(r#"data-request="{id}""#)) && queue.contains("同意"));
    let key = field_after(&queue, &format!(r#"data-request="{id}""#), "key");
    let res = w
        .post(
            &format!("/merchant/aftersales/{id}"),
            Some(&shop),
            &[
                ("key", key.as_str()),
                ("action", "approve"),
                ("back", "/merchant/aftersales?state=todo"),
            ],
        )
        .await;
    assert_eq!(
        location(&res),
        "/merchant/aftersales?state=todo&notice=done"
    );

    // The buyer books the return; the sandbox carrier picks it up.
    let html = text(w.get(&page, Some(&cookie)).await).await;
    let key = field_after(&html, &format!("/aftersales/{id}/ship-back"), "key");
    let res = w
        .post(
            &format!("/aftersales/{id}/ship-back"),
            Some(&cookie),
            &[("key", key.as_str())],
        )
        .await;
    assert!(location(&res).contains("notice=shipped_back"));
    let html = text(w.get(&page, Some(&cookie)).await).await;
    assert!(html.contains(r#"data-direction="return""#) && html.contains("退货包裹"));
    let at = html.find(r#"data-direction="return""#).unwrap();
    let tracking = html[..at].rsplit(r#"data-tracking=""#).next().unwrap();
    let tracking = &tracking[..tracking.find('"').unwrap()];
    let res = w
        .post(
            &format!("/parcels/{tracking}/advance"),
            Some(&cookie),
            &[("back", page.as_str())],
        )
        .await;
    assert_eq!(location(&res), page);
    for _ in 0..5 {
        w.services.run_due_jobs().await.unwrap();
    }
    let html = text(w.get(&page, Some(&cookie)).await).await;
    assert!(html.contains("揽收"), "{html}");
    assert!(
        html.contains("极速退款") && html.contains("已退款"),
        "{html}"
    );
    assert!(html.contains("运费险理赔 <b>¥12.00</b>") && html.contains("已赔付"));
    assert!(html.contains("已理赔"));

    // In English too.
    let en = format!("{cookie}; yc_lang=en");
    let html = text(w.get(&page, Some(&en)).await).await;
    assert!(html.contains("Instant refund") && html.contains("Shipping insurance payout"));
}

#[tokio::test]
async fn a_refusal_needs_a_reason_and_arbitration_is_for_operators() {
    let w = world().await;
    let cookie = w.login().await;
    let buyer = demo_user(&w, &cookie).await;
    let order = delivered_order(&w, &buyer).await;
    let id = opened_return(&w, &cookie, &order).await;
    let shop = w.login_as("shop1", "shop1234").await;
    let queue = text(w.get("/merchant/aftersales", Some(&shop)).await).await;
    let card = format!(r#"data-request="{id}""#);
    let key = key_of_form(&queue, &card, r#"value="refuse""#);
    let url = format!("/merchant/aftersales/{id}");
    let res = w
        .post(
            &url,
            Some(&shop),
            &[("key", key.as_str()), ("action", "refuse"), ("note", " ")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(res).await.contains("必填"));
    let res = w
        .post(
            &url,
            Some(&shop),
            &[
                ("key", key.as_str()),
                ("action", "refuse"),
                ("note", "商品已拆封"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // The buyer asks the platform to step in.
    let page = format!("/orders/{}", order.id);
    let html = text(w.get(&page, Some(&cookie)).await).await;
    assert!(html.contains("商家已拒绝") && html.contains("商品已拆封"));
    let key = key_of_form(&html, &card, r#"value="escalate""#);
    let res = w
        .post(
            &format!("/aftersales/{id}/buyer"),
            Some(&cookie),
            &[
                ("key", key.as_str()),
                ("action", "escalate"),
                ("note", "没拆封"),
            ],
        )
        .await;
    assert!(location(&res).contains("notice=aftersales_escalated"));

    // Only operators see the queue.
    for who in [&cookie, &shop] {
        let res = w.get("/admin/arbitration", Some(who)).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(text(res).await.contains("没有权限执行此操作"));
    }
    let ops = w.login_as("ops", "ops12345").await;
    let html = text(w.get("/admin/arbitration", Some(&ops)).await).await;
    assert!(html.contains(&format!(r#"data-request="{id}""#)));
    assert!(
        html.contains("商品已拆封") && html.contains("没拆封"),
        "timeline"
    );
    let key = field_after(&html, &format!(r#"data-request="{id}""#), "key");
    let res = w
        .post(
            &format!("/admin/arbitration/{id}"),
            Some(&ops),
            &[
                ("key", key.as_str()),
                ("decision", "approve"),
                ("note", "支持买家"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/admin/arbitration?notice=approved");
    let html = text(w.get(&page, Some(&cookie)).await).await;
    assert!(html.contains("待寄回商品") && html.contains("平台仲裁结果为最终决定"));
}

#[tokio::test]
async fn evidence_photos_upload_and_bad_files_are_refused_in_words() {
    let w = world_with(|_| {}).await;
    let cookie = w.login().await;
    let png =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89".to_vec();
    let upload = |bytes: Vec<u8>| {
        Request::post("/aftersales/evidence")
            .header(header::HOST, "shop.test")
            .header(header::ORIGIN, "http://shop.test")
            .header(header::COOKIE, cookie.as_str())
            .header("x-fragment", "1")
            .body(Body::from(bytes))
            .unwrap()
    };
    let res = w.send(upload(png)).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let json: serde_json::Value = serde_json::from_str(&text(res).await).unwrap();
    assert!(json["url"].as_str().unwrap().starts_with("/media/"));

    let res = w.send(upload(b"GIF89a not a photo".to_vec())).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let json: serde_json::Value = serde_json::from_str(&text(res).await).unwrap();
    assert_eq!(json["error"], "凭证图片：仅支持 JPEG、PNG、WebP 图片");

    let res = w.send(upload(vec![0xFF; 6 * 1024 * 1024])).await;
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let json: serde_json::Value = serde_json::from_str(&text(res).await).unwrap();
    assert!(json["error"].as_str().unwrap().contains("5MB"));
}
