//! Server-rendered, mobile-first web UI of yellowcart: the video feed with
//! the yellow cart's bottom sheet (千人千面: ordered per viewer, learning from
//! the behaviour events the pages report), product search, product pages,
//! cart, checkout, the sandbox cashier, orders with parcel tracking and
//! after-sales (售后), the account pages, live rooms with flash sales (秒杀),
//! the merchant panel (发货, 售后) and the operators' arbitration queue.
//! Handlers are thin: they parse the request, call `Services`, and render an
//! askama template.

mod account;
mod addresses;
mod admin;
mod aftersales;
mod assets;
mod auth;
mod cart;
mod checkout;
mod csrf;
mod error;
mod events;
mod feed;
mod fmt;
mod i18n;
mod labels;
mod live;
mod merchant;
mod merchant_aftersales;
mod order_page;
mod order_parts;
mod orders;
mod panel;
mod parcels;
mod prefs;
mod product;
mod reasons;
mod request_card;
mod sandbox;
mod search;
mod session;
mod settings;
mod sheet;
mod views;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, header};
use axum::middleware::{from_fn, map_response};
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use yc_services::Services;

pub use i18n::Lang;

pub fn router(services: Services) -> Router {
    Router::new()
        .route("/", get(feed::feed))
        .route("/feed/page", get(feed::more))
        .route(
            "/events",
            post(events::record).layer(DefaultBodyLimit::max(events::MAX_EVENTS_BODY)),
        )
        .route("/search", get(search::page))
        .route("/search/suggest", get(search::suggest))
        .route(
            "/settings/discovery",
            get(settings::page).post(settings::save),
        )
        .route("/sheet/{id}", get(sheet::product))
        .route("/sheet/video/{id}", get(sheet::video))
        .route("/sheet/live/{id}", get(sheet::live))
        .route("/live", get(live::list))
        .route("/live/{id}", get(live::room))
        .route("/live/{id}/comments", post(live::comment))
        .route("/live/{id}/sales/{sale}/buy", post(live::buy))
        .route("/products/{id}", get(product::page))
        .route("/cart", get(cart::page))
        .route("/cart/add", post(cart::add))
        .route("/cart/update", post(cart::update))
        .route("/cart/remove", post(cart::remove))
        .route("/buy", post(cart::buy_now))
        .route("/checkout", get(checkout::page).post(checkout::submit))
        .route(
            "/sandbox/pay/{channel}",
            get(sandbox::cashier).post(sandbox::confirm),
        )
        .route("/orders", get(orders::list))
        .route("/orders/{id}", get(order_page::detail))
        .route("/orders/{id}/status", get(orders::status))
        .route("/orders/{id}/pay", post(orders::pay))
        .route("/orders/{id}/cancel", post(orders::cancel))
        .route("/orders/{id}/confirm", post(parcels::confirm_receipt))
        .route(
            "/orders/{id}/lines/{sku}/aftersales",
            get(aftersales::new_form).post(aftersales::open),
        )
        .route("/parcels/{tracking_no}/advance", post(parcels::advance))
        .route(
            "/aftersales/evidence",
            post(aftersales::evidence).layer(DefaultBodyLimit::max(EVIDENCE_BODY_LIMIT)),
        )
        .route("/aftersales/{id}/ship-back", post(aftersales::ship_back))
        .route("/aftersales/{id}/buyer", post(aftersales::buyer_action))
        .route(
            "/merchant",
            get(|| async { Redirect::to("/merchant/ship") }),
        )
        .route(
            "/merchant/ship",
            get(merchant::ship_page).post(merchant::ship),
        )
        .route("/merchant/insurance", post(merchant::set_insurance))
        .route("/merchant/aftersales", get(merchant_aftersales::queue))
        .route("/merchant/aftersales/{id}", post(merchant_aftersales::act))
        .route(
            "/merchant/aftersales/{id}/restock",
            post(merchant_aftersales::restock),
        )
        .route("/admin/arbitration", get(admin::queue))
        .route("/admin/arbitration/{id}", post(admin::decide))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/register", get(auth::register_page).post(auth::register))
        .route("/logout", post(auth::logout))
        .route("/lang/{code}", get(auth::switch_lang))
        .route("/me", get(account::me))
        .route("/favorites", get(account::favorites))
        .route("/favorites/{id}", post(account::set_favorite))
        .route("/addresses", get(addresses::list).post(addresses::create))
        .route("/addresses/new", get(addresses::new_form))
        .route("/addresses/{id}", post(addresses::update))
        .route("/addresses/{id}/edit", get(addresses::edit_form))
        .route("/addresses/{id}/default", post(addresses::make_default))
        .route("/addresses/{id}/delete", post(addresses::delete))
        .route("/static/app.css", get(assets::css))
        .route("/static/app.js", get(assets::js))
        .route("/static/live.css", get(assets::live_css))
        .route("/static/live.js", get(assets::live_js))
        .route("/static/events.js", get(assets::events_js))
        .route("/static/feed.js", get(assets::feed_js))
        .route("/static/search.js", get(assets::search_js))
        .layer(from_fn(csrf::guard))
        .layer(from_fn(prefs::ensure_device))
        .layer(from_fn(error::render_errors))
        .layer(map_response(security_headers))
        .with_state(services)
}

/// An evidence photo may be 5 MB; a little more lets the service, not the
/// body limit, say so in words.
const EVIDENCE_BODY_LIMIT: usize = yc_services::media::MAX_IMAGE_BYTES + 64 * 1024;

const CSP: &str = "default-src 'self'; img-src 'self' https: data:; media-src 'self' https:; \
     style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

/// Pages are personal (cart, orders): not stored by shared caches. Only
/// our own script and stylesheet run; nobody frames the pages.
async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("private, no-cache"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    res
}
