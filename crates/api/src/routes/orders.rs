//! Checkout and orders. Creating an order needs an `Idempotency-Key`:
//! the same key and body replay the first answer; another body is 422.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use yc_domain::order::{Order, OrderStatus};
use yc_domain::{AddressId, OrderId};
use yc_services::Services;
use yc_services::checkout::{CheckoutPreview, CreateOrder, LineInput};

use super::PageOf;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, Body, IdempotencyKey, PageParams, Q};

#[derive(Debug, Deserialize, ToSchema)]
pub struct PreviewBody {
    pub lines: Vec<LineInput>,
    /// Defaults to the buyer's default address.
    pub address_id: Option<AddressId>,
}

#[utoipa::path(post, path = "/api/v1/checkout/preview", tag = "orders", security(("bearer" = [])), request_body = PreviewBody,
    responses((status = 200, body = CheckoutPreview), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn preview(
    State(s): State<Services>,
    Auth(u): Auth,
    Body(b): Body<PreviewBody>,
) -> ApiResult<Json<CheckoutPreview>> {
    Ok(Json(s.checkout_preview(&u, &b.lines, b.address_id).await?))
}

#[utoipa::path(post, path = "/api/v1/orders", tag = "orders", security(("bearer" = [])), request_body = CreateOrder,
    params(("Idempotency-Key" = String, Header, description = "Required. Retries with the same key and body get the first answer.")),
    responses((status = 201, body = Order), (status = 409, description = "sold_out", body = crate::error::Problem),
        (status = 422, body = crate::error::Problem), (status = 400, body = crate::error::Problem)))]
pub async fn create(
    State(s): State<Services>,
    Auth(u): Auth,
    IdempotencyKey(key): IdempotencyKey,
    Body(b): Body<CreateOrder>,
) -> ApiResult<(StatusCode, Json<Order>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.create_order(&u, b, key.as_deref()).await?),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct OrderFilter {
    pub status: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<uuid::Uuid>,
}

#[utoipa::path(get, path = "/api/v1/orders", tag = "orders", security(("bearer" = [])), params(OrderFilter),
    responses((status = 200, body = PageOf<Order>)))]
pub async fn list(
    State(s): State<Services>,
    Auth(u): Auth,
    Q(f): Q<OrderFilter>,
) -> ApiResult<Json<PageOf<Order>>> {
    let status = match f.status.as_deref() {
        None | Some("") | Some("all") => None,
        Some(raw) => Some(OrderStatus::parse(raw).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "bad_status",
                format!("unknown status {raw}"),
            )
        })?),
    };
    let page = PageParams {
        limit: f.limit,
        cursor: f.cursor,
    }
    .request()?;
    Ok(Json(s.orders(&u, status, page).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/orders/{id}", tag = "orders", security(("bearer" = [])), params(("id" = OrderId, Path)),
    responses((status = 200, body = Order), (status = 404, body = crate::error::Problem)))]
pub async fn get(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(id): Path<OrderId>,
) -> ApiResult<Json<Order>> {
    Ok(Json(s.order(&u, id).await?))
}

#[utoipa::path(post, path = "/api/v1/orders/{id}/cancel", tag = "orders", security(("bearer" = [])), params(("id" = OrderId, Path)),
    responses((status = 200, body = Order), (status = 409, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn cancel(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(id): Path<OrderId>,
) -> ApiResult<Json<Order>> {
    Ok(Json(s.cancel_order(&u, id).await?))
}
