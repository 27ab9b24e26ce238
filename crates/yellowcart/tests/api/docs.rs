use crate::helpers::spawn;
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn openapi_and_docs_are_served_locally() {
    let app = spawn().await;
    let spec: Value = app
        .get("/api/openapi.json", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in [
        "/api/v1/orders",
        "/api/v1/orders/{id}/pay",
        "/api/v1/feed",
        "/api/v1/payments/callback/{channel}",
    ] {
        assert!(spec["paths"].get(path).is_some(), "{path} documented");
    }
    let page = app.get("/api/docs/", None).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui-bundle.js"));
    assert!(!html.contains("https://"), "no CDN");
    assert_eq!(
        app.get("/api/docs/swagger-ui-bundle.js", None)
            .await
            .status(),
        StatusCode::OK
    );
    app.server.stop().await;
}

#[tokio::test]
async fn metrics_are_exported_by_route_template() {
    let app = spawn().await;
    let token = app.register("metricsbuyer", false).await;
    assert_eq!(
        app.get("/api/v1/me", Some(&token)).await.status(),
        StatusCode::OK
    );
    let text = app.get("/metrics", None).await.text().await.unwrap();
    assert!(text.contains("yc_http_request_seconds"), "{text}");
    assert!(
        text.contains("route=\"/api/v1/me\""),
        "routes are labelled by template"
    );
    assert!(!text.contains(&token), "no secrets in metrics");
    app.server.stop().await;
}
