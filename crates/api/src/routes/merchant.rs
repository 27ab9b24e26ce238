//! Merchant tools: products, SKUs, videos. Every write checks the
//! product or video belongs to the caller's shop (else 404).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use yc_domain::catalog::{Product, ProductDraft, ProductStatus, Sku};
use yc_domain::video::{Video, VideoDraft};
use yc_domain::{Money, ProductId, SkuId, VideoId};
use yc_services::Services;
use yc_services::catalog::ProductEdit;

use super::PageOf;
use crate::error::ApiResult;
use crate::extract::{Auth, Body, PageParams, Q};

#[utoipa::path(get, path = "/api/v1/merchant/products", tag = "merchant", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = PageOf<Product>), (status = 403, body = crate::error::Problem)))]
pub async fn my_products(
    State(s): State<Services>,
    Auth(u): Auth,
    Q(p): Q<PageParams>,
) -> ApiResult<Json<PageOf<Product>>> {
    Ok(Json(s.my_products(&u, p.request()?).await?.into()))
}

#[utoipa::path(post, path = "/api/v1/merchant/products", tag = "merchant", security(("bearer" = [])), request_body = ProductDraft,
    responses((status = 201, body = Product), (status = 422, body = crate::error::Problem)))]
pub async fn create_product(
    State(s): State<Services>,
    Auth(u): Auth,
    Body(draft): Body<ProductDraft>,
) -> ApiResult<(StatusCode, Json<Product>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.create_product(&u, draft).await?),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ProductEditBody {
    pub title: Option<String>,
    pub description: Option<String>,
    pub category: Option<String>,
    pub media: Option<Vec<String>>,
    pub status: Option<ProductStatus>,
}

#[utoipa::path(patch, path = "/api/v1/merchant/products/{id}", tag = "merchant", security(("bearer" = [])),
    params(("id" = ProductId, Path)), request_body = ProductEditBody,
    responses((status = 200, body = Product), (status = 404, body = crate::error::Problem)))]
pub async fn update_product(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(id): Path<ProductId>,
    Body(b): Body<ProductEditBody>,
) -> ApiResult<Json<Product>> {
    let edit = ProductEdit {
        title: b.title,
        description: b.description,
        category: b.category,
        media: b.media,
        status: b.status,
    };
    Ok(Json(s.update_product(&u, id, edit).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SkuEditBody {
    pub price: Option<Money>,
    /// Units to add (positive) or remove (negative); stock never goes below 0.
    pub stock_delta: Option<i64>,
}

#[utoipa::path(patch, path = "/api/v1/merchant/skus/{id}", tag = "merchant", security(("bearer" = [])),
    params(("id" = SkuId, Path)), request_body = SkuEditBody,
    responses((status = 200, body = Sku), (status = 404, body = crate::error::Problem)))]
pub async fn update_sku(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(id): Path<SkuId>,
    Body(b): Body<SkuEditBody>,
) -> ApiResult<Json<Sku>> {
    Ok(Json(s.update_sku(&u, id, b.price, b.stock_delta).await?))
}

#[utoipa::path(post, path = "/api/v1/merchant/videos", tag = "merchant", security(("bearer" = [])), request_body = VideoDraft,
    responses((status = 201, body = Video), (status = 422, body = crate::error::Problem)))]
pub async fn create_video(
    State(s): State<Services>,
    Auth(u): Auth,
    Body(draft): Body<VideoDraft>,
) -> ApiResult<(StatusCode, Json<Video>)> {
    Ok((StatusCode::CREATED, Json(s.create_video(&u, draft).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct VideoProductsBody {
    pub product_ids: Vec<ProductId>,
}

#[utoipa::path(put, path = "/api/v1/merchant/videos/{id}/products", tag = "merchant", security(("bearer" = [])),
    params(("id" = VideoId, Path)), request_body = VideoProductsBody,
    responses((status = 200, body = Video), (status = 404, body = crate::error::Problem)))]
pub async fn set_video_products(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(id): Path<VideoId>,
    Body(b): Body<VideoProductsBody>,
) -> ApiResult<Json<Video>> {
    Ok(Json(s.set_video_products(&u, id, b.product_ids).await?))
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct MediaBody {
    /// Site path to use in `media`, `video_url` or `poster_url`.
    pub url: String,
}

/// Upload one image (JPEG/PNG/WebP, ≤ 5 MB) or video (MP4, ≤ 50 MB) as the
/// raw request body; the type is detected from the bytes.
#[utoipa::path(post, path = "/api/v1/merchant/media", tag = "merchant", security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = MediaBody), (status = 413, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn upload_media(
    State(s): State<Services>,
    Auth(u): Auth,
    body: axum::body::Bytes,
) -> ApiResult<(StatusCode, Json<MediaBody>)> {
    Ok((
        StatusCode::CREATED,
        Json(MediaBody {
            url: s.upload_media(&u, &body).await?,
        }),
    ))
}
