//! `/orders` with status tabs, `/orders/{id}` with its timeline, and the
//! pending order's actions: 去支付 and 取消订单.

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
use crate::order_parts::{
    LineView, MethodView, line_views, method_views, note_text, status_hint_key, status_label,
};
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

pub struct EventView {
    pub label: &'static str,
    pub note: String,
    pub at: String,
    pub latest: bool,
}

#[derive(Template)]
#[template(path = "order.html")]
pub struct OrderPage {
    pub c: Chrome,
    pub id: String,
    pub status: &'static str,
    pub status_label: &'static str,
    /// One line on what happens next.
    pub status_hint: &'static str,
    pub timeline: Vec<EventView>,
    pub lines: Vec<LineView>,
    pub recipient: String,
    pub phone: String,
    pub region: String,
    pub detail: String,
    pub total: String,
    pub created: String,
    pub pending: bool,
    pub deadline_ms: i64,
    pub now_ms: i64,
    pub remaining: String,
    pub methods: Vec<MethodView>,
    pub key: String,
    /// A payment was just confirmed: refresh until the callback lands.
    pub poll: bool,
    pub notice: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct DetailQuery {
    pub paid: Option<String>,
    pub notice: Option<String>,
}

fn order_id(raw: &str) -> Result<OrderId, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

pub async fn detail(
    State(services): State<Services>,
    auth: Auth,
    Path(id): Path<String>,
    Query(q): Query<DetailQuery>,
) -> Result<Html<String>, WebError> {
    let lang = auth.ctx.lang;
    let order = services.order(&auth.user, order_id(&id)?).await?;
    let pending = order.status == OrderStatus::PendingPayment;
    let methods = if pending {
        services.payment_methods(&auth.user).await?
    } else {
        Vec::new()
    };
    let now = services.now();
    let last = order.timeline.len().saturating_sub(1);
    let page = OrderPage {
        c: Chrome::new(&auth.ctx, "", "order_title").with_back("/orders"),
        id: order.id.to_string(),
        status: order.status.as_str(),
        status_label: status_label(order.status, lang),
        status_hint: t(lang, status_hint_key(order.status)),
        timeline: order
            .timeline
            .iter()
            .enumerate()
            .rev()
            .map(|(i, e)| EventView {
                label: status_label(e.status, lang),
                note: note_text(&e.note, lang),
                at: fmt::datetime(e.at),
                latest: i == last,
            })
            .collect(),
        lines: line_views(&order.lines),
        recipient: order.address.recipient.clone(),
        phone: yc_domain::address::mask_phone(&order.address.phone),
        region: order.address.region.clone(),
        detail: order.address.detail.clone(),
        total: fmt::price(order.total),
        created: fmt::datetime(order.created_at),
        pending,
        deadline_ms: order.pay_deadline.millis(),
        now_ms: now.millis(),
        remaining: fmt::countdown(now.millis_until(order.pay_deadline)),
        methods: method_views(&methods, lang),
        key: uuid::Uuid::now_v7().to_string(),
        poll: pending && q.paid.as_deref() == Some("1"),
        notice: match q.notice.as_deref() {
            Some("pay_failed") => Some(t(lang, "notice_pay_failed")),
            Some("cancelled") => Some(t(lang, "notice_cancelled")),
            _ => None,
        },
    };
    Ok(render(&page)?)
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
