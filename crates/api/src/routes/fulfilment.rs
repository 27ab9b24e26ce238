//! Shipping, tracking, carrier callbacks and the sandbox carrier's control.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yc_domain::OrderId;
use yc_domain::fulfilment::{Shipment, TrackingEvent};
use yc_domain::order::Order;
use yc_services::Services;
use yc_services::fulfilment::{ShipInput, TrackingView};

use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Auth, Body};

#[derive(Debug, Serialize, ToSchema)]
pub struct CarrierInfo {
    pub code: String,
    pub name: String,
}

#[utoipa::path(get, path = "/api/v1/carriers", tag = "fulfilment",
    responses((status = 200, body = Vec<CarrierInfo>)))]
pub async fn carriers(State(s): State<Services>) -> Json<Vec<CarrierInfo>> {
    Json(
        s.carriers
            .list()
            .into_iter()
            .map(|(code, name)| CarrierInfo {
                code: code.into(),
                name: name.into(),
            })
            .collect(),
    )
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ShipBody {
    /// 1–50 orders.
    pub orders: Vec<ShipInput>,
}

/// One order's outcome in a batch: the parcel, or the problem.
#[derive(Debug, Serialize, ToSchema)]
pub struct ShipResult {
    pub order_id: OrderId,
    pub shipment: Option<Shipment>,
    pub problem: Option<Problem>,
}

/// Ships paid orders, each on its own; the answer lists every order's
/// outcome in input order. Waybills are masked (隐私面单).
#[utoipa::path(post, path = "/api/v1/merchant/shipments", tag = "fulfilment", security(("bearer" = [])),
    request_body = ShipBody, responses((status = 200, body = Vec<ShipResult>), (status = 422, body = Problem)))]
pub async fn ship(
    State(s): State<Services>,
    Auth(u): Auth,
    Body(b): Body<ShipBody>,
) -> ApiResult<Json<Vec<ShipResult>>> {
    let results = s.ship_orders(&u, b.orders).await?;
    Ok(Json(
        results
            .into_iter()
            .map(|(order_id, r)| match r {
                Ok(shipment) => ShipResult {
                    order_id,
                    shipment: Some(shipment),
                    problem: None,
                },
                Err(e) => ShipResult {
                    order_id,
                    shipment: None,
                    problem: Some(ApiError::from(e).problem()),
                },
            })
            .collect(),
    ))
}

/// The shop's paid orders waiting to ship, oldest first, with the buyer's
/// name, phone and address masked.
#[utoipa::path(get, path = "/api/v1/merchant/orders/to-ship", tag = "fulfilment", security(("bearer" = [])),
    responses((status = 200, body = Vec<Order>)))]
pub async fn to_ship(State(s): State<Services>, Auth(u): Auth) -> ApiResult<Json<Vec<Order>>> {
    Ok(Json(s.orders_to_ship(&u).await?))
}

#[utoipa::path(get, path = "/api/v1/orders/{id}/tracking", tag = "fulfilment", security(("bearer" = [])),
    params(("id" = OrderId, Path)), responses((status = 200, body = TrackingView), (status = 404, body = Problem)))]
pub async fn tracking(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(id): Path<OrderId>,
) -> ApiResult<Json<TrackingView>> {
    Ok(Json(s.order_tracking(&u, id).await?))
}

#[utoipa::path(get, path = "/api/v1/merchant/orders/{id}/tracking", tag = "fulfilment", security(("bearer" = [])),
    params(("id" = OrderId, Path)), responses((status = 200, body = TrackingView), (status = 404, body = Problem)))]
pub async fn merchant_tracking(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(id): Path<OrderId>,
) -> ApiResult<Json<TrackingView>> {
    Ok(Json(s.merchant_tracking(&u, id).await?))
}

#[utoipa::path(post, path = "/api/v1/orders/{id}/confirm-receipt", tag = "fulfilment", security(("bearer" = [])),
    params(("id" = OrderId, Path)), responses((status = 200, body = Order), (status = 409, body = Problem)))]
pub async fn confirm_receipt(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(id): Path<OrderId>,
) -> ApiResult<Json<Order>> {
    Ok(Json(s.confirm_receipt(&u, id).await?))
}

/// A carrier's signed tracking event (JSON: tracking_no, event, sign).
/// Forged, tampered or replayed events are refused with 400 and audited.
#[utoipa::path(post, path = "/api/v1/carriers/{code}/callback", tag = "fulfilment",
    params(("code" = String, Path)), request_body(content = String, content_type = "application/json"),
    responses((status = 200, description = "accepted"), (status = 400, body = Problem)))]
pub async fn callback(
    State(s): State<Services>,
    Path(code): Path<String>,
    body: String,
) -> Response {
    match s.carrier_callback(&code, &body).await {
        Ok(()) => (StatusCode::OK, Json(serde_json::json!({ "ok": true }))).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// Sandbox control: the parcel's next scheduled event happens now (for
/// demos and tests). 204 when the parcel has nothing left to report.
#[utoipa::path(post, path = "/api/v1/sandbox/parcels/{tracking_no}/advance", tag = "fulfilment", security(("bearer" = [])),
    params(("tracking_no" = String, Path)), responses((status = 200, body = TrackingEvent), (status = 204), (status = 404, body = Problem)))]
pub async fn sandbox_advance(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(tracking_no): Path<String>,
) -> ApiResult<Response> {
    Ok(match s.sandbox_advance(&u, &tracking_no).await? {
        Some(event) => Json(event).into_response(),
        None => StatusCode::NO_CONTENT.into_response(),
    })
}
