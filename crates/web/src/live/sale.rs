//! The flash-sale card (秒杀) of a live room: which sale to feature, what
//! the card shows at render time, and the data live.js drives it with.

use serde::Serialize;
use yc_domain::address::Address;
use yc_domain::catalog::Product;
use yc_domain::live::SalePhase;
use yc_domain::{LiveRoomId, Timestamp};
use yc_services::live::SaleView;

use crate::fmt;
use crate::i18n::{Lang, t};

/// The phase as live.js, `data-phase` and the SSE stream spell it.
pub fn phase_code(p: SalePhase) -> &'static str {
    match p {
        SalePhase::Scheduled => "scheduled",
        SalePhase::Countdown => "countdown",
        SalePhase::Open => "open",
        SalePhase::SoldOut => "sold_out",
        SalePhase::Ended => "ended",
    }
}

/// The button's words in each phase.
fn button_key(p: SalePhase) -> &'static str {
    match p {
        SalePhase::Scheduled | SalePhase::Countdown => "flash_soon",
        SalePhase::Open => "flash_grab",
        SalePhase::SoldOut => "flash_sold_out",
        SalePhase::Ended => "flash_ended",
    }
}

/// The sale to show: an open one, else the next to open, else the latest
/// sold out, else the latest ended.
pub fn featured(sales: &[SaleView]) -> Option<&SaleView> {
    sales.iter().min_by_key(|v| {
        let starts = v.sale.starts_at.millis();
        match v.phase {
            SalePhase::Open => (0, -starts),
            SalePhase::Countdown | SalePhase::Scheduled => (1, starts),
            SalePhase::SoldOut => (2, -starts),
            SalePhase::Ended => (3, -v.sale.ends_at.millis()),
        }
    })
}

/// "00:12", "59:59", or "1:30:00" past an hour; rounds up, like live.js.
pub fn clock(ms: i64) -> String {
    let secs = (ms.max(0) + 999) / 1000;
    if secs >= 3600 {
        format!("{}:{:02}:{:02}", secs / 3600, secs % 3600 / 60, secs % 60)
    } else {
        format!("{:02}:{:02}", secs / 60, secs % 60)
    }
}

pub struct SaleCard {
    pub id: String,
    pub buy_url: String,
    /// The product's half-screen sheet.
    pub sheet_url: String,
    pub title: String,
    pub spec: String,
    pub image: Option<String>,
    pub flash_price: String,
    pub original_price: String,
    pub pool: i64,
    pub remaining: i64,
    pub sold: i64,
    pub claimed: String,
    pub cap: String,
    pub phase: &'static str,
    /// Scheduled or counting down: the countdown shows.
    pub waiting: bool,
    pub open: bool,
    pub countdown: String,
    pub button: &'static str,
    /// Idempotency key of the form when it is posted without script.
    pub key: String,
    /// Where a tap ships, for a signed-in viewer with a default address.
    pub ship_to: Option<String>,
}

/// "已抢 40%"
fn claimed(lang: Lang, sold: i64, pool: i64) -> String {
    let pct = if pool > 0 { sold * 100 / pool } else { 100 };
    t(lang, "flash_claimed").replace("{p}", &pct.to_string())
}

impl SaleCard {
    pub fn build(room: LiveRoomId, v: &SaleView, product: Option<&Product>, lang: Lang) -> Self {
        let sale = &v.sale;
        let sku = product.and_then(|p| p.sku(sale.sku_id));
        let sold = (sale.pool_size - v.remaining).max(0);
        SaleCard {
            id: sale.id.to_string(),
            buy_url: format!("/live/{room}/sales/{}/buy", sale.id),
            sheet_url: format!("/sheet/{}?live={room}", sale.product_id),
            title: product.map(|p| p.title.clone()).unwrap_or_default(),
            spec: match (product, sku) {
                (Some(p), Some(s)) => p.spec_label(s),
                _ => String::new(),
            },
            image: product.and_then(|p| p.media.first().cloned()),
            flash_price: fmt::price(sale.flash_price),
            original_price: sku.map(|s| fmt::price(s.price)).unwrap_or_default(),
            pool: sale.pool_size,
            remaining: v.remaining,
            sold,
            claimed: claimed(lang, sold, sale.pool_size),
            cap: t(lang, "flash_cap").replace("{n}", &sale.per_buyer_cap.to_string()),
            phase: phase_code(v.phase),
            waiting: matches!(v.phase, SalePhase::Scheduled | SalePhase::Countdown),
            open: v.phase == SalePhase::Open,
            countdown: clock(v.opens_in_ms),
            button: button_key(v.phase),
            key: uuid::Uuid::now_v7().to_string(),
            ship_to: None,
        }
    }

    /// Shows the viewer where a one-tap order ships (their own address).
    pub fn shipping_to(mut self, address: Option<&Address>) -> Self {
        self.ship_to = address.map(|a| format!("{} · {}", a.full_text(), a.recipient));
        self
    }
}

/// What live.js needs, embedded as `<script type="application/json">`.
#[derive(Serialize)]
pub struct LiveData {
    pub room: String,
    /// The room's server-sent events.
    pub events: String,
    pub login: String,
    pub add_address: String,
    pub sale: Option<SaleData>,
    pub text: LiveText,
}

