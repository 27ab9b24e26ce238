//! Who is scrolling, as far as the feed may know without an account: a
//! random device id (`yc_did`), and the coarse region and interests a
//! visitor picked on `/settings/discovery`. All three live in cookies.

use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::Response;
use uuid::Uuid;
use yc_domain::fulfilment::Province;
use yc_services::feed::Viewer;

use crate::session::{Ctx, cookie, encode};

pub const DEVICE_COOKIE: &str = "yc_did";
pub const REGION_COOKIE: &str = "yc_region";
pub const INTERESTS_COOKIE: &str = "yc_interests";
const PREF_MAX_AGE: i64 = 2 * 365 * 24 * 3600;
/// Onboarding picks kept; the service reads at most ten.
pub const MAX_INTERESTS: usize = 10;
const MAX_CATEGORY_CHARS: usize = 40;

/// A device id minted for this request (the browser had none yet), so the
/// page that sets the cookie is already personal to it.
#[derive(Debug, Clone, Copy)]
struct Minted(Uuid);

/// The device id of the request: its cookie, or the one just minted.
pub fn device_of(parts: &Parts) -> Option<Uuid> {
    cookie(&parts.headers, DEVICE_COOKIE)
        .and_then(|v| v.parse().ok())
        .or_else(|| parts.extensions.get::<Minted>().map(|m| m.0))
}

/// Gives every browser a random device id on its first page view. Only
/// page views mint one: a POST without the cookie (blocked cookies) stays
/// anonymous rather than inventing a history nobody will come back to, and
/// cacheable assets never carry a Set-Cookie.
pub async fn ensure_device(mut req: Request, next: Next) -> Response {
    let has = cookie(req.headers(), DEVICE_COOKIE).is_some_and(|v| v.parse::<Uuid>().is_ok());
    let minted = (!has && req.method() == Method::GET).then(Uuid::new_v4);
    if let Some(id) = minted {
        req.extensions_mut().insert(Minted(id));
    }
    let mut res = next.run(req).await;
    if let Some(id) = minted
        && is_page(&res)
        && let Some(c) = pref_cookie(DEVICE_COOKIE, &id.to_string())
    {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

fn is_page(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"))
}

/// A long-lived, script-invisible cookie (the page never needs to read it).
pub fn pref_cookie(name: &str, value: &str) -> Option<HeaderValue> {
    let max_age = if value.is_empty() { 0 } else { PREF_MAX_AGE };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age}; SameSite=Lax; HttpOnly"
    ))
    .ok()
}

/// The region and interests a visitor chose, for cold start.
#[derive(Debug, Clone, Default)]
pub struct Prefs {
    pub region: Option<Province>,
    pub interests: Vec<String>,
}

impl Prefs {
    pub fn from_headers(headers: &HeaderMap) -> Prefs {
        let region = cookie(headers, REGION_COOKIE)
            .map(decode)
            .and_then(|r| Province::parse(&r));
        let interests = cookie(headers, INTERESTS_COOKIE)
            .map(decode)
            .map(|raw| clean_interests(raw.split(',')))
            .unwrap_or_default();
        Prefs { region, interests }
    }

    pub fn region_cookie(&self) -> Option<HeaderValue> {
        let value = self.region.map(|p| encode(p.name())).unwrap_or_default();
        pref_cookie(REGION_COOKIE, &value)
    }

    pub fn interests_cookie(&self) -> Option<HeaderValue> {
        pref_cookie(INTERESTS_COOKIE, &encode(&self.interests.join(",")))
    }

    /// The feed's viewer: the signed-in user (their history), the device
    /// (anonymous history, linked to the account once events carry both),
    /// and these picks.
    pub fn viewer(&self, ctx: &Ctx) -> Viewer {
        Viewer {
            user: ctx.user.clone(),
            device: ctx.device,
            region: self.region,
            interests: self.interests.clone(),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Prefs {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Prefs::from_headers(&parts.headers))
    }
}

/// Trimmed, non-empty, short, unique, at most `MAX_INTERESTS`.
pub fn clean_interests<'a>(raw: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in raw.map(str::trim).filter(|c| !c.is_empty()) {
        let c: String = c
            .chars()
            .filter(|ch| !ch.is_control() && *ch != ',')
            .take(MAX_CATEGORY_CHARS)
            .collect();
        if !c.is_empty() && !out.contains(&c) {
            out.push(c);
        }
        if out.len() == MAX_INTERESTS {
            break;
        }
    }
    out
}

fn decode(raw: &str) -> String {
    form_urlencoded::parse(format!("v={raw}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefs_round_trip_through_cookies() {
        let prefs = Prefs {
            region: Province::parse("广东"),
            interests: vec!["数码".into(), "女装".into()],
        };
        let region = prefs.region_cookie().unwrap();
        let interests = prefs.interests_cookie().unwrap();
        let pair = |h: &HeaderValue| h.to_str().unwrap().split(';').next().unwrap().to_owned();
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("{}; {}", pair(&region), pair(&interests))).unwrap(),
        );
        let back = Prefs::from_headers(&h);
        assert_eq!(back.region, Province::parse("广东"));
        assert_eq!(back.interests, vec!["数码", "女装"]);
        assert!(region.to_str().unwrap().contains("HttpOnly"));
    }

    #[test]
    fn interests_are_bounded_and_unique() {
        let many: Vec<String> = (0..30).map(|i| format!("c{i}")).collect();
        let cleaned = clean_interests(many.iter().map(String::as_str));
        assert_eq!(cleaned.len(), MAX_INTERESTS);
        let dup = clean_interests(["数码", " 数码 ", "", "x\u{7}y"].into_iter());
        assert_eq!(dup, vec!["数码", "xy"]);
    }
}
