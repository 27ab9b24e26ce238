//! Failures of page handlers, turned into readable pages (or JSON for
//! app.js) in the visitor's language. Raw error text never reaches a page.

use axum::Json;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use yc_services::ServiceError;

use crate::i18n::{Lang, t};
use crate::session::{lang_of, login_url, referer_path, wants_fragment};
use crate::views::{Chrome, ErrorPage, render};

#[derive(Debug)]
pub enum WebError {
    Service(ServiceError),
    NotFound,
    /// The request was malformed; the key names the message.
    BadRequest(&'static str),
    /// A cross-site form post.
    CrossSite,
    /// Refused with this status and message (a body too large, a batch
    /// that is not JSON).
    Refused(StatusCode, Message),
    /// Needs a signed-in user; comes back to this local path afterwards.
    Login(String),
    Render(askama::Error),
}

impl From<ServiceError> for WebError {
    fn from(e: ServiceError) -> Self {
        WebError::Service(e)
    }
}

impl From<yc_domain::ValidationError> for WebError {
    fn from(e: yc_domain::ValidationError) -> Self {
        WebError::Service(ServiceError::Invalid(e))
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::Render(e)
    }
}

/// What went wrong, in words the visitor can act on.
#[derive(Debug, Clone)]
pub enum Message {
    Key(&'static str),
    /// An after-sales rule's own reason, as both sides read it.
    Rule(yc_domain::aftersales::Rule),
    Field {
        field: &'static str,
        code: &'static str,
        message: String,
    },
}

impl Message {
    pub fn text(&self, lang: Lang) -> String {
        match self {
            Message::Key(k) => t(lang, k).to_owned(),
            Message::Rule(rule) => match lang {
                Lang::Zh => rule.reason_zh().to_owned(),
                Lang::En => rule.reason_en().to_owned(),
            },
            Message::Field {
                field,
                code,
                message,
            } => {
                let name = crate::i18n::field_label(lang, field);
                match crate::i18n::code_text(lang, code) {
                    Some(rule) if lang == Lang::Zh => format!("{name}：{rule}"),
                    Some(rule) => format!("{name}: {rule}"),
                    None if lang == Lang::Zh => format!("{name}：{message}"),
                    None => format!("{name}: {message}"),
                }
            }
        }
    }
}

/// Carried from a handler to `render_errors` in the response extensions.
#[derive(Debug, Clone)]
pub struct Failure {
    pub status: StatusCode,
    pub message: Message,
}

#[derive(Debug, Clone)]
struct LoginNeeded(String);

/// Classifies a service error; logs the ones that are our fault.
#[tracing::instrument(skip_all)]
pub fn classify(e: &ServiceError) -> Failure {
    use Message::Key;
    let (status, message) = match e {
        ServiceError::Invalid(v) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Message::Field {
                field: v.field,
                code: v.code,
                message: v.message.clone(),
            },
        ),
        ServiceError::NotFound(_) => (StatusCode::NOT_FOUND, Key("err_not_found")),
        ServiceError::Unauthenticated => (StatusCode::UNAUTHORIZED, Key("err_login_first")),
        ServiceError::BadCredentials => (StatusCode::UNAUTHORIZED, Key("err_bad_credentials")),
        ServiceError::Forbidden(_) => (StatusCode::FORBIDDEN, Key("err_forbidden")),
        ServiceError::Duplicate { field: "login" } => {
            (StatusCode::CONFLICT, Key("err_login_taken"))
        }
        ServiceError::Duplicate { .. } => (StatusCode::CONFLICT, Key("err_duplicate")),
        ServiceError::SoldOut { .. } => (StatusCode::CONFLICT, Key("err_sold_out")),
        ServiceError::Unavailable(_) => (StatusCode::CONFLICT, Key("err_unavailable")),
        ServiceError::IdempotencyMismatch | ServiceError::IdempotencyKeyRequired => {
            (StatusCode::CONFLICT, Key("err_resubmit"))
        }
        ServiceError::IllegalTransition(_) => (StatusCode::CONFLICT, Key("err_order_moved")),
        ServiceError::AfterSalesIllegal(_) => (StatusCode::CONFLICT, Key("err_request_moved")),
        ServiceError::AfterSalesRefused(rule) => {
            (StatusCode::UNPROCESSABLE_ENTITY, Message::Rule(*rule))
        }
        ServiceError::Conflict(code) => (StatusCode::CONFLICT, Key(conflict_key(code))),
        ServiceError::LimitReached(what) => (
            StatusCode::CONFLICT,
            Key(match *what {
                "cart" => "err_cart_full",
                "addresses" => "err_address_limit",
                _ => "err_limit",
            }),
        ),
        ServiceError::CallbackRejected(_) | ServiceError::Provider(_) => {
            tracing::warn!(error = %e, "payment provider failure");
            (StatusCode::BAD_GATEWAY, Key("err_provider"))
        }
        ServiceError::Overloaded => (StatusCode::SERVICE_UNAVAILABLE, Key("err_busy")),
        ServiceError::Internal(_) => {
            tracing::error!(error = %e, "internal error");
            (StatusCode::INTERNAL_SERVER_ERROR, Key("err_internal"))
        }
    };
    Failure { status, message }
}

fn conflict_key(code: &str) -> &'static str {
    match code {
        "sold_out" => "err_sold_out",
        "order_not_payable" => "err_not_payable",
        "payment_window_closed" => "err_pay_window",
        "payment_method_unavailable" => "err_method_unavailable",
        "cap_exceeded" => "err_cap_exceeded",
        "sale_not_open" => "err_sale_not_open",
        "sale_ended" => "err_sale_ended",
        "too_many_comments" => "err_too_many_comments",
        "not_enough_stock" => "err_not_enough_stock",
        "order_changed" => "err_order_moved",
        "request_changed" => "err_request_moved",
        "order_not_paid" => "err_not_to_ship",
        "return_not_received" => "err_return_not_received",
        "uploads_disabled" => "err_uploads_disabled",
        _ => "err_conflict",
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let failure = match self {
            WebError::Service(ServiceError::Unauthenticated) => {
                return WebError::Login("/".into()).into_response();
            }
            WebError::Login(next) => {
                let url = login_url(&next);
                let mut res = Redirect::to(&url).into_response();
                res.extensions_mut().insert(LoginNeeded(url));
                return res;
            }
            WebError::Service(e) => classify(&e),
            WebError::NotFound => Failure {
                status: StatusCode::NOT_FOUND,
                message: Message::Key("err_not_found"),
            },
            WebError::BadRequest(key) => Failure {
                status: StatusCode::BAD_REQUEST,
                message: Message::Key(key),
            },
            WebError::CrossSite => Failure {
                status: StatusCode::FORBIDDEN,
                message: Message::Key("err_cross_site"),
            },
            WebError::Refused(status, message) => Failure { status, message },
            WebError::Render(e) => {
                tracing::error!(error = %e, "template failed");
                Failure {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    message: Message::Key("err_internal"),
                }
            }
        };
        let mut res = failure.status.into_response();
        res.extensions_mut().insert(failure);
        res
    }
}