#[derive(Serialize)]
pub struct SaleData {
    pub id: String,
    pub buy_url: String,
    pub pool: i64,
    pub cap: u32,
    pub remaining: i64,
    pub phase: &'static str,
    /// Relative to the page render: the client clock drives the countdown.
    pub opens_in_ms: i64,
    pub countdown_ms: i64,
    pub ends_in_ms: i64,
}

impl SaleData {
    pub fn new(card: &SaleCard, v: &SaleView, now: Timestamp) -> Self {
        SaleData {
            id: card.id.clone(),
            buy_url: card.buy_url.clone(),
            pool: v.sale.pool_size,
            cap: v.sale.per_buyer_cap,
            remaining: v.remaining,
            phase: card.phase,
            opens_in_ms: v.opens_in_ms,
            countdown_ms: v.sale.countdown_secs.saturating_mul(1000),
            ends_in_ms: now.millis_until(v.sale.ends_at).max(0),
        }
    }
}

/// The few strings live.js shows, in the page's language.
#[derive(Serialize)]
pub struct LiveText {
    soon: &'static str,
    grab: &'static str,
    grabbing: &'static str,
    sold_out: &'static str,
    ended: &'static str,
    capped: &'static str,
    claimed: &'static str,
    now_open: &'static str,
    got_it: &'static str,
    pay_within: String,
    go_pay: &'static str,
    failed: &'static str,
    add_address: &'static str,
    reconnecting: &'static str,
    network: &'static str,
    mute: &'static str,
    unmute: &'static str,
}

impl LiveText {
    pub fn new(lang: Lang, pay_window_ms: i64) -> Self {
        let minutes = (pay_window_ms / 60_000).max(1);
        LiveText {
            soon: t(lang, "flash_soon"),
            grab: t(lang, "flash_grab"),
            grabbing: t(lang, "flash_grabbing"),
            sold_out: t(lang, "flash_sold_out"),
            ended: t(lang, "flash_ended"),
            capped: t(lang, "flash_capped"),
            claimed: t(lang, "flash_claimed"),
            now_open: t(lang, "flash_now_open"),
            got_it: t(lang, "flash_got_it"),
            pay_within: t(lang, "flash_pay_within").replace("{m}", &minutes.to_string()),
            go_pay: t(lang, "go_pay"),
            failed: t(lang, "flash_failed"),
            add_address: t(lang, "address_add"),
            reconnecting: t(lang, "reconnecting"),
            network: t(lang, "err_network"),
            mute: t(lang, "live_mute"),
            unmute: t(lang, "live_unmute"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use yc_domain::live::{FlashSaleDraft, LiveRoomDraft};
    use yc_domain::{MerchantId, Money, ProductId, SkuId};

    fn view(starts_in_secs: i64, remaining: i64, now_secs: i64) -> SaleView {
        let room = LiveRoomDraft {
            title: "room".into(),
            stream_url: "/a.mp4".into(),
            poster_url: "/a.jpg".into(),
            pinned: vec![],
        }
        .parse(MerchantId::new(), Timestamp(0))
        .unwrap();
        let draft = FlashSaleDraft {
            sku_id: SkuId::new(),
            flash_price: Money::cny(100),
            pool_size: 10,
            per_buyer_cap: 1,
            starts_in_secs,
            countdown_secs: 10,
            duration_secs: 600,
            pay_window_minutes: None,
        };
        let sale = draft
            .parse(&room, ProductId::new(), Money::cny(200), 10, Timestamp(0))
            .unwrap();
        let now = Timestamp(now_secs * 1000);
        SaleView {
            phase: sale.phase(now, remaining),
            opens_in_ms: now.millis_until(sale.starts_at).max(0),
            remaining,
            sale,
        }
    }

    #[test]
    fn the_card_features_open_then_next_then_sold_out() {
        let open = view(0, 5, 100);
        let sold_out = view(0, 0, 100);
        let soon = view(150, 5, 100);
        let later = view(3000, 5, 100);
        let ended = view(0, 5, 700);
        let pick = |all: &[&SaleView]| {
            let owned: Vec<SaleView> = all.iter().map(|v| (*v).clone()).collect();
            featured(&owned).map(|v| v.sale.id)
        };
        assert_eq!(pick(&[&later, &open, &soon]), Some(open.sale.id));
        assert_eq!(pick(&[&later, &sold_out, &soon]), Some(soon.sale.id));
        assert_eq!(pick(&[&sold_out, &ended]), Some(sold_out.sale.id));
        assert_eq!(pick(&[&ended]), Some(ended.sale.id));
        assert_eq!(pick(&[]), None);
        assert_eq!(phase_code(sold_out.phase), "sold_out");
    }

    #[test]
    fn countdown_clock() {
        assert_eq!(clock(12_000), "00:12");
        assert_eq!(clock(11_001), "00:12");
        assert_eq!(clock(0), "00:00");
        assert_eq!(clock(-5), "00:00");
        assert_eq!(clock(90_000), "01:30");
        assert_eq!(clock(5_400_000), "1:30:00");
    }
}
