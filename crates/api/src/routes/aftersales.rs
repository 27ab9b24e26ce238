//! After-sales (安心购). Every POST that can move money takes an
//! `Idempotency-Key`; a retry with the same key and body gets the first
//! answer. Rule refusals are 422 with the rule's stable code.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use yc_domain::aftersales::{Evidence, RequestState};
use yc_domain::{AfterSalesId, OrderId};
use yc_services::Services;
use yc_services::aftersales::{BuyerAction, MerchantAction, OpenInput, RequestView};

use super::PageOf;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Auth, Body, IdempotencyKey, PageParams, Q};

#[utoipa::path(post, path = "/api/v1/aftersales", tag = "aftersales", security(("bearer" = [])), request_body = OpenInput,
    params(("Idempotency-Key" = String, Header, description = "Required.")),
    responses((status = 201, body = RequestView), (status = 422, description = "a rule refused it: `code` names the rule", body = Problem), (status = 409, body = Problem)))]
pub async fn open(
    State(s): State<Services>,
    Auth(u): Auth,
    IdempotencyKey(key): IdempotencyKey,
    Body(b): Body<OpenInput>,
) -> ApiResult<(StatusCode, Json<RequestView>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.open_aftersales(&u, b, key.as_deref()).await?),
    ))
}

/// One evidence photo (JPEG/PNG/WebP, ≤ 5 MB) as the raw body; use its
/// `url` in `evidence` when opening a request.
#[utoipa::path(post, path = "/api/v1/aftersales/evidence", tag = "aftersales", security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = Evidence), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn evidence(
    State(s): State<Services>,
    Auth(u): Auth,
    body: axum::body::Bytes,
) -> ApiResult<(StatusCode, Json<Evidence>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.upload_evidence(&u, &body).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/aftersales/{id}", tag = "aftersales", security(("bearer" = [])),
    params(("id" = AfterSalesId, Path)), responses((status = 200, body = RequestView), (status = 404, body = Problem)))]
pub async fn get(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(id): Path<AfterSalesId>,
) -> ApiResult<Json<RequestView>> {
    Ok(Json(s.aftersales_request(&u, id).await?))
}

#[utoipa::path(get, path = "/api/v1/orders/{id}/aftersales", tag = "aftersales", security(("bearer" = [])),
    params(("id" = OrderId, Path)), responses((status = 200, body = Vec<RequestView>)))]
pub async fn of_order(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(id): Path<OrderId>,
) -> ApiResult<Json<Vec<RequestView>>> {
    Ok(Json(s.order_aftersales(&u, id).await?))
}

/// The buyer books the return pickup with the sandbox carrier.
#[utoipa::path(post, path = "/api/v1/aftersales/{id}/ship-back", tag = "aftersales", security(("bearer" = [])),
    params(("id" = AfterSalesId, Path), ("Idempotency-Key" = String, Header, description = "Required.")),
    responses((status = 200, body = RequestView), (status = 409, body = Problem)))]
