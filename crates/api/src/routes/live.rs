//! Live rooms, flash sales and the real-time stream viewers subscribe to.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use serde::Deserialize;
use std::convert::Infallible;
use std::time::Duration;
use utoipa::ToSchema;
use yc_domain::live::{FlashSaleDraft, LiveRoom, LiveRoomDraft};
use yc_domain::order::Order;
use yc_domain::{FlashSaleId, LiveRoomId, ProductId};
use yc_services::Services;
use yc_services::live::{Comment, FlashCheckout, LiveEvent, RoomView, SaleView};

use super::PageOf;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Auth, Body, IdempotencyKey, PageParams, Q};

#[utoipa::path(get, path = "/api/v1/live", tag = "live", params(PageParams), responses((status = 200, body = PageOf<LiveRoom>)))]
pub async fn rooms(
    State(s): State<Services>,
    Q(p): Q<PageParams>,
) -> ApiResult<Json<PageOf<LiveRoom>>> {
    Ok(Json(s.live_rooms(p.request()?).await?.into()))
}

#[utoipa::path(get, path = "/api/v1/live/{id}", tag = "live", params(("id" = LiveRoomId, Path)),
    responses((status = 200, body = RoomView), (status = 404, body = crate::error::Problem)))]
pub async fn room(
    State(s): State<Services>,
    Path(id): Path<LiveRoomId>,
) -> ApiResult<Json<RoomView>> {
    Ok(Json(s.live_room(id).await?))
}

#[utoipa::path(post, path = "/api/v1/merchant/live", tag = "live", security(("bearer" = [])), request_body = LiveRoomDraft,
    responses((status = 201, body = LiveRoom), (status = 422, body = crate::error::Problem)))]
pub async fn create_room(
    State(s): State<Services>,
    Auth(u): Auth,
    Body(d): Body<LiveRoomDraft>,
) -> ApiResult<(StatusCode, Json<LiveRoom>)> {
    Ok((StatusCode::CREATED, Json(s.create_live_room(&u, d).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PinnedBody {
    pub product_ids: Vec<ProductId>,
}

#[utoipa::path(put, path = "/api/v1/merchant/live/{id}/pinned", tag = "live", security(("bearer" = [])), params(("id" = LiveRoomId, Path)),
    request_body = PinnedBody, responses((status = 200, body = LiveRoom), (status = 404, body = crate::error::Problem)))]
pub async fn pin(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(id): Path<LiveRoomId>,
    Body(b): Body<PinnedBody>,
) -> ApiResult<Json<LiveRoom>> {
    Ok(Json(s.pin_products(&u, id, b.product_ids).await?))
}

#[utoipa::path(post, path = "/api/v1/merchant/live/{id}/flash-sales", tag = "live", security(("bearer" = [])), params(("id" = LiveRoomId, Path)),
    request_body = FlashSaleDraft,
    responses((status = 201, body = SaleView), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn create_sale(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(id): Path<LiveRoomId>,
    Body(d): Body<FlashSaleDraft>,
) -> ApiResult<(StatusCode, Json<SaleView>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.create_flash_sale(&u, id, d).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/flash-sales/{id}", tag = "live", params(("id" = FlashSaleId, Path)),
    responses((status = 200, body = SaleView), (status = 404, body = crate::error::Problem)))]
pub async fn sale(
    State(s): State<Services>,
    Path(id): Path<FlashSaleId>,
) -> ApiResult<Json<SaleView>> {
    Ok(Json(s.flash_sale(id).await?))
}

/// The signed-in viewer's one-tap checkout: the sale and the default
/// address an order would ship to (`null`: add one before buying).
#[utoipa::path(get, path = "/api/v1/flash-sales/{id}/checkout", tag = "live", security(("bearer" = [])), params(("id" = FlashSaleId, Path)),
    responses((status = 200, body = FlashCheckout), (status = 401, body = crate::error::Problem), (status = 404, body = crate::error::Problem)))]
