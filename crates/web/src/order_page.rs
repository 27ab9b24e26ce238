//! `/orders/{id}`: status and timeline, parcels with tracking and ETA, the
//! order's after-sales requests, its 运费险, and what the buyer can do now
//! (pay, cancel, confirm receipt, 申请售后 per line).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use serde::Deserialize;
use yc_domain::aftersales::InsuranceSource;
use yc_domain::order::{Order, OrderStatus};
use yc_services::Services;

use crate::aftersales::eligible;
use crate::error::WebError;
use crate::fmt;
use crate::i18n::{Lang, t};
use crate::labels::insurance_key;
use crate::order_parts::{
    LineView, MethodView, line_views, method_views, note_text, status_hint_key, status_label,
};
use crate::orders::order_id;
use crate::parcels::{ParcelCard, parcel_cards};
use crate::request_card::RequestCard;
use crate::session::Auth;
use crate::views::{Chrome, render};

pub struct EventView {
    pub label: &'static str,
    pub note: String,
    pub at: String,
    pub latest: bool,
}

pub struct InsuranceView {
    pub source: &'static str,
    pub label: &'static str,
    pub premium: Option<String>,
    pub claimed: bool,
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
    pub delivered: bool,
    pub deadline_ms: i64,
    pub now_ms: i64,
    pub remaining: String,
    pub methods: Vec<MethodView>,
    pub key: String,
    /// A payment was just confirmed: refresh until the callback lands.
    pub poll: bool,
    pub notice: Option<&'static str>,
    pub parcels: Vec<ParcelCard>,
    pub requests: Vec<RequestCard>,
    pub insurance: Option<InsuranceView>,
    /// For the shared request card: whose actions it shows, and where
    /// parcel actions come back to.
    pub mode: &'static str,
    pub back: String,
}

#[derive(Deserialize)]
pub struct DetailQuery {
    pub paid: Option<String>,
    pub notice: Option<String>,
}

fn notice(raw: Option<&str>, lang: Lang) -> Option<&'static str> {
    let key = match raw? {
        "pay_failed" => "notice_pay_failed",
        "cancelled" => "notice_cancelled",
        "received" => "notice_received",
        "aftersales_opened" => "notice_as_opened",
        "shipped_back" => "notice_shipped_back",
        "aftersales_cancelled" => "notice_as_cancelled",
        "aftersales_escalated" => "notice_as_escalated",
        _ => return None,
    };
    Some(t(lang, key))
}

fn insurance_view(order: &Order, claimed_by_request: bool, lang: Lang) -> Option<InsuranceView> {
    let i = order.insurance?;
    Some(InsuranceView {
        source: match i.source {
            InsuranceSource::BoughtAtCheckout => "bought",
            InsuranceSource::GrantedByMerchant => "granted",
        },
        label: t(lang, insurance_key(i.source)),
        premium: (i.premium.amount_minor > 0).then(|| fmt::money(i.premium)),
        claimed: i.claimed || claimed_by_request,
    })
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
    let tracking = services.order_tracking(&auth.user, order.id).await?;
    let requests = services.order_aftersales(&auth.user, order.id).await?;
    let now = services.now();
    let last = order.timeline.len().saturating_sub(1);
    let can_apply = eligible(order.status);
    let mut lines = line_views(&order.lines);
    for (view, line) in lines.iter_mut().zip(&order.lines) {
        view.aftersales_url =
            can_apply.then(|| format!("/orders/{}/lines/{}/aftersales", order.id, line.sku_id));
    }
    let cards = requests
        .iter()
        .map(|v| {
            let mut card = RequestCard::build(v, lang, now);
            if let Some(l) = order.lines.iter().find(|l| l.sku_id == v.request.sku_id) {
                card.item = format!("{} {}", l.title, l.spec_label);
            }
            card
        })
        .collect();
    let claimed = requests.iter().any(|v| v.request.claim.is_some());
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
        lines,
        recipient: order.address.recipient.clone(),
        phone: yc_domain::address::mask_phone(&order.address.phone),
        region: order.address.region.clone(),
        detail: order.address.detail.clone(),
        total: fmt::price(order.total),
        created: fmt::datetime(order.created_at),
        pending,
        delivered: order.status == OrderStatus::Delivered,
        deadline_ms: order.pay_deadline.millis(),
        now_ms: now.millis(),
        remaining: fmt::countdown(now.millis_until(order.pay_deadline)),
        methods: method_views(&methods, lang),
        key: uuid::Uuid::now_v7().to_string(),
        poll: pending && q.paid.as_deref() == Some("1"),
        notice: notice(q.notice.as_deref(), lang),
        parcels: parcel_cards(&tracking.parcels, lang),
        requests: cards,
        insurance: insurance_view(&order, claimed, lang),
        mode: "buyer",
        back: format!("/orders/{}", order.id),
    };
    Ok(render(&page)?)
}
