//! Executing a [`SearchQuery`]: count and top page in one pass over the
//! matches, stored fields loaded for the page only.

use tantivy::collector::sort_key::{SortBySimilarityScore, SortByStaticFastValue};
use tantivy::collector::{Collector, Count, TopDocs};
use tantivy::query::Query;
use tantivy::schema::Value;
use tantivy::{DocAddress, Order, Searcher, TantivyDocument};
use uuid::Uuid;

use crate::error::SearchError;
use crate::highlight;
use crate::index::SearchIndex;
use crate::model::{MAX_LIMIT, MAX_OFFSET, SearchHit, SearchQuery, SearchResults, SortBy};
use crate::query::{Match, Plan};
use crate::schema::{CREATED, PRICE, SALES, TIEBREAK};

pub(crate) fn run(ix: &SearchIndex, q: &SearchQuery) -> Result<SearchResults, SearchError> {
    if q.limit > MAX_LIMIT {
        return Err(SearchError::LimitTooLarge {
            limit: q.limit,
            max: MAX_LIMIT,
        });
    }
    if q.offset > MAX_OFFSET {
        return Err(SearchError::OffsetTooLarge {
            offset: q.offset,
            max: MAX_OFFSET,
        });
    }
    let mut analyzer = ix.analyzer()?;
    let plan = Plan::new(&mut analyzer, q);
    if plan.nothing_to_match {
        return Ok(SearchResults::default());
    }
    // Without words every score is equal, and relevance would rank by its
    // tiebreak, sales, only after a wasted scoring pass.
    let sort = match q.sort {
        SortBy::Relevance if plan.words.is_empty() => SortBy::Sales,
        sort => sort,
    };
    let searcher = ix.searcher();
    let mut found = page(
        &searcher,
        &*plan.query(&ix.fields, q, Match::AllWords),
        q,
        sort,
    )?;
    if found.0 == 0 && plan.can_loosen() {
        found = page(
            &searcher,
            &*plan.query(&ix.fields, q, Match::AnyWord),
            q,
            sort,
        )?;
    }
    let (total, top) = found;
    let terms = plan.highlight_terms();
    let mut hits = Vec::with_capacity(top.len());
    for (score, addr) in top {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let id = doc
            .get_first(ix.fields.id)
            .and_then(|v| v.as_str())
            .and_then(|s| Uuid::parse_str(s).ok())
            .ok_or_else(|| SearchError::Corrupt(format!("no product_id at {addr:?}")))?;
        let title = doc
            .get_first(ix.fields.title)
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        hits.push(SearchHit {
            product_id: id,
            score,
            title_html: highlight::title_html(&mut analyzer, title, &terms),
        });
    }
    Ok(SearchResults { total, hits })
}

type Page = (usize, Vec<(f32, DocAddress)>);

/// Every order ends with the id tiebreak so equal keys never shuffle
/// between segments or merges.
fn page(
    searcher: &Searcher,
    query: &dyn Query,
    q: &SearchQuery,
    sort: SortBy,
) -> Result<Page, SearchError> {
    if q.limit == 0 {
        return Ok((searcher.search(query, &Count)?, Vec::new()));
    }
    let top = TopDocs::with_limit(q.limit).and_offset(q.offset);
    let tie = || {
        (
            SortByStaticFastValue::<u64>::for_field(TIEBREAK),
            Order::Asc,
        )
    };
    let by = |field: &str, order| (SortByStaticFastValue::<i64>::for_field(field), order);
    match sort {
        SortBy::Relevance => {
            let key = (
                (SortBySimilarityScore, Order::Desc),
                (by(SALES, Order::Desc), tie()),
            );
            collect(searcher, query, top.order_by(key), |(score, _)| score)
        }
        SortBy::Sales => collect(
            searcher,
            query,
            top.order_by((by(SALES, Order::Desc), tie())),
            zero,
        ),
        SortBy::PriceAsc => collect(
            searcher,
            query,
            top.order_by((by(PRICE, Order::Asc), tie())),
            zero,
        ),
        SortBy::PriceDesc => collect(
            searcher,
            query,
            top.order_by((by(PRICE, Order::Desc), tie())),
            zero,
        ),
        SortBy::Newest => collect(
            searcher,
            query,
            top.order_by((by(CREATED, Order::Desc), tie())),
            zero,
        ),
    }
}

fn zero<K>(_: K) -> f32 {
    0.0
}

fn collect<K, C>(
    searcher: &Searcher,
    query: &dyn Query,
    top: C,
    score: impl Fn(K) -> f32,
) -> Result<Page, SearchError>
where
    C: Collector<Fruit = Vec<(K, DocAddress)>>,
{
    let (total, docs) = searcher.search(query, &(Count, top))?;
    Ok((
        total,
        docs.into_iter().map(|(k, a)| (score(k), a)).collect(),
    ))
}
