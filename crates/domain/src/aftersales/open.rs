//! Opening a request, and the money rules (refund amount, instant refund,
//! shipping-insurance claim).

use super::status::merchant_response_deadline;
use super::{
    AfterSalesDraft, EVIDENCE_TYPES, Evidence, INSTANT_REFUND_CAP_FEN, InsurancePolicy,
    InsuranceSource, MAX_EVIDENCE, MAX_EVIDENCE_BYTES, MAX_REASON_TEXT, MAX_REQUESTS_PER_LINE,
    OrderFacts, ProductKind, ReasonCode, RequestKind, RequestState, Rule, no_reason_window_end,
};
use crate::error::bounded_text;
use crate::order::OrderStatus;
use crate::{Currency, Money, MoneyError, Timestamp};
use serde::{Deserialize, Serialize};

/// A request the rules accepted, and what the platform does at once.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opening {
    pub state: RequestState,
    pub rule: Rule,
    /// When the next timeout fires, if one runs from the start.
    pub deadline: Option<Timestamp>,
    /// 极速退款 of an unshipped order: the reserved units go back to stock.
    pub release_stock: bool,
    pub refund: Money,
    pub reason_text: String,
    /// Whether the refund will be paid at pickup (not at arrival).
    pub instant_refund_eligible: bool,
}

/// Why a request cannot be opened; `rule` names the rule for both sides.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("after-sales refused: {}", rule.code())]
pub struct Refusal {
    pub rule: Rule,
}

fn refuse<T>(rule: Rule) -> Result<T, Refusal> {
    Err(Refusal { rule })
}

pub fn open(
    draft: &AfterSalesDraft,
    facts: &OrderFacts,
    now: Timestamp,
) -> Result<Opening, Refusal> {
    let shipped = match facts.order_status {
        OrderStatus::PendingPayment | OrderStatus::Cancelled => {
            return refuse(Rule::OrderNotEligible);
        }
        OrderStatus::Paid => false,
        OrderStatus::Shipped | OrderStatus::Delivered | OrderStatus::Completed => true,
    };
    if facts.previous_requests >= MAX_REQUESTS_PER_LINE {
        return refuse(Rule::TooManyRequests);
    }
    if draft.quantity == 0 {
        return refuse(Rule::QuantityZero);
    }
    let remaining = facts.line_quantity.saturating_sub(facts.already_requested);
    if draft.quantity > remaining {
        return refuse(Rule::QuantityExceedsRemaining);
    }
    let reason_text =
        bounded_text("reason_text", &draft.reason_text, 0, MAX_REASON_TEXT).map_err(|_| {
            Refusal {
                rule: Rule::ReasonTextInvalid,
            }
        })?;
    check_evidence(&draft.evidence)?;
    if draft.kind.returns_goods() {
        // Nothing to send back before it arrived: the buyer asks for a
        // refund (or refuses the parcel) instead.
        let Some(delivered_at) = facts.delivered_at else {
            return refuse(Rule::ReturnNeedsDelivery);
        };
        if draft.reason == ReasonCode::NoReason {
            check_no_reason(facts, delivered_at, now)?;
        }
    }
    let refund = refund_amount(facts, draft.quantity).map_err(|_| Refusal {
        rule: Rule::RefundCappedAtPaid,
    })?;
    let refund = if draft.kind == RequestKind::Exchange {
        Money::zero(refund.currency)
    } else {
        refund
    };
    if !shipped && draft.kind == RequestKind::RefundOnly {
        return Ok(Opening {
            state: RequestState::RefundDue,
            rule: Rule::UnshippedInstantRefund,
            deadline: None,
            release_stock: true,
            refund,
            reason_text,
            instant_refund_eligible: false,
        });
    }
    Ok(Opening {
        state: RequestState::AwaitingMerchant,
        rule: Rule::MerchantResponse48h,
        deadline: Some(merchant_response_deadline(now)),
        release_stock: false,
        refund,
        reason_text,
        instant_refund_eligible: draft.kind == RequestKind::ReturnRefund
            && instant_refund_on_pickup(refund, facts.buyer_trust_ok),
    })
}

fn check_no_reason(
    facts: &OrderFacts,
    delivered_at: Timestamp,
    now: Timestamp,
) -> Result<(), Refusal> {
    // The kind is named before the flag: "fresh food is not returnable"
    // tells the buyer more than "not offered".
    match facts.policy.kind {
        ProductKind::Standard => {}
        ProductKind::FreshFood => return refuse(Rule::NonReturnableFreshFood),
        ProductKind::Customized => return refuse(Rule::NonReturnableCustomized),
        ProductKind::Digital => return refuse(Rule::NonReturnableDigital),
    }
    let Some(days) = facts.policy.no_reason_days else {
        return refuse(Rule::NoReasonNotOffered);
    };
    if now >= no_reason_window_end(delivered_at, days) {
        return refuse(Rule::NoReasonWindowPassed);
    }
    Ok(())
}

fn check_evidence(evidence: &[Evidence]) -> Result<(), Refusal> {
    if evidence.len() > MAX_EVIDENCE {
        return refuse(Rule::EvidenceTooMany);
    }
    for e in evidence {
        if !EVIDENCE_TYPES.contains(&e.content_type.as_str()) {
            return refuse(Rule::EvidenceWrongType);
        }
        if e.size_bytes == 0 {
            return refuse(Rule::EvidenceEmpty);
        }
        if e.size_bytes > MAX_EVIDENCE_BYTES {
            return refuse(Rule::EvidenceTooLarge);
        }
    }
    Ok(())
}

/// unit price × quantity, but never more than is still unrefunded of what
/// the line actually cost (discounts can make that less than list price).
pub fn refund_amount(facts: &OrderFacts, quantity: u32) -> Result<Money, MoneyError> {
    let gross = facts.unit_price.checked_mul(quantity)?;
    let left = facts.line_paid.checked_sub(facts.already_refunded)?;
    if gross.currency != left.currency {
        return Err(MoneyError::CurrencyMismatch);
    }
    let amount = gross.amount_minor.min(left.amount_minor).max(0);
    Ok(Money::new(amount, gross.currency))
}

/// Instant refund: paid when the carrier picks up the return, for buyers
/// in good standing and amounts up to ¥1,500.00 inclusive.
pub fn instant_refund_on_pickup(amount: Money, buyer_ok: bool) -> bool {
    buyer_ok
        && amount.currency == Currency::Cny
        && amount.amount_minor > 0
        && amount.amount_minor <= INSTANT_REFUND_CAP_FEN
}

/// A return-shipping insurance payout, decided at pickup.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct InsuranceClaim {
    pub amount: Money,
    pub source: InsuranceSource,
    pub rule: Rule,
}

/// Called when the return parcel is picked up: pays the fixed
/// `compensation` once per policy, and only when goods actually travel.
pub fn insurance_claim(
    policy: Option<InsurancePolicy>,
    kind: RequestKind,
    compensation: Money,
) -> Option<InsuranceClaim> {
    let policy = policy?;
    if policy.claimed || !kind.returns_goods() || compensation.amount_minor <= 0 {
        return None;
    }
    Some(InsuranceClaim {
        amount: compensation,
        source: policy.source,
        rule: Rule::ShippingInsuranceOnPickup,
    })
}
