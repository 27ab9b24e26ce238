//! The catalog capability: products and SKUs here (row I/O in `products`),
//! videos and reviews delegated to `media`.

use async_trait::async_trait;
use sqlx::{Postgres, QueryBuilder};
use uuid::Uuid;
use yc_domain::catalog::{MAX_STOCK, Product, Sku};
use yc_domain::page::PageRequest;
use yc_domain::review::Review;
use yc_domain::video::Video;
use yc_domain::{MerchantId, ProductId, SkuId, VideoId};
use yc_store::{CatalogStore, ProductPatch, ProductQuery, SkuPatch, StoreError, StoreResult};

use crate::codec::{before, count, overfetch, to_json};
use crate::error::db_err;
use crate::products::with_skus;
use crate::rows::{ProductRow, SkuRow, product_columns};
use crate::{PgStore, media, products};

#[async_trait]
impl CatalogStore for PgStore {
    #[tracing::instrument(skip_all)]
    async fn insert_product(&self, product: &Product) -> StoreResult<()> {
        products::insert(&self.pool, product).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_product(&self, id: ProductId) -> StoreResult<Option<Product>> {
        Ok(self.get_products(&[id]).await?.into_iter().next())
    }

    #[tracing::instrument(skip_all)]
    async fn get_products(&self, ids: &[ProductId]) -> StoreResult<Vec<Product>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Uuid> = ids.iter().map(ProductId::as_uuid).collect();
        let rows: Vec<ProductRow> = sqlx::query_as(concat!(
            "SELECT ",
            product_columns!(),
            " FROM products WHERE id = ANY($1) ORDER BY id DESC"
        ))
        .bind(ids)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        with_skus(&self.pool, rows).await
    }

