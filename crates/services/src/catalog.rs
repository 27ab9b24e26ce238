//! Catalog use cases: merchants manage products and videos; everyone reads.

use serde::Serialize;
use tracing::instrument;
use yc_domain::account::{Merchant, User};
use yc_domain::catalog::{Product, ProductDraft, ProductStatus, Sku, parse_media, validate_price};
use yc_domain::error::bounded_text;
use yc_domain::page::{Page, PageRequest};
use yc_domain::review::{Review, ReviewSummary};
use yc_domain::video::{Video, VideoDraft, parse_product_ids};
use yc_domain::{MerchantId, Money, ProductId, SkuId, VideoId};
use yc_store::{ProductPatch, ProductQuery, SkuPatch};

use crate::auth::require_merchant;
use crate::{ServiceError, ServiceResult, Services};

/// What the product sheet and the product page show.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct ProductDetail {
    pub product: Product,
    pub merchant: Merchant,
    pub reviews: ReviewSummary,
    pub top_reviews: Vec<Review>,
    pub favorite: bool,
}

/// One video of the feed with the products behind its yellow cart.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct FeedItem {
    pub video: Video,
    pub merchant: Option<Merchant>,
    pub products: Vec<Product>,
}

#[derive(Debug, Clone, Default)]
pub struct ProductEdit {
    pub title: Option<String>,
    pub description: Option<String>,
    pub category: Option<String>,
    pub media: Option<Vec<String>>,
    pub status: Option<ProductStatus>,
}

impl Services {
    #[instrument(skip_all)]
    pub async fn create_product(
        &self,
        actor: &User,
        draft: ProductDraft,
    ) -> ServiceResult<Product> {
        let merchant = require_merchant(actor)?;
        let product = draft.parse(merchant, self.now())?;
        self.store.insert_product(&product).await?;
        self.search.mark(product.id);
        Ok(product)
    }

    #[instrument(skip_all)]
    pub async fn update_product(
        &self,
        actor: &User,
        id: ProductId,
        edit: ProductEdit,
    ) -> ServiceResult<Product> {
        let merchant = require_merchant(actor)?;
        let patch = ProductPatch {
            title: edit
                .title
                .map(|t| bounded_text("title", &t, 1, 120))
                .transpose()?,
            description: edit
                .description
                .map(|t| bounded_text("description", &t, 0, 5000))
                .transpose()?,
            category: edit
                .category
                .map(|t| bounded_text("category", &t, 1, 40))
                .transpose()?,
            media: edit.media.map(parse_media).transpose()?,
            status: edit.status,
        };
        let product = self
            .store
            .update_product(merchant, id, &patch)
            .await
            .map_err(not_found("product"))?;
        self.search.mark(product.id);
        Ok(product)
    }

    #[instrument(skip_all)]
    pub async fn update_sku(
        &self,
        actor: &User,
        id: SkuId,
        price: Option<Money>,
        stock_delta: Option<i64>,
    ) -> ServiceResult<Sku> {
        let merchant = require_merchant(actor)?;
        let price = price.map(validate_price).transpose()?;
        let patch = SkuPatch { price, stock_delta };
        let sku = self
            .store
            .update_sku(merchant, id, &patch)
            .await
            .map_err(not_found("sku"))?;
        self.search.mark(sku.product_id);
        Ok(sku)
    }

    pub async fn product_detail(
        &self,
        viewer: Option<&User>,
        id: ProductId,
    ) -> ServiceResult<ProductDetail> {
        let product = self
            .store
            .get_product(id)
            .await?
            .ok_or(ServiceError::NotFound("product"))?;
        let own = viewer.and_then(|u| u.merchant_id) == Some(product.merchant_id);
        if product.status != ProductStatus::Active && !own {
            return Err(ServiceError::NotFound("product"));
        }
        let merchant = self
            .store
            .get_merchant(product.merchant_id)
            .await?
            .ok_or(ServiceError::NotFound("merchant"))?;
        let reviews = ReviewSummary::from_histogram(self.store.review_histogram(id).await?);
        let page = PageRequest {
            size: yc_domain::page::PageSize::parse(Some(3))?,
            after: None,
        };
        let mut top_reviews = self.store.list_reviews(id, page).await?;
        top_reviews.truncate(3);
        let favorite = match viewer {
            Some(u) => self.store.is_favorite(u.id, id).await?,
            None => false,
        };
        Ok(ProductDetail {
            product,
            merchant,
            reviews,
            top_reviews,
            favorite,
        })
    }

    pub async fn list_products(
        &self,
        query: ProductQuery,
        page: PageRequest,
    ) -> ServiceResult<Page<Product>> {
        let rows = self.store.list_products(&query, page).await?;
        Ok(Page::from_overfetch(rows, page.size, |p| p.id.as_uuid()))
    }

