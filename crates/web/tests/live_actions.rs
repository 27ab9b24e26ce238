#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! What a viewer does in a live room, through the web router: one-tap
//! flash buying (JSON, never an error page) and live comments.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::live::{demo_room, json, new_sale, tap};
use common::{location, text, world};

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
    assert_eq!(
        tap(&w, &uri, Some(&a), "a-1", "qty=1").await.status(),
        StatusCode::CREATED
    );
    let res = tap(&w, &uri, Some(&b), "b-1", "qty=1").await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body = json(res).await;
    assert_eq!(body["ok"], false);
    assert_eq!(body["code"], "sold_out");
    assert_eq!(body["phase"], "sold_out");
    assert_eq!(body["error"], "已抢光");

    // A sold-out sale gives the card to the next one coming up.
    let html = text(w.get(&format!("/live/{room}"), Some(&b)).await).await;
    assert!(
        html.contains(r#"data-phase="scheduled" disabled>即将开抢<"#),
        "{html}"
    );
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
    assert_eq!(
        json(res).await["login"],
        format!("/login?next=%2Flive%2F{room}")
    );

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
