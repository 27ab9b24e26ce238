//! `/search`: product search from a GET form (works without JS) — words,
//! category, a price range in yuan, in stock only, and the sort — with
//! highlighted titles; `/search/suggest` feeds search.js's completions.

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;
use yc_services::Services;
use yc_services::search::{SearchPage, SearchParams, SearchResult};

use crate::error::WebError;
use crate::i18n::{Lang, t};
use crate::panel::from_price;
use crate::session::{Ctx, encode};
use crate::settings::categories;
use crate::views::{Chrome, render};

const PER_PAGE: usize = 20;
/// The deepest page the index serves.
const MAX_OFFSET: usize = 1000;
const MAX_QUERY_CHARS: usize = 60;
/// ¥10,000,000: more is a typo, not a budget.
const MAX_YUAN_FEN: i64 = 1_000_000_000;
const SORTS: [(&str, &str); 5] = [
    ("relevance", "sort_relevance"),
    ("sales", "sort_sales"),
    ("price_asc", "sort_price_asc"),
    ("price_desc", "sort_price_desc"),
    ("newest", "sort_newest"),
];

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    pub q: Option<String>,
    pub category: Option<String>,
    /// Yuan, as typed ("12.5").
    pub min: Option<String>,
    pub max: Option<String>,
    pub in_stock: Option<String>,
    pub sort: Option<String>,
    pub offset: Option<usize>,
}

pub struct SelectOption {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

pub struct CategoryLink {
    pub name: String,
    pub url: String,
}

pub struct ResultView {
    pub url: String,
    pub sheet_url: String,
    /// `<em>` marks around the matches; the rest escaped by the index.
    pub title_html: String,
    pub image: Option<String>,
    pub price: String,
    pub in_stock: bool,
    pub category: String,
}

#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPageView {
    pub c: Chrome,
    pub q: String,
    pub min: String,
    pub max: String,
    pub in_stock: bool,
    pub categories: Vec<SelectOption>,
    /// Browsing by category before anything was typed.
    pub category_links: Vec<CategoryLink>,
    pub sorts: Vec<SelectOption>,
    /// False until there is something to search for.
    pub searched: bool,
    /// "找到 12 件商品"
    pub total_text: String,
    pub results: Vec<ResultView>,
    /// A price the visitor typed that is not an amount.
    pub price_error: bool,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn page(
    State(services): State<Services>,
    ctx: Ctx,
    Query(q): Query<SearchQuery>,
) -> Result<Html<String>, WebError> {
    let text: String =
        q.q.as_deref()
            .unwrap_or_default()
            .trim()
            .chars()
            .take(MAX_QUERY_CHARS)
            .collect();
    let category = q
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned);
    let (min, min_bad) = yuan(q.min.as_deref());
    let (max, max_bad) = yuan(q.max.as_deref());
    // A range typed backwards still means the range.
    let (min, max) = match (min, max) {
        (Some(a), Some(b)) if a > b => (Some(b), Some(a)),
        range => range,
    };
    let in_stock = q
        .in_stock
        .as_deref()
        .is_some_and(|v| !v.is_empty() && v != "0");
    let sort = SORTS
        .iter()
        .map(|(v, _)| *v)
        .find(|v| Some(*v) == q.sort.as_deref())
        .unwrap_or("relevance");
    let offset = q.offset.unwrap_or(0).min(MAX_OFFSET) / PER_PAGE * PER_PAGE;
    let searched = !text.is_empty() || category.is_some() || min.is_some() || max.is_some();
    let page = if searched {
        services
            .search_products(SearchParams {
                q: text.clone(),
                category: category.clone(),
                min_price: min,
                max_price: max,
                in_stock,
                sort: Some(sort.to_owned()),
                offset: Some(offset),
                limit: Some(PER_PAGE),
            })
            .await?
    } else {
        SearchPage {
            total: 0,
            items: Vec::new(),
        }
    };
    let lang = ctx.lang;
    let here = |offset: usize| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        s.append_pair("q", &text);
        if let Some(c) = &category {
            s.append_pair("category", c);
        }
        s.append_pair("min", q.min.as_deref().unwrap_or_default());
        s.append_pair("max", q.max.as_deref().unwrap_or_default());
        if in_stock {
            s.append_pair("in_stock", "1");
        }
        s.append_pair("sort", sort);
        s.append_pair("offset", &offset.to_string());
        format!("/search?{}", s.finish())
    };
    let shown = offset + page.items.len();
    let next_url =
        (shown < page.total && offset + PER_PAGE <= MAX_OFFSET).then(|| here(offset + PER_PAGE));
    let prev_url = (offset > 0).then(|| here(offset.saturating_sub(PER_PAGE)));
    let mut cats = categories(&services).await?;
    if let Some(c) = &category
        && !cats.contains(c)
    {
        cats.push(c.clone());
    }
    let category_links = cats
        .iter()
        .map(|c| CategoryLink {
            name: c.clone(),
            url: format!("/search?category={}", encode(c)),
        })
        .collect();
    Ok(render(&SearchPageView {
        category_links,
        c: Chrome::new(&ctx, "", "search_title").with_history_back("/"),
        min: q.min.clone().unwrap_or_default(),
        max: q.max.clone().unwrap_or_default(),
        in_stock,
        categories: cats
            .into_iter()
            .map(|c| SelectOption {
                selected: category.as_ref() == Some(&c),
                label: c.clone(),
                value: c,
            })
            .collect(),
        sorts: SORTS
            .iter()
            .map(|(v, key)| SelectOption {
                value: (*v).to_owned(),
                label: t(lang, key).to_owned(),
                selected: *v == sort,
            })
            .collect(),
        searched,
        total_text: t(lang, "search_total").replace("{n}", &page.total.to_string()),
        results: page.items.iter().map(|r| result(r, lang)).collect(),
        price_error: min_bad || max_bad,
        prev_url,
        next_url,
        q: text,
    })?)
}