    /// A merchant's own products, hidden ones included.
    pub async fn my_products(
        &self,
        actor: &User,
        page: PageRequest,
    ) -> ServiceResult<Page<Product>> {
        let merchant = require_merchant(actor)?;
        let query = ProductQuery {
            merchant_id: Some(merchant),
            category: None,
            include_hidden: true,
        };
        self.list_products(query, page).await
    }

    #[instrument(skip_all)]
    pub async fn create_video(&self, actor: &User, draft: VideoDraft) -> ServiceResult<Video> {
        let merchant = require_merchant(actor)?;
        let video = draft.parse(merchant, self.now())?;
        self.check_products_owned(merchant, &video.product_ids)
            .await?;
        self.store.insert_video(&video).await?;
        Ok(video)
    }

    #[instrument(skip_all)]
    pub async fn set_video_products(
        &self,
        actor: &User,
        id: VideoId,
        products: Vec<ProductId>,
    ) -> ServiceResult<Video> {
        let merchant = require_merchant(actor)?;
        let products = parse_product_ids(products)?;
        self.check_products_owned(merchant, &products).await?;
        self.store
            .set_video_products(merchant, id, &products)
            .await
            .map_err(not_found("video"))
    }

    /// A merchant attaches only its own products to its videos.
    async fn check_products_owned(
        &self,
        merchant: MerchantId,
        ids: &[ProductId],
    ) -> ServiceResult<()> {
        let found = self.store.get_products(ids).await?;
        let all_owned = ids.iter().all(|id| {
            found
                .iter()
                .any(|p| p.id == *id && p.merchant_id == merchant)
        });
        if all_owned {
            Ok(())
        } else {
            Err(ServiceError::NotFound("product"))
        }
    }

    pub async fn video(&self, id: VideoId) -> ServiceResult<FeedItem> {
        let video = self
            .store
            .get_video(id)
            .await?
            .ok_or(ServiceError::NotFound("video"))?;
        let mut items = self.feed_items(vec![video]).await?;
        items.pop().ok_or(ServiceError::NotFound("video"))
    }

    /// The video feed, newest first, each with its active products.
    pub async fn feed(&self, page: PageRequest) -> ServiceResult<Page<FeedItem>> {
        let rows = self.store.list_videos(None, page).await?;
        let page_of_videos = Page::from_overfetch(rows, page.size, |v| v.id.as_uuid());
        let next = page_of_videos.next;
        let items = self.feed_items(page_of_videos.items).await?;
        Ok(Page { items, next })
    }

    pub(crate) async fn feed_items(&self, videos: Vec<Video>) -> ServiceResult<Vec<FeedItem>> {
        let ids: Vec<ProductId> = videos
            .iter()
            .flat_map(|v| v.product_ids.iter().copied())
            .collect();
        let products = self.store.get_products(&ids).await?;
        let merchant_ids: Vec<MerchantId> = videos.iter().map(|v| v.merchant_id).collect();
        let merchants = self.store.get_merchants(&merchant_ids).await?;
        Ok(videos
            .into_iter()
            .map(|video| {
                let products = video
                    .product_ids
                    .iter()
                    .filter_map(|id| {
                        products
                            .iter()
                            .find(|p| p.id == *id && p.status == ProductStatus::Active)
                    })
                    .cloned()
                    .collect();
                let merchant = merchants
                    .iter()
                    .find(|m| m.id == video.merchant_id)
                    .cloned();
                FeedItem {
                    video,
                    merchant,
                    products,
                }
            })
            .collect())
    }

    /// Shops by id (public data: name and ship-from province).
    pub async fn merchants(&self, ids: &[MerchantId]) -> ServiceResult<Vec<Merchant>> {
        if ids.len() > 1000 {
            return Err(yc_domain::ValidationError::new(
                "ids",
                "too_many",
                "at most 1000 shops at once",
            )
            .into());
        }
        Ok(self.store.get_merchants(ids).await?)
    }

    pub async fn reviews(
        &self,
        product: ProductId,
        page: PageRequest,
    ) -> ServiceResult<Page<Review>> {
        let rows = self.store.list_reviews(product, page).await?;
        Ok(Page::from_overfetch(rows, page.size, |r| r.id.as_uuid()))
    }
}

/// Maps the store's NotFound to a named one (ownership failures look like absence).
pub(crate) fn not_found(what: &'static str) -> impl Fn(yc_store::StoreError) -> ServiceError {
    move |e| match e {
        yc_store::StoreError::NotFound => ServiceError::NotFound(what),
        other => ServiceError::from(other),
    }
}
