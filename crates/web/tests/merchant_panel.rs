#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The merchant panel's shipping side and 运费险 at checkout: batch
//! shipping with per-order outcomes, masked recipients, the buyer's parcel
//! with its ETA, and the shop's insurance gift.

mod common;

use axum::http::StatusCode;
use common::{World, demo_user, location, text, world};
use yc_domain::OrderId;
use yc_domain::account::User;
use yc_domain::order::{Order, OrderStatus};
use yc_domain::page::PageRequest;
use yc_domain::payment::PaymentMethod;
use yc_services::checkout::{CreateOrder, LineInput};
use yc_services::payments::PayRequest;

/// A paid order of `shop`'s first SKU with stock, for the demo buyer.
async fn paid_order(w: &World, buyer: &User, shop: &User, key: &str) -> Order {
    let products = w
        .services
        .my_products(shop, PageRequest::default())
        .await
        .unwrap();
    let sku = products
        .items
        .iter()
        .flat_map(|p| p.skus.iter())
        .find(|s| s.stock > 2)
        .unwrap();
    let address = w.services.addresses(buyer).await.unwrap()[0].id;
    let req = CreateOrder {
        lines: vec![LineInput {
            sku_id: sku.id,
            quantity: 1,
        }],
        address_id: address,
        from_cart: false,
        return_insurance: false,
    };
    let order = w
        .services
        .create_order(buyer, req, Some(key))
        .await
        .unwrap();
    let pay = PayRequest {
        order_id: order.id,
        method: PaymentMethod::Alipay,
    };
    let start = w
        .services
        .pay(buyer, pay, Some(&format!("{key}-pay")))
        .await
        .unwrap();
    let token = start.redirect_url.split("token=").nth(1).unwrap();
    let (sandbox, trade) = w.services.sandbox_trade("alipay", token).unwrap();
    let body = sandbox.confirm(&trade, w.services.now());
    w.services.payment_callback("alipay", &body).await.unwrap();
    w.services.order(buyer, order.id).await.unwrap()
}

#[tokio::test]
async fn merchants_ship_in_batches_and_never_see_the_full_address() {
    let w = world().await;
    let cookie = w.login().await;
    let buyer = demo_user(&w, &cookie).await;
    let shop_cookie = w.login_as("shop1", "shop1234").await;
    let shop = demo_user(&w, &shop_cookie).await;
    let a = paid_order(&w, &buyer, &shop, "order-a").await;
    let b = paid_order(&w, &buyer, &shop, "order-b").await;

    let res = w.get("/merchant/ship", Some(&cookie)).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "buyers have no panel");

    let html = text(w.get("/merchant/ship", Some(&shop_cookie)).await).await;
    for id in [a.id, b.id] {
        assert!(html.contains(&format!(r#"data-order="{id}""#)));
    }
    assert!(html.contains("张*") && html.contains("138****8000"));
    assert!(!html.contains("13800138000") && !html.contains("腾飞大厦") && !html.contains("张三"));

    // One bad waybill number, one good: each order gets its own outcome.
    let (ta, tb) = (format!("t_{}", a.id), format!("t_{}", b.id));
    let (ida, idb) = (a.id.to_string(), b.id.to_string());
    let form = [
        ("order", ida.as_str()),
        ("order", idb.as_str()),
        (ta.as_str(), "bad no"),
        (tb.as_str(), ""),
    ];
    let res = w.post("/merchant/ship", Some(&shop_cookie), &form).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = text(res).await;
    assert!(html.contains(r#"data-testid="ship-outcomes""#));
    assert!(
        html.contains("运单号：需为 8–24 位大写字母或数字"),
        "{html}"
    );
    assert!(html.contains("已发货 · 演示快递 YC"));
    let status = async |id: OrderId| w.services.order(&buyer, id).await.unwrap().status;
    assert_eq!(status(a.id).await, OrderStatus::Paid);
    assert_eq!(status(b.id).await, OrderStatus::Shipped);

    // The buyer sees the parcel on its way, with an ETA window and the
    // sandbox's 推进物流; pushing it shows the pickup.
    let page = format!("/orders/{}", b.id);
    let html = text(w.get(&page, Some(&cookie)).await).await;
    assert!(
        html.contains(r#"data-testid="parcel-eta""#) && html.contains("预计送达"),
        "{html}"
    );
    assert!(html.contains("送达区间") && html.contains("已下单，等待快递揽收"));
    let tracking = html.split(r#"data-tracking=""#).nth(1).unwrap();
    let tracking = &tracking[..tracking.find('"').unwrap()];
    let res = w
        .post(
            &format!("/parcels/{tracking}/advance"),
            Some(&cookie),
            &[("back", page.as_str())],
        )
        .await;
    assert_eq!(location(&res), page);
    let html = text(w.get(&page, Some(&cookie)).await).await;
    assert!(html.contains(r#"<p class="tl-label">揽收"#), "{html}");
    let res = w
        .post(
            &format!("/parcels/{tracking}/advance"),
            None,
            &[("back", page.as_str())],
        )
        .await;
    assert!(
        location(&res).starts_with("/login"),
        "signed-out visitors log in first"
    );

    // The single 发货 button of a row ships just that row.
    let only = [("only", ida.as_str()), (ta.as_str(), "SF0000000001")];
    let html = text(w.post("/merchant/ship", Some(&shop_cookie), &only).await).await;
    assert!(html.contains("SF0000000001") && html.contains("没有待发货的订单"));

    // Nothing ticked: said so, nothing shipped.
    let html = text(w.post("/merchant/ship", Some(&shop_cookie), &[]).await).await;
    assert!(html.contains("请先勾选要发货的订单"));
}

#[tokio::test]
async fn checkout_offers_insurance_unless_the_shop_gives_it() {
    let w = world().await;
    let cookie = w.login().await;
    let shop1 = w.login_as("shop1", "shop1234").await;
    let shop1_user = demo_user(&w, &shop1).await;
    let products = w
        .services
        .my_products(&shop1_user, PageRequest::default())
        .await
        .unwrap();
    let sku = products.items[0].skus.iter().find(|s| s.stock > 0).unwrap();
    let url = format!("/checkout?sku={}&qty=1", sku.id);
    let html = text(w.get(&url, Some(&cookie)).await).await;
    assert!(html.contains(r#"name="insurance" value="1""#) && html.contains("¥1.50"));
    assert!(html.contains("data-total-insured="));

    // shop1 turns the gift on: the checkbox becomes a notice.
    let res = w
        .post("/merchant/insurance", Some(&shop1), &[("on", "1")])
        .await;
    assert_eq!(location(&res), "/merchant/ship?notice=insurance_on");
    let html = text(w.get(&url, Some(&cookie)).await).await;
    assert!(html.contains(r#"data-testid="insurance-granted""#) && html.contains("商家赠送运费险"));
    assert!(!html.contains(r#"name="insurance""#));
}