pub async fn ship_back(
    State(s): State<Services>,
    Auth(u): Auth,
    IdempotencyKey(key): IdempotencyKey,
    Path(id): Path<AfterSalesId>,
) -> ApiResult<Json<RequestView>> {
    Ok(Json(s.ship_back(&u, id, key.as_deref()).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct BuyerActionBody {
    pub action: BuyerAction,
    #[serde(default)]
    pub note: String,
}

#[utoipa::path(post, path = "/api/v1/aftersales/{id}/actions", tag = "aftersales", security(("bearer" = [])),
    params(("id" = AfterSalesId, Path), ("Idempotency-Key" = String, Header, description = "Required.")),
    request_body = BuyerActionBody, responses((status = 200, body = RequestView), (status = 409, body = Problem)))]
pub async fn buyer_action(
    State(s): State<Services>,
    Auth(u): Auth,
    IdempotencyKey(key): IdempotencyKey,
    Path(id): Path<AfterSalesId>,
    Body(b): Body<BuyerActionBody>,
) -> ApiResult<Json<RequestView>> {
    Ok(Json(
        s.buyer_aftersales(&u, id, b.action, &b.note, key.as_deref())
            .await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct QueueFilter {
    /// Comma-separated states, e.g. `awaiting_merchant,return_shipped`.
    pub state: Option<String>,
    pub limit: Option<u32>,
    pub cursor: Option<uuid::Uuid>,
}

fn parse_states(raw: Option<&str>) -> ApiResult<Vec<RequestState>> {
    raw.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .take(13)
        .map(|s| {
            serde_json::from_value(serde_json::Value::String(s.to_owned())).map_err(|_| {
                ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "bad_state",
                    format!("unknown state {s}"),
                )
            })
        })
        .collect()
}

/// The shop's after-sales queue, newest first, with deadlines.
#[utoipa::path(get, path = "/api/v1/merchant/aftersales", tag = "aftersales", security(("bearer" = [])),
    params(QueueFilter), responses((status = 200, body = PageOf<RequestView>)))]
pub async fn queue(
    State(s): State<Services>,
    Auth(u): Auth,
    Q(f): Q<QueueFilter>,
) -> ApiResult<Json<PageOf<RequestView>>> {
    let states = parse_states(f.state.as_deref())?;
    let page = PageParams {
        limit: f.limit,
        cursor: f.cursor,
    }
    .request()?;
    Ok(Json(s.shop_aftersales(&u, &states, page).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MerchantActionBody {
    pub action: MerchantAction,
    /// Required when refusing.
    #[serde(default)]
    pub note: String,
}

#[utoipa::path(post, path = "/api/v1/merchant/aftersales/{id}/actions", tag = "aftersales", security(("bearer" = [])),
    params(("id" = AfterSalesId, Path), ("Idempotency-Key" = String, Header, description = "Required.")),
    request_body = MerchantActionBody, responses((status = 200, body = RequestView), (status = 409, body = Problem)))]
pub async fn merchant_action(
    State(s): State<Services>,
    Auth(u): Auth,
    IdempotencyKey(key): IdempotencyKey,
    Path(id): Path<AfterSalesId>,
    Body(b): Body<MerchantActionBody>,
) -> ApiResult<Json<RequestView>> {
    Ok(Json(
        s.merchant_aftersales(&u, id, b.action, &b.note, key.as_deref())
            .await?,
    ))
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct Restocked {
    /// False if the units were already put back.
    pub restocked: bool,
}

/// Returned goods the shop can sell again go back into stock, once.
#[utoipa::path(post, path = "/api/v1/merchant/aftersales/{id}/restock", tag = "aftersales", security(("bearer" = [])),
    params(("id" = AfterSalesId, Path)), responses((status = 200, body = Restocked), (status = 409, body = Problem)))]
pub async fn restock(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(id): Path<AfterSalesId>,
) -> ApiResult<Json<Restocked>> {
    Ok(Json(Restocked {
        restocked: s.restock_return(&u, id).await?,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InsuranceBody {
    /// 商家赠送运费险 on future orders.
    pub grants: bool,
}

#[utoipa::path(put, path = "/api/v1/merchant/settings/return-insurance", tag = "aftersales", security(("bearer" = [])),
    request_body = InsuranceBody, responses((status = 204)))]
pub async fn set_insurance(
    State(s): State<Services>,
    Auth(u): Auth,
    Body(b): Body<InsuranceBody>,
) -> ApiResult<StatusCode> {
    s.set_shop_insurance(&u, b.grants).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/admin/arbitration", tag = "aftersales", security(("bearer" = [])),
    responses((status = 200, body = Vec<RequestView>), (status = 403, body = Problem)))]
pub async fn arbitration_queue(
    State(s): State<Services>,
    Auth(u): Auth,
) -> ApiResult<Json<Vec<RequestView>>> {
    Ok(Json(s.arbitration_queue(&u).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ArbitrationBody {
    pub approve: bool,
    #[serde(default)]
    pub note: String,
}

/// Platform arbitration of an escalated request; the decision is final.
#[utoipa::path(post, path = "/api/v1/admin/arbitration/{id}", tag = "aftersales", security(("bearer" = [])),
    params(("id" = AfterSalesId, Path), ("Idempotency-Key" = String, Header, description = "Required.")),
    request_body = ArbitrationBody, responses((status = 200, body = RequestView), (status = 403, body = Problem), (status = 409, body = Problem)))]
pub async fn arbitrate(
    State(s): State<Services>,
    Auth(u): Auth,
    IdempotencyKey(key): IdempotencyKey,
    Path(id): Path<AfterSalesId>,
    Body(b): Body<ArbitrationBody>,
) -> ApiResult<Json<RequestView>> {
    Ok(Json(
        s.arbitrate(&u, id, b.approve, &b.note, key.as_deref())
            .await?,
    ))
}
