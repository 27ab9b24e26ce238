//! The stylesheets and scripts, embedded in the binary. URLs carry a
//! content hash so browsers may cache them for a long time. `app.*` serve
//! every page (with `events.js`, the behaviour-event queue); `live.*` only
//! the live pages, `feed.js` the feed, `search.js` the search page.

use axum::http::header;
use axum::response::IntoResponse;

const CSS: &str = include_str!("../static/app.css");
const JS: &str = include_str!("../static/app.js");
const LIVE_CSS: &str = include_str!("../static/live.css");
const LIVE_JS: &str = include_str!("../static/live.js");
const EVENTS_JS: &str = include_str!("../static/events.js");
const FEED_JS: &str = include_str!("../static/feed.js");
const SEARCH_JS: &str = include_str!("../static/search.js");

/// FNV-1a, computed at compile time: changes whenever the file changes.
const fn fnv(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    hash
}

const CSS_VERSION: u64 = fnv(CSS.as_bytes());
const JS_VERSION: u64 = fnv(JS.as_bytes());
const LIVE_CSS_VERSION: u64 = fnv(LIVE_CSS.as_bytes());
const LIVE_JS_VERSION: u64 = fnv(LIVE_JS.as_bytes());
const EVENTS_JS_VERSION: u64 = fnv(EVENTS_JS.as_bytes());
const FEED_JS_VERSION: u64 = fnv(FEED_JS.as_bytes());
const SEARCH_JS_VERSION: u64 = fnv(SEARCH_JS.as_bytes());
const CACHE: &str = "public, max-age=31536000, immutable";
const CSS_TYPE: &str = "text/css; charset=utf-8";
const JS_TYPE: &str = "text/javascript; charset=utf-8";

pub fn css_url() -> String {
    format!("/static/app.css?v={CSS_VERSION:x}")
}

pub fn js_url() -> String {
    format!("/static/app.js?v={JS_VERSION:x}")
}

pub fn live_css_url() -> String {
    format!("/static/live.css?v={LIVE_CSS_VERSION:x}")
}

pub fn live_js_url() -> String {
    format!("/static/live.js?v={LIVE_JS_VERSION:x}")
}

pub fn events_js_url() -> String {
    format!("/static/events.js?v={EVENTS_JS_VERSION:x}")
}

pub fn feed_js_url() -> String {
    format!("/static/feed.js?v={FEED_JS_VERSION:x}")
}

pub fn search_js_url() -> String {
    format!("/static/search.js?v={SEARCH_JS_VERSION:x}")
}

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, CACHE),
        ],
        body,
    )
}

pub async fn css() -> impl IntoResponse {
    asset(CSS_TYPE, CSS)
}

pub async fn js() -> impl IntoResponse {
    asset(JS_TYPE, JS)
}

pub async fn live_css() -> impl IntoResponse {
    asset(CSS_TYPE, LIVE_CSS)
}

pub async fn live_js() -> impl IntoResponse {
    asset(JS_TYPE, LIVE_JS)
}

pub async fn events_js() -> impl IntoResponse {
    asset(JS_TYPE, EVENTS_JS)
}

pub async fn feed_js() -> impl IntoResponse {
    asset(JS_TYPE, FEED_JS)
}

pub async fn search_js() -> impl IntoResponse {
    asset(JS_TYPE, SEARCH_JS)
}
