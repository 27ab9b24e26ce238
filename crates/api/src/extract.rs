//! Extractors: the caller (bearer token or session cookie), JSON bodies
//! and query strings whose rejections are problem+json, the
//! Idempotency-Key header, and page parameters.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use utoipa::IntoParams;
use yc_domain::account::User;
use yc_domain::page::{PageRequest, PageSize};
use yc_services::Services;

use crate::error::ApiError;

pub const SESSION_COOKIE: &str = "yc_session";

/// The signed-in caller; 401 otherwise.
pub struct Auth(pub User);

fn bearer_or_cookie(parts: &Parts) -> Option<String> {
    let headers = &parts.headers;
    if let Some(v) = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        return v.strip_prefix("Bearer ").map(|t| t.trim().to_owned());
    }
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            kv.trim()
                .strip_prefix(SESSION_COOKIE)
                .and_then(|rest| rest.strip_prefix('='))
                .map(str::to_owned)
        })
}

impl FromRequestParts<Services> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        services: &Services,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer_or_cookie(parts).ok_or(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "sign in first",
        ))?;
        match services.authenticate(&token).await? {
            Some(user) => Ok(Auth(user)),
            None => Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "session expired or unknown",
            )),
        }
    }
}

/// The caller if signed in.
pub struct MaybeAuth(pub Option<User>);

impl FromRequestParts<Services> for MaybeAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        services: &Services,
    ) -> Result<Self, Self::Rejection> {
        match bearer_or_cookie(parts) {
            Some(token) => Ok(MaybeAuth(services.authenticate(&token).await?)),
            None => Ok(MaybeAuth(None)),
        }
    }
}

/// The raw `Idempotency-Key` header; services parse and require it.
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let value = parts
            .headers
            .get("idempotency-key")
            .map(|v| v.to_str().map(str::to_owned));
        match value {
            None => Ok(IdempotencyKey(None)),
            Some(Ok(v)) => Ok(IdempotencyKey(Some(v))),
            Some(Err(_)) => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "bad_idempotency_key",
                "Idempotency-Key must be visible ASCII",
            )),
        }
    }
}

/// `Json<T>` whose rejections are problem+json.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Body(v)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(r: JsonRejection) -> ApiError {
    let text = r.body_text();
    match r {
        JsonRejection::JsonDataError(_) => {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", text)
        }
        JsonRejection::JsonSyntaxError(_) => {
            ApiError::new(StatusCode::BAD_REQUEST, "malformed_body", text)
        }
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            text,
        ),
        JsonRejection::BytesRejection(_) => {
            ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large", text)
        }
        _ => ApiError::new(StatusCode::BAD_REQUEST, "bad_request", text),
    }
}

/// Query string whose rejections are problem+json.
pub struct Q<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Q<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| Q(v))
            .map_err(|r: QueryRejection| {
                ApiError::new(StatusCode::BAD_REQUEST, "bad_query", r.body_text())
            })
    }
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PageParams {
    /// Items per page, 1–100 (default 20).
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<uuid::Uuid>,
}

impl PageParams {
    pub fn request(&self) -> Result<PageRequest, ApiError> {
        let size = PageSize::parse(self.limit).map_err(yc_services::ServiceError::from)?;
        Ok(PageRequest {
            size,
            after: self.cursor,
        })
    }
}
