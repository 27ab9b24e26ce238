//! The merchant panel's shipping side: 待发货 with the buyer's contact
//! details masked (the services mask them; nothing here unmasks), one or
//! many orders shipped in one submit with each order's outcome shown, and
//! the shop's 赠送运费险 switch.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::response::{Html, Redirect};
use serde::Deserialize;
use yc_domain::OrderId;
use yc_domain::order::Order;
use yc_services::auth::require_merchant;
use yc_services::fulfilment::{SANDBOX_CODE, ShipInput};
use yc_services::{ServiceError, Services};

use crate::error::{WebError, classify};
use crate::fmt;
use crate::i18n::{Lang, t};
use crate::labels::carrier_name;
use crate::order_parts::{LineView, line_views};
use crate::session::Auth;
use crate::views::{Chrome, render};

/// At most this many orders per batch (the service's own limit).
const MAX_BATCH: usize = 50;

pub struct ShipRow {
    pub id: String,
    pub short_id: String,
    pub created: String,
    pub recipient: String,
    pub phone: String,
    pub address: String,
    pub lines: Vec<LineView>,
    pub total: String,
    pub insured: bool,
}

pub struct ShipOutcome {
    pub order: String,
    pub ok: bool,
    pub text: String,
}

#[derive(Template)]
#[template(path = "merchant_ship.html")]
pub struct ShipPage {
    pub c: Chrome,
    pub nav: &'static str,
    pub rows: Vec<ShipRow>,
    pub outcomes: Vec<ShipOutcome>,
    pub error: Option<&'static str>,
    pub notice: Option<&'static str>,
    pub grants_insurance: bool,
    pub max_batch: usize,
}

/// "…1a2b3c4d": enough to tell orders apart on a phone screen.
pub fn short_id(id: &str) -> String {
    let tail: String = id
        .chars()
        .rev()
        .take(8)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("…{tail}")
}

fn row(o: &Order) -> ShipRow {
    let id = o.id.to_string();
    ShipRow {
        short_id: short_id(&id),
        id,
        created: fmt::datetime(o.created_at),
        // `orders_to_ship` hands these over masked already.
        recipient: o.address.recipient.clone(),
        phone: o.address.phone.clone(),
        address: format!("{}{}", o.address.region, o.address.detail),
        lines: line_views(&o.lines),
        total: fmt::price(o.total),
        insured: o.insurance.is_some(),
    }
}

async fn page(
    services: &Services,
    auth: &Auth,
    outcomes: Vec<ShipOutcome>,
    error: Option<&'static str>,
    notice: Option<&'static str>,
) -> Result<ShipPage, WebError> {
    let merchant = require_merchant(&auth.user)?;
    let orders = services.orders_to_ship(&auth.user).await?;
    let shop = services
        .store
        .get_merchant(merchant)
        .await
        .map_err(ServiceError::from)?;
    Ok(ShipPage {
        c: Chrome::new(&auth.ctx, "me", "merchant_title").with_back("/me"),
        nav: "ship",
        rows: orders.iter().map(row).collect(),
        outcomes,
        error,
        notice,
        grants_insurance: shop.is_some_and(|m| m.grants_return_insurance),
        max_batch: MAX_BATCH,
    })
}

#[derive(Deserialize)]
pub struct ShipQuery {
    pub notice: Option<String>,
}

pub async fn ship_page(
    State(services): State<Services>,
    auth: Auth,
    Query(q): Query<ShipQuery>,
) -> Result<Html<String>, WebError> {
    let lang = auth.ctx.lang;
    let notice = match q.notice.as_deref() {
        Some("insurance_on") => Some(t(lang, "notice_insurance_on")),
        Some("insurance_off") => Some(t(lang, "notice_insurance_off")),
        _ => None,
    };
    Ok(render(
        &page(&services, &auth, Vec::new(), None, notice).await?,
    )?)
}

