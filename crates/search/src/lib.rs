//! Chinese full-text product search for yellowcart, on tantivy with the
//! jieba tokenizer (dictionary embedded: nothing is downloaded).
//!
//! # API
//!
//! ```no_run
//! # use yc_search::*;
//! # fn main() -> Result<(), SearchError> {
//! let ix = SearchIndex::open_dir(std::path::Path::new("data/search"))?; // or in_ram()
//! ix.upsert(&synthetic::catalog(1_000, 42).collect::<Vec<_>>())?; // replace by product_id
//! ix.commit()?; // visible to search when this returns
//! let page = ix.search(&SearchQuery {
//!     text: "碎花 连衣裙".into(),
//!     category: Some("女装".into()),
//!     price_max_minor: Some(30_000),
//!     in_stock_only: true,
//!     sort: SortBy::Sales,
//!     ..SearchQuery::text("")
//! })?;
//! for hit in page.hits { println!("{} {}", hit.product_id, hit.title_html); }
//! let words = ix.suggest("连衣", 10)?; // ["连衣裙", ...]
//! # Ok(()) }
//! ```
//!
//! * [`SearchIndex`] is `Send + Sync`; share one per index via `Arc`.
//!   `upsert`/`delete` queue changes, [`SearchIndex::commit`] makes them
//!   durable and reloads the reader before returning (no "eventually").
//!   Batch changes and commit every ~500 ms: a commit costs tens of ms.
//!   Until its commit each upsert holds a pending delete (~1 KB), so a bulk
//!   (re)load should commit every ~100,000 products, as [`bench`](mod@bench) does.
//! * [`SearchIndex::search`] takes a [`SearchQuery`], returns
//!   [`SearchResults`] (exact `total` + one page of [`SearchHit`]).
//! * [`SearchIndex::suggest`] completes a prefix from an in-memory table
//!   of whole words (titles and categories), most used first.
//! * [`synthetic`] makes deterministic catalogs and query mixes;
//!   [`bench::run`] indexes one and measures it.
//!
//! # Matching
//!
//! Text is never parsed as a syntax: quotes, colons, `AND`, brackets and
//! emoji are just characters, so no input errors. Only the first
//! [`MAX_QUERY_CHARS`] chars and [`MAX_QUERY_WORDS`] words count. jieba
//! in search mode indexes a word and its dictionary sub-words, so "连衣裙"
//! finds "法式碎花连衣裙". Every query word must match somewhere in the
//! title, category, specs, merchant or description, except single CJK
//! chars ("的"), which only add score; a title holding the word scores
//! extra (BM25 ×2). If that finds nothing, any word may match. Latin and digits are
//! words too ("iPhone 15"), and a glued "iPhone15" also counts as the two
//! words "iphone" and "15", so either spelling finds the other; all
//! matching is case-insensitive (full-width Latin is not folded). Text with
//! nothing searchable (only punctuation) finds nothing; blank text browses
//! the filters (category exact, inclusive price bounds on
//! `min_price_minor`, in stock).
//!
//! Sorts: relevance (BM25, then sales; blank text: sales), sales, price
//! either way, newest.
//! Every sort breaks ties by the product id's low 64 bits, so pages are
//! stable across segments and merges. `score` is 0 outside relevance.
//!
//! Paging: `limit` ≤ [`MAX_LIMIT`] and `offset` ≤ [`MAX_OFFSET`], else
//! [`SearchError::LimitTooLarge`]/[`SearchError::OffsetTooLarge`] (map
//! them to HTTP 400); `limit` 0 returns only the total.
//!
//! `title_html` is the whole title, HTML-escaped, with matched words in
//! `<em>…</em>`: safe to insert as HTML.
//!
//! # Suggestions
//!
//! Up to [`MAX_SUGGESTIONS`] distinct words starting with the prefix
//! (case-insensitive), ranked by the number of products using them. The
//! table (≤ 200,000 words) is rebuilt from the index's term dictionaries
//! when a commit finds it older than [`IndexOptions::suggest_refresh`]
//! (10 s by default), or on [`SearchIndex::refresh_suggestions`]; counts
//! include deleted products until tantivy merges their segment away.
//!
//! # Operations
//!
//! * Directory: a plain tantivy index (`meta.json`, segment files, a
//!   `.tantivy-writer.lock`). One process, one handle per directory: a
//!   second `open_dir` fails on the lock. It is derived data: to change the
//!   schema, delete the directory and re-index.
//! * Threads: the writer runs [`IndexOptions::writer_threads`] indexing
//!   threads (default ≤ 2) plus tantivy's merge and GC threads; `search`
//!   runs on the caller's thread (use `spawn_blocking` from async code).
//! * Memory: the writer arena is bounded by
//!   [`IndexOptions::writer_memory_bytes`] (64 MB default), the jieba
//!   dictionary takes ~40 MB, the suggestion table ≤ ~15 MB. The index is
//!   memory-mapped (~170 MB on disk per million synthetic products), so
//!   the OS page cache holds its hot parts.
//! * Stored per product: only `product_id` and `title`; prices, sales and
//!   dates are columnar fast fields used by filters and sorts.

mod analysis;
pub mod bench;
pub mod error;
mod filters;
mod highlight;
mod index;
mod model;
mod query;
mod schema;
mod search;
mod suggest;
pub mod synthetic;

pub use error::SearchError;
pub use index::{IndexOptions, SearchIndex};
pub use model::*;
