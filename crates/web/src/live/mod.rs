//! Live rooms: `/live` lists them; `/live/{id}` plays the stream full
//! screen with the flash-sale card, the pinned products behind the yellow
//! cart, and live comments. live.js follows the room's server-sent events
//! (`/api/v1/live/{id}/events`) and posts taps and comments to `actions`.

mod actions;
mod sale;

pub use actions::{buy, comment};

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use serde::Deserialize;
use yc_domain::catalog::{Product, ProductStatus};
use yc_domain::page::{PageRequest, PageSize};
use yc_domain::{LiveRoomId, MerchantId};
use yc_services::{ServiceError, Services};

use crate::error::WebError;
use crate::i18n::{Lang, t};
use crate::panel::script_safe;
use crate::session::{Ctx, encode};
use crate::views::{Chrome, render};
use sale::{LiveData, LiveText, SaleCard, SaleData, featured};

/// How long an unpaid flash order holds its unit when no sale says.
const DEFAULT_PAY_WINDOW_MS: i64 = 5 * 60_000;

pub struct RoomCard {
    pub url: String,
    pub title: String,
    pub shop: String,
    pub poster: String,
    pub viewers: String,
}

#[derive(Template)]
#[template(path = "live_list.html")]
pub struct ListPage {
    pub c: Chrome,
    pub rooms: Vec<RoomCard>,
    pub next_url: Option<String>,
}

#[derive(Template)]
#[template(path = "live_room.html")]
pub struct RoomPage {
    pub c: Chrome,
    pub title: String,
    pub shop: String,
    pub shop_initial: String,
    pub viewers: String,
    /// An MP4 (or any natively playable) stream.
    pub stream_src: Option<String>,
    /// An HLS stream: live.js plays it where the browser can.
    pub hls_src: Option<String>,
    pub poster: String,
    pub pinned: usize,
    pub sheet_url: String,
    pub first_product_url: Option<String>,
    pub cart_label: String,
    pub sale: Option<SaleCard>,
    pub comment_url: String,
    pub data_json: String,
}

#[derive(Deserialize)]
pub struct ListQuery {
    pub after: Option<String>,
}

fn viewers_text(lang: Lang, n: usize) -> String {
    t(lang, "live_viewers").replace("{n}", &n.to_string())
}

/// The name of the shop hosting a room.
pub async fn shop_name(services: &Services, merchant: MerchantId) -> Result<String, WebError> {
    let found = services.merchants(&[merchant]).await?;
    Ok(found.into_iter().next().map(|m| m.name).unwrap_or_default())
}

pub async fn list(
    State(services): State<Services>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, WebError> {
    let page = PageRequest {
        size: PageSize::parse(Some(20))?,
        after: q.after.and_then(|a| a.parse().ok()),
    };
    let rooms = services.live_rooms(page).await?;
    let ids: Vec<MerchantId> = rooms.items.iter().map(|r| r.merchant_id).collect();
    let shops = services.merchants(&ids).await?;
    let cards = rooms
        .items
        .iter()
        .map(|r| RoomCard {
            url: format!("/live/{}", r.id),
            title: r.title.clone(),
            shop: shops
                .iter()
                .find(|m| m.id == r.merchant_id)
                .map(|m| m.name.clone())
                .unwrap_or_default(),
            poster: r.poster_url.clone(),
            viewers: viewers_text(ctx.lang, services.live.viewers(r.id)),
        })
        .collect();
    Ok(render(&ListPage {
        c: Chrome::new(&ctx, "home", "live_title").with_history_back("/"),
        rooms: cards,
        next_url: rooms.next.map(|n| format!("/live?after={n}")),
    })?)
}

fn is_hls(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.to_ascii_lowercase().ends_with(".m3u8")
}

pub async fn room(
    State(services): State<Services>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Html<String>, WebError> {
    let id: LiveRoomId = id.parse().map_err(|_| WebError::NotFound)?;
    let view = services.live_room(id).await?;
    let lang = ctx.lang;
    let shop = shop_name(&services, view.room.merchant_id).await?;
    let pinned: Vec<&Product> = view
        .pinned
        .iter()
        .filter(|p| p.status == ProductStatus::Active)
        .collect();
    let featured = featured(&view.sales);
    let sale = match featured {
        Some(v) => {
            let product = match pinned.iter().find(|p| p.id == v.sale.product_id) {
                Some(p) => Some((*p).clone()),
                None => services
                    .product_detail(None, v.sale.product_id)
                    .await
                    .ok()
                    .map(|d| d.product),
            };
            let ship_to = match &ctx.user {
                Some(user) => services.ship_to(user).await?,
                None => None,
            };
            let card = SaleCard::build(id, v, product.as_ref(), lang).shipping_to(ship_to.as_ref());
            Some((card, v))
        }
        None => None,
    };
    let pay_window = featured.map_or(DEFAULT_PAY_WINDOW_MS, |v| v.sale.pay_window_ms);
    let data = LiveData {
        room: id.to_string(),
        events: format!("/api/v1/live/{id}/events"),
        login: format!("/login?next={}", encode(&format!("/live/{id}"))),
        add_address: format!("/addresses/new?next={}", encode(&format!("/live/{id}"))),
        sale: sale
            .as_ref()
            .map(|(card, v)| SaleData::new(card, v, services.now())),
        text: LiveText::new(lang, pay_window),
    };
    let data_json = serde_json::to_string(&data).map_err(ServiceError::from)?;
    let room = &view.room;
    let hls = is_hls(&room.stream_url);
    let sheet_url = match pinned.as_slice() {
        [only] => format!("/sheet/{}?live={id}", only.id),
        _ => format!("/sheet/live/{id}"),
    };
    Ok(render(&RoomPage {
        c: Chrome::new(&ctx, "", "live_title")
            .with_title(room.title.clone())
            .with_history_back("/live"),
        title: room.title.clone(),
        shop_initial: shop.chars().next().map(String::from).unwrap_or_default(),
        shop,
        // Counting this viewer, whose events stream has not joined yet.
        viewers: viewers_text(lang, view.viewers + 1),
        stream_src: (!hls).then(|| room.stream_url.clone()),
        hls_src: hls.then(|| room.stream_url.clone()),
        poster: room.poster_url.clone(),
        pinned: pinned.len(),
        sheet_url,
        first_product_url: pinned.first().map(|p| format!("/products/{}", p.id)),
        cart_label: t(lang, "live_cart_label").replace("{n}", &pinned.len().to_string()),
        sale: sale.map(|(card, _)| card),
        comment_url: format!("/live/{id}/comments"),
        data_json: script_safe(&data_json),
    })?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hls_is_told_apart_by_its_path() {
        assert!(is_hls("https://cdn.example/live/x.m3u8"));
        assert!(is_hls("/live/X.M3U8?token=1"));
        assert!(!is_hls("/assets/demo/videos/live01.mp4"));
        assert!(!is_hls("/a.mp4?f=.m3u8"));
    }
}
