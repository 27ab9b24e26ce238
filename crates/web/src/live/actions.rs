//! What a viewer does in a live room: one tap on 立即抢购 and a comment.
//! live.js posts with `X-Fragment` and always gets JSON, errors included
//! (a sold-out sale is a state of the card, never an error page). A plain
//! form post without script gets a redirect or the usual error page.

use axum::Json;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use yc_domain::order::Order;
use yc_domain::{FlashSaleId, LiveRoomId};
use yc_services::{ServiceError, Services};

use crate::error::{WebError, classify};
use crate::fmt;
use crate::i18n::{Lang, t};
use crate::session::{Ctx, login_url, wants_fragment};

/// Script asks with `X-Fragment` (or anything but a browser navigation).
fn wants_json(headers: &HeaderMap) -> bool {
    let html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"));
    wants_fragment(headers) || !html
}

fn room_id(raw: &str) -> Result<LiveRoomId, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

/// Anonymous viewers log in and come back to the room.
fn login_needed(json: bool, lang: Lang, room: LiveRoomId) -> Response {
    let back = format!("/live/{room}");
    if !json {
        return WebError::Login(back).into_response();
    }
    let body = json!({
        "ok": false,
        "code": "login",
        "login": login_url(&back),
        "error": t(lang, "err_login_first"),
    });
    (StatusCode::UNAUTHORIZED, Json(body)).into_response()
}

#[derive(Deserialize)]
pub struct BuyForm {
    /// The idempotency key when posted without script (else the header).
    pub key: Option<String>,
    pub qty: Option<u32>,
}

/// What a refused tap means: HTTP status, a stable code for live.js, the
/// message, and the phase the card should move to.
fn refusal(
    e: &ServiceError,
    lang: Lang,
) -> (StatusCode, &'static str, String, Option<&'static str>) {
    let known = |status, code, key: &'static str, phase| Some((status, code, key, phase));
    let mapped = match e {
        ServiceError::SoldOut { .. } => known(
            StatusCode::CONFLICT,
            "sold_out",
            "err_flash_sold_out",
            Some("sold_out"),
        ),
        ServiceError::Conflict(code) => match *code {
            "cap_exceeded" => known(
                StatusCode::CONFLICT,
                "cap_exceeded",
                "err_cap_exceeded",
                None,
            ),
            "sale_not_open" => known(
                StatusCode::CONFLICT,
                "sale_not_open",
                "err_sale_not_open",
                None,
            ),
            "sale_ended" => known(
                StatusCode::CONFLICT,
                "sale_ended",
                "err_sale_ended",
                Some("ended"),
            ),
            _ => None,
        },
        ServiceError::Invalid(v) if v.code == "no_address" => known(
            StatusCode::UNPROCESSABLE_ENTITY,
            "no_address",
            "err_no_address",
            None,
        ),
        ServiceError::Overloaded => {
            known(StatusCode::SERVICE_UNAVAILABLE, "busy", "err_busy", None)
        }
        _ => None,
    };
    match mapped {
        Some((status, code, key, phase)) => (status, code, t(lang, key).to_owned(), phase),
        None => {
            let failure = classify(e);
            (failure.status, "error", failure.message.text(lang), None)
        }
    }
}

fn order_json(order: &Order) -> serde_json::Value {
    let line = order.lines.first();
    json!({
        "id": order.id,
        "url": format!("/orders/{}", order.id),
        "total": fmt::price(order.total),
        "title": line.map(|l| l.title.clone()).unwrap_or_default(),
        "spec": line.map(|l| l.spec_label.clone()).unwrap_or_default(),
        "image": line.and_then(|l| l.image.clone()),
        "quantity": line.map_or(0, |l| l.quantity),
    })
}

/// `POST /live/{room}/sales/{sale}/buy`: one tap, one unit, to the default
/// address. The `Idempotency-Key` header names the tap; its retries reuse it.
pub async fn buy(
    State(services): State<Services>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((room, sale)): Path<(String, String)>,
    Form(form): Form<BuyForm>,
) -> Result<Response, WebError> {
    let room = room_id(&room)?;
    let json = wants_json(&headers);
    let lang = ctx.lang;
    let Some(user) = ctx.user else {
        return Ok(login_needed(json, lang, room));
    };
    let sale: FlashSaleId = sale.parse().map_err(|_| WebError::NotFound)?;
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or(form.key);
    let quantity = form.qty.unwrap_or(1);
    match services
        .buy_flash(&user, sale, quantity, key.as_deref())
        .await
    {
        Ok(order) if json => Ok((
            StatusCode::CREATED,
            Json(json!({
                "ok": true,
                "message": t(lang, "flash_got_it"),
                "order": order_json(&order),
            })),
        )
            .into_response()),
        Ok(order) => Ok(Redirect::to(&format!("/orders/{}", order.id)).into_response()),
        Err(e) if json => {
            let (status, code, error, phase) = refusal(&e, lang);
            let body = json!({ "ok": false, "code": code, "error": error, "phase": phase });
            Ok((status, Json(body)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    pub text: String,
}

/// `POST /live/{room}/comments`: 1–100 characters; the service limits how
/// often. Everyone (the sender too) sees it through the room's events.
pub async fn comment(
    State(services): State<Services>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(room): Path<String>,
    Form(form): Form<CommentForm>,
) -> Result<Response, WebError> {
    let room = room_id(&room)?;
    let json = wants_json(&headers);
    let lang = ctx.lang;
    let Some(user) = ctx.user else {
        return Ok(login_needed(json, lang, room));
    };
    match services.comment(&user, room, &form.text).await {
        Ok(c) if json => Ok((
            StatusCode::CREATED,
            Json(json!({ "ok": true, "message": t(lang, "comment_sent"), "comment": c })),
        )
            .into_response()),
        Ok(_) => Ok(Redirect::to(&format!("/live/{room}")).into_response()),
        Err(e) if json => {
            let failure = classify(&e);
            let body = json!({ "ok": false, "error": failure.message.text(lang) });
            Ok((failure.status, Json(body)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
