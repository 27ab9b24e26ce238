//! Server-rendered, mobile-first web UI of yellowcart: the video feed with
//! the yellow cart's bottom sheet, product pages, cart, checkout, the
//! sandbox cashier, orders, the account pages, and live rooms with flash
//! sales (秒杀). Handlers are thin: they parse the request, call
//! `Services`, and render an askama template.

mod account;
mod addresses;
mod assets;
mod auth;
mod cart;
mod checkout;
mod csrf;
mod error;
mod feed;
mod fmt;
mod i18n;
mod live;
mod order_parts;
mod orders;
mod panel;
mod product;
mod sandbox;
mod session;
mod sheet;
mod views;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::middleware::{from_fn, map_response};
use axum::response::Response;
use axum::routing::{get, post};
use yc_services::Services;

pub use i18n::Lang;

pub fn router(services: Services) -> Router {
    Router::new()
        .route("/", get(feed::feed))
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
        .route("/orders/{id}", get(orders::detail))
        .route("/orders/{id}/status", get(orders::status))
        .route("/orders/{id}/pay", post(orders::pay))
        .route("/orders/{id}/cancel", post(orders::cancel))
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
        .layer(from_fn(csrf::guard))
        .layer(from_fn(error::render_errors))
        .layer(map_response(security_headers))
        .with_state(services)
}

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
