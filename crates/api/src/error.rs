//! One error type for the HTTP surface, rendered as RFC 9457
//! `application/problem+json` with a stable `code`. 5xx details are
//! logged, never returned. The mapping is exhaustive: no catch-all arm.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use yc_services::ServiceError;

#[derive(Debug, Serialize, ToSchema)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// RFC 9457 problem details.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_uri: String,
    pub title: String,
    pub status: u16,
    /// Stable, machine-readable error code.
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: Option<String>,
    pub errors: Vec<FieldError>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            detail: Some(detail.into()),
            errors: Vec::new(),
        }
    }
}

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        use StatusCode as S;
        let detail = e.to_string();
        let (status, code) = match &e {
            ServiceError::Invalid(v) => {
                let errors = vec![FieldError {
                    field: v.field.to_owned(),
                    code: v.code.to_owned(),
                    message: v.message.clone(),
                }];
                return ApiError {
                    status: S::UNPROCESSABLE_ENTITY,
                    code: "validation_failed",
                    detail: Some(detail),
                    errors,
                };
            }
            ServiceError::Duplicate { field } => {
                let errors = vec![FieldError {
                    field: (*field).to_owned(),
                    code: "taken".into(),
                    message: detail.clone(),
                }];
                return ApiError {
                    status: S::CONFLICT,
                    code: "duplicate",
                    detail: Some(detail),
                    errors,
                };
            }
            ServiceError::NotFound(_) => (S::NOT_FOUND, "not_found"),
            ServiceError::Unauthenticated => (S::UNAUTHORIZED, "unauthenticated"),
            ServiceError::BadCredentials => (S::UNAUTHORIZED, "bad_credentials"),
            ServiceError::Forbidden(_) => (S::FORBIDDEN, "forbidden"),
            ServiceError::SoldOut { .. } => (S::CONFLICT, "sold_out"),
            ServiceError::Unavailable(_) => (S::CONFLICT, "unavailable"),
            ServiceError::IdempotencyMismatch => {
                (S::UNPROCESSABLE_ENTITY, "idempotency_key_reused")
            }
            ServiceError::IdempotencyKeyRequired => (S::BAD_REQUEST, "idempotency_key_required"),
            ServiceError::IllegalTransition(_) => (S::CONFLICT, "illegal_transition"),
            ServiceError::AfterSalesIllegal(_) => (S::CONFLICT, "illegal_transition"),
            // The rule's own stable code; both sides read its reasons.
            ServiceError::AfterSalesRefused(rule) => {
                return ApiError {
                    status: S::UNPROCESSABLE_ENTITY,
                    code: rule.code(),
                    detail: Some(format!("{} / {}", rule.reason_zh(), rule.reason_en())),
                    errors: Vec::new(),
                };
            }
            ServiceError::Conflict(code) => (S::CONFLICT, *code),
            ServiceError::LimitReached(_) => (S::CONFLICT, "limit_reached"),
            ServiceError::CallbackRejected(_) => (S::BAD_REQUEST, "callback_rejected"),
            ServiceError::Provider(_) => (S::BAD_GATEWAY, "provider_error"),
            ServiceError::Overloaded => (S::SERVICE_UNAVAILABLE, "overloaded"),
            ServiceError::Internal(_) => (S::INTERNAL_SERVER_ERROR, "internal"),
        };
        ApiError {
            status,
            code,
            detail: Some(detail),
            errors: Vec::new(),
        }
    }
}

impl ApiError {
    /// The problem document (5xx details logged here, never returned).
    pub fn problem(self) -> Problem {
        let detail = if self.status.is_server_error() {
            tracing::error!(code = self.code, detail = ?self.detail, "request failed");
            None
        } else {
            self.detail
        };
        Problem {
            type_uri: format!("urn:yellowcart:problem:{}", self.code),
            title: self.status.canonical_reason().unwrap_or("error").to_owned(),
            status: self.status.as_u16(),
            code: self.code.to_owned(),
            detail,
            errors: self.errors,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        let problem = self.problem();
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut res = (status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        res
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
