//! `/me` (我的) and `/favorites` (收藏).

use askama::Template;
use axum::Json;
use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use yc_domain::ProductId;
use yc_domain::account::Role;
use yc_domain::page::{PageRequest, PageSize};
use yc_services::Services;

use crate::error::WebError;
use crate::i18n::t;
use crate::panel::from_price;
use crate::session::{Auth, safe_next, wants_fragment};
use crate::views::{Chrome, render};

pub struct Shortcut {
    pub label: &'static str,
    pub url: &'static str,
    pub icon: &'static str,
}

#[derive(Template)]
#[template(path = "me.html")]
pub struct MePage {
    pub c: Chrome,
    pub name: String,
    pub login: String,
    pub initial: String,
    pub shortcuts: Vec<Shortcut>,
    pub cart_count: usize,
    pub merchant: bool,
    pub admin: bool,
}

pub async fn me(State(services): State<Services>, auth: Auth) -> Result<Html<String>, WebError> {
    let lang = auth.ctx.lang;
    let shortcuts = [
        ("tab_to_pay", "/orders?status=pending_payment", "wallet"),
        ("tab_to_ship", "/orders?status=paid", "box"),
        ("tab_to_receive", "/orders?status=shipped", "truck"),
        ("tab_completed", "/orders?status=completed", "check"),
        ("tab_cancelled", "/orders?status=cancelled", "x"),
    ]
    .into_iter()
    .map(|(key, url, icon)| Shortcut {
        label: t(lang, key),
        url,
        icon,
    })
    .collect();
    Ok(render(&MePage {
        c: Chrome::new(&auth.ctx, "me", "me_title"),
        name: auth.user.display_name.clone(),
        login: auth.user.login.clone(),
        initial: auth
            .user
            .display_name
            .chars()
            .next()
            .map(String::from)
            .unwrap_or_default(),
        shortcuts,
        cart_count: services.cart_count(&auth.user).await?,
        merchant: auth.user.merchant_id.is_some(),
        admin: auth.user.role == Role::Admin,
    })?)
}

pub struct FavoriteView {
    pub id: String,
    pub url: String,
    pub title: String,
    pub image: Option<String>,
    pub price: String,
}

#[derive(Template)]
#[template(path = "favorites.html")]
pub struct FavoritesPage {
    pub c: Chrome,
    pub items: Vec<FavoriteView>,
    pub next_url: Option<String>,
}

#[derive(Deserialize)]
pub struct AfterQuery {
    pub after: Option<String>,
}

pub async fn favorites(
    State(services): State<Services>,
    auth: Auth,
    Query(q): Query<AfterQuery>,
) -> Result<Html<String>, WebError> {
    let page = PageRequest {
        size: PageSize::parse(Some(20))?,
        after: q.after.as_deref().and_then(|a| a.parse().ok()),
    };
    let favs = services.favorites(&auth.user, page).await?;
    Ok(render(&FavoritesPage {
        c: Chrome::new(&auth.ctx, "me", "favorites_title").with_back("/me"),
        items: favs
            .items
            .iter()
            .map(|p| FavoriteView {
                id: p.id.to_string(),
                url: format!("/products/{}", p.id),
                title: p.title.clone(),
                image: p.media.first().cloned(),
                price: from_price(p, auth.ctx.lang),
            })
            .collect(),
        next_url: favs.next.map(|n| format!("/favorites?after={n}")),
    })?)
}

#[derive(Deserialize)]
pub struct FavoriteForm {
    /// "1" to favorite, "0" to stop.
    pub on: String,
    pub next: Option<String>,
}

pub async fn set_favorite(
    State(services): State<Services>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
    Form(form): Form<FavoriteForm>,
) -> Result<Response, WebError> {
    let id: ProductId = id.parse().map_err(|_| WebError::NotFound)?;
    let on = form.on == "1";
    services.set_favorite(&auth.user, id, on).await?;
    if wants_fragment(&headers) {
        let key = if on { "favorited" } else { "unfavorited" };
        return Ok(Json(serde_json::json!({
            "ok": true,
            "favorite": on,
            "message": t(auth.ctx.lang, key),
        }))
        .into_response());
    }
    Ok(Redirect::to(&safe_next(form.next.as_deref())).into_response())
}
