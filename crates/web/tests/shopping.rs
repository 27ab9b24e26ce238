#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Cart per shop, the address book, and the JSON answers app.js gets.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{demo_user, location, text, world};

#[tokio::test]
async fn cart_groups_by_shop_and_checks_out_one_shop() {
    let w = world().await;
    let cookie = w.login().await;
    let feed = w.services.feed(Default::default()).await.unwrap();
    // One SKU with stock from each of two shops.
    let mut picked = Vec::new();
    for item in &feed.items {
        let p = item.products.first().unwrap();
        if picked.iter().any(|(m, _)| *m == p.merchant_id) {
            continue;
        }
        let sku = p.skus.iter().find(|s| s.stock > 5).unwrap();
        picked.push((p.merchant_id, sku.id.to_string()));
        if picked.len() == 2 {
            break;
        }
    }
    for (_, sku) in &picked {
        let res = w
            .post("/cart/add", Some(&cookie), &[("sku", sku), ("qty", "1")])
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let html = text(w.get("/cart", Some(&cookie)).await).await;
    assert_eq!(html.matches("shop-group").count(), 2);
    let merchant = picked[0].0;
    let checkout = format!("/checkout?from_cart=1&#38;merchant={merchant}");
    assert!(html.contains(&checkout), "{html}");

    let html = text(
        w.get(
            &format!("/checkout?from_cart=1&merchant={merchant}"),
            Some(&cookie),
        )
        .await,
    )
    .await;
    assert!(html.contains(r#"name="from_cart" value="1""#));
    assert!(html.contains(&picked[0].1) && !html.contains(&picked[1].1));

    // Quantity update and removal go back to the cart.
    let res = w
        .post(
            "/cart/update",
            Some(&cookie),
            &[("sku", &picked[1].1), ("qty", "3")],
        )
        .await;
    assert_eq!(location(&res), "/cart");
    let res = w
        .post("/cart/remove", Some(&cookie), &[("sku", &picked[1].1)])
        .await;
    assert_eq!(location(&res), "/cart");
    let user = demo_user(&w, &cookie).await;
    assert_eq!(w.services.cart_count(&user).await.unwrap(), 1);
}

#[tokio::test]
async fn address_book_validates_and_returns_to_checkout() {
    let w = world().await;
    let cookie = w.login().await;
    let next = "/checkout?sku=x&qty=1";
    let action = format!("/addresses?next={}", urlencode(next));
    let bad = [
        ("recipient", "李四"),
        ("phone", "12345"),
        ("province", "北京市"),
        ("city", "北京市"),
        ("district", "朝阳区"),
        ("detail", "建国路 88 号"),
    ];
    let res = w.post(&action, Some(&cookie), &bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = text(res).await;
    assert!(
        html.contains("手机号：请输入 1 开头的 11 位手机号"),
        "{html}"
    );
    assert!(html.contains("field is-invalid") && html.contains("李四"));

    let mut good = bad;
    good[1] = ("phone", "139 0000 1111");
    let res = w.post(&action, Some(&cookie), &good).await;
    assert_eq!(location(&res), next);
    let html = text(w.get("/addresses", Some(&cookie)).await).await;
    assert!(html.contains("李四") && html.contains("139****1111"));
    assert!(!html.contains("13900001111"), "phones are masked in lists");
}

#[tokio::test]
async fn app_js_gets_json_and_a_login_url() {
    let w = world().await;
    let feed = w.services.feed(Default::default()).await.unwrap();
    let sku = feed.items[0].products[0].skus[0].id.to_string();
    let fetch = |cookie: Option<&str>| {
        let mut req = Request::post("/cart/add")
            .header(header::HOST, "shop.test")
            .header(header::ORIGIN, "http://shop.test")
            .header("sec-fetch-site", "same-origin")
            .header("x-fragment", "1")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::REFERER, "http://shop.test/");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        req.body(Body::from(format!("sku={sku}&qty=1"))).unwrap()
    };
    let res = w.send(fetch(None)).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = serde_json::from_str(&text(res).await).unwrap();
    assert_eq!(body["login"], "/login?next=%2F");

    let cookie = w.login().await;
    let res = w.send(fetch(Some(&cookie))).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = serde_json::from_str(&text(res).await).unwrap();
    assert_eq!(body["ok"], true);
    assert_eq!(body["message"], "已加入购物车");

    // Logging out ends the session and clears the cookie.
    let res = w.post("/logout", Some(&cookie), &[]).await;
    let set = res
        .headers()
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(set.starts_with("yc_session=;") && set.contains("Max-Age=0"));
    let res = w.get("/cart", Some(&cookie)).await;
    assert_eq!(location(&res), "/login?next=%2Fcart");
}

fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn buy_now_works_without_js_from_the_chosen_chips() {
    let w = world().await;
    let feed = w.services.feed(Default::default()).await.unwrap();
    let product = feed
        .items
        .iter()
        .flat_map(|i| i.products.iter())
        .find(|p| p.spec_axes.len() == 2)
        .unwrap();
    let sku = product.skus.iter().find(|s| s.stock > 0).unwrap();
    let id = product.id.to_string();
    let res = w
        .post(
            "/buy",
            None,
            &[
                ("product", &id),
                ("sku", ""),
                ("spec0", &sku.spec[0]),
                ("spec1", &sku.spec[1]),
                ("qty", "2"),
            ],
        )
        .await;
    assert_eq!(location(&res), format!("/checkout?sku={}&qty=2", sku.id));

    let res = w
        .post("/buy", None, &[("product", &id), ("spec0", &sku.spec[0])])
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(text(res).await.contains("请先选择商品规格"));
}
