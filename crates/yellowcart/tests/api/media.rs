use crate::helpers::{assert_problem, spawn};
use reqwest::StatusCode;

#[tokio::test]
async fn merchants_upload_sniffed_media() {
    let app = spawn().await;
    let shop = app.register("mediashop", true).await;
    let buyer = app.register("mediabuyer", false).await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRfake".to_vec();
    let res = app
        .http
        .post(app.url("/api/v1/merchant/media"))
        .bearer_auth(&shop)
        .body(png.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let url = res.json::<serde_json::Value>().await.unwrap()["url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(url.starts_with("/media/") && url.ends_with(".png"));
    let served = app.get(&url, None).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.bytes().await.unwrap().as_ref(), png.as_slice());

    let svg = app
        .http
        .post(app.url("/api/v1/merchant/media"))
        .bearer_auth(&shop)
        .body("<svg onload=alert(1)>")
        .send()
        .await
        .unwrap();
    assert_problem(svg, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let not_merchant = app
        .http
        .post(app.url("/api/v1/merchant/media"))
        .bearer_auth(&buyer)
        .body(png)
        .send()
        .await
        .unwrap();
    assert_problem(not_merchant, StatusCode::FORBIDDEN, "forbidden").await;
    app.server.stop().await;
}
