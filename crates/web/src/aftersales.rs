//! The buyer's side of after-sales (申请售后): the request form for one
//! order line, evidence photo uploads (app.js posts each file's bytes),
//! and the moves on an open request — 寄回商品, 撤销申请, 申请平台介入.

use askama::Template;
use axum::Json;
use axum::body::Bytes;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use yc_domain::aftersales::{MAX_EVIDENCE, RETURN_INSURANCE_PAYOUT_FEN, ReasonCode, RequestKind};
use yc_domain::order::{Order, OrderStatus};
use yc_domain::{AfterSalesId, Money, SkuId};
use yc_services::aftersales::{BuyerAction, OpenInput};
use yc_services::{ServiceError, Services};

use crate::error::{WebError, classify};
use crate::fmt;
use crate::i18n::{Lang, t};
use crate::labels::{REASONS, kind_key, parse_wire, reason_key, wire};
use crate::orders::order_id;
use crate::session::Auth;
use crate::views::{Chrome, render};

pub struct Choice {
    pub value: String,
    pub label: &'static str,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "aftersales_new.html")]
pub struct NewRequestPage {
    pub c: Chrome,
    pub order_id: String,
    pub sku: String,
    pub title: String,
    pub spec: String,
    pub image: Option<String>,
    pub price: String,
    pub max_qty: u32,
    pub qty: u32,
    pub kinds: Vec<Choice>,
    pub reasons: Vec<Choice>,
    pub reason_text: String,
    pub evidence: Vec<String>,
    pub max_evidence: usize,
    /// 运费险 on the order: a return's shipping is paid back at pickup.
    pub insured: Option<String>,
    pub key: String,
    pub error: Option<String>,
}

/// Orders whose lines may be taken to after-sales.
pub fn eligible(status: OrderStatus) -> bool {
    matches!(
        status,
        OrderStatus::Paid | OrderStatus::Shipped | OrderStatus::Delivered | OrderStatus::Completed
    )
}

/// What the form holds, raw (so a refused request comes back as typed).
#[derive(Default)]
pub struct Draft {
    pub key: String,
    pub kind: Option<RequestKind>,
    pub quantity: u32,
    pub reason: Option<ReasonCode>,
    pub reason_text: String,
    pub evidence: Vec<String>,
}

impl Draft {
    /// Repeated `evidence` fields are why this is not a serde struct.
    fn parse(fields: &[(String, String)]) -> Draft {
        let mut d = Draft::default();
        for (k, v) in fields {
            match k.as_str() {
                "key" => d.key = v.clone(),
                "kind" => d.kind = parse_wire(v),
                "quantity" => d.quantity = v.trim().parse().unwrap_or(0),
                "reason" => d.reason = parse_wire(v),
                "reason_text" => d.reason_text = v.clone(),
                "evidence" if !v.is_empty() => d.evidence.push(v.clone()),
                _ => {}
            }
        }
        d
    }
}

fn form_page(
    auth: &Auth,
    order: &Order,
    sku: SkuId,
    draft: &Draft,
    error: Option<String>,
) -> Result<NewRequestPage, WebError> {
    let lang = auth.ctx.lang;
    let line = order
        .lines
        .iter()
        .find(|l| l.sku_id == sku)
        .ok_or(WebError::NotFound)?;
    let delivered = matches!(
        order.status,
        OrderStatus::Delivered | OrderStatus::Completed
    );
    let kind = draft.kind.unwrap_or(if delivered {
        RequestKind::ReturnRefund
    } else {
        RequestKind::RefundOnly
    });
    let reason = draft.reason.unwrap_or(if delivered {
        ReasonCode::NoReason
    } else {
        ReasonCode::Other
    });
    Ok(NewRequestPage {
        c: Chrome::new(&auth.ctx, "", "as_new_title").with_back(&format!("/orders/{}", order.id)),
        order_id: order.id.to_string(),
        sku: sku.to_string(),
        title: line.title.clone(),
        spec: line.spec_label.clone(),
        image: line.image.clone(),
        price: fmt::price(line.unit_price),
        max_qty: line.quantity,
        qty: draft.quantity.clamp(1, line.quantity.max(1)),
        kinds: RequestKind::ALL
            .into_iter()
            .map(|k| Choice {
                value: wire(&k),
                label: t(lang, kind_key(k)),
                checked: k == kind,
            })
            .collect(),
        reasons: REASONS
            .into_iter()
            .map(|r| Choice {
                value: wire(&r),
                label: t(lang, reason_key(r)),
                checked: r == reason,
            })
            .collect(),
        reason_text: draft.reason_text.clone(),
        evidence: draft.evidence.clone(),
        max_evidence: MAX_EVIDENCE,
        insured: order
            .insurance
            .filter(|i| !i.claimed)
            .map(|_| insured_text(lang)),
        key: uuid::Uuid::now_v7().to_string(),
        error,
    })
}

fn insured_text(lang: Lang) -> String {
    t(lang, "as_insured_hint").replace(
        "{amount}",
        &fmt::money(Money::cny(RETURN_INSURANCE_PAYOUT_FEN)),
    )
}

pub async fn new_form(
    State(services): State<Services>,
    auth: Auth,
    Path((id, sku)): Path<(String, String)>,
) -> Result<Html<String>, WebError> {
    let order = services.order(&auth.user, order_id(&id)?).await?;
    let sku: SkuId = sku.parse().map_err(|_| WebError::NotFound)?;
    let draft = Draft {
        quantity: 1,
        ..Draft::default()
    };
    Ok(render(&form_page(&auth, &order, sku, &draft, None)?)?)
}

/// 提交申请. A rule's refusal comes back on the form, as typed, with the
/// rule's own words; success goes to the order page's request card.
#[tracing::instrument(skip_all)]
pub async fn open(
    State(services): State<Services>,
    auth: Auth,
    Path((id, sku)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let order_id = order_id(&id)?;
    let sku: SkuId = sku.parse().map_err(|_| WebError::NotFound)?;
    let draft = Draft::parse(&fields);
    let (Some(kind), Some(reason)) = (draft.kind, draft.reason) else {
        return Err(WebError::BadRequest("err_bad_request"));
    };
    let input = OpenInput {
        order_id,
        sku_id: sku,
        kind,
        quantity: draft.quantity,
        reason,
        reason_text: draft.reason_text.trim().to_owned(),
        evidence: draft.evidence.clone(),
    };
    match services
        .open_aftersales(&auth.user, input, Some(&draft.key))
        .await
    {
        Ok(view) => Ok(Redirect::to(&format!(
            "/orders/{}?notice=aftersales_opened#as-{}",
            view.request.order_id, view.request.id
        ))
        .into_response()),
        Err(e @ (ServiceError::AfterSalesRefused(_) | ServiceError::Invalid(_))) => {
            let failure = classify(&e);
            let order = services.order(&auth.user, order_id).await?;
            let page = form_page(
                &auth,
                &order,
                sku,
                &draft,
                Some(failure.message.text(auth.ctx.lang)),
            )?;
            Ok((failure.status, render(&page)?).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// One evidence photo as the request body (app.js sends the file as is).
#[tracing::instrument(skip_all)]
pub async fn evidence(
    State(services): State<Services>,
    auth: Auth,
    body: Bytes,
) -> Result<(StatusCode, Json<serde_json::Value>), WebError> {
    let photo = services.upload_evidence(&auth.user, &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "ok": true, "url": photo.url })),
    ))
}

fn request_id(raw: &str) -> Result<AfterSalesId, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

#[derive(Deserialize)]
pub struct KeyForm {
    pub key: String,
}

/// 寄回商品: books the return parcel with the sandbox carrier.
#[tracing::instrument(skip_all)]
pub async fn ship_back(
    State(services): State<Services>,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<KeyForm>,
) -> Result<Redirect, WebError> {
    let view = services
        .ship_back(&auth.user, request_id(&id)?, Some(&form.key))
        .await?;
    Ok(back_to_order(&view.request, "shipped_back"))
}

#[derive(Deserialize)]
pub struct BuyerForm {
    pub key: String,
    pub action: String,
    #[serde(default)]
    pub note: String,
}

/// 撤销申请 / 申请平台介入
#[tracing::instrument(skip_all)]
pub async fn buyer_action(
    State(services): State<Services>,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<BuyerForm>,
) -> Result<Redirect, WebError> {
    let action: BuyerAction =
        parse_wire(&form.action).ok_or(WebError::BadRequest("err_bad_request"))?;
    let view = services
        .buyer_aftersales(
            &auth.user,
            request_id(&id)?,
            action,
            form.note.trim(),
            Some(&form.key),
        )
        .await?;
    let notice = match action {
        BuyerAction::Cancel => "aftersales_cancelled",
        BuyerAction::Escalate => "aftersales_escalated",
    };
    Ok(back_to_order(&view.request, notice))
}

fn back_to_order(r: &yc_domain::aftersales::AfterSalesRequest, notice: &str) -> Redirect {
    Redirect::to(&format!(
        "/orders/{}?notice={notice}#as-{}",
        r.order_id, r.id
    ))
}
