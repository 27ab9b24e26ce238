use crate::helpers::{assert_problem, spawn};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn register_login_and_errors_are_problems() {
    let app = spawn().await;
    let token = app.register("carol", false).await;
    let me: serde_json::Value = app
        .get("/api/v1/me", Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["login"], "carol");
    assert_eq!(me["role"], "buyer");

    let dup = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({ "login": "CAROL", "password": "password-123", "display_name": "c" }),
        )
        .await;
    let body = assert_problem(dup, StatusCode::CONFLICT, "duplicate").await;
    assert_eq!(body["errors"][0]["field"], "login");

    let short = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({ "login": "dave", "password": "short", "display_name": "d" }),
        )
        .await;
    let body = assert_problem(short, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(body["errors"][0]["field"], "password");

    let bad = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({ "login": "carol", "password": "wrong-password" }),
        )
        .await;
    assert_problem(bad, StatusCode::UNAUTHORIZED, "bad_credentials").await;
    assert_problem(
        app.get("/api/v1/me", None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    assert_problem(
        app.get("/api/v1/me", Some("not-a-token")).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;

    let malformed = app
        .http
        .post(app.url("/api/v1/auth/login"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_problem(malformed, StatusCode::BAD_REQUEST, "malformed_body").await;
    let huge = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({ "login": "x".repeat(300_000), "password": "p" }),
        )
        .await;
    assert_problem(huge, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    let logged_in = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({ "login": "Carol", "password": "password-123" }),
        )
        .await;
    assert_eq!(logged_in.status(), StatusCode::OK);
    app.server.stop().await;
}

#[tokio::test]
async fn merchants_edit_only_their_own_products() {
    let app = spawn().await;
    let a = app.register("shopa", true).await;
    let b = app.register("shopb", true).await;
    let buyer = app.register("erin", false).await;
    let (pid, sku) = app.product(&b, 5).await;
    let edit = app
        .http
        .patch(app.url(&format!("/api/v1/merchant/products/{pid}")))
        .bearer_auth(&a)
        .json(&json!({ "title": "mine now" }))
        .send()
        .await
        .unwrap();
    assert_problem(edit, StatusCode::NOT_FOUND, "not_found").await;
    let stock = app
        .http
        .patch(app.url(&format!("/api/v1/merchant/skus/{sku}")))
        .bearer_auth(&a)
        .json(&json!({ "stock_delta": 100 }))
        .send()
        .await
        .unwrap();
    assert_problem(stock, StatusCode::NOT_FOUND, "not_found").await;
    let own = app
        .http
        .patch(app.url(&format!("/api/v1/merchant/skus/{sku}")))
        .bearer_auth(&b)
        .json(&json!({ "stock_delta": -10 }))
        .send()
        .await
        .unwrap();
    assert_problem(own, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let create = app.post("/api/v1/merchant/products", Some(&buyer), json!({ "title": "t", "description": "", "category": "c", "media": [], "spec_axes": [], "skus": [] })).await;
    assert_problem(create, StatusCode::FORBIDDEN, "forbidden").await;
    let mine = app
        .http
        .patch(app.url(&format!("/api/v1/merchant/products/{pid}")))
        .bearer_auth(&b)
        .json(&json!({ "title": "新标题" }))
        .send()
        .await
        .unwrap();
    assert_eq!(mine.status(), StatusCode::OK);
    app.server.stop().await;
}

#[tokio::test]
async fn pages_are_bounded() {
    let app = spawn().await;
    assert_problem(
        app.get("/api/v1/products?limit=101", None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(
        app.get("/api/v1/products?limit=abc", None).await,
        StatusCode::BAD_REQUEST,
        "bad_query",
    )
    .await;
    let m = app.register("pager", true).await;
    for _ in 0..3 {
        app.product(&m, 1).await;
    }
    let first: serde_json::Value = app
        .get("/api/v1/products?limit=2", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second: serde_json::Value = app
        .get(&format!("/api/v1/products?limit=2&cursor={cursor}"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert!(second["next_cursor"].is_null());
    assert_problem(
        app.get("/api/v1/no-such-thing", None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    app.server.stop().await;
}
