use async_trait::async_trait;
use yc_domain::catalog::{Product, ProductStatus, Sku};
use yc_domain::page::PageRequest;
use yc_domain::review::Review;
use yc_domain::video::Video;
use yc_domain::{MerchantId, Money, ProductId, SkuId, VideoId};

use crate::StoreResult;

#[derive(Debug, Clone, Default)]
pub struct ProductQuery {
    pub merchant_id: Option<MerchantId>,
    pub category: Option<String>,
    /// Buyers only ever see active products; a merchant's own list shows all.
    pub include_hidden: bool,
}

/// A merchant's edit of a product; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct ProductPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub category: Option<String>,
    pub media: Option<Vec<String>>,
    pub status: Option<ProductStatus>,
}

/// A merchant's edit of a SKU. Stock moves by a delta, never to an absolute
/// value, so an edit cannot erase units reserved by orders in flight.
#[derive(Debug, Clone, Default)]
pub struct SkuPatch {
    pub price: Option<Money>,
    pub stock_delta: Option<i64>,
}

#[async_trait]
pub trait CatalogStore: Send + Sync {
    /// Inserts the product and all its SKUs in one transaction.
    async fn insert_product(&self, product: &Product) -> StoreResult<()>;
    /// With its SKUs (in spec order of creation), whatever its status.
    async fn get_product(&self, id: ProductId) -> StoreResult<Option<Product>>;
    /// Products with their SKUs; unknown ids are skipped; order unspecified.
    async fn get_products(&self, ids: &[ProductId]) -> StoreResult<Vec<Product>>;
    /// The products owning these SKUs (each product once).
    async fn products_by_skus(&self, skus: &[SkuId]) -> StoreResult<Vec<Product>>;
    /// Newest first (id descending), ids < `page.after`; returns up to
    /// `page.size + 1` rows so the caller can tell whether more exist.
    async fn list_products(
        &self,
        query: &ProductQuery,
        page: PageRequest,
    ) -> StoreResult<Vec<Product>>;
    /// `NotFound` unless the product exists AND belongs to `merchant`.
    async fn update_product(
        &self,
        merchant: MerchantId,
        id: ProductId,
        patch: &ProductPatch,
    ) -> StoreResult<Product>;
    /// `NotFound` unless the SKU's product belongs to `merchant`;
    /// `StockOutOfRange` if the delta would take stock below 0 or above
    /// `catalog::MAX_STOCK` (checked atomically in SQL, not read-then-write).
    async fn update_sku(
        &self,
        merchant: MerchantId,
        id: SkuId,
        patch: &SkuPatch,
    ) -> StoreResult<Sku>;
    async fn count_products(&self) -> StoreResult<u64>;
    /// Units sold per product (paid orders onwards, cancelled ones not
    /// counted); products without sales are left out.
    async fn product_sales(&self, ids: &[ProductId]) -> StoreResult<Vec<(ProductId, i64)>>;

    /// Inserts the video and its product links (in order).
    async fn insert_video(&self, video: &Video) -> StoreResult<()>;
    async fn get_video(&self, id: VideoId) -> StoreResult<Option<Video>>;
    /// Newest first, keyset by id like `list_products`, overfetching by one.
    async fn list_videos(
        &self,
        merchant: Option<MerchantId>,
        page: PageRequest,
    ) -> StoreResult<Vec<Video>>;
    /// Replaces the video's product links. `NotFound` unless the video
    /// belongs to `merchant`.
    async fn set_video_products(
        &self,
        merchant: MerchantId,
        id: VideoId,
        products: &[ProductId],
    ) -> StoreResult<Video>;

    async fn insert_review(&self, review: &Review) -> StoreResult<()>;
    /// Count of reviews with 1..=5 stars, index 0 = one star.
    async fn review_histogram(&self, product: ProductId) -> StoreResult<[u64; 5]>;
    /// Newest first, keyset by id, overfetching by one.
    async fn list_reviews(&self, product: ProductId, page: PageRequest)
    -> StoreResult<Vec<Review>>;
}
