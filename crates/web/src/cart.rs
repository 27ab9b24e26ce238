//! `/cart` grouped by shop, and the buy form's two actions: add to cart
//! and buy now. app.js posts with `X-Fragment` and gets JSON back.

use askama::Template;
use axum::Json;
use axum::extract::{Form, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use yc_domain::{ProductId, SkuId};
use yc_services::Services;
use yc_services::shopping::CartGroup;

use crate::error::WebError;
use crate::fmt;
use crate::i18n::{Lang, t};
use crate::panel::resolve_sku;
use crate::session::{Auth, wants_fragment};
use crate::views::{Chrome, render};

pub struct LineView {
    pub sku: String,
    pub product_url: String,
    pub title: String,
    pub spec: String,
    pub image: Option<String>,
    pub price: String,
    pub qty: u32,
    pub max_qty: i64,
    pub available: bool,
}

pub struct GroupView {
    pub shop: String,
    pub lines: Vec<LineView>,
    pub subtotal: String,
    /// `None` when nothing in this shop can be bought right now.
    pub checkout_url: Option<String>,
}

#[derive(Template)]
#[template(path = "cart.html")]
pub struct CartPage {
    pub c: Chrome,
    pub groups: Vec<GroupView>,
}

pub async fn page(State(services): State<Services>, auth: Auth) -> Result<Html<String>, WebError> {
    let groups = services.cart(&auth.user).await?;
    Ok(render(&CartPage {
        c: Chrome::new(&auth.ctx, "cart", "cart_title"),
        groups: groups.iter().map(group_view).collect(),
    })?)
}

fn group_view(g: &CartGroup) -> GroupView {
    let any_available = g.lines.iter().any(|l| l.available);
    GroupView {
        shop: g.merchant.name.clone(),
        lines: g
            .lines
            .iter()
            .map(|l| LineView {
                sku: l.sku.id.to_string(),
                product_url: format!("/products/{}", l.product.id),
                title: l.product.title.clone(),
                spec: l.spec_label.clone(),
                image: l.product.media.first().cloned(),
                price: fmt::price(l.sku.price),
                qty: l.quantity,
                max_qty: l.sku.stock.clamp(1, 99),
                available: l.available,
            })
            .collect(),
        subtotal: fmt::price(g.subtotal),
        checkout_url: any_available
            .then(|| format!("/checkout?from_cart=1&merchant={}", g.merchant.id)),
    }
}

/// The buy form of the product panel.
#[derive(Deserialize)]
pub struct BuyForm {
    pub product: Option<String>,
    pub sku: Option<String>,
    pub spec0: Option<String>,
    pub spec1: Option<String>,
    pub spec2: Option<String>,
    pub qty: Option<String>,
}

impl BuyForm {
    fn quantity(&self) -> i64 {
        self.qty
            .as_deref()
            .and_then(|q| q.trim().parse().ok())
            .unwrap_or(1)
    }

    /// With JS the form names its SKU; without, the chosen chips do.
    async fn sku(&self, services: &Services) -> Result<SkuId, WebError> {
        if let Some(id) = self.sku.as_deref().and_then(|s| s.trim().parse().ok()) {
            return Ok(id);
        }
        let product: ProductId = self
            .product
            .as_deref()
            .and_then(|p| p.parse().ok())
            .ok_or(WebError::BadRequest("err_bad_request"))?;
        let detail = services.product_detail(None, product).await?;
        let specs = [self.spec0.clone(), self.spec1.clone(), self.spec2.clone()];
        resolve_sku(&detail.product, None, &specs).ok_or(WebError::BadRequest("err_choose_spec"))
    }
}

pub async fn add(
    State(services): State<Services>,
    auth: Auth,
    headers: HeaderMap,
    Form(form): Form<BuyForm>,
) -> Result<Response, WebError> {
    let sku = form.sku(&services).await?;
    services.cart_add(&auth.user, sku, form.quantity()).await?;
    if wants_fragment(&headers) {
        let count = services.cart_count(&auth.user).await?;
        return Ok(Json(serde_json::json!({
            "ok": true,
            "message": t(auth.ctx.lang, "added_to_cart"),
            "cart_count": count,
        }))
        .into_response());
    }
    Ok(Redirect::to("/cart").into_response())
}

/// 立即购买: straight to checkout with this SKU.
pub async fn buy_now(
    State(services): State<Services>,
    Form(form): Form<BuyForm>,
) -> Result<Redirect, WebError> {
    let sku = form.sku(&services).await?;
    let qty = form
        .quantity()
        .clamp(1, i64::from(yc_domain::cart::MAX_QTY_PER_LINE));
    Ok(Redirect::to(&format!("/checkout?sku={sku}&qty={qty}")))
}

#[derive(Deserialize)]
pub struct LineForm {
    pub sku: String,
    pub qty: Option<String>,
}

fn parse_sku(raw: &str) -> Result<SkuId, WebError> {
    raw.trim()
        .parse()
        .map_err(|_| WebError::BadRequest("err_bad_request"))
}

pub async fn update(
    State(services): State<Services>,
    auth: Auth,
    headers: HeaderMap,
    Form(form): Form<LineForm>,
) -> Result<Response, WebError> {
    let sku = parse_sku(&form.sku)?;
    let qty = form
        .qty
        .as_deref()
        .and_then(|q| q.trim().parse::<i64>().ok())
        .unwrap_or(1);
    services.cart_set(&auth.user, sku, qty).await?;
    Ok(done(&headers, auth.ctx.lang, "cart_updated"))
}

pub async fn remove(
    State(services): State<Services>,
    auth: Auth,
    headers: HeaderMap,
    Form(form): Form<LineForm>,
) -> Result<Response, WebError> {
    services
        .cart_remove(&auth.user, parse_sku(&form.sku)?)
        .await?;
    Ok(done(&headers, auth.ctx.lang, "cart_removed"))
}

fn done(headers: &HeaderMap, lang: Lang, key: &'static str) -> Response {
    if wants_fragment(headers) {
        return Json(serde_json::json!({ "ok": true, "message": t(lang, key), "reload": true }))
            .into_response();
    }
    Redirect::to("/cart").into_response()
}