    #[tracing::instrument(skip_all)]
    async fn products_by_skus(&self, skus: &[SkuId]) -> StoreResult<Vec<Product>> {
        if skus.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<Uuid> = skus.iter().map(SkuId::as_uuid).collect();
        let rows: Vec<ProductRow> = sqlx::query_as(concat!(
            "SELECT ",
            product_columns!(),
            " FROM products WHERE id IN (SELECT product_id FROM skus WHERE id = ANY($1)) \
             ORDER BY id DESC"
        ))
        .bind(ids)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        with_skus(&self.pool, rows).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_products(
        &self,
        query: &ProductQuery,
        page: PageRequest,
    ) -> StoreResult<Vec<Product>> {
        // Filters are spliced as fixed SQL text (values are bound), so each
        // combination gets its own plan and the partial indexes apply.
        let mut qb: QueryBuilder<Postgres> = QueryBuilder::new(concat!(
            "SELECT ",
            product_columns!(),
            " FROM products WHERE id < "
        ));
        qb.push_bind(before(page));
        if let Some(merchant) = query.merchant_id {
            qb.push(" AND merchant_id = ").push_bind(merchant.as_uuid());
        }
        if let Some(category) = &query.category {
            qb.push(" AND category = ").push_bind(category.clone());
        }
        if !query.include_hidden {
            qb.push(" AND status = 'active'");
        }
        qb.push(" ORDER BY id DESC LIMIT ")
            .push_bind(overfetch(page));
        let rows: Vec<ProductRow> = qb
            .build_query_as()
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        with_skus(&self.pool, rows).await
    }

    #[tracing::instrument(skip_all)]
    async fn update_product(
        &self,
        merchant: MerchantId,
        id: ProductId,
        patch: &ProductPatch,
    ) -> StoreResult<Product> {
        let media = patch.media.as_ref().map(to_json).transpose()?;
        let row: Option<ProductRow> = sqlx::query_as(concat!(
            "UPDATE products SET title = COALESCE($3, title), \
             description = COALESCE($4, description), category = COALESCE($5, category), \
             media = COALESCE($6::jsonb, media), status = COALESCE($7, status) \
             WHERE id = $1 AND merchant_id = $2 RETURNING ",
            product_columns!()
        ))
        .bind(id.as_uuid())
        .bind(merchant.as_uuid())
        .bind(patch.title.as_deref())
        .bind(patch.description.as_deref())
        .bind(patch.category.as_deref())
        .bind(media)
        .bind(patch.status.map(|s| s.as_str()))
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        let row = row.ok_or(StoreError::NotFound)?;
        with_skus(&self.pool, vec![row])
            .await?
            .into_iter()
            .next()
            .ok_or(StoreError::NotFound)
    }

    #[tracing::instrument(skip_all)]
    async fn update_sku(
        &self,
        merchant: MerchantId,
        id: SkuId,
        patch: &SkuPatch,
    ) -> StoreResult<Sku> {
        let delta = patch.stock_delta.unwrap_or(0);
        // One conditional UPDATE: the range check sees the row as locked by
        // this statement, so concurrent orders cannot slip between check and
        // write. `numeric` keeps an absurd delta from overflowing bigint.
        let row: Option<SkuRow> = sqlx::query_as(
            "UPDATE skus s SET price_minor = COALESCE($3, s.price_minor), \
             currency = COALESCE($4, s.currency), stock = s.stock + $5 \
             FROM products p \
             WHERE s.id = $1 AND p.id = s.product_id AND p.merchant_id = $2 \
             AND ($5 = 0 OR s.stock::numeric + $5 BETWEEN 0 AND $6) \
             RETURNING s.id, s.product_id, s.spec::text AS spec, s.price_minor, s.currency, s.stock",
        )
        .bind(id.as_uuid())
        .bind(merchant.as_uuid())
        .bind(patch.price.map(|p| p.amount_minor))
        .bind(patch.price.map(|p| p.currency.code()))
        .bind(delta)
        .bind(MAX_STOCK)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        if let Some(row) = row {
            return row.into_sku();
        }
        let owned: Option<i32> = sqlx::query_scalar(
            "SELECT 1 FROM skus s JOIN products p ON p.id = s.product_id \
             WHERE s.id = $1 AND p.merchant_id = $2",
        )
        .bind(id.as_uuid())
        .bind(merchant.as_uuid())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        Err(match owned {
            Some(_) => StoreError::StockOutOfRange,
            None => StoreError::NotFound,
        })
    }

    #[tracing::instrument(skip_all)]
    async fn count_products(&self) -> StoreResult<u64> {
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM products")
            .fetch_one(&self.pool)
            .await
            .map_err(db_err)?;
        count(n)
    }

    #[tracing::instrument(skip_all)]
    async fn product_sales(&self, ids: &[ProductId]) -> StoreResult<Vec<(ProductId, i64)>> {
        let keys: Vec<uuid::Uuid> = ids.iter().map(|p| p.as_uuid()).collect();
        let rows: Vec<(uuid::Uuid, i64)> = sqlx::query_as(
            "SELECT l.product_id, SUM(l.quantity)::int8 FROM order_lines l \
             JOIN orders o ON o.id = l.order_id \
             WHERE l.product_id = ANY($1) \
               AND o.status IN ('paid', 'shipped', 'delivered', 'completed') \
             GROUP BY l.product_id",
        )
        .bind(&keys)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(rows.into_iter().map(|(p, n)| (ProductId(p), n)).collect())
    }

    #[tracing::instrument(skip_all)]
    async fn insert_video(&self, video: &Video) -> StoreResult<()> {
        media::insert_video(&self.pool, video).await
    }

    #[tracing::instrument(skip_all)]
    async fn get_video(&self, id: VideoId) -> StoreResult<Option<Video>> {
        media::get_video(&self.pool, id).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_videos(
        &self,
        merchant: Option<MerchantId>,
        page: PageRequest,
    ) -> StoreResult<Vec<Video>> {
        media::list_videos(&self.pool, merchant, page).await
    }

    #[tracing::instrument(skip_all)]
    async fn set_video_products(
        &self,
        merchant: MerchantId,
        id: VideoId,
        products: &[ProductId],
    ) -> StoreResult<Video> {
        media::set_video_products(&self.pool, merchant, id, products).await
    }

    #[tracing::instrument(skip_all)]
    async fn insert_review(&self, review: &Review) -> StoreResult<()> {
        media::insert_review(&self.pool, review).await
    }

    #[tracing::instrument(skip_all)]
    async fn review_histogram(&self, product: ProductId) -> StoreResult<[u64; 5]> {
        media::review_histogram(&self.pool, product).await
    }

    #[tracing::instrument(skip_all)]
    async fn list_reviews(
        &self,
        product: ProductId,
        page: PageRequest,
    ) -> StoreResult<Vec<Review>> {
        media::list_reviews(&self.pool, product, page).await
    }
}
