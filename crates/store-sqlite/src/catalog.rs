//! CatalogStore: transaction boundaries around `products` and `videos`.

use async_trait::async_trait;
use yc_domain::catalog::{Product, Sku};
use yc_domain::page::PageRequest;
use yc_domain::review::Review;
use yc_domain::video::Video;
use yc_domain::{MerchantId, ProductId, SkuId, VideoId};
use yc_store::{CatalogStore, ProductPatch, ProductQuery, SkuPatch, StoreResult};

use crate::error::from_sqlx;
use crate::rows::count;
use crate::sql::{begin_read, begin_write, finish, key_list};
use crate::{SqliteStore, products, videos};

#[async_trait]
impl CatalogStore for SqliteStore {
    #[tracing::instrument(skip_all)]
    async fn insert_product(&self, product: &Product) -> StoreResult<()> {
        let mut tx = begin_write(&self.write).await?;
        let outcome = products::insert(&mut tx, product).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_product(&self, id: ProductId) -> StoreResult<Option<Product>> {
        let mut tx = begin_read(&self.read).await?;
        let outcome = products::get(&mut tx, id).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_products(&self, ids: &[ProductId]) -> StoreResult<Vec<Product>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = begin_read(&self.read).await?;
        let outcome = products::by_ids(&mut tx, key_list(ids)).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn products_by_skus(&self, skus: &[SkuId]) -> StoreResult<Vec<Product>> {
        if skus.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = begin_read(&self.read).await?;
        let outcome = products::by_skus(&mut tx, key_list(skus)).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_products(
        &self,
        query: &ProductQuery,
        page: PageRequest,
    ) -> StoreResult<Vec<Product>> {
        let mut tx = begin_read(&self.read).await?;
        let outcome = products::list(&mut tx, query, page).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn update_product(
        &self,
        merchant: MerchantId,
        id: ProductId,
        patch: &ProductPatch,
    ) -> StoreResult<Product> {
        let mut tx = begin_write(&self.write).await?;
        let outcome = products::update(&mut tx, merchant, id, patch).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn update_sku(
        &self,
        merchant: MerchantId,
        id: SkuId,
        patch: &SkuPatch,
    ) -> StoreResult<Sku> {
        let mut tx = begin_write(&self.write).await?;
        let outcome = products::update_sku(&mut tx, merchant, id, patch).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn count_products(&self) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM products")
            .fetch_one(&self.read)
            .await
            .map_err(from_sqlx)?;
        count(n)
    }

    #[tracing::instrument(skip_all)]
    async fn product_sales(&self, ids: &[ProductId]) -> StoreResult<Vec<(ProductId, i64)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<(uuid::fmt::Hyphenated, i64)> = sqlx::query_as(
            "SELECT l.product_id, SUM(l.quantity) FROM order_lines l \
             JOIN orders o ON o.id = l.order_id \
             WHERE l.product_id IN (SELECT value FROM json_each(?)) \
               AND o.status IN ('paid', 'shipped', 'delivered', 'completed') \
             GROUP BY l.product_id",
        )
        .bind(crate::sql::key_list(ids))
        .fetch_all(&self.read)
        .await
        .map_err(from_sqlx)?;
        Ok(rows
            .into_iter()
            .map(|(p, n)| (ProductId(p.into_uuid()), n))
            .collect())
    }

    #[tracing::instrument(skip_all)]
    async fn insert_video(&self, video: &Video) -> StoreResult<()> {
        let mut tx = begin_write(&self.write).await?;
        let outcome = videos::insert(&mut tx, video).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_video(&self, id: VideoId) -> StoreResult<Option<Video>> {
        let mut tx = begin_read(&self.read).await?;
        let outcome = videos::get(&mut tx, id).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_videos(
        &self,
        merchant: Option<MerchantId>,
        page: PageRequest,
    ) -> StoreResult<Vec<Video>> {
        let mut tx = begin_read(&self.read).await?;
        let outcome = videos::list(&mut tx, merchant, page).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn set_video_products(
        &self,
        merchant: MerchantId,
        id: VideoId,
        products: &[ProductId],
    ) -> StoreResult<Video> {
        let mut tx = begin_write(&self.write).await?;
        let outcome = videos::set_products(&mut tx, merchant, id, products).await;
        finish(tx, outcome).await
    }

    #[tracing::instrument(skip_all)]
    async fn insert_review(&self, review: &Review) -> StoreResult<()> {
        let mut conn = self.write.conn().await?;
        videos::insert_review(&mut conn, review).await
    }

    #[tracing::instrument(skip_all)]
    async fn review_histogram(&self, product: ProductId) -> StoreResult<[u64; 5]> {
        let mut conn = self.read.acquire().await.map_err(from_sqlx)?;
        videos::histogram(&mut conn, product).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_reviews(
        &self,
        product: ProductId,
        page: PageRequest,
    ) -> StoreResult<Vec<Review>> {
        let mut conn = self.read.acquire().await.map_err(from_sqlx)?;
        videos::list_reviews(&mut conn, product, page).await
    }
}
