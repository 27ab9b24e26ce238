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
