//! The sandbox cashier: stands in for the provider's own payment page
//! (支付宝 / 微信支付 / 抖音支付), reached by the redirect after 提交订单.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, Redirect};
use serde::Deserialize;
use yc_domain::Money;
use yc_domain::payment::PaymentMethod;
use yc_services::Services;

use crate::error::WebError;
use crate::fmt;
use crate::order_parts::method_label;
use crate::session::{Ctx, safe_next};
use crate::views::{Chrome, render};

#[derive(Template)]
#[template(path = "cashier.html")]
pub struct CashierPage {
    pub c: Chrome,
    pub channel: &'static str,
    pub channel_name: &'static str,
    pub amount: String,
    pub subject: String,
    pub token: String,
    pub cancel_url: String,
    pub expires: String,
}

#[derive(Deserialize)]
pub struct TokenQuery {
    pub token: Option<String>,
}

pub async fn cashier(
    State(services): State<Services>,
    ctx: Ctx,
    Path(channel): Path<String>,
    Query(q): Query<TokenQuery>,
) -> Result<Html<String>, WebError> {
    let method = PaymentMethod::parse(&channel).ok_or(WebError::NotFound)?;
    let token = q.token.unwrap_or_default();
    let (_, trade) = services.sandbox_trade(method.as_str(), &token)?;
    let page = CashierPage {
        c: Chrome::new(&ctx, "", "cashier_title"),
        channel: method.as_str(),
        channel_name: method_label(method, ctx.lang),
        amount: Money::cny(trade.amount_minor).to_major_string(),
        subject: trade.subject.clone(),
        token,
        cancel_url: safe_next(Some(&trade.return_url)),
        expires: fmt::datetime(yc_domain::Timestamp(trade.expires_at)),
    };
    Ok(render(&page)?)
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    pub token: String,
}

/// 确认支付: the provider records the payment and notifies yellowcart
/// asynchronously; the buyer goes back to the order page, which waits
/// for the notification to land.
#[tracing::instrument(skip_all)]
pub async fn confirm(
    State(services): State<Services>,
    Path(channel): Path<String>,
    Form(form): Form<ConfirmForm>,
) -> Result<Redirect, WebError> {
    let method = PaymentMethod::parse(&channel).ok_or(WebError::NotFound)?;
    let return_url = services
        .sandbox_confirm(method.as_str(), &form.token)
        .await?;
    let back = safe_next(Some(&return_url));
    let sep = if back.contains('?') { '&' } else { '?' };
    Ok(Redirect::to(&format!("{back}{sep}paid=1")))
}
