//! Products with their SKUs, videos with their product links, reviews.

use std::collections::HashMap;

use sqlx::FromRow;
use uuid::Uuid;
use uuid::fmt::Hyphenated;
use yc_domain::aftersales::{ProductKind, ReturnPolicy};
use yc_domain::catalog::{Product, ProductStatus, Sku};
use yc_domain::review::Review;
use yc_domain::video::Video;
use yc_domain::{ProductId, Timestamp};
use yc_store::StoreResult;

use super::{corrupt, from_json, id, money};

macro_rules! product_columns {
    () => {
        "id, merchant_id, title, description, category, media, spec_axes, status, created_at, \
         product_kind, no_reason_days"
    };
}
pub(crate) use product_columns;

macro_rules! sku_columns {
    () => {
        "id, product_id, spec, price_minor, currency, stock"
    };
}
pub(crate) use sku_columns;

#[derive(FromRow)]
pub(crate) struct ProductRow {
    pub(crate) id: Hyphenated,
    merchant_id: Hyphenated,
    title: String,
    description: String,
    category: String,
    media: String,
    spec_axes: String,
    status: String,
    created_at: i64,
    product_kind: String,
    no_reason_days: Option<i64>,
}

#[derive(FromRow)]
pub(crate) struct SkuRow {
    id: Hyphenated,
    product_id: Hyphenated,
    spec: String,
    price_minor: i64,
    currency: String,
    stock: i64,
}

impl SkuRow {
    pub(crate) fn into_sku(self) -> StoreResult<Sku> {
        Ok(Sku {
            id: id(self.id),
            product_id: id(self.product_id),
            spec: from_json(&self.spec, "skus.spec")?,
            price: money(self.price_minor, &self.currency)?,
            stock: self.stock,
        })
    }
}

impl ProductRow {
    fn into_product(self, skus: Vec<Sku>) -> StoreResult<Product> {
        Ok(Product {
            id: id(self.id),
            merchant_id: id(self.merchant_id),
            title: self.title,
            description: self.description,
            category: self.category,
            media: from_json(&self.media, "products.media")?,
            spec_axes: from_json(&self.spec_axes, "products.spec_axes")?,
            skus,
            status: ProductStatus::parse(&self.status).ok_or_else(|| corrupt("products.status"))?,
            created_at: Timestamp(self.created_at),
            return_policy: return_policy(&self.product_kind, self.no_reason_days)?,
        })
    }
}

pub(crate) fn return_policy(kind: &str, days: Option<i64>) -> StoreResult<ReturnPolicy> {
    let kind = ProductKind::parse(kind).ok_or_else(|| corrupt("product_kind"))?;
    let no_reason_days = days
        .map(|d| u8::try_from(d).map_err(|_| corrupt("no_reason_days")))
        .transpose()?;
    Ok(ReturnPolicy {
        no_reason_days,
        kind,
    })
}

/// Joins products (kept in their order) with their SKUs (which must arrive
/// ordered by position within each product).
pub(crate) fn assemble_products(
    products: Vec<ProductRow>,
    skus: Vec<SkuRow>,
) -> StoreResult<Vec<Product>> {
    let mut by_product: HashMap<Uuid, Vec<Sku>> = HashMap::new();
    for row in skus {
        let sku = row.into_sku()?;
        by_product.entry(sku.product_id.0).or_default().push(sku);
    }
    products
        .into_iter()
        .map(|p| {
            let skus = by_product.remove(&p.id.into_uuid()).unwrap_or_default();
            p.into_product(skus)
        })
        .collect()
}

#[derive(FromRow)]
pub(crate) struct VideoRow {
    pub(crate) id: Hyphenated,
    merchant_id: Hyphenated,
    title: String,
    video_url: String,
    poster_url: String,
    created_at: i64,
}

#[derive(FromRow)]
pub(crate) struct VideoLinkRow {
    video_id: Hyphenated,
    product_id: Hyphenated,
}

/// Joins videos (kept in their order) with their links (ordered by position).
pub(crate) fn assemble_videos(videos: Vec<VideoRow>, links: Vec<VideoLinkRow>) -> Vec<Video> {
    let mut by_video: HashMap<Uuid, Vec<ProductId>> = HashMap::new();
    for link in links {
        by_video
            .entry(link.video_id.into_uuid())
            .or_default()
            .push(id(link.product_id));
    }
    videos
        .into_iter()
        .map(|v| Video {
            id: id(v.id),
            merchant_id: id(v.merchant_id),
            title: v.title,
            video_url: v.video_url,
            poster_url: v.poster_url,
            product_ids: by_video.remove(&v.id.into_uuid()).unwrap_or_default(),
            created_at: Timestamp(v.created_at),
        })
        .collect()
}

#[derive(FromRow)]
pub(crate) struct ReviewRow {
    id: Hyphenated,
    product_id: Hyphenated,
    user_id: Hyphenated,
    author_name: String,
    rating: i64,
    body: String,
    created_at: i64,
}

impl ReviewRow {
    pub(crate) fn into_review(self) -> StoreResult<Review> {
        Ok(Review {
            id: id(self.id),
            product_id: id(self.product_id),
            user_id: id(self.user_id),
            author_name: self.author_name,
            rating: u8::try_from(self.rating).map_err(|_| corrupt("reviews.rating"))?,
            body: self.body,
            created_at: Timestamp(self.created_at),
        })
    }
}
