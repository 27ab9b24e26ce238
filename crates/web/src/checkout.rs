//! `/checkout`: address, lines at snapshot prices, payment method, one
//! 提交订单 button. Submitting creates the order (idempotently: the key is
//! minted when the page renders) and goes straight to the cashier.

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use yc_domain::Money;
use yc_domain::address::Address;
use yc_domain::aftersales::{
    InsuranceSource, RETURN_INSURANCE_PAYOUT_FEN, RETURN_INSURANCE_PREMIUM_FEN,
};
use yc_domain::payment::PaymentMethod;
use yc_domain::{AddressId, MerchantId, SkuId};
use yc_services::checkout::{CreateOrder, LineInput};
use yc_services::payments::PayRequest;
use yc_services::{ServiceError, Services};

use crate::error::WebError;
use crate::fmt;
use crate::order_parts::{LineView, MethodView, line_views, method_views};
use crate::session::{Auth, encode};
use crate::views::{Chrome, render};

pub struct AddressView {
    pub id: String,
    pub recipient: String,
    pub phone: String,
    pub text: String,
    pub is_default: bool,
    pub chosen: bool,
    /// This checkout again, with this address.
    pub pick_url: String,
}

#[derive(Template)]
#[template(path = "checkout.html")]
pub struct CheckoutPage {
    pub c: Chrome,
    pub address: Option<AddressView>,
    pub addresses: Vec<AddressView>,
    pub add_address_url: String,
    pub lines: Vec<LineView>,
    pub total: String,
    pub count_text: String,
    pub methods: Vec<MethodView>,
    pub key: String,
    pub lines_field: String,
    pub from_cart: bool,
    /// The shop pays 运费险 on this order (商家赠送): no checkbox.
    pub insurance_granted: bool,
    pub premium: String,
    /// "退货可赔 ¥12.00".
    pub insurance_offer: String,
    /// The total once the buyer ticks 运费险 (app.js swaps it in).
    pub total_insured: String,
}

#[derive(Deserialize, Default)]
pub struct CheckoutQuery {
    pub sku: Option<String>,
    pub qty: Option<String>,
    pub from_cart: Option<String>,
    pub merchant: Option<String>,
    pub address: Option<String>,
}

impl CheckoutQuery {
    fn is_from_cart(&self) -> bool {
        self.from_cart.as_deref() == Some("1")
    }

    /// The lines to buy: one SKU, or one shop's buyable cart lines.
    async fn lines(&self, services: &Services, auth: &Auth) -> Result<Vec<LineInput>, WebError> {
        if self.is_from_cart() {
            let merchant: MerchantId = parse(self.merchant.as_deref())?;
            let groups = services.cart(&auth.user).await?;
            return Ok(groups
                .iter()
                .filter(|g| g.merchant.id == merchant)
                .flat_map(|g| g.lines.iter().filter(|l| l.available))
                .map(|l| LineInput {
                    sku_id: l.sku.id,
                    quantity: i64::from(l.quantity),
                })
                .collect());
        }
        let sku_id: SkuId = parse(self.sku.as_deref())?;
        let quantity = self
            .qty
            .as_deref()
            .and_then(|q| q.parse().ok())
            .unwrap_or(1);
        Ok(vec![LineInput { sku_id, quantity }])
    }

    /// This checkout's URL with another address chosen.
    fn with_address(&self, id: AddressId) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        if self.is_from_cart() {
            q.append_pair("from_cart", "1");
            q.append_pair("merchant", self.merchant.as_deref().unwrap_or_default());
        } else {
            q.append_pair("sku", self.sku.as_deref().unwrap_or_default());
            q.append_pair("qty", self.qty.as_deref().unwrap_or("1"));
        }
        q.append_pair("address", &id.to_string());
        format!("/checkout?{}", q.finish())
    }
}

fn parse<T: std::str::FromStr>(raw: Option<&str>) -> Result<T, WebError> {
    raw.and_then(|s| s.trim().parse().ok())
        .ok_or(WebError::BadRequest("err_bad_request"))
}

