//! Searching and suggestions: parse the request, ask the index, load the
//! products of the page (the store stays the truth for what is shown).

use serde::{Deserialize, Serialize};
use yc_domain::ProductId;
use yc_domain::ValidationError;
use yc_domain::catalog::{Product, ProductStatus};
use yc_search::{SearchError, SearchQuery, SortBy};

use crate::{ServiceError, ServiceResult, Services};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
    pub category: Option<String>,
    /// Price range in minor units (fen), on the cheapest SKU.
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    #[serde(default)]
    pub in_stock: bool,
    /// relevance | sales | price_asc | price_desc | newest
    pub sort: Option<String>,
    pub offset: Option<usize>,
    pub limit: Option<usize>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct SearchResult {
    pub product: Product,
    /// The title with matches in `<em>`; everything else HTML-escaped.
    pub title_html: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
pub struct SearchPage {
    pub total: usize,
    pub items: Vec<SearchResult>,
}

fn sort(raw: Option<&str>) -> Result<SortBy, ValidationError> {
    match raw.unwrap_or("relevance") {
        "relevance" => Ok(SortBy::Relevance),
        "sales" => Ok(SortBy::Sales),
        "price_asc" => Ok(SortBy::PriceAsc),
        "price_desc" => Ok(SortBy::PriceDesc),
        "newest" => Ok(SortBy::Newest),
        _ => Err(ValidationError::new(
            "sort",
            "unknown_sort",
            "relevance, sales, price_asc, price_desc or newest",
        )),
    }
}

fn engine_error(e: SearchError) -> ServiceError {
    match e {
        SearchError::LimitTooLarge { max, .. } => {
            ValidationError::new("limit", "too_large", format!("at most {max}")).into()
        }
        SearchError::OffsetTooLarge { max, .. } => {
            ValidationError::new("offset", "too_large", format!("at most {max}")).into()
        }
        other => ServiceError::Internal(format!("search: {other}")),
    }
}

impl Services {
    pub async fn search_products(&self, p: SearchParams) -> ServiceResult<SearchPage> {
        let query = SearchQuery {
            text: p.q,
            category: p.category.filter(|c| !c.trim().is_empty()),
            price_min_minor: p.min_price,
            price_max_minor: p.max_price,
            in_stock_only: p.in_stock,
            sort: sort(p.sort.as_deref())?,
            offset: p.offset.unwrap_or(0),
            limit: p.limit.unwrap_or(20),
        };
        let index = self.search_ready().await?;
        let found = tokio::task::spawn_blocking(move || index.search(&query))
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))?
            .map_err(engine_error)?;
        let ids: Vec<ProductId> = found.hits.iter().map(|h| ProductId(h.product_id)).collect();
        let products = self.store.get_products(&ids).await?;
        let items = found
            .hits
            .into_iter()
            .filter_map(|h| {
                let product = products
                    .iter()
                    .find(|p| p.id.as_uuid() == h.product_id && p.status == ProductStatus::Active)?
                    .clone();
                Some(SearchResult {
                    product,
                    title_html: h.title_html,
                })
            })
            .collect();
        Ok(SearchPage {
            total: found.total,
            items,
        })
    }

    /// Completions for a search box (at most 10).
    pub async fn search_suggest(&self, prefix: &str) -> ServiceResult<Vec<String>> {
        let index = self.search_ready().await?;
        let prefix: String = prefix.chars().take(20).collect();
        tokio::task::spawn_blocking(move || index.suggest(&prefix, 10))
            .await
            .map_err(|e| ServiceError::Internal(e.to_string()))?
            .map_err(engine_error)
    }
}
