//! Public reads: the video feed, videos, products, reviews.

use axum::Json;
use axum::extract::{Path, State};
use serde::Deserialize;
use utoipa::IntoParams;
use yc_domain::catalog::Product;
use yc_domain::review::Review;
use yc_domain::{MerchantId, ProductId, VideoId};
use yc_services::Services;
use yc_services::catalog::{FeedItem, ProductDetail};
use yc_store::ProductQuery;

use super::PageOf;
use crate::error::ApiResult;
use crate::extract::{MaybeAuth, PageParams, Q};

/// Every video, newest first (the personalized feed is `/api/v1/feed`).
#[utoipa::path(get, path = "/api/v1/videos", tag = "catalog", params(PageParams), responses((status = 200, body = PageOf<FeedItem>)))]
pub async fn videos(
    State(s): State<Services>,
    Q(p): Q<PageParams>,
) -> ApiResult<Json<PageOf<FeedItem>>> {
    Ok(Json(s.feed(p.request()?).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/videos/{id}", tag = "catalog", params(("id" = VideoId, Path)),
    responses((status = 200, body = FeedItem), (status = 404, body = crate::error::Problem)))]
pub async fn video(
    State(s): State<Services>,
    Path(id): Path<VideoId>,
) -> ApiResult<Json<FeedItem>> {
    Ok(Json(s.video(id).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ProductFilter {
    pub category: Option<String>,
    pub merchant_id: Option<MerchantId>,
    pub limit: Option<u32>,
    pub cursor: Option<uuid::Uuid>,
}

#[utoipa::path(get, path = "/api/v1/products", tag = "catalog", params(ProductFilter), responses((status = 200, body = PageOf<Product>)))]
pub async fn products(
    State(s): State<Services>,
    Q(f): Q<ProductFilter>,
) -> ApiResult<Json<PageOf<Product>>> {
    let page = PageParams {
        limit: f.limit,
        cursor: f.cursor,
    }
    .request()?;
    let query = ProductQuery {
        merchant_id: f.merchant_id,
        category: f.category,
        include_hidden: false,
    };
    Ok(Json(s.list_products(query, page).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/products/{id}", tag = "catalog", params(("id" = ProductId, Path)),
    responses((status = 200, body = ProductDetail), (status = 404, body = crate::error::Problem)))]
pub async fn product(
    State(s): State<Services>,
    MaybeAuth(user): MaybeAuth,
    Path(id): Path<ProductId>,
) -> ApiResult<Json<ProductDetail>> {
    Ok(Json(s.product_detail(user.as_ref(), id).await?))
}

#[utoipa::path(get, path = "/api/v1/products/{id}/reviews", tag = "catalog", params(("id" = ProductId, Path), PageParams),
    responses((status = 200, body = PageOf<Review>)))]
pub async fn reviews(
    State(s): State<Services>,
    Path(id): Path<ProductId>,
    Q(p): Q<PageParams>,
) -> ApiResult<Json<PageOf<Review>>> {
    Ok(Json(s.reviews(id, p.request()?).await?.into()))
}
