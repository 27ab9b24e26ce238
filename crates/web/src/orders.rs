//! `/orders` with status tabs, and the pending order's actions: 去支付 and
//! 取消订单. The order page itself is `order_page`.

use askama::Template;
use axum::Json;
use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, Redirect};
use serde::Deserialize;
use yc_domain::OrderId;
use yc_domain::order::{Order, OrderStatus};
use yc_domain::page::{PageRequest, PageSize};
use yc_domain::payment::PaymentMethod;
use yc_services::Services;

use crate::checkout::start_payment;
use crate::error::WebError;
use crate::fmt;
use crate::i18n::{Lang, t};
use crate::order_parts::{LineView, line_views, status_label};
use crate::session::Auth;
use crate::views::{Chrome, render};

pub struct TabView {
    pub label: &'static str,
    pub url: &'static str,
    pub active: bool,
}

pub struct OrderCard {
    pub url: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub first: Option<LineView>,
    pub more: usize,
    pub count: u32,
    pub total: String,
    pub created: String,
    pub pending: bool,
}

#[derive(Template)]
#[template(path = "orders.html")]
pub struct OrdersPage {
    pub c: Chrome,
    pub tabs: Vec<TabView>,
    pub orders: Vec<OrderCard>,
    pub next_url: Option<String>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    pub status: Option<String>,
    pub after: Option<String>,
}

const TABS: [(&str, &str, &str); 6] = [
    ("", "tab_all", "/orders"),
    (
        "pending_payment",
        "tab_to_pay",
        "/orders?status=pending_payment",
    ),
    ("paid", "tab_to_ship", "/orders?status=paid"),
    ("shipped", "tab_to_receive", "/orders?status=shipped"),
    ("completed", "tab_completed", "/orders?status=completed"),
    ("cancelled", "tab_cancelled", "/orders?status=cancelled"),
];

pub async fn list(
    State(services): State<Services>,
    auth: Auth,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, WebError> {
    let lang = auth.ctx.lang;
    let status = q.status.as_deref().and_then(OrderStatus::parse);
    let page = PageRequest {
        size: PageSize::parse(Some(10))?,
        after: q.after.as_deref().and_then(|a| a.parse().ok()),
    };
    let orders = services.orders(&auth.user, status, page).await?;
    let current = status.map_or("", OrderStatus::as_str);
    let next_url = orders.next.map(|n| match status {
        Some(s) => format!("/orders?status={}&after={n}", s.as_str()),
        None => format!("/orders?after={n}"),
    });
    Ok(render(&OrdersPage {
        c: Chrome::new(&auth.ctx, "me", "orders_title").with_back("/me"),
        tabs: TABS
            .iter()
            .map(|(s, key, url)| TabView {
                label: t(lang, key),
                url,
                active: *s == current,
            })
            .collect(),
        orders: orders.items.iter().map(|o| card(o, lang)).collect(),
        next_url,
    })?)
}

fn card(o: &Order, lang: Lang) -> OrderCard {
    OrderCard {
        url: format!("/orders/{}", o.id),
        status: o.status.as_str(),
        status_label: status_label(o.status, lang),
        first: line_views(&o.lines).into_iter().next(),
        more: o.lines.len().saturating_sub(1),
        count: o.lines.iter().map(|l| l.quantity).sum(),
        total: fmt::price(o.total),
        created: fmt::datetime(o.created_at),
        pending: o.status == OrderStatus::PendingPayment,
    }
}

pub fn order_id(raw: &str) -> Result<OrderId, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

/// For the poll on the order page.
pub async fn status(
    State(services): State<Services>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<serde_json::Value>, WebError> {
    let order = services.order(&auth.user, order_id(&id)?).await?;
    Ok(Json(serde_json::json!({ "status": order.status.as_str() })))
}

#[derive(Deserialize)]
pub struct PayForm {
    pub method: Option<String>,
    pub key: String,
}

pub async fn pay(
    State(services): State<Services>,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<PayForm>,
) -> Result<Redirect, WebError> {
    let method = form
        .method
        .as_deref()
        .and_then(PaymentMethod::parse)
        .ok_or(WebError::BadRequest("err_choose_method"))?;
    start_payment(&services, &auth, order_id(&id)?, method, &form.key).await
}

pub async fn cancel(
    State(services): State<Services>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Redirect, WebError> {
    let order = services.cancel_order(&auth.user, order_id(&id)?).await?;
    Ok(Redirect::to(&format!(
        "/orders/{}?notice=cancelled",
        order.id
    )))
}
