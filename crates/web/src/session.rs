//! Cookies, the signed-in user and the request context every page needs.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::response::{IntoResponse, Redirect, Response};
use yc_domain::account::User;
use yc_services::Services;

use crate::error::WebError;
use crate::i18n::Lang;

pub const SESSION_COOKIE: &str = "yc_session";
pub const LANG_COOKIE: &str = "yc_lang";
const SESSION_MAX_AGE: i64 = 30 * 24 * 3600;
const LANG_MAX_AGE: i64 = 365 * 24 * 3600;

/// The value of one cookie of the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim_matches('"'))
}

pub fn lang_of(headers: &HeaderMap) -> Lang {
    Lang::from_code(cookie(headers, LANG_COOKIE).unwrap_or_default())
}

fn set_cookie(name: &str, value: &str, max_age: i64, http_only: bool) -> Option<HeaderValue> {
    let http_only = if http_only { "; HttpOnly" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age}; SameSite=Lax{http_only}"
    ))
    .ok()
}

pub fn session_cookie(token: &str) -> Option<HeaderValue> {
    set_cookie(SESSION_COOKIE, token, SESSION_MAX_AGE, true)
}

pub fn clear_session_cookie() -> Option<HeaderValue> {
    set_cookie(SESSION_COOKIE, "", 0, true)
}

pub fn lang_cookie(lang: Lang) -> Option<HeaderValue> {
    set_cookie(LANG_COOKIE, lang.code(), LANG_MAX_AGE, false)
}

/// A 303 to `to` that also sets a cookie.
pub fn redirect_with_cookie(to: &str, cookie: Option<HeaderValue>) -> Response {
    let mut res = Redirect::to(to).into_response();
    if let Some(c) = cookie {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

/// Only local paths are followed after login or a language switch: one
/// leading slash, no scheme, no backslash tricks.
pub fn safe_next(raw: Option<&str>) -> String {
    match raw {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.starts_with("/\\")
                && !p.chars().any(|c| c.is_control() || c == '\\')
                && p.len() <= 2000 =>
        {
            p.to_owned()
        }
        _ => "/".to_owned(),
    }
}

pub fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

pub fn login_url(next: &str) -> String {
    format!("/login?next={}", encode(&safe_next(Some(next))))
}

/// Language, the signed-in user (if any) and where the request went.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    pub user: Option<User>,
    pub token: Option<String>,
    /// Path and query of this request, for "come back here" links.
    pub here: String,
    /// The browser's random device id (`yc_did`), for the feed.
    pub device: Option<uuid::Uuid>,
}

impl FromRequestParts<Services> for Ctx {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &Services) -> Result<Self, WebError> {
        let lang = lang_of(&parts.headers);
        let token = cookie(&parts.headers, SESSION_COOKIE)
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        let user = match &token {
            Some(t) => state.authenticate(t).await?,
            None => None,
        };
        let here = parts
            .uri
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned());
        Ok(Ctx {
            lang,
            user,
            token,
            here,
            device: crate::prefs::device_of(parts),
        })
    }
}

/// A page that needs a signed-in user; anonymous visitors go to the login
/// page and come back afterwards.
#[derive(Debug, Clone)]
pub struct Auth {
    pub ctx: Ctx,
    pub user: User,
}

impl FromRequestParts<Services> for Auth {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &Services) -> Result<Self, Response> {
        let ctx = Ctx::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        match ctx.user.clone() {
            Some(user) => Ok(Auth { ctx, user }),
            None => {
                // A form posted while signed out comes back to the page it was on.
                let next = if parts.method == Method::GET {
                    ctx.here.clone()
                } else {
                    referer_path(&parts.headers).unwrap_or_else(|| "/".to_owned())
                };
                Err(WebError::Login(next).into_response())
            }
        }
    }
}

/// The local path of the Referer header, when it points at this host.
pub fn referer_path(headers: &HeaderMap) -> Option<String> {
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let rest = referer
        .strip_prefix("http://")
        .or_else(|| referer.strip_prefix("https://"))?;
    let path = rest.strip_prefix(host)?;
    path.starts_with('/').then(|| safe_next(Some(path)))
}

/// Requests made by app.js (fetch) ask for JSON or fragments.
pub fn wants_fragment(headers: &HeaderMap) -> bool {
    headers.contains_key("x-fragment")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_must_be_a_local_path() {
        assert_eq!(safe_next(Some("/orders?x=1")), "/orders?x=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("orders")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn reads_cookies() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; yc_session=abc; yc_lang=en"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(lang_of(&h), Lang::En);
        assert_eq!(cookie(&h, "b"), None);
    }
}
