//! `/settings/discovery` (推荐设置): a coarse region and a few interest
//! categories, kept in cookies (no account needed) and used by the feed
//! while it knows little about the viewer. No location lookup: the viewer
//! picks a province or leaves it to their default address.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use yc_domain::fulfilment::Province;
use yc_domain::page::{PageRequest, PageSize};
use yc_services::Services;

use crate::error::WebError;
use crate::prefs::{Prefs, clean_interests};
use crate::session::Ctx;
use crate::views::{Chrome, render};

/// Shown when the catalog has none yet; also fixes a familiar order.
const DEFAULT_CATEGORIES: [&str; 8] = [
    "女装", "数码", "食品", "家居", "母婴", "运动", "配饰", "美妆",
];
/// Videos read to find the catalog's categories.
const CATEGORY_SAMPLE: u32 = 50;
const MAX_CATEGORIES: usize = 24;

pub struct Choice {
    pub value: String,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "settings_discovery.html")]
pub struct SettingsPage {
    pub c: Chrome,
    pub saved: bool,
    pub provinces: Vec<Choice>,
    pub auto_region: bool,
    pub categories: Vec<Choice>,
}

#[derive(Deserialize)]
pub struct SettingsQuery {
    pub saved: Option<String>,
}

/// The categories worth offering: the familiar ones, then any others the
/// newest videos' products carry.
pub async fn categories(services: &Services) -> Result<Vec<String>, WebError> {
    let page = PageRequest {
        size: PageSize::parse(Some(CATEGORY_SAMPLE))?,
        after: None,
    };
    let feed = services.feed(page).await?;
    let mut out: Vec<String> = DEFAULT_CATEGORIES.iter().map(|c| (*c).to_owned()).collect();
    for p in feed.items.iter().flat_map(|i| i.products.iter()) {
        if out.len() >= MAX_CATEGORIES {
            break;
        }
        if !p.category.is_empty() && !out.contains(&p.category) {
            out.push(p.category.clone());
        }
    }
    Ok(out)
}

#[tracing::instrument(skip_all)]
pub async fn page(
    State(services): State<Services>,
    ctx: Ctx,
    prefs: Prefs,
    Query(q): Query<SettingsQuery>,
) -> Result<Html<String>, WebError> {
    let mut cats = categories(&services).await?;
    // A pick the catalog no longer shows can still be taken back.
    for own in &prefs.interests {
        if !cats.contains(own) {
            cats.push(own.clone());
        }
    }
    Ok(render(&SettingsPage {
        c: Chrome::new(&ctx, "", "discovery_settings").with_history_back("/"),
        saved: q.saved.is_some(),
        provinces: Province::ALL
            .iter()
            .map(|p| Choice {
                value: p.name().to_owned(),
                checked: prefs.region == Some(*p),
            })
            .collect(),
        auto_region: prefs.region.is_none(),
        categories: cats
            .into_iter()
            .map(|c| Choice {
                checked: prefs.interests.contains(&c),
                value: c,
            })
            .collect(),
    })?)
}

/// Form fields `region` (a province name, or empty for automatic) and
/// `interest` (repeated).
#[tracing::instrument(skip_all)]
pub async fn save(body: Bytes) -> Result<Response, WebError> {
    let mut region = None;
    let mut picks: Vec<String> = Vec::new();
    for (k, v) in form_urlencoded::parse(&body) {
        match k.as_ref() {
            "region" if !v.trim().is_empty() => {
                region = Some(Province::parse(&v).ok_or(WebError::BadRequest("err_bad_request"))?);
            }
            "interest" => picks.push(v.into_owned()),
            _ => {}
        }
    }
    let prefs = Prefs {
        region,
        interests: clean_interests(picks.iter().map(String::as_str)),
    };
    let mut res = Redirect::to("/settings/discovery?saved=1").into_response();
    for c in [prefs.region_cookie(), prefs.interests_cookie()]
        .into_iter()
        .flatten()
    {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(res)
}
