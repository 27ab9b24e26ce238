//! `/login`, `/register`, `/logout` and the language switch.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use yc_domain::account::Role;
use yc_services::auth::Registration;
use yc_services::{ServiceError, Services};
use yc_store::SessionKind;

use crate::error::{WebError, classify};
use crate::i18n::Lang;
use crate::session::{
    Ctx, clear_session_cookie, lang_cookie, redirect_with_cookie, referer_path, safe_next,
    session_cookie,
};
use crate::views::{Chrome, render};

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub c: Chrome,
    pub register: bool,
    pub next: String,
    pub login: String,
    pub display_name: String,
    pub error: Option<String>,
    /// The input the error is about, to mark it invalid.
    pub error_field: &'static str,
}

#[derive(Deserialize)]
pub struct NextQuery {
    pub next: Option<String>,
}

fn form_page(ctx: &Ctx, register: bool, next: String) -> LoginPage {
    let title = if register {
        "register_title"
    } else {
        "login_title"
    };
    LoginPage {
        c: Chrome::new(ctx, "me", title).with_back("/"),
        register,
        next,
        login: String::new(),
        display_name: String::new(),
        error: None,
        error_field: "",
    }
}

pub async fn login_page(ctx: Ctx, Query(q): Query<NextQuery>) -> Result<Response, WebError> {
    let next = safe_next(q.next.as_deref());
    if ctx.user.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    Ok(render(&form_page(&ctx, false, next))?.into_response())
}

pub async fn register_page(ctx: Ctx, Query(q): Query<NextQuery>) -> Result<Response, WebError> {
    let next = safe_next(q.next.as_deref());
    Ok(render(&form_page(&ctx, true, next))?.into_response())
}

#[derive(Deserialize)]
pub struct AuthForm {
    pub login: String,
    pub password: String,
    #[serde(default)]
    pub display_name: String,
    pub next: Option<String>,
}

pub async fn login(
    State(services): State<Services>,
    ctx: Ctx,
    Form(form): Form<AuthForm>,
) -> Result<Response, WebError> {
    let next = safe_next(form.next.as_deref());
    match services
        .login(&form.login, &form.password, SessionKind::Web)
        .await
    {
        Ok((_, token)) => Ok(redirect_with_cookie(&next, session_cookie(&token.0))),
        Err(e) => failed(&ctx, false, next, &form, &e),
    }
}

pub async fn register(
    State(services): State<Services>,
    ctx: Ctx,
    Form(form): Form<AuthForm>,
) -> Result<Response, WebError> {
    let next = safe_next(form.next.as_deref());
    let display_name = if form.display_name.trim().is_empty() {
        form.login.clone()
    } else {
        form.display_name.clone()
    };
    let reg = Registration {
        login: form.login.clone(),
        password: form.password.clone(),
        display_name,
        role: Role::Buyer,
        shop: None,
    };
    match services.register(reg, SessionKind::Web).await {
        Ok((_, token)) => Ok(redirect_with_cookie(&next, session_cookie(&token.0))),
        Err(e) => failed(&ctx, true, next, &form, &e),
    }
}

/// Shows the form again with the message; the password is never echoed.
fn failed(
    ctx: &Ctx,
    register: bool,
    next: String,
    form: &AuthForm,
    e: &ServiceError,
) -> Result<Response, WebError> {
    let failure = classify(e);
    let mut page = form_page(ctx, register, next);
    page.login = form.login.trim().to_owned();
    page.display_name = form.display_name.clone();
    page.error = Some(failure.message.text(ctx.lang));
    page.error_field = match e {
        ServiceError::Invalid(v) => v.field,
        ServiceError::Duplicate { field } => field,
        _ => "",
    };
    Ok((failure.status, render(&page)?).into_response())
}

pub async fn logout(State(services): State<Services>, ctx: Ctx) -> Result<Response, WebError> {
    if let Some(token) = &ctx.token {
        services.logout(token).await?;
    }
    Ok(redirect_with_cookie("/", clear_session_cookie()))
}

/// `/lang/{zh|en}`: remembers the choice and goes back.
pub async fn switch_lang(
    Path(code): Path<String>,
    Query(q): Query<NextQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = Lang::from_code(&code);
    let back = match q.next.as_deref() {
        Some(n) => safe_next(Some(n)),
        None => referer_path(&headers).unwrap_or_else(|| "/".to_owned()),
    };
    redirect_with_cookie(&back, lang_cookie(lang))
}
