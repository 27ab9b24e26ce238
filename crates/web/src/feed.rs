//! `/`: full-screen vertical videos; the yellow cart opens the sheet.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use serde::Deserialize;
use yc_domain::page::{PageRequest, PageSize};
use yc_services::Services;
use yc_services::catalog::FeedItem;

use crate::error::WebError;
use crate::i18n::{Lang, t};
use crate::panel::from_price;
use crate::session::Ctx;
use crate::views::{Chrome, render};

pub struct Slide {
    pub id: String,
    pub title: String,
    pub shop: String,
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
    pub next_url: Option<String>,
}

#[derive(Deserialize)]
pub struct FeedQuery {
    pub after: Option<String>,
}

pub async fn feed(
    State(services): State<Services>,
    ctx: Ctx,
    Query(q): Query<FeedQuery>,
) -> Result<Html<String>, WebError> {
    let page = PageRequest {
        size: PageSize::parse(Some(10))?,
        after: q.after.and_then(|a| a.parse().ok()),
    };
    let feed = services.feed(page).await?;
    let slides = feed.items.iter().map(|i| slide(i, ctx.lang)).collect();
    Ok(render(&FeedPage {
        c: Chrome::new(&ctx, "home", "feed_title"),
        slides,
        next_url: feed.next.map(|n| format!("/?after={n}")),
    })?)
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
