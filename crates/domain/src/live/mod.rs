//! Live rooms and flash sales (秒杀). A room streams video and pins
//! products; a flash sale sets aside a pool of one SKU's stock at a flash
//! price, opens after a countdown, and caps what one buyer may take.

mod allocate;

pub use allocate::{Allocation, BuyRequest, Decision, Refusal, allocate, quantity_refusal};

use crate::catalog::parse_media_url;
use crate::error::bounded_text;
use crate::{
    FlashSaleId, LiveRoomId, MerchantId, Money, ProductId, SkuId, Timestamp, ValidationError,
};
use serde::{Deserialize, Serialize};

pub const MAX_PINNED: usize = 20;
pub const COUNTDOWN_SECS_MIN: i64 = 10;
pub const COUNTDOWN_SECS_MAX: i64 = 300;
pub const DURATION_SECS_MAX: i64 = 24 * 3600;
pub const MAX_PER_BUYER: u32 = 99;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveRoom {
    pub id: LiveRoomId,
    pub merchant_id: MerchantId,
    pub title: String,
    /// HLS (.m3u8) or MP4 URL.
    pub stream_url: String,
    pub poster_url: String,
    pub pinned: Vec<ProductId>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveRoomDraft {
    pub title: String,
    pub stream_url: String,
    pub poster_url: String,
    #[serde(default)]
    pub pinned: Vec<ProductId>,
}

impl LiveRoomDraft {
    pub fn parse(
        self,
        merchant_id: MerchantId,
        now: Timestamp,
    ) -> Result<LiveRoom, ValidationError> {
        if self.pinned.len() > MAX_PINNED {
            return Err(ValidationError::new(
                "pinned",
                "too_many",
                format!("at most {MAX_PINNED} pinned products"),
            ));
        }
        Ok(LiveRoom {
            id: LiveRoomId::new(),
            merchant_id,
            title: bounded_text("title", &self.title, 1, 60)?,
            stream_url: parse_media_url("stream_url", &self.stream_url)?,
            poster_url: parse_media_url("poster_url", &self.poster_url)?,
            pinned: crate::video::parse_product_ids(self.pinned)?,
            created_at: now,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlashSale {
    pub id: FlashSaleId,
    pub room_id: LiveRoomId,
    pub merchant_id: MerchantId,
    pub product_id: ProductId,
    pub sku_id: SkuId,
    pub flash_price: Money,
    /// Units set aside from the SKU's stock for this sale.
    pub pool_size: i64,
    pub per_buyer_cap: u32,
    /// Buying opens at this instant; viewers see a countdown before it.
    pub starts_at: Timestamp,
    pub countdown_secs: i64,
    pub ends_at: Timestamp,
    /// Unpaid flash orders give their units back to the pool after this.
    pub pay_window_ms: i64,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SalePhase {
    /// Announced; the countdown is not showing yet.
    Scheduled,
    /// The last `countdown_secs` before opening.
    Countdown,
    Open,
    /// Open by the clock, but no units left (已抢光).
    SoldOut,
    Ended,
}

impl FlashSale {
    pub fn phase(&self, now: Timestamp, remaining: i64) -> SalePhase {
        if now >= self.ends_at {
            SalePhase::Ended
        } else if now >= self.starts_at {
            if remaining > 0 {
                SalePhase::Open
            } else {
                SalePhase::SoldOut
            }
        } else if now >= self.starts_at.plus_secs(-self.countdown_secs) {
            SalePhase::Countdown
        } else {
            SalePhase::Scheduled
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlashSaleDraft {
    pub sku_id: SkuId,
    pub flash_price: Money,
    pub pool_size: i64,
    pub per_buyer_cap: u32,
    /// Seconds from now until buying opens (the countdown runs at the end).
    pub starts_in_secs: i64,
    pub countdown_secs: i64,
    pub duration_secs: i64,
    /// Minutes an unpaid flash order holds its units (1–30, default 5).
    #[serde(default)]
    pub pay_window_minutes: Option<i64>,
}

impl FlashSaleDraft {
    /// `sku_price` and `sku_stock` are the SKU's current values; the pool
    /// is taken from its stock when the sale is stored.
    pub fn parse(
        self,
        room: &LiveRoom,
        product_id: ProductId,
        sku_price: Money,
        sku_stock: i64,
        now: Timestamp,
    ) -> Result<FlashSale, ValidationError> {
        let v = |field, code, msg: &str| Err(ValidationError::new(field, code, msg));
        if !(COUNTDOWN_SECS_MIN..=COUNTDOWN_SECS_MAX).contains(&self.countdown_secs) {
            return v(
                "countdown_secs",
                "out_of_range",
                "countdown is 10 to 300 seconds",
            );
        }
        if !(10..=DURATION_SECS_MAX).contains(&self.duration_secs) {
            return v(
                "duration_secs",
                "out_of_range",
                "duration is 10 seconds to 24 hours",
            );
        }
        if !(0..=7 * 24 * 3600).contains(&self.starts_in_secs) {
            return v("starts_in_secs", "out_of_range", "starts within a week");
        }
        if self.pool_size < 1 || self.pool_size > sku_stock {
            return v("pool_size", "out_of_range", "1 to the SKU's stock");
        }
        if self.per_buyer_cap < 1 || self.per_buyer_cap > MAX_PER_BUYER {
            return v("per_buyer_cap", "out_of_range", "1 to 99 per buyer");
        }
        if self.flash_price.currency != sku_price.currency
            || self.flash_price.amount_minor < 1
            || self.flash_price.amount_minor > sku_price.amount_minor
        {
            return v(
                "flash_price",
                "out_of_range",
                "above 0 and at most the SKU's price",
            );
        }
        let window_min = self.pay_window_minutes.unwrap_or(5);
        if !(1..=30).contains(&window_min) {
            return v("pay_window_minutes", "out_of_range", "1 to 30 minutes");
        }
        let starts_at = now.plus_secs(self.starts_in_secs);
        Ok(FlashSale {
            id: FlashSaleId::new(),
            room_id: room.id,
            merchant_id: room.merchant_id,
            product_id,
            sku_id: self.sku_id,
            flash_price: self.flash_price,
            pool_size: self.pool_size,
            per_buyer_cap: self.per_buyer_cap,
            starts_at,
            countdown_secs: self.countdown_secs,
            ends_at: starts_at.plus_secs(self.duration_secs),
            pay_window_ms: window_min * 60_000,
            created_at: now,
        })
    }
}

/// What a flash order snapshots of the sale's product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleItem {
    pub title: String,
    pub spec_label: String,
    pub image: Option<String>,
    pub return_policy: crate::aftersales::ReturnPolicy,
    /// 运费险 the shop grants on every order; flash prices come without
    /// the buyer's 运费险 upsell.
    pub insurance: Option<crate::aftersales::InsuranceSource>,
}

/// The order one buyer gets for `quantity` units of the sale, at the flash
/// price, to `address`; refused if the quantity breaks the sale's rule.
pub fn flash_order(
    sale: &FlashSale,
    item: &SaleItem,
    buyer_id: crate::UserId,
    address: &crate::address::Address,
    quantity: u32,
    now: Timestamp,
) -> Result<crate::order::Order, Refusal> {
    if let Some(refusal) = quantity_refusal(quantity, sale.per_buyer_cap) {
        return Err(refusal);
    }
    let line_total = sale
        .flash_price
        .checked_mul(quantity)
        .map_err(|_| Refusal::Invalid)?;
    let line = crate::order::OrderLine {
        sku_id: sale.sku_id,
        product_id: sale.product_id,
        title: item.title.clone(),
        spec_label: item.spec_label.clone(),
        image: item.image.clone(),
        unit_price: sale.flash_price,
        quantity,
        line_total,
        return_policy: item.return_policy,
    };
    let placed = crate::order::Placed {
        buyer_id,
        merchant_id: sale.merchant_id,
        address,
        now,
        pay_window_ms: sale.pay_window_ms,
        note: "直播秒杀".into(),
        flash_sale_id: Some(sale.id),
        insurance: item.insurance,
    };
    placed.order(vec![line]).map_err(|_| Refusal::Invalid)
}

#[cfg(test)]
mod tests;
