#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The web router against a real SQLite store with the demo world.

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{demo_user, location, text, world};
use yc_domain::order::OrderStatus;

#[tokio::test]
async fn feed_renders_videos_with_the_yellow_cart() {
    let w = world().await;
    let res = w.get("/", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = text(res).await;
    assert!(html.contains(r#"<html lang="zh-CN">"#));
    assert!(html.matches(r#"class="slide""#).count() >= 10, "{html}");
    assert!(html.contains("/assets/demo/videos/v"));
    assert!(html.contains(r#"class="cart-pill""#));
    assert!(html.contains("playsinline") && html.contains("muted"));
    assert!(html.contains(r#"id="sheet""#));
    assert!(html.contains("/static/app.js?v="));
}

#[tokio::test]
async fn sheet_fragment_embeds_the_sku_json() {
    let w = world().await;
    let (product, _) = w.product_and_sku().await;
    let res = w.get(&format!("/sheet/{product}"), None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = text(res).await;
    assert!(!html.contains("<html"), "a fragment, not a page");
    let start = html.find("data-sku-json>").unwrap() + "data-sku-json>".len();
    let end = start + html[start..].find("</script>").unwrap();
    let data: serde_json::Value = serde_json::from_str(&html[start..end]).unwrap();
    assert_eq!(data["product"], product.as_str());
    let skus = data["skus"].as_array().unwrap();
    assert!(skus.len() > 1);
    assert!(
        skus.iter()
            .all(|s| s["id"].is_string() && s["price"].as_str().unwrap().starts_with('¥'))
    );
    assert!(data["from_price"].as_str().unwrap().contains('起'));
    assert!(html.contains("加入购物车") && html.contains("立即购买"));
    assert!(html.contains(r#"id="sheet-title""#));

    // A video with several products lists them first.
    let feed = w.services.feed(Default::default()).await.unwrap();
    let video = feed.items.iter().find(|i| i.products.len() > 1).unwrap();
    let res = w
        .get(&format!("/sheet/video/{}", video.video.id), None)
        .await;
    let html = text(res).await;
    assert_eq!(html.matches("plist-item").count(), video.products.len());
}

#[tokio::test]
async fn checkout_requires_login() {
    let w = world().await;
    let (_, sku) = w.product_and_sku().await;
    let res = w.get(&format!("/checkout?sku={sku}&qty=1"), None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert!(to.starts_with("/login?next=%2Fcheckout%3Fsku%3D"), "{to}");

    // Logging in comes back to it; an off-site `next` is ignored.
    let res = w
        .post(
            "/login",
            None,
            &[
                ("login", "demo"),
                ("password", "demo1234"),
                ("next", "//evil.example/x"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/");
}

#[tokio::test]
async fn cross_site_posts_are_rejected() {
    let w = world().await;
    let cookie = w.login().await;
    let (_, sku) = w.product_and_sku().await;
    let body = format!("sku={sku}&qty=1");
    let forged = Request::post("/cart/add")
        .header(header::HOST, "shop.test")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.clone()))
        .unwrap();
    let res = w.send(forged).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(text(res).await.contains("请求来源不安全"));

    let fetch_cross = Request::post("/cart/add")
        .header(header::HOST, "shop.test")
        .header("sec-fetch-site", "cross-site")
        .header(header::COOKIE, &cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    assert_eq!(w.send(fetch_cross).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        w.services
            .cart_count(&demo_user(&w, &cookie).await)
            .await
            .unwrap(),
        0
    );

    // The same post from the site itself goes through.
    let res = w
        .post("/cart/add", Some(&cookie), &[("sku", &sku), ("qty", "2")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/cart");
    assert_eq!(
        w.services
            .cart_count(&demo_user(&w, &cookie).await)
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn english_switch_sets_a_cookie_and_goes_back() {
    let w = world().await;
    let res = w.get("/lang/en?next=%2Fcart", None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/cart");
    let set = res
        .headers()
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(set.starts_with("yc_lang=en;"), "{set}");

    let html = text(w.get("/", Some("yc_lang=en")).await).await;
    assert!(html.contains(r#"<html lang="en">"#));
    assert!(html.contains("For you") && html.contains(">中文<"));
    let (product, _) = w.product_and_sku().await;
    let html = text(
        w.get(&format!("/products/{product}"), Some("yc_lang=en"))
            .await,
    )
    .await;
    assert!(html.contains("Add to cart") && html.contains("Buy now") && !html.contains("立即购买"));

    // An off-site `next` stays on the site.
    let res = w
        .get("/lang/zh?next=https%3A%2F%2Fevil.example", None)
        .await;
    assert_eq!(location(&res), "/");
}

#[tokio::test]
async fn errors_are_readable_pages() {
    let w = world().await;
    let res = w.get("/products/not-an-id", None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let html = text(res).await;
    assert!(html.contains("页面不存在") && html.contains("<html"));

    let res = w
        .post(
            "/login",
            None,
            &[("login", "demo"), ("password", "wrong-password")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(text(res).await.contains("用户名或密码错误"));

    let res = w
        .post(
            "/register",
            None,
            &[("login", "x"), ("password", "longenough")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(res).await.contains("用户名：需为 3–32 个字符"));

    // A malformed form is a friendly page too, not axum's plain text.
    let cookie = w.login().await;
    let res = w
        .post("/checkout", Some(&cookie), &[("nothing", "here")])
        .await;
    assert!(res.status().is_client_error());
    assert!(text(res).await.contains("请求有误"));
}

#[tokio::test]
async fn checkout_is_idempotent_and_payment_lands() {
    let w = world().await;
    let cookie = w.login().await;
    let (_, sku) = w.product_and_sku().await;
    let html = text(
        w.get(&format!("/checkout?sku={sku}&qty=1"), Some(&cookie))
            .await,
    )
    .await;
    assert!(html.contains(r#"data-testid="checkout-address""#) && html.contains("张三"));
    for label in ["抖音支付", "支付宝", "微信支付"] {
        assert!(html.contains(label));
    }
    let field = |name: &str| {
        let marker = format!(r#"name="{name}" value=""#);
        let start = html.find(&marker).unwrap() + marker.len();
        html[start..start + html[start..].find('"').unwrap()].to_owned()
    };
    let form = [
        ("key", field("key")),
        ("lines", field("lines")),
        ("address_id", field("address_id")),
        ("from_cart", String::new()),
        ("method", "alipay".to_owned()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();

    // A double submit: one order, the same cashier.
    let first = w.post("/checkout", Some(&cookie), &form).await;
    let second = w.post("/checkout", Some(&cookie), &form).await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let cashier = location(&first);
    assert_eq!(cashier, location(&second));
    assert!(cashier.starts_with("/sandbox/pay/alipay?token="));
    let user = demo_user(&w, &cookie).await;
    // The demo buyer also has the seeded delivered order; this is the new one.
    let orders = w
        .services
        .orders(&user, Some(OrderStatus::PendingPayment), Default::default())
        .await
        .unwrap();
    assert_eq!(orders.items.len(), 1);
    let order_id = orders.items[0].id;

    let html = text(w.get(&cashier, Some(&cookie)).await).await;
    assert!(html.contains("确认支付") && html.contains("支付宝"));
    let token = cashier.split("token=").nth(1).unwrap().to_owned();
    let token = form_urlencoded::parse(format!("t={token}").as_bytes())
        .next()
        .unwrap()
        .1
        .into_owned();
    let res = w
        .post("/sandbox/pay/alipay", None, &[("token", token.as_str())])
        .await;
    assert_eq!(location(&res), format!("/orders/{order_id}?paid=1"));

    // Before the callback the page waits; after it, it says paid.
    let html = text(w.get(&location(&res), Some(&cookie)).await).await;
    assert!(html.contains(r#"data-status="pending_payment""#) && html.contains(r#"data-poll="1""#));
    tokio::time::sleep(Duration::from_millis(400)).await;
    w.services.run_due_jobs().await.unwrap();
    let html = text(w.get(&format!("/orders/{order_id}"), Some(&cookie)).await).await;
    assert!(
        html.contains(r#"data-testid="order-status" data-status="paid""#),
        "{html}"
    );
    assert!(html.contains("已通过支付宝付款"));
    let status = text(
        w.get(&format!("/orders/{order_id}/status"), Some(&cookie))
            .await,
    )
    .await;
    assert_eq!(status, r#"{"status":"paid"}"#);
}

#[tokio::test]
async fn static_assets_are_cached() {
    let w = world().await;
    for path in ["/static/app.css", "/static/app.js"] {
        let res = w.get(path, None).await;
        assert_eq!(res.status(), StatusCode::OK);
        let cache = res
            .headers()
            .get(header::CACHE_CONTROL)
            .unwrap()
            .to_str()
            .unwrap();
        assert!(cache.contains("max-age="), "{cache}");
    }
}