pub async fn checkout(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(id): Path<FlashSaleId>,
) -> ApiResult<Json<FlashCheckout>> {
    Ok(Json(s.flash_checkout(&u, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FlashBuyBody {
    #[serde(default = "one")]
    pub quantity: u32,
}

fn one() -> u32 {
    1
}

/// One-tap flash-sale order to the default address. Acknowledged only once durable.
#[utoipa::path(post, path = "/api/v1/flash-sales/{id}/orders", tag = "live", security(("bearer" = [])), params(("id" = FlashSaleId, Path),
    ("Idempotency-Key" = String, Header, description = "Required. Retries with the same key and body get the first answer.")),
    request_body = FlashBuyBody,
    responses((status = 201, body = Order), (status = 409, description = "sold_out, cap_exceeded, sale_not_open, sale_ended", body = crate::error::Problem),
        (status = 503, body = crate::error::Problem)))]
pub async fn buy(
    State(s): State<Services>,
    Auth(u): Auth,
    IdempotencyKey(key): IdempotencyKey,
    Path(id): Path<FlashSaleId>,
    Body(b): Body<FlashBuyBody>,
) -> ApiResult<(StatusCode, Json<Order>)> {
    Ok((
        StatusCode::CREATED,
        Json(s.buy_flash(&u, id, b.quantity, key.as_deref()).await?),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CommentBody {
    pub text: String,
}

#[utoipa::path(post, path = "/api/v1/live/{id}/comments", tag = "live", security(("bearer" = [])), params(("id" = LiveRoomId, Path)),
    request_body = CommentBody, responses((status = 201, body = Comment), (status = 409, body = crate::error::Problem)))]
pub async fn comment(
    State(s): State<Services>,
    Auth(u): Auth,
    Path(id): Path<LiveRoomId>,
    Body(b): Body<CommentBody>,
) -> ApiResult<(StatusCode, Json<Comment>)> {
    Ok((StatusCode::CREATED, Json(s.comment(&u, id, &b.text).await?)))
}

/// Server-sent events of a room: `stock` (a sale's remaining units and
/// phase) and `comment`. Starts with the current state; re-reads the sales
/// every second so changes made on other nodes arrive too. 503 when the
/// room is full; browsers reconnect by themselves.
#[utoipa::path(get, path = "/api/v1/live/{id}/events", tag = "live", params(("id" = LiveRoomId, Path)),
    responses((status = 200, content_type = "text/event-stream", body = String), (status = 503, body = crate::error::Problem)))]
pub async fn events(
    State(s): State<Services>,
    Path(id): Path<LiveRoomId>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let view = s.live_room(id).await?;
    let (rx, recent, guard) = s.live.join(id).ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "room_full",
            "this live room is full, retry shortly",
        )
    })?;
    let initial: Vec<LiveEvent> = view
        .sales
        .iter()
        .map(|v| LiveEvent::Stock {
            sale_id: v.sale.id,
            remaining: v.remaining,
            phase: v.phase,
        })
        .chain(recent.into_iter().map(LiveEvent::Comment))
        .collect();
    let stream = async_stream::stream! {
        let _guard = guard;
        let mut rx = rx;
        for e in initial {
            yield Ok(to_sse(&e));
        }
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        loop {
            tokio::select! {
                msg = rx.recv() => match msg {
                    Ok(e) => yield Ok(to_sse(&e)),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
                },
                _ = tick.tick() => {
                    // Other nodes' sales and the clock's phase changes, from
                    // the room's shared snapshot (one store read per second).
                    if let Ok(sales) = s.room_sales(id).await {
                        for sale in sales {
                            yield Ok(to_sse(&LiveEvent::Stock { sale_id: sale.sale.id, remaining: sale.remaining, phase: sale.phase }));
                        }
                    }
                }
            }
        }
    };
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

fn to_sse(e: &LiveEvent) -> Event {
    let name = match e {
        LiveEvent::Stock { .. } => "stock",
        LiveEvent::Comment(_) => "comment",
    };
    Event::default()
        .event(name)
        .retry(Duration::from_secs(2))
        .data(serde_json::to_string(e).unwrap_or_default())
}
