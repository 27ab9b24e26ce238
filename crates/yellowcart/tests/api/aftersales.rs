//! Fulfilment and after-sales over HTTP: shipping (masked), tracking, the
//! carrier callback's refusals, rule refusals as problem+json with the
//! rule's code, idempotent moves, evidence limits, operator-only routes.

use crate::helpers::{App, assert_problem, spawn};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn paid_order(app: &App, buyer: &str, sku: &str, addr: &str, key: &str) -> String {
    let order: Value = app
        .post_idem(
            "/api/v1/orders",
            buyer,
            key,
            json!({ "lines": [{ "sku_id": sku, "quantity": 2 }], "address_id": addr, "return_insurance": true }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(order["total"]["amount_minor"], 2 * 12900 + 150, "{order}");
    let id = order["id"].as_str().unwrap().to_owned();
    let start: Value = app
        .post_idem(
            &format!("/api/v1/orders/{id}/pay"),
            buyer,
            &format!("{key}-p"),
            json!({ "method": "alipay" }),
        )
        .await
        .json()
        .await
        .unwrap();
    let token = start["redirect_url"]
        .as_str()
        .unwrap()
        .split("token=")
        .nth(1)
        .unwrap();
    app.server
        .services
        .sandbox_confirm("alipay", token)
        .await
        .unwrap();
    wait_for(app, buyer, &format!("/api/v1/orders/{id}"), |o| {
        o["status"] == "paid"
    })
    .await;
    id
}

async fn wait_for(app: &App, token: &str, path: &str, done: impl Fn(&Value) -> bool) -> Value {
    let mut last = Value::Null;
    for _ in 0..200 {
        last = app.get(path, Some(token)).await.json().await.unwrap();
        if done(&last) {
            return last;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("never reached the expected state: {last}");
}

#[tokio::test]
async fn ship_track_and_return_over_http() {
    let app = spawn().await;
    let shop = app.register("asshop", true).await;
    let (_, sku) = app.product(&shop, 10).await;
    let buyer = app.register("asbuyer", false).await;
    let addr = app.address(&buyer).await;
    let id = paid_order(&app, &buyer, &sku, &addr, "as-o1").await;

    // The shop's to-ship list never shows the buyer unmasked.
    let to_ship = app
        .get("/api/v1/merchant/orders/to-ship", Some(&shop))
        .await
        .text()
        .await
        .unwrap();
    assert!(to_ship.contains(&id));
    assert!(
        !to_ship.contains("13700137000")
            && !to_ship.contains("世纪大道100号")
            && !to_ship.contains("王五")
    );

    let carriers: Value = app
        .get("/api/v1/carriers", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(carriers[0]["code"], "sandbox");
    let shipped: Value = app
        .post(
            "/api/v1/merchant/shipments",
            Some(&shop),
            json!({ "orders": [
            { "order_id": id, "carrier": "sandbox" },
            { "order_id": id, "carrier": "nope" },
            { "order_id": "0190a0b0-0000-7000-8000-000000000000", "carrier": "sandbox" }
        ] }),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(shipped[0]["shipment"]["waybill"]["phone"], "137****7000");
    assert_eq!(shipped[1]["problem"]["code"], "validation_failed");
    assert_eq!(shipped[2]["problem"]["code"], "not_found");
    let tracking_no = shipped[0]["shipment"]["tracking_no"]
        .as_str()
        .unwrap()
        .to_owned();

    // Forged and garbage callbacks are 400 problem+json.
    let forged = json!({ "tracking_no": tracking_no, "event": { "seq": 1, "status": { "kind": "picked_up" }, "at": 0, "city": "杭州" }, "sign": "00" });
    let res = app
        .http
        .post(app.url("/api/v1/carriers/sandbox/callback"))
        .body(forged.to_string())
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::BAD_REQUEST, "callback_rejected").await;
    let res = app
        .http
        .post(app.url("/api/v1/carriers/sandbox/callback"))
        .body("{")
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::BAD_REQUEST, "callback_rejected").await;

    // Drive the parcel to 签收 through the sandbox control.
    let path = format!("/api/v1/sandbox/parcels/{tracking_no}/advance");
    assert_problem(
        app.post(
            &path,
            Some(&app.register("stranger", false).await),
            json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    for _ in 0..16 {
        if app.post(&path, Some(&shop), json!({})).await.status() == StatusCode::NO_CONTENT {
            break;
        }
    }
    let tracking: Value = app
        .get(&format!("/api/v1/orders/{id}/tracking"), Some(&buyer))
        .await
        .json()
        .await
        .unwrap();
    let parcel = &tracking["parcels"][0];
    assert_eq!(
        parcel["shipment"]["events"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()["status"]["kind"],
        "delivered"
    );
    assert_eq!(
        parcel["eta"]["expected_at"],
        parcel["shipment"]["delivered_at"]
    );

    // A rule refusal names the rule.
    let bad = json!({ "order_id": id, "sku_id": sku, "kind": "return_refund", "quantity": 3, "reason": "no_reason" });
    let res = app
        .post_idem("/api/v1/aftersales", &buyer, "as-bad", bad)
        .await;
    let problem = assert_problem(
        res,
        StatusCode::UNPROCESSABLE_ENTITY,
        "quantity_exceeds_remaining",
    )
    .await;
    assert!(problem["detail"].as_str().unwrap().contains("剩余数量"));
    let missing_key = app.post("/api/v1/aftersales", Some(&buyer), json!({ "order_id": id, "sku_id": sku, "kind": "return_refund", "quantity": 1, "reason": "no_reason" })).await;
    assert_problem(
        missing_key,
        StatusCode::BAD_REQUEST,
        "idempotency_key_required",
    )
    .await;

    let body = json!({ "order_id": id, "sku_id": sku, "kind": "return_refund", "quantity": 1, "reason": "no_reason" });
    let opened = app
        .post_idem("/api/v1/aftersales", &buyer, "as-1", body.clone())
        .await;
    assert_eq!(opened.status(), StatusCode::CREATED);
    let opened: Value = opened.json().await.unwrap();
    let again: Value = app
        .post_idem("/api/v1/aftersales", &buyer, "as-1", body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(opened["id"], again["id"], "a retried open replays");
    assert_eq!(opened["state"], "awaiting_merchant");
    assert_eq!(opened["deadline_notice"]["code"], "merchant_response48h");
    let rid = opened["id"].as_str().unwrap().to_owned();

    // Only the shop moves it; a missing key is refused; the queue lists it.
    let act = format!("/api/v1/merchant/aftersales/{rid}/actions");
    assert_problem(
        app.post_idem(&act, &buyer, "x", json!({ "action": "approve" }))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let queue: Value = app
        .get(
            "/api/v1/merchant/aftersales?state=awaiting_merchant",
            Some(&shop),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(queue["items"][0]["id"], rid.as_str());
    assert_problem(
        app.get("/api/v1/merchant/aftersales?state=bogus", Some(&shop))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_state",
    )
    .await;
    let approved: Value = app
        .post_idem(&act, &shop, "ap-1", json!({ "action": "approve" }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(approved["state"], "awaiting_return");
    let replay: Value = app
        .post_idem(&act, &shop, "ap-1", json!({ "action": "approve" }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(replay["state"], "awaiting_return");

    // Ship back, pickup: instant refund and the 运费险 claim.
    let back: Value = app
        .post_idem(
            &format!("/api/v1/aftersales/{rid}/ship-back"),
            &buyer,
            "sb-1",
            json!({}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(back["state"], "return_shipped");
    let tracking: Value = app
        .get(&format!("/api/v1/orders/{id}/tracking"), Some(&buyer))
        .await
        .json()
        .await
        .unwrap();
    let ret = tracking["parcels"][1]["shipment"]["tracking_no"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(
        &format!("/api/v1/sandbox/parcels/{ret}/advance"),
        Some(&buyer),
        json!({}),
    )
    .await;
    let done = wait_for(&app, &buyer, &format!("/api/v1/aftersales/{rid}"), |r| {
        r["state"] == "refunded_awaiting_receipt" && r["refund"]["status"] == "succeeded"
    })
    .await;
    assert_eq!(done["refund"]["instant"], true);
    assert_eq!(done["refund"]["amount"]["amount_minor"], 12900);
    assert_eq!(done["claim"]["amount"]["amount_minor"], 1200);
    let order: Value = app
        .get(&format!("/api/v1/orders/{id}"), Some(&buyer))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(order["insurance"]["claimed"], true);
}

#[tokio::test]
async fn evidence_is_sniffed_and_bounded_and_arbitration_is_for_operators() {
    let app = spawn().await;
    let buyer = app.register("evbuyer", false).await;
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDRfake".to_vec();
    let res = app
        .http
        .post(app.url("/api/v1/aftersales/evidence"))
        .bearer_auth(&buyer)
        .body(png)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let ev: Value = res.json().await.unwrap();
    assert_eq!(ev["content_type"], "image/png");
    let mp4 = b"\0\0\0\x18ftypmp42".to_vec();
    let res = app
        .http
        .post(app.url("/api/v1/aftersales/evidence"))
        .bearer_auth(&buyer)
        .body(mp4)
        .send()
        .await
        .unwrap();
    assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let big = vec![0xFF_u8; 6 * 1024 * 1024];
    let res = app
        .http
        .post(app.url("/api/v1/aftersales/evidence"))
        .bearer_auth(&buyer)
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_problem(
        app.get("/api/v1/admin/arbitration", Some(&buyer)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}
