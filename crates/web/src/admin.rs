//! `/admin/arbitration` (平台仲裁): refused requests the buyer escalated,
//! each with its whole timeline, decided with a note. Operators only; the
//! services refuse anyone else, which renders the forbidden page.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::response::{Html, Redirect};
use serde::Deserialize;
use yc_domain::AfterSalesId;
use yc_services::Services;

use crate::error::WebError;
use crate::i18n::t;
use crate::request_card::RequestCard;
use crate::session::Auth;
use crate::views::{Chrome, render};

#[derive(Template)]
#[template(path = "admin_arbitration.html")]
pub struct ArbitrationPage {
    pub c: Chrome,
    pub requests: Vec<RequestCard>,
    pub notice: Option<&'static str>,
    pub mode: &'static str,
    pub back: String,
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    pub notice: Option<String>,
}

pub async fn queue(
    State(services): State<Services>,
    auth: Auth,
    Query(q): Query<NoticeQuery>,
) -> Result<Html<String>, WebError> {
    let lang = auth.ctx.lang;
    let rows = services.arbitration_queue(&auth.user).await?;
    let now = services.now();
    Ok(render(&ArbitrationPage {
        c: Chrome::new(&auth.ctx, "me", "arb_title").with_back("/me"),
        requests: rows
            .iter()
            .map(|v| RequestCard::build(v, lang, now))
            .collect(),
        notice: match q.notice.as_deref() {
            Some("approved") => Some(t(lang, "notice_arb_approved")),
            Some("refused") => Some(t(lang, "notice_arb_refused")),
            _ => None,
        },
        mode: "admin",
        back: "/admin/arbitration".to_owned(),
    })?)
}

#[derive(Deserialize)]
pub struct DecisionForm {
    pub key: String,
    pub decision: String,
    #[serde(default)]
    pub note: String,
}

#[tracing::instrument(skip_all)]
pub async fn decide(
    State(services): State<Services>,
    auth: Auth,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> Result<Redirect, WebError> {
    let id: AfterSalesId = id.parse().map_err(|_| WebError::NotFound)?;
    let approve = match form.decision.as_str() {
        "approve" => true,
        "refuse" => false,
        _ => return Err(WebError::BadRequest("err_bad_request")),
    };
    services
        .arbitrate(&auth.user, id, approve, form.note.trim(), Some(&form.key))
        .await?;
    let notice = if approve { "approved" } else { "refused" };
    Ok(Redirect::to(&format!("/admin/arbitration?notice={notice}")))
}
