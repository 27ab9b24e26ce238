//! Live rooms with their pinned products, flash sales with their pool.

use std::collections::HashMap;

use sqlx::FromRow;
use uuid::Uuid;
use uuid::fmt::Hyphenated;
use yc_domain::live::{FlashSale, LiveRoom};
use yc_domain::{ProductId, Timestamp};
use yc_store::{SaleState, StoreResult};

use super::{id, money, small};

macro_rules! room_columns {
    () => {
        "id, merchant_id, title, stream_url, poster_url, created_at"
    };
}
pub(crate) use room_columns;

macro_rules! sale_columns {
    () => {
        "id, room_id, merchant_id, product_id, sku_id, price_minor, currency, pool_size, \
         per_buyer_cap, remaining, starts_at, countdown_secs, ends_at, pay_window_ms, created_at"
    };
}
pub(crate) use sale_columns;

#[derive(FromRow)]
pub(crate) struct RoomRow {
    pub(crate) id: Hyphenated,
    merchant_id: Hyphenated,
    title: String,
    stream_url: String,
    poster_url: String,
    created_at: i64,
}

#[derive(FromRow)]
pub(crate) struct PinRow {
    room_id: Hyphenated,
    product_id: Hyphenated,
}

/// Joins rooms (kept in their order) with their pins (ordered by position).
pub(crate) fn assemble_rooms(rooms: Vec<RoomRow>, pins: Vec<PinRow>) -> Vec<LiveRoom> {
    let mut by_room: HashMap<Uuid, Vec<ProductId>> = HashMap::new();
    for pin in pins {
        by_room
            .entry(pin.room_id.into_uuid())
            .or_default()
            .push(id(pin.product_id));
    }
    rooms
        .into_iter()
        .map(|r| LiveRoom {
            id: id(r.id),
            merchant_id: id(r.merchant_id),
            title: r.title,
            stream_url: r.stream_url,
            poster_url: r.poster_url,
            pinned: by_room.remove(&r.id.into_uuid()).unwrap_or_default(),
            created_at: Timestamp(r.created_at),
        })
        .collect()
}

#[derive(FromRow)]
pub(crate) struct SaleRow {
    id: Hyphenated,
    room_id: Hyphenated,
    merchant_id: Hyphenated,
    product_id: Hyphenated,
    sku_id: Hyphenated,
    price_minor: i64,
    currency: String,
    pool_size: i64,
    per_buyer_cap: i64,
    remaining: i64,
    starts_at: i64,
    countdown_secs: i64,
    ends_at: i64,
    pay_window_ms: i64,
    created_at: i64,
}

impl SaleRow {
    pub(crate) fn into_state(self) -> StoreResult<SaleState> {
        Ok(SaleState {
            sale: FlashSale {
                id: id(self.id),
                room_id: id(self.room_id),
                merchant_id: id(self.merchant_id),
                product_id: id(self.product_id),
                sku_id: id(self.sku_id),
                flash_price: money(self.price_minor, &self.currency)?,
                pool_size: self.pool_size,
                per_buyer_cap: small(self.per_buyer_cap, "flash_sales.per_buyer_cap")?,
                starts_at: Timestamp(self.starts_at),
                countdown_secs: self.countdown_secs,
                ends_at: Timestamp(self.ends_at),
                pay_window_ms: self.pay_window_ms,
                created_at: Timestamp(self.created_at),
            },
            remaining: self.remaining,
        })
    }
}