pub async fn page(
    State(services): State<Services>,
    auth: Auth,
    Query(q): Query<CheckoutQuery>,
) -> Result<Response, WebError> {
    let lines = q.lines(&services, &auth).await?;
    if lines.is_empty() {
        return Ok(Redirect::to("/cart").into_response());
    }
    let address = q.address.as_deref().and_then(|a| a.parse().ok());
    let preview = match services.checkout_preview(&auth.user, &lines, address).await {
        Err(ServiceError::Invalid(v)) if v.code == "no_address" => {
            let url = format!("/addresses/new?next={}", encode(&auth.ctx.here));
            return Ok(Redirect::to(&url).into_response());
        }
        other => other?,
    };
    let premium = Money::cny(RETURN_INSURANCE_PREMIUM_FEN);
    let chosen = address.or_else(|| preview.addresses.first().map(|a| a.id));
    let views: Vec<AddressView> = preview
        .addresses
        .iter()
        .map(|a| address_view(a, chosen == Some(a.id), q.with_address(a.id)))
        .collect();
    let page = CheckoutPage {
        c: Chrome::new(&auth.ctx, "", "checkout_title").with_history_back("/cart"),
        address: chosen.and_then(|id| {
            let a = preview.addresses.iter().find(|a| a.id == id)?;
            Some(address_view(a, true, q.with_address(a.id)))
        }),
        addresses: views,
        add_address_url: format!("/addresses/new?next={}", encode(&auth.ctx.here)),
        lines: line_views(&preview.order.lines),
        total: fmt::price(preview.order.total),
        count_text: crate::i18n::t(auth.ctx.lang, "items_count").replace(
            "{n}",
            &preview
                .order
                .lines
                .iter()
                .map(|l| l.quantity)
                .sum::<u32>()
                .to_string(),
        ),
        methods: method_views(&preview.methods, auth.ctx.lang),
        key: uuid::Uuid::now_v7().to_string(),
        lines_field: preview
            .order
            .lines
            .iter()
            .map(|l| format!("{}:{}", l.sku_id, l.quantity))
            .collect::<Vec<_>>()
            .join(","),
        from_cart: q.is_from_cart(),
        insurance_granted: preview
            .order
            .insurance
            .is_some_and(|i| i.source == InsuranceSource::GrantedByMerchant),
        premium: fmt::money(premium),
        insurance_offer: crate::i18n::t(auth.ctx.lang, "ins_offer").replace(
            "{amount}",
            &fmt::money(Money::cny(RETURN_INSURANCE_PAYOUT_FEN)),
        ),
        total_insured: fmt::price(
            preview
                .order
                .total
                .checked_add(premium)
                .map_err(ServiceError::from)?,
        ),
    };
    Ok(render(&page)?.into_response())
}

fn address_view(a: &Address, chosen: bool, pick_url: String) -> AddressView {
    AddressView {
        id: a.id.to_string(),
        recipient: a.recipient.clone(),
        phone: yc_domain::address::mask_phone(&a.phone),
        text: a.full_text(),
        is_default: a.is_default,
        chosen,
        pick_url,
    }
}

#[derive(Deserialize)]
pub struct SubmitForm {
    pub key: String,
    pub lines: String,
    pub address_id: String,
    #[serde(default)]
    pub from_cart: String,
    /// "1" when the buyer ticked 运费险.
    #[serde(default)]
    pub insurance: String,
    pub method: Option<String>,
}

fn parse_lines(raw: &str) -> Result<Vec<LineInput>, WebError> {
    raw.split(',')
        .filter(|s| !s.is_empty())
        .map(|pair| {
            let (sku, qty) = pair.split_once(':')?;
            Some(LineInput {
                sku_id: sku.parse().ok()?,
                quantity: qty.parse().ok()?,
            })
        })
        .collect::<Option<Vec<_>>>()
        .ok_or(WebError::BadRequest("err_bad_request"))
}

pub async fn submit(
    State(services): State<Services>,
    auth: Auth,
    Form(form): Form<SubmitForm>,
) -> Result<Redirect, WebError> {
    let method = form
        .method
        .as_deref()
        .and_then(PaymentMethod::parse)
        .ok_or(WebError::BadRequest("err_choose_method"))?;
    let req = CreateOrder {
        lines: parse_lines(&form.lines)?,
        address_id: parse(Some(&form.address_id))?,
        from_cart: form.from_cart == "1",
        return_insurance: form.insurance == "1",
    };
    let order = services
        .create_order(&auth.user, req, Some(&form.key))
        .await?;
    start_payment(&services, &auth, order.id, method, &form.key).await
}

/// Opens the payment and sends the buyer to the cashier. If the provider
/// fails, the order exists: the order page offers 去支付 again. An order
/// that was paid meanwhile (a resubmitted page) just shows the order.
#[tracing::instrument(skip_all)]
pub async fn start_payment(
    services: &Services,
    auth: &Auth,
    order_id: yc_domain::OrderId,
    method: PaymentMethod,
    key: &str,
) -> Result<Redirect, WebError> {
    let pay_key = format!("{}:pay:{}", key.trim(), method.as_str());
    let req = PayRequest { order_id, method };
    match services.pay(&auth.user, req, Some(&pay_key)).await {
        Ok(start) if is_followable(&start.redirect_url) => Ok(Redirect::to(&start.redirect_url)),
        Ok(_) => {
            tracing::error!("payment provider returned an unusable redirect");
            Ok(Redirect::to(&format!(
                "/orders/{order_id}?notice=pay_failed"
            )))
        }
        Err(ServiceError::Conflict("order_not_payable")) => {
            Ok(Redirect::to(&format!("/orders/{order_id}")))
        }
        Err(e @ (ServiceError::Provider(_) | ServiceError::Internal(_))) => {
            tracing::warn!(error = %e, "starting payment failed");
            Ok(Redirect::to(&format!(
                "/orders/{order_id}?notice=pay_failed"
            )))
        }
        Err(e) => Err(e.into()),
    }
}

fn is_followable(url: &str) -> bool {
    (url.starts_with('/') && !url.starts_with("//")) || url.starts_with("https://")
}
