//! `/`: full-screen vertical videos, 千人千面 — each viewer's own order, with
//! a small chip saying why a video is there. The yellow cart opens the
//! sheet. feed.js fetches further pages from `/feed/page`, sending the
//! videos already shown; without JS a "more" link carries them in the URL.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;
use yc_domain::VideoId;
use yc_services::Services;
use yc_services::catalog::FeedItem;
use yc_services::feed::{PersonalFeed, PersonalItem};

use crate::error::WebError;
use crate::i18n::{Lang, t};
use crate::panel::from_price;
use crate::prefs::Prefs;
use crate::reasons::{chip, reason_text};
use crate::session::Ctx;
use crate::views::{Chrome, render};

/// Videos per page.
const PAGE: usize = 10;
/// Already-shown ids a request may carry (the service reads 300).
const MAX_SEEN: usize = 300;
/// Ids the no-JS "more" link carries: keeps the URL under ~4 KB. Older
/// ones may come back after a long scroll, which is acceptable there.
const MAX_LINK_SEEN: usize = 100;

pub struct Slide {
    pub id: String,
    pub title: String,
    pub shop: String,
    /// The first product's category, for analytics and tests.
    pub category: String,
    /// Why this video is here, in the viewer's language.
    pub reason: Option<String>,
    pub video_url: String,
    pub poster_url: String,
    pub count: usize,
    /// The sheet to open: the product itself, or the list of the video's products.
    pub sheet_url: String,
    /// Where the cart goes without JS.
    pub product_url: String,
    pub teaser: String,
    pub teaser_price: String,
    pub cart_label: String,
}

#[derive(Template)]
#[template(path = "feed.html")]
pub struct FeedPage {
    pub c: Chrome,
    pub slides: Vec<Slide>,
    /// The no-JS "more" link; `None` when the feed ran out.
    pub next_url: Option<String>,
    /// A page (not feed.js's fragment): its first video autoplays.
    pub autoplay: bool,
    /// No videos at all, as opposed to none left.
    pub nothing_yet: bool,
}

/// Further slides for feed.js: the same markup as the page's.
#[derive(Template)]
#[template(path = "feed_slides.html")]
pub struct FeedSlides {
    pub c: Chrome,
    pub slides: Vec<Slide>,
    pub next_url: Option<String>,
    pub autoplay: bool,
    pub nothing_yet: bool,
}

#[derive(Deserialize)]
pub struct FeedQuery {
    /// Comma-separated video ids already shown.
    pub seen: Option<String>,
}

#[tracing::instrument(skip_all)]
pub async fn feed(
    State(services): State<Services>,
    ctx: Ctx,
    prefs: Prefs,
    Query(q): Query<FeedQuery>,
) -> Result<Html<String>, WebError> {
    let seen = parse_seen(q.seen.as_deref());
    let page = load(&services, &ctx, &prefs, &seen).await?;
    Ok(render(&FeedPage {
        c: Chrome::new(&ctx, "home", "feed_title"),
        next_url: next_url(&seen, &page),
        nothing_yet: seen.is_empty() && page.items.is_empty(),
        slides: slides(&page.items, ctx.lang),
        autoplay: true,
    })?)
}

/// `/feed/page?seen=…`: the next slides as a fragment.
#[tracing::instrument(skip_all)]
pub async fn more(
    State(services): State<Services>,
    ctx: Ctx,
    prefs: Prefs,
    Query(q): Query<FeedQuery>,
) -> Result<Html<String>, WebError> {
    let seen = parse_seen(q.seen.as_deref());
    let page = load(&services, &ctx, &prefs, &seen).await?;
    Ok(render(&FeedSlides {
        c: Chrome::new(&ctx, "home", "feed_title"),
        next_url: next_url(&seen, &page),
        slides: slides(&page.items, ctx.lang),
        autoplay: false,
        nothing_yet: false,
    })?)
}

async fn load(
    services: &Services,
    ctx: &Ctx,
    prefs: &Prefs,
    seen: &[VideoId],
) -> Result<PersonalFeed, WebError> {
    Ok(services
        .personal_feed(&prefs.viewer(ctx), seen, PAGE)
        .await?)
}

/// The newest `MAX_SEEN` well-formed ids; malformed ones are ignored (a
/// stale or hand-edited link still shows a feed).
fn parse_seen(raw: Option<&str>) -> Vec<VideoId> {
    let mut ids: Vec<VideoId> = Vec::new();
    for id in raw
        .unwrap_or_default()
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
    {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let skip = ids.len().saturating_sub(MAX_SEEN);
    ids.split_off(skip)
}

/// A full page means there may be more; a short one means the catalog ran out.
fn next_url(seen: &[VideoId], page: &PersonalFeed) -> Option<String> {
    if page.items.len() < PAGE {
        return None;
    }
    let ids: Vec<String> = seen
        .iter()
        .copied()
        .chain(page.items.iter().map(|i| i.item.video.id))
        .map(|id| id.to_string())
        .collect();
    let skip = ids.len().saturating_sub(MAX_LINK_SEEN);
    Some(format!("/?seen={}", ids[skip..].join(",")))
}

fn slides(items: &[PersonalItem], lang: Lang) -> Vec<Slide> {
    items
        .iter()
        .map(|i| {
            let mut s = slide(&i.item, lang);
            s.reason = chip(&i.reasons).map(|r| reason_text(r, lang));
            s
        })
        .collect()
}

fn slide(item: &FeedItem, lang: Lang) -> Slide {
    let v = &item.video;
    let first = item.products.first();
    let count = item.products.len();
    let sheet_url = match (count, first) {
        (1, Some(p)) => format!("/sheet/{}", p.id),
        _ => format!("/sheet/video/{}", v.id),
    };
    Slide {
        id: v.id.to_string(),
        title: v.title.clone(),
        shop: item
            .merchant
            .as_ref()
            .map(|m| m.name.clone())
            .unwrap_or_default(),
        category: first.map(|p| p.category.clone()).unwrap_or_default(),
        reason: None,
        video_url: v.video_url.clone(),
        poster_url: v.poster_url.clone(),
        count,
        sheet_url,
        product_url: first.map_or_else(|| "/".to_owned(), |p| format!("/products/{}", p.id)),
        teaser: first.map(|p| p.title.clone()).unwrap_or_default(),
        teaser_price: first.map(|p| from_price(p, lang)).unwrap_or_default(),
        cart_label: t(lang, "cart_button_label").replace("{n}", &count.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seen_is_bounded_deduplicated_and_lenient() {
        let ids: Vec<String> = (0..400).map(|_| VideoId::new().to_string()).collect();
        let raw = format!("{},junk,{}", ids.join(","), ids[399]);
        let seen = parse_seen(Some(&raw));
        assert_eq!(seen.len(), MAX_SEEN);
        assert_eq!(seen.last().map(ToString::to_string), ids.last().cloned());
        assert!(parse_seen(None).is_empty());
    }
}
