//! `POST /events`: behaviour events reported by events.js, by `fetch` every
//! few seconds and by `navigator.sendBeacon` when the page goes away. The
//! cookie session says who (or the `yc_did` device cookie, for anonymous
//! viewers); the CSRF guard has already checked the Origin, which browsers
//! send with beacons too.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use yc_domain::behaviour::EventDraft;
use yc_services::Services;

use crate::error::{Message, WebError};
use crate::session::Ctx;

/// The most a batch may weigh: 100 events are about 10 KB.
pub const MAX_EVENTS_BODY: usize = 32 * 1024;

#[derive(Deserialize)]
struct Batch {
    events: Vec<EventDraft>,
}

#[tracing::instrument(skip_all)]
pub async fn record(
    State(services): State<Services>,
    ctx: Ctx,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, WebError> {
    // The body is read as bytes, not `Json`: a beacon's body is a string,
    // sent as text/plain so that no browser refuses it.
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::Refused(e.status(), Message::Key("err_events_too_large"))
        } else {
            WebError::BadRequest("err_bad_request")
        }
    })?;
    let batch: Batch = serde_json::from_slice(&body).map_err(|e| {
        let status = if e.is_data() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::BAD_REQUEST
        };
        WebError::Refused(status, Message::Key("err_events_malformed"))
    })?;
    let accepted = services
        .record_events(ctx.user.as_ref(), ctx.device, &batch.events)
        .await?;
    let body = serde_json::json!({ "ok": true, "accepted": accepted.accepted });
    Ok((StatusCode::ACCEPTED, Json(body)).into_response())
}