fn result(r: &SearchResult, lang: Lang) -> ResultView {
    let p = &r.product;
    ResultView {
        url: format!("/products/{}", p.id),
        sheet_url: format!("/sheet/{}", p.id),
        title_html: r.title_html.clone(),
        image: p.media.first().cloned(),
        price: from_price(p, lang),
        in_stock: p.total_stock() > 0,
        category: p.category.clone(),
    }
}

/// "12", "12.5", "¥12.50" → fen; empty → none; anything else is flagged.
fn yuan(raw: Option<&str>) -> (Option<i64>, bool) {
    let raw = raw
        .unwrap_or_default()
        .trim()
        .trim_start_matches(['¥', '￥']);
    if raw.is_empty() {
        return (None, false);
    }
    let (whole, frac) = raw.split_once('.').unwrap_or((raw, ""));
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) || frac.len() > 2 || whole.len() > 8 {
        return (None, true);
    }
    let whole: i64 = whole.parse().unwrap_or(0);
    let frac: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    let fen = whole * 100 + frac;
    if fen > MAX_YUAN_FEN {
        return (None, true);
    }
    (Some(fen), false)
}

#[derive(Deserialize)]
pub struct SuggestQuery {
    pub q: Option<String>,
}

/// Completions for what is typed so far (at most 10), as a JSON list.
#[tracing::instrument(skip_all)]
pub async fn suggest(
    State(services): State<Services>,
    Query(q): Query<SuggestQuery>,
) -> Result<Json<Vec<String>>, WebError> {
    let prefix = q.q.as_deref().unwrap_or_default().trim();
    if prefix.is_empty() {
        return Ok(Json(Vec::new()));
    }
    Ok(Json(services.search_suggest(prefix).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_read_in_yuan() {
        assert_eq!(yuan(Some("12")), (Some(1200), false));
        assert_eq!(yuan(Some(" ¥12.5 ")), (Some(1250), false));
        assert_eq!(yuan(Some("0.05")), (Some(5), false));
        assert_eq!(yuan(Some("")), (None, false));
        assert_eq!(yuan(None), (None, false));
        assert_eq!(yuan(Some("12.345")), (None, true));
        assert_eq!(yuan(Some("abc")), (None, true));
        assert_eq!(yuan(Some("-3")), (None, true));
        assert_eq!(yuan(Some("99999999999")), (None, true));
    }
}
