//! Paying an order, and the providers' asynchronous callbacks.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;
use yc_domain::payment::{Payment, PaymentMethod};
use yc_domain::{OrderId, PaymentId};
use yc_services::payments::{PayRequest, PaymentStart};
use yc_services::{ServiceError, Services};

use crate::error::ApiResult;
use crate::extract::{Auth, Body, IdempotencyKey};

#[derive(Debug, Deserialize, ToSchema)]
pub struct PayBody {
    pub method: PaymentMethod,
}

#[utoipa::path(post, path = "/api/v1/orders/{id}/pay", tag = "payments", security(("bearer" = [])), params(("id" = OrderId, Path),
    ("Idempotency-Key" = String, Header, description = "Required. Retries with the same key and body get the first answer.")),
    request_body = PayBody,
    responses((status = 201, body = PaymentStart, description = "Send the buyer to `redirect_url`."), (status = 409, body = crate::error::Problem),
        (status = 422, body = crate::error::Problem)))]
pub async fn pay(
    State(s): State<Services>,
    Auth(u): Auth,
    IdempotencyKey(key): IdempotencyKey,
    Path(id): Path<OrderId>,
    Body(b): Body<PayBody>,
) -> ApiResult<(StatusCode, Json<PaymentStart>)> {
    let start = s
        .pay(
            &u,
            PayRequest {
                order_id: id,
                method: b.method,
            },
            key.as_deref(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(start)))
}

#[utoipa::path(get, path = "/api/v1/payments/{id}", tag = "payments", security(("bearer" = [])), params(("id" = PaymentId, Path)),
    responses((status = 200, body = Payment), (status = 404, body = crate::error::Problem)))]
pub async fn payment(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(id): Path<PaymentId>,
) -> ApiResult<Json<Payment>> {
    Ok(Json(s.payment(&u, id).await?))
}

#[utoipa::path(get, path = "/api/v1/payment-methods", tag = "payments", security(("bearer" = [])),
    responses((status = 200, body = Vec<PaymentMethod>, description = "The caller's most-used method first.")))]
pub async fn methods(
    State(s): State<Services>,
    Auth(u): Auth,
) -> ApiResult<Json<Vec<PaymentMethod>>> {
    Ok(Json(s.payment_methods(&u).await?))
}

/// Provider notification (form-encoded, signed). Answers `success` so the
/// provider stops retrying, or 400 `fail` when refused (and logged).
#[utoipa::path(post, path = "/api/v1/payments/callback/{channel}", tag = "payments",
    params(("channel" = String, Path, description = "alipay | wechat_pay | douyin_pay")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, body = String, description = "success"), (status = 400, body = String, description = "fail")))]
pub async fn callback(
    State(s): State<Services>,
    Path(channel): Path<String>,
    body: String,
) -> Response {
    match s.payment_callback(&channel, &body).await {
        Ok(()) => (StatusCode::OK, "success").into_response(),
        Err(ServiceError::CallbackRejected(_)) => (StatusCode::BAD_REQUEST, "fail").into_response(),
        Err(e) => crate::error::ApiError::from(e).into_response(),
    }
}