/// The orders a ship submit means: the one whose 发货 was pressed, or
/// every ticked one; each with its waybill number if one was typed.
fn ship_inputs(fields: &[(String, String)]) -> Vec<ShipInput> {
    let tracking = |id: &str| {
        fields
            .iter()
            .find(|(k, _)| k.strip_prefix("t_") == Some(id))
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let only: Vec<&str> = fields
        .iter()
        .filter(|(k, _)| k == "only")
        .map(|(_, v)| v.as_str())
        .collect();
    let chosen: Vec<&str> = if only.is_empty() {
        fields
            .iter()
            .filter(|(k, _)| k == "order")
            .map(|(_, v)| v.as_str())
            .collect()
    } else {
        only
    };
    let mut inputs: Vec<ShipInput> = Vec::new();
    for id in chosen {
        let Ok(order_id) = id.parse::<OrderId>() else {
            continue;
        };
        if inputs.iter().any(|i| i.order_id == order_id) {
            continue;
        }
        inputs.push(ShipInput {
            order_id,
            carrier: SANDBOX_CODE.to_owned(),
            tracking_no: tracking(id),
        });
    }
    inputs
}

/// 发货 / 批量发货. The answer is the page itself with each order's
/// outcome on top: a batch is not one success or one failure.
#[tracing::instrument(skip_all)]
pub async fn ship(
    State(services): State<Services>,
    auth: Auth,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Html<String>, WebError> {
    let lang = auth.ctx.lang;
    let inputs = ship_inputs(&fields);
    let error = match inputs.len() {
        0 => Some(t(lang, "err_choose_orders")),
        n if n > MAX_BATCH => Some(t(lang, "err_batch_too_big")),
        _ => None,
    };
    let outcomes = if error.is_some() {
        Vec::new()
    } else {
        services
            .ship_orders(&auth.user, inputs)
            .await?
            .into_iter()
            .map(|(id, result)| outcome(&id.to_string(), result, lang))
            .collect()
    };
    Ok(render(
        &page(&services, &auth, outcomes, error, None).await?,
    )?)
}

fn outcome(
    id: &str,
    result: Result<yc_domain::fulfilment::Shipment, ServiceError>,
    lang: Lang,
) -> ShipOutcome {
    match result {
        Ok(s) => ShipOutcome {
            order: short_id(id),
            ok: true,
            text: format!(
                "{} · {} {}",
                t(lang, "shipped"),
                carrier_name(&s.carrier, s.waybill.carrier(), lang),
                s.tracking_no
            ),
        },
        Err(e) => ShipOutcome {
            order: short_id(id),
            ok: false,
            text: classify(&e).message.text(lang),
        },
    }
}

#[derive(Deserialize)]
pub struct InsuranceForm {
    #[serde(default)]
    pub on: String,
}

/// 赠送运费险 on or off for the shop's future orders.
#[tracing::instrument(skip_all)]
pub async fn set_insurance(
    State(services): State<Services>,
    auth: Auth,
    Form(form): Form<InsuranceForm>,
) -> Result<Redirect, WebError> {
    let on = form.on == "1";
    services.set_shop_insurance(&auth.user, on).await?;
    let notice = if on { "insurance_on" } else { "insurance_off" };
    Ok(Redirect::to(&format!("/merchant/ship?notice={notice}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(raw: &[(&str, &str)]) -> Vec<(String, String)> {
        raw.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_pressed_button_wins_over_the_ticks() {
        let a = OrderId::new().to_string();
        let b = OrderId::new().to_string();
        let ta = format!("t_{a}");
        let fields = pairs(&[
            ("order", &a),
            ("order", &b),
            (&ta, " SF12345678 "),
            ("only", &b),
        ]);
        let inputs = ship_inputs(&fields);
        assert_eq!(inputs.len(), 1);
        assert_eq!(inputs[0].order_id.to_string(), b);
        assert_eq!(inputs[0].tracking_no, None);

        let fields = pairs(&[
            ("order", &a),
            ("order", &a),
            (&ta, " SF12345678 "),
            ("order", "x"),
        ]);
        let inputs = ship_inputs(&fields);
        assert_eq!(inputs.len(), 1);
        assert_eq!(inputs[0].tracking_no.as_deref(), Some("SF12345678"));
        assert_eq!(short_id("0123456789abcdef"), "…89abcdef");
    }
}
