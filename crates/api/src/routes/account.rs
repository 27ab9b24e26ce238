//! Register, log in, log out, who am I.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use yc_domain::account::{Role, User};
use yc_services::Services;
use yc_services::auth::Registration;
use yc_store::SessionKind;

use crate::error::ApiResult;
use crate::extract::{Auth, Body};

#[derive(Debug, Deserialize, ToSchema)]
pub struct RegisterBody {
    pub login: String,
    pub password: String,
    pub display_name: String,
    /// `buyer` (default) or `merchant`.
    #[serde(default)]
    pub role: Option<Role>,
    pub shop_name: Option<String>,
    pub shop_province: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginBody {
    pub login: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionBody {
    /// Bearer token for the `Authorization` header.
    pub token: String,
    pub user: User,
}

#[utoipa::path(post, path = "/api/v1/auth/register", tag = "account", request_body = RegisterBody,
    responses((status = 201, body = SessionBody), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn register(
    State(s): State<Services>,
    Body(b): Body<RegisterBody>,
) -> ApiResult<(StatusCode, Json<SessionBody>)> {
    let shop = match (b.shop_name, b.shop_province) {
        (Some(n), Some(p)) => Some((n, p)),
        (Some(n), None) => Some((n, String::new())),
        (None, _) => None,
    };
    let reg = Registration {
        login: b.login,
        password: b.password,
        display_name: b.display_name,
        role: b.role.unwrap_or(Role::Buyer),
        shop,
    };
    let (user, token) = s.register(reg, SessionKind::Api).await?;
    Ok((
        StatusCode::CREATED,
        Json(SessionBody {
            token: token.0,
            user,
        }),
    ))
}

#[utoipa::path(post, path = "/api/v1/auth/login", tag = "account", request_body = LoginBody,
    responses((status = 200, body = SessionBody), (status = 401, body = crate::error::Problem)))]
pub async fn login(
    State(s): State<Services>,
    Body(b): Body<LoginBody>,
) -> ApiResult<Json<SessionBody>> {
    let (user, token) = s.login(&b.login, &b.password, SessionKind::Api).await?;
    Ok(Json(SessionBody {
        token: token.0,
        user,
    }))
}

#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "account", security(("bearer" = [])), responses((status = 204)))]
pub async fn logout(
    State(s): State<Services>,
    headers: axum::http::HeaderMap,
    _caller: Auth,
) -> ApiResult<StatusCode> {
    if let Some(token) = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
    {
        s.logout(token.trim()).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/me", tag = "account", security(("bearer" = [])),
    responses((status = 200, body = User), (status = 401, body = crate::error::Problem)))]
pub async fn me(Auth(user): Auth) -> Json<User> {
    Json(user)
}
