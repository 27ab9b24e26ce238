//! Cart, favorites and addresses of the caller.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use yc_domain::address::{Address, AddressDraft};
use yc_domain::catalog::Product;
use yc_domain::{AddressId, ProductId, SkuId};
use yc_services::Services;
use yc_services::shopping::CartGroup;

use super::PageOf;
use crate::error::ApiResult;
use crate::extract::{Auth, Body, PageParams, Q};

#[utoipa::path(get, path = "/api/v1/cart", tag = "cart", security(("bearer" = [])), responses((status = 200, body = Vec<CartGroup>)))]
pub async fn cart(State(s): State<Services>, Auth(u): Auth) -> ApiResult<Json<Vec<CartGroup>>> {
    Ok(Json(s.cart(&u).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CartAddBody {
    pub sku_id: SkuId,
    pub quantity: i64,
}

#[utoipa::path(post, path = "/api/v1/cart/items", tag = "cart", security(("bearer" = [])), request_body = CartAddBody,
    responses((status = 204), (status = 422, body = crate::error::Problem)))]
pub async fn cart_add(
    State(s): State<Services>,
    Auth(u): Auth,
    Body(b): Body<CartAddBody>,
) -> ApiResult<StatusCode> {
    s.cart_add(&u, b.sku_id, b.quantity).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct QuantityBody {
    pub quantity: i64,
}

#[utoipa::path(put, path = "/api/v1/cart/items/{sku_id}", tag = "cart", security(("bearer" = [])), params(("sku_id" = SkuId, Path)),
    request_body = QuantityBody, responses((status = 204)))]
pub async fn cart_set(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(sku): Path<SkuId>,
    Body(b): Body<QuantityBody>,
) -> ApiResult<StatusCode> {
    s.cart_set(&u, sku, b.quantity).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/cart/items/{sku_id}", tag = "cart", security(("bearer" = [])), params(("sku_id" = SkuId, Path)),
    responses((status = 204)))]
pub async fn cart_remove(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(sku): Path<SkuId>,
) -> ApiResult<StatusCode> {
    s.cart_remove(&u, sku).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/favorites", tag = "cart", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = PageOf<Product>)))]
pub async fn favorites(
    State(s): State<Services>,
    Auth(u): Auth,
    Q(p): Q<PageParams>,
) -> ApiResult<Json<PageOf<Product>>> {
    Ok(Json(s.favorites(&u, p.request()?).await?.into()))
}

#[utoipa::path(put, path = "/api/v1/favorites/{product_id}", tag = "cart", security(("bearer" = [])), params(("product_id" = ProductId, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn favorite_on(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(id): Path<ProductId>,
) -> ApiResult<StatusCode> {
    s.set_favorite(&u, id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/favorites/{product_id}", tag = "cart", security(("bearer" = [])), params(("product_id" = ProductId, Path)),
    responses((status = 204)))]
pub async fn favorite_off(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(id): Path<ProductId>,
) -> ApiResult<StatusCode> {
    s.set_favorite(&u, id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/addresses", tag = "cart", security(("bearer" = [])), responses((status = 200, body = Vec<Address>)))]
pub async fn addresses(State(s): State<Services>, Auth(u): Auth) -> ApiResult<Json<Vec<Address>>> {
    Ok(Json(s.addresses(&u).await?))
}

#[utoipa::path(post, path = "/api/v1/addresses", tag = "cart", security(("bearer" = [])), request_body = AddressDraft,
    responses((status = 201, body = Address), (status = 422, body = crate::error::Problem)))]
pub async fn address_create(
    State(s): State<Services>,
    Auth(u): Auth,
    Body(d): Body<AddressDraft>,
) -> ApiResult<(StatusCode, Json<Address>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.save_address(&u, None, d).await?),
    ))
}

#[utoipa::path(put, path = "/api/v1/addresses/{id}", tag = "cart", security(("bearer" = [])), params(("id" = AddressId, Path)),
    request_body = AddressDraft, responses((status = 200, body = Address), (status = 404, body = crate::error::Problem)))]
pub async fn address_update(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(id): Path<AddressId>,
    Body(d): Body<AddressDraft>,
) -> ApiResult<Json<Address>> {
    Ok(Json(s.save_address(&u, Some(id), d).await?))
}

#[utoipa::path(delete, path = "/api/v1/addresses/{id}", tag = "cart", security(("bearer" = [])), params(("id" = AddressId, Path)),
    responses((status = 204), (status = 404, body = crate::error::Problem)))]
pub async fn address_delete(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(id): Path<AddressId>,
) -> ApiResult<StatusCode> {
    s.delete_address(&u, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
