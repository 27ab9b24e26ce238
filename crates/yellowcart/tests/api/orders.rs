use crate::helpers::{assert_problem, spawn};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn create_order_is_idempotent_and_private() {
    let app = spawn().await;
    let shop = app.register("ordshop", true).await;
    let (_, sku) = app.product(&shop, 10).await;
    let alice = app.register("alice", false).await;
    let bob = app.register("bob", false).await;
    let addr = app.address(&alice).await;
    let body = json!({ "lines": [{ "sku_id": sku, "quantity": 2 }], "address_id": addr });

    assert_problem(
        app.post("/api/v1/orders", Some(&alice), body.clone()).await,
        StatusCode::BAD_REQUEST,
        "idempotency_key_required",
    )
    .await;
    let first = app
        .post_idem("/api/v1/orders", &alice, "k-1", body.clone())
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first_text = first.text().await.unwrap();
    let replay = app
        .post_idem("/api/v1/orders", &alice, "k-1", body.clone())
        .await;
    assert_eq!(replay.status(), StatusCode::CREATED);
    assert_eq!(
        replay.text().await.unwrap(),
        first_text,
        "the first response, byte for byte"
    );
    let other = json!({ "lines": [{ "sku_id": sku, "quantity": 1 }], "address_id": addr });
    assert_problem(
        app.post_idem("/api/v1/orders", &alice, "k-1", other).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    )
    .await;

    let order: Value = serde_json::from_str(&first_text).unwrap();
    let id = order["id"].as_str().unwrap();
    assert_eq!(order["status"], "pending_payment");
    assert_eq!(order["total"]["amount_minor"], 25800);
    assert_problem(
        app.get(&format!("/api/v1/orders/{id}"), Some(&bob)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let bob_pay = app
        .post_idem(
            &format!("/api/v1/orders/{id}/pay"),
            &bob,
            "p",
            json!({ "method": "alipay" }),
        )
        .await;
    assert_problem(bob_pay, StatusCode::NOT_FOUND, "not_found").await;
    let list: Value = app
        .get("/api/v1/orders", Some(&alice))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let bobs: Value = app
        .get("/api/v1/orders", Some(&bob))
        .await
        .json()
        .await
        .unwrap();
    assert!(bobs["items"].as_array().unwrap().is_empty());

    let sold_out = json!({ "lines": [{ "sku_id": sku, "quantity": 9 }], "address_id": addr });
    assert_problem(
        app.post_idem("/api/v1/orders", &alice, "k-2", sold_out)
            .await,
        StatusCode::CONFLICT,
        "sold_out",
    )
    .await;
    app.server.stop().await;
}

#[tokio::test]
async fn pay_through_the_sandbox_and_reject_forged_callbacks() {
    let app = spawn().await;
    let shop = app.register("payshop", true).await;
    let (_, sku) = app.product(&shop, 10).await;
    let buyer = app.register("payer", false).await;
    let addr = app.address(&buyer).await;
    let order: Value = app
        .post_idem(
            "/api/v1/orders",
            &buyer,
            "o1",
            json!({ "lines": [{ "sku_id": sku, "quantity": 1 }], "address_id": addr }),
        )
        .await
        .json()
        .await
        .unwrap();
    let id = order["id"].as_str().unwrap();

    let methods: Value = app
        .get("/api/v1/payment-methods", Some(&buyer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(methods.as_array().unwrap().len(), 3);
    let start = app
        .post_idem(
            &format!("/api/v1/orders/{id}/pay"),
            &buyer,
            "p1",
            json!({ "method": "alipay" }),
        )
        .await;
    assert_eq!(start.status(), StatusCode::CREATED);
    let start: Value = start.json().await.unwrap();
    let payment_id = start["payment"]["id"].as_str().unwrap();

    let forged = format!(
        "out_trade_no={payment_id}&trade_no=X&total_amount=129.00&trade_status=TRADE_SUCCESS&sign_type=HMAC-SHA256&sign=00ff"
    );
    let res = app
        .http
        .post(app.url("/api/v1/payments/callback/alipay"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(forged)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.text().await.unwrap(), "fail");

    // The buyer confirms on the sandbox cashier; the callback arrives asynchronously.
    let cashier = start["redirect_url"].as_str().unwrap();
    let token = cashier.split("token=").nth(1).unwrap();
    app.server
        .services
        .sandbox_confirm("alipay", token)
        .await
        .unwrap();
    let mut status = String::new();
    for _ in 0..100 {
        let o: Value = app
            .get(&format!("/api/v1/orders/{id}"), Some(&buyer))
            .await
            .json()
            .await
            .unwrap();
        status = o["status"].as_str().unwrap().to_owned();
        if status == "paid" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(status, "paid");
    let methods: Value = app
        .get("/api/v1/payment-methods", Some(&buyer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(methods[0], "alipay", "most used first");
    let cancel = app
        .post(
            &format!("/api/v1/orders/{id}/cancel"),
            Some(&buyer),
            json!({}),
        )
        .await;
    assert_problem(cancel, StatusCode::CONFLICT, "illegal_transition").await;
    app.server.stop().await;
}
