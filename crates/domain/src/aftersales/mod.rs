//! After-sales (安心购): refund-only, return-and-refund and exchange
//! requests on one order line. Everything here is a pure rule over plain
//! values and an explicit `now`; the service layer loads the facts, calls
//! these, and performs the side effects (refund, stock release, claims).
//! Every decision names a `Rule` whose code is stable and whose reason is
//! shown, in zh and en, to both the buyer and the merchant.

mod open;
mod request;
mod rules;
mod status;

pub use open::{
    InsuranceClaim, Opening, Refusal, instant_refund_on_pickup, insurance_claim, open,
    refund_amount,
};
pub use request::{
    AfterSalesRequest, ClaimRecord, Refund, RefundStatus, RequestEvent, TRUST_WINDOW_MS,
    buyer_trust_ok,
};
pub use rules::{Rule, RuleNotice};
pub use status::{
    IllegalTransition, RequestState, Transition, clock_after, due_timeout,
    merchant_response_deadline, no_reason_window_end, receipt_deadline, ship_back_deadline, timer,
};

use crate::order::OrderStatus;
use crate::{Money, OrderId, SkuId, Timestamp};
use serde::{Deserialize, Serialize};

/// At most this many requests (of any outcome) on one order line, so a
/// refused request cannot be re-filed forever.
pub const MAX_REQUESTS_PER_LINE: u32 = 3;
pub const MAX_EVIDENCE: usize = 9;
pub const MAX_EVIDENCE_BYTES: u64 = 5 * 1024 * 1024;
pub const EVIDENCE_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];
pub const MAX_REASON_TEXT: usize = 500;
/// Instant refund (极速退款 on pickup) is capped at ¥1,500.00.
pub const INSTANT_REFUND_CAP_FEN: i64 = 150_000;

pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 24 * HOUR_MS;
pub const MERCHANT_RESPONSE_MS: i64 = 48 * HOUR_MS;
pub const SHIP_BACK_MS: i64 = 7 * DAY_MS;
pub const RECEIPT_MS: i64 = 8 * DAY_MS;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// 仅退款
    RefundOnly,
    /// 退货退款
    ReturnRefund,
    /// 换货
    Exchange,
}

impl RequestKind {
    pub const ALL: [RequestKind; 3] = [Self::RefundOnly, Self::ReturnRefund, Self::Exchange];

    /// Return and exchange send goods back; refund-only does not.
    pub fn returns_goods(self) -> bool {
        !matches!(self, RequestKind::RefundOnly)
    }
}

/// What kind of goods, as far as returns care.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductKind {
    Standard,
    /// 生鲜: perishes in transit, cannot be resold.
    FreshFood,
    /// 定制: made for this buyer.
    Customized,
    /// 虚拟/数字: cannot be "returned" once delivered.
    Digital,
}

/// A product's return terms, snapshotted on the order line.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnPolicy {
    /// `Some(7)` for 七天无理由退货; `None` if the product does not offer it.
    pub no_reason_days: Option<u8>,
    pub kind: ProductKind,
}

impl Default for ReturnPolicy {
    /// Standard goods with 七天无理由 is what the platform requires unless a
    /// merchant declares otherwise.
    fn default() -> Self {
        ReturnPolicy {
            no_reason_days: Some(7),
            kind: ProductKind::Standard,
        }
    }
}

impl ReturnPolicy {
    /// Non-standard kinds never offer no-reason returns, whatever was sent.
    pub fn normalized(self) -> Self {
        match self.kind {
            ProductKind::Standard => ReturnPolicy {
                no_reason_days: self.no_reason_days.filter(|d| (1..=30).contains(d)),
                kind: self.kind,
            },
            ProductKind::FreshFood | ProductKind::Customized | ProductKind::Digital => {
                ReturnPolicy {
                    no_reason_days: None,
                    kind: self.kind,
                }
            }
        }
    }
}

impl ProductKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProductKind::Standard => "standard",
            ProductKind::FreshFood => "fresh_food",
            ProductKind::Customized => "customized",
            ProductKind::Digital => "digital",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        [
            ProductKind::Standard,
            ProductKind::FreshFood,
            ProductKind::Customized,
            ProductKind::Digital,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReasonCode {
    /// 七天无理由: the only reason that the no-reason window governs.
    NoReason,
    QualityIssue,
    NotAsDescribed,
    WrongItem,
    DamagedInTransit,
    NotReceived,
    Other,
}

/// One evidence photo as declared by the upload; the upload service checks
/// the bytes really match.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub url: String,
    pub content_type: String,
    pub size_bytes: u64,
}

/// What the buyer submits.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AfterSalesDraft {
    pub order_id: OrderId,
    pub sku_id: SkuId,
    pub kind: RequestKind,
    pub quantity: u32,
    pub reason: ReasonCode,
    #[serde(default)]
    pub reason_text: String,
    #[serde(default)]
    pub evidence: Vec<Evidence>,
}

/// Where the return-shipping insurance (运费险) came from.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InsuranceSource {
    BoughtAtCheckout,
    GrantedByMerchant,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsurancePolicy {
    pub source: InsuranceSource,
    /// One claim per policy: set once a claim was paid.
    pub claimed: bool,
}

/// What the buyer pays for 运费险 at checkout, and what a claim pays out
/// (a typical first-kilo return fare).
pub const RETURN_INSURANCE_PREMIUM_FEN: i64 = 150;
pub const RETURN_INSURANCE_PAYOUT_FEN: i64 = 1_200;

impl InsuranceSource {
    pub fn as_str(self) -> &'static str {
        match self {
            InsuranceSource::BoughtAtCheckout => "bought_at_checkout",
            InsuranceSource::GrantedByMerchant => "granted_by_merchant",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "bought_at_checkout" => Some(InsuranceSource::BoughtAtCheckout),
            "granted_by_merchant" => Some(InsuranceSource::GrantedByMerchant),
            _ => None,
        }
    }
}

/// What the rules need to know about the order line, loaded by the caller.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderFacts {
    pub order_status: OrderStatus,
    pub delivered_at: Option<Timestamp>,
    pub line_quantity: u32,
    /// Units already covered by earlier requests that were not closed or refused.
    pub already_requested: u32,
    pub unit_price: Money,
    /// What the buyer actually paid for the line (after discounts).
    pub line_paid: Money,
    pub already_refunded: Money,
    pub buyer_trust_ok: bool,
    pub insurance: Option<InsurancePolicy>,
    /// Requests ever opened on this line, whatever their outcome.
    pub previous_requests: u32,
    pub policy: ReturnPolicy,
}

#[cfg(test)]
mod money_tests;
#[cfg(test)]
mod tests;
