//! Bottom-sheet fragments fetched by app.js: the products of a video or of
//! a live room, and one product's panel. The video behind keeps playing.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use serde::Deserialize;
use yc_domain::catalog::Product;
use yc_domain::{LiveRoomId, ProductId, VideoId};
use yc_services::Services;

use crate::error::WebError;
use crate::panel::{ProductPanel, from_price};
use crate::session::Ctx;
use crate::views::{Chrome, render};

#[derive(Template)]
#[template(path = "sheet_product.html")]
pub struct ProductSheet {
    pub c: Chrome,
    pub p: ProductPanel,
    pub in_sheet: bool,
    /// The list this product was opened from, for the back button.
    pub back: Option<String>,
}

pub struct SheetItem {
    pub url: String,
    pub title: String,
    pub image: Option<String>,
    pub price: String,
    pub sold_out: bool,
}

#[derive(Template)]
#[template(path = "sheet_list.html")]
pub struct ListSheet {
    pub c: Chrome,
    /// "video_products" or "live_products".
    pub heading: &'static str,
    pub title: String,
    pub shop: String,
    pub items: Vec<SheetItem>,
}

#[derive(Deserialize)]
pub struct SheetQuery {
    pub video: Option<String>,
    pub live: Option<String>,
}

pub async fn product(
    State(services): State<Services>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(q): Query<SheetQuery>,
) -> Result<Html<String>, WebError> {
    let id: ProductId = id.parse().map_err(|_| WebError::NotFound)?;
    let detail = services.product_detail(ctx.user.as_ref(), id).await?;
    let p = ProductPanel::build(&detail, ctx.lang)?;
    let from_video = q.video.and_then(|v| v.parse::<VideoId>().ok());
    let from_live = q.live.and_then(|r| r.parse::<LiveRoomId>().ok());
    let back = match (from_video, from_live) {
        (Some(v), _) => Some(format!("/sheet/video/{v}")),
        (None, Some(r)) => Some(format!("/sheet/live/{r}")),
        (None, None) => None,
    };
    Ok(render(&ProductSheet {
        c: Chrome::new(&ctx, "", "product_title"),
        p,
        in_sheet: true,
        back,
    })?)
}

pub async fn video(
    State(services): State<Services>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    let id: VideoId = id.parse().map_err(|_| WebError::NotFound)?;
    let item = services.video(id).await?;
    let from = format!("video={}", item.video.id);
    Ok(render(&ListSheet {
        c: Chrome::new(&ctx, "", "video_products"),
        heading: "video_products",
        title: item.video.title.clone(),
        shop: item.merchant.map(|m| m.name).unwrap_or_default(),
        items: sheet_items(&item.products, &from, &ctx),
    })?)
}

/// The products pinned in a live room; the stream keeps playing behind.
pub async fn live(
    State(services): State<Services>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    let id: LiveRoomId = id.parse().map_err(|_| WebError::NotFound)?;
    let view = services.live_room(id).await?;
    let shop = crate::live::shop_name(&services, view.room.merchant_id).await?;
    Ok(render(&ListSheet {
        c: Chrome::new(&ctx, "", "live_products"),
        heading: "live_products",
        title: view.room.title.clone(),
        shop,
        items: sheet_items(&view.pinned, &format!("live={id}"), &ctx),
    })?)
}

fn sheet_items(products: &[Product], from: &str, ctx: &Ctx) -> Vec<SheetItem> {
    products
        .iter()
        .map(|p| SheetItem {
            url: format!("/sheet/{}?{from}", p.id),
            title: p.title.clone(),
            image: p.media.first().cloned(),
            price: from_price(p, ctx.lang),
            sold_out: p.total_stock() == 0,
        })
        .collect()
}