/// Renders failures in the visitor's language: a page, or JSON for app.js.
/// Also replaces the plain-text rejections of axum extractors (a malformed
/// form or id) with the same friendly page.
pub async fn render_errors(req: Request, next: Next) -> Response {
    let lang = lang_of(req.headers());
    let fragment = wants_fragment(req.headers());
    let back = referer_path(req.headers()).unwrap_or_else(|| "/".to_owned());
    let mut res = next.run(req).await;
    if let Some(LoginNeeded(url)) = res.extensions_mut().remove::<LoginNeeded>() {
        if fragment {
            let body = serde_json::json!({ "login": url, "error": t(lang, "err_login_first") });
            return (StatusCode::UNAUTHORIZED, Json(body)).into_response();
        }
        return res;
    }
    let failure = match res.extensions_mut().remove::<Failure>() {
        Some(f) => f,
        None if res.status() == StatusCode::PAYLOAD_TOO_LARGE => Failure {
            status: res.status(),
            message: Message::Key("err_file_too_large"),
        },
        None if is_plain_rejection(&res) => Failure {
            status: res.status(),
            message: Message::Key("err_bad_request"),
        },
        None => return res,
    };
    let text = failure.message.text(lang);
    if fragment {
        let body = serde_json::json!({ "error": text });
        return (failure.status, Json(body)).into_response();
    }
    let page = ErrorPage {
        c: Chrome::bare(lang, t(lang, "error_title")),
        message: text,
        back,
    };
    match render(&page) {
        Ok(html) => (failure.status, html).into_response(),
        Err(_) => (failure.status, t(lang, "err_internal")).into_response(),
    }
}

fn is_plain_rejection(res: &Response) -> bool {
    let status = res.status();
    let plain = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/plain"));
    (status.is_client_error() || status.is_server_error()) && plain
}
