//! Discovery: behaviour events, the personalized feed, product search.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use yc_domain::VideoId;
use yc_domain::behaviour::EventDraft;
use yc_domain::fulfilment::Province;
use yc_services::Services;
use yc_services::feed::{EventsAccepted, PersonalFeed, Viewer};
use yc_services::search::{SearchPage, SearchParams};

use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{Body, MaybeAuth, Q};

/// The most a behaviour batch may weigh; bigger is 413.
pub const MAX_EVENTS_BODY: usize = 32 * 1024;

#[derive(Debug, Deserialize, ToSchema)]
pub struct EventBatch {
    /// Required when not signed in: a random id the client keeps.
    pub device_id: Option<uuid::Uuid>,
    /// 1–100 events; one bad event refuses the batch (nothing is stored).
    pub events: Vec<EventDraft>,
}

/// Behaviour events: impression, watch (with completion_pct), cart_tap,
/// sheet_open, add_to_cart, favorite, purchase, share, skip,
/// not_interested. Append-only; no personal data beyond the user or device id.
#[utoipa::path(post, path = "/api/v1/events", tag = "discovery", request_body = EventBatch,
    responses((status = 202, body = EventsAccepted), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn events(
    State(s): State<Services>,
    MaybeAuth(u): MaybeAuth,
    Body(b): Body<EventBatch>,
) -> ApiResult<(StatusCode, Json<EventsAccepted>)> {
    let accepted = s.record_events(u.as_ref(), b.device_id, &b.events).await?;
    Ok((StatusCode::ACCEPTED, Json(accepted)))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct FeedQuery {
    /// 1–20 (default 10).
    pub limit: Option<usize>,
    /// Comma-separated video ids already shown in this scroll (≤ 300).
    pub seen: Option<String>,
    /// A province name ("广东"), when the viewer chose a region.
    pub region: Option<String>,
    /// Comma-separated onboarding categories ("女装,数码").
    pub interests: Option<String>,
    /// Anonymous viewers: their device id.
    pub device_id: Option<uuid::Uuid>,
}

fn bad(field: &'static str, what: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
        format!("{field}: {what}"),
    )
}

/// 千人千面: a page of videos for this viewer, each saying why it is there
/// (`reasons[].text` for people, `reasons[].code` for debugging).
#[utoipa::path(get, path = "/api/v1/feed", tag = "discovery", params(FeedQuery),
    responses((status = 200, body = PersonalFeed), (status = 422, body = Problem)))]
pub async fn feed(
    State(s): State<Services>,
    MaybeAuth(u): MaybeAuth,
    Q(q): Q<FeedQuery>,
) -> ApiResult<Json<PersonalFeed>> {
    let seen = q
        .seen
        .as_deref()
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.is_empty())
        .take(300)
        .map(|s| s.parse::<VideoId>().map_err(|_| bad("seen", "video ids")))
        .collect::<ApiResult<Vec<_>>>()?;
    let region = match q.region.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => Some(Province::parse(r).ok_or_else(|| bad("region", "a mainland province"))?),
        None => None,
    };
    let viewer = Viewer {
        user: u,
        device: q.device_id,
        region,
        interests: q
            .interests
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .take(10)
            .map(|s| s.chars().take(40).collect())
            .collect(),
    };
    let limit = q.limit.unwrap_or(10);
    Ok(Json(s.personal_feed(&viewer, &seen, limit).await?))
}

/// Chinese full-text product search: `q` over titles, specs, category and
/// shop; filters; sorts; highlighted titles.
#[utoipa::path(get, path = "/api/v1/search", tag = "discovery", params(SearchQueryParams),
    responses((status = 200, body = SearchPage), (status = 422, body = Problem)))]
pub async fn search(
    State(s): State<Services>,
    Q(q): Q<SearchQueryParams>,
) -> ApiResult<Json<SearchPage>> {
    let params = SearchParams {
        q: q.q.unwrap_or_default(),
        category: q.category,
        min_price: q.min_price,
        max_price: q.max_price,
        in_stock: q.in_stock.unwrap_or(false),
        sort: q.sort,
        offset: q.offset,
        limit: q.limit,
    };
    Ok(Json(s.search_products(params).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SearchQueryParams {
    pub q: Option<String>,
    pub category: Option<String>,
    /// Fen.
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    pub in_stock: Option<bool>,
    /// relevance | sales | price_asc | price_desc | newest
    pub sort: Option<String>,
    /// ≤ 1000
    pub offset: Option<usize>,
    /// ≤ 50
    pub limit: Option<usize>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SuggestQuery {
    pub q: String,
}

#[utoipa::path(get, path = "/api/v1/search/suggest", tag = "discovery", params(SuggestQuery),
    responses((status = 200, body = Vec<String>)))]
pub async fn suggest(
    State(s): State<Services>,
    Q(q): Q<SuggestQuery>,
) -> ApiResult<Json<Vec<String>>> {
    Ok(Json(s.search_suggest(&q.q).await?))
}
