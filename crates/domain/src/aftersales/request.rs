//! The stored shape of an after-sales request: what was asked, where it
//! stands, its append-only timeline, and the money that moved for it.

use super::{Evidence, ReasonCode, RequestKind, RequestState, Rule, Transition};
use crate::{
    AfterSalesId, MerchantId, Money, OrderId, PaymentId, RefundId, SkuId, Timestamp, UserId,
};
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestEvent {
    pub at: Timestamp,
    pub state: RequestState,
    /// None for the opening event.
    pub transition: Option<Transition>,
    /// "buyer", "merchant", "platform", "carrier" or "arbitrator".
    pub actor: String,
    pub rule: Option<Rule>,
    pub note: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    /// Owed; the payout job is calling the provider.
    Pending,
    Succeeded,
}

/// At most one per request (the store's unique key): whatever races
/// approve it, money goes back once.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    pub id: RefundId,
    pub request_id: AfterSalesId,
    pub order_id: OrderId,
    pub payment_id: PaymentId,
    pub amount: Money,
    pub status: RefundStatus,
    /// Paid at pickup (极速退款) rather than on the merchant's receipt.
    pub instant: bool,
    pub created_at: Timestamp,
    pub paid_at: Option<Timestamp>,
    pub provider_ref: Option<String>,
}

/// A paid 运费险 claim.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimRecord {
    pub amount: Money,
    pub paid_at: Timestamp,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AfterSalesRequest {
    pub id: AfterSalesId,
    pub order_id: OrderId,
    pub buyer_id: UserId,
    pub merchant_id: MerchantId,
    pub sku_id: SkuId,
    pub kind: RequestKind,
    pub quantity: u32,
    pub reason: ReasonCode,
    pub reason_text: String,
    pub evidence: Vec<Evidence>,
    pub state: RequestState,
    /// The rule that decided the opening.
    pub rule: Rule,
    pub refund_amount: Money,
    pub instant_refund_eligible: bool,
    pub opened_at: Timestamp,
    /// When the running timeout's clock started (see `due_timeout`).
    pub clock_since: Timestamp,
    /// When the running timeout fires, if one runs.
    pub deadline: Option<Timestamp>,
    /// The merchant put the returned units back on sale.
    pub restocked: bool,
    /// Oldest first.
    pub timeline: Vec<RequestEvent>,
    pub refund: Option<Refund>,
    pub claim: Option<ClaimRecord>,
}

/// Buyers in good standing get instant refunds: fewer than this many
/// refunds in the trailing window.
pub const TRUST_MAX_RECENT_REFUNDS: u64 = 5;
pub const TRUST_WINDOW_MS: i64 = 90 * super::DAY_MS;

pub fn buyer_trust_ok(recent_refunds: u64) -> bool {
    recent_refunds < TRUST_MAX_RECENT_REFUNDS
}
