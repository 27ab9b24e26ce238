use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Longest user query considered, in chars (not bytes); the rest is dropped.
pub const MAX_QUERY_CHARS: usize = 100;
/// At most this many distinct words of a query take part in matching.
pub const MAX_QUERY_WORDS: usize = 12;
/// Largest page a caller may ask for.
pub const MAX_LIMIT: usize = 50;
/// Deepest offset a caller may ask for: deep paging costs a top-k of
/// `offset + limit` per segment, and nobody reads page 60 of a search.
pub const MAX_OFFSET: usize = 1_000;
/// Most suggestions returned by one call, whatever `limit` says.
pub const MAX_SUGGESTIONS: usize = 20;

/// One product, as the platform knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchDoc {
    pub product_id: Uuid,
    pub title: String,
    pub description: String,
    pub category: String,
    pub merchant_name: String,
    /// SKU spec values, e.g. `["白色", "M", "L"]`.
    pub specs: Vec<String>,
    /// Lowest SKU price, integer minor units (fen).
    pub min_price_minor: i64,
    pub sales: i64,
    pub in_stock: bool,
    pub created_at_ms: i64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SortBy {
    /// BM25 (title weighted over the rest), then sales, then product id.
    #[default]
    Relevance,
    /// Units sold, most first.
    Sales,
    PriceAsc,
    PriceDesc,
    /// `created_at_ms`, latest first.
    Newest,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    /// Free user text; never a syntax. Blank text browses (filters only).
    pub text: String,
    /// Exact category name, e.g. "女装".
    pub category: Option<String>,
    /// Inclusive bounds on `min_price_minor`.
    pub price_min_minor: Option<i64>,
    pub price_max_minor: Option<i64>,
    pub in_stock_only: bool,
    pub sort: SortBy,
    pub offset: usize,
    /// 0 returns only `total`.
    pub limit: usize,
}

impl SearchQuery {
    /// A first page of 20 by relevance for `text`.
    pub fn text(text: impl Into<String>) -> Self {
        SearchQuery {
            text: text.into(),
            limit: 20,
            ..SearchQuery::default()
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SearchResults {
    /// Exact number of matching products (all pages).
    pub total: usize,
    pub hits: Vec<SearchHit>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    pub product_id: Uuid,
    /// BM25 for `SortBy::Relevance`; 0.0 for the other sorts, which never
    /// compute it.
    pub score: f32,
    /// The title, HTML-escaped, with matched words wrapped in `<em>…</em>`.
    pub title_html: String,
}
