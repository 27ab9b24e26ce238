//! The after-sales request state machine. As in `order::status`, one table
//! lists every legal move; adding a transition is one row. Some moves lead
//! to different states depending on the request kind (a refund-only
//! approval goes straight to the refund, a return waits for the parcel),
//! so each row also says which kinds it applies to.

use super::{DAY_MS, MERCHANT_RESPONSE_MS, RECEIPT_MS, RequestKind, Rule, SHIP_BACK_MS};
use crate::Timestamp;
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    AwaitingMerchant,
    /// Approved return or exchange: waiting for the buyer to ship back.
    AwaitingReturn,
    /// The buyer booked the return parcel; no carrier scan yet.
    ReturnShipped,
    ReturnPickedUp,
    /// Instant refund already paid at pickup; the parcel is still on its way.
    RefundedAwaitingReceipt,
    /// Approved, money not yet sent back.
    RefundDue,
    /// Exchange: the merchant has the return and owes a replacement.
    ReplacementDue,
    Refunded,
    Exchanged,
    Closed,
    Refused,
    InArbitration,
    /// Arbitration refused the request; final.
    ArbitrationRefused,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    MerchantApprove,
    MerchantRefuse,
    /// 48 h without a merchant response: approved.
    MerchantTimeout,
    BuyerShip,
    /// 7 days without the buyer shipping back: closed.
    BuyerShipTimeout,
    CarrierPickedUp,
    /// Instant refund paid at pickup (see `instant_refund_on_pickup`).
    InstantRefund,
    MerchantConfirmReceipt,
    /// 8 days without the merchant confirming receipt: confirmed.
    ReceiptTimeout,
    Refund,
    MerchantReship,
    /// The buyer escalates a refused request to platform arbitration.
    Escalate,
    ArbitrationApprove,
    ArbitrationRefuse,
    /// The buyer withdraws the request.
    Cancel,
}

/// Which request kinds a row applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kinds {
    Any,
    Refund,
    Return,
    Exchange,
    /// Return or exchange: goods travel back.
    Goods,
}

impl Kinds {
    fn has(self, kind: RequestKind) -> bool {
        match self {
            Kinds::Any => true,
            Kinds::Refund => kind == RequestKind::RefundOnly,
            Kinds::Return => kind == RequestKind::ReturnRefund,
            Kinds::Exchange => kind == RequestKind::Exchange,
            Kinds::Goods => kind.returns_goods(),
        }
    }
}

use Kinds as K;
use RequestState as S;
use Transition as T;

// One row per legal move; kept one line each so a new move is one line.
#[rustfmt::skip]
const TABLE: &[(Kinds, RequestState, Transition, RequestState)] = &[
    (K::Refund,   S::AwaitingMerchant,        T::MerchantApprove,        S::RefundDue),
    (K::Goods,    S::AwaitingMerchant,        T::MerchantApprove,        S::AwaitingReturn),
    (K::Refund,   S::AwaitingMerchant,        T::MerchantTimeout,        S::RefundDue),
    (K::Goods,    S::AwaitingMerchant,        T::MerchantTimeout,        S::AwaitingReturn),
    (K::Any,      S::AwaitingMerchant,        T::MerchantRefuse,         S::Refused),
    (K::Any,      S::AwaitingMerchant,        T::Cancel,                 S::Closed),
    (K::Goods,    S::AwaitingReturn,          T::BuyerShip,              S::ReturnShipped),
    (K::Goods,    S::AwaitingReturn,          T::BuyerShipTimeout,       S::Closed),
    (K::Goods,    S::AwaitingReturn,          T::Cancel,                 S::Closed),
    (K::Goods,    S::ReturnShipped,           T::CarrierPickedUp,        S::ReturnPickedUp),
    (K::Return,   S::ReturnShipped,           T::MerchantConfirmReceipt, S::RefundDue),
    (K::Return,   S::ReturnShipped,           T::ReceiptTimeout,         S::RefundDue),
    (K::Exchange, S::ReturnShipped,           T::MerchantConfirmReceipt, S::ReplacementDue),
    (K::Exchange, S::ReturnShipped,           T::ReceiptTimeout,         S::ReplacementDue),
    (K::Return,   S::ReturnPickedUp,          T::InstantRefund,          S::RefundedAwaitingReceipt),
    (K::Return,   S::ReturnPickedUp,          T::MerchantConfirmReceipt, S::RefundDue),
    (K::Return,   S::ReturnPickedUp,          T::ReceiptTimeout,         S::RefundDue),
    (K::Exchange, S::ReturnPickedUp,          T::MerchantConfirmReceipt, S::ReplacementDue),
    (K::Exchange, S::ReturnPickedUp,          T::ReceiptTimeout,         S::ReplacementDue),
    (K::Return,   S::RefundedAwaitingReceipt, T::MerchantConfirmReceipt, S::Refunded),
    (K::Return,   S::RefundedAwaitingReceipt, T::ReceiptTimeout,         S::Refunded),
    (K::Any,      S::RefundDue,               T::Refund,                 S::Refunded),
    (K::Exchange, S::ReplacementDue,          T::MerchantReship,         S::Exchanged),
    (K::Any,      S::Refused,                 T::Escalate,               S::InArbitration),
    (K::Any,      S::Refused,                 T::Cancel,                 S::Closed),
    // Arbitration is final: a refusal is terminal, an approval joins the
    // ordinary approved flow and cannot come back to arbitration.
    (K::Refund,   S::InArbitration,           T::ArbitrationApprove,     S::RefundDue),
    (K::Goods,    S::InArbitration,           T::ArbitrationApprove,     S::AwaitingReturn),
    (K::Any,      S::InArbitration,           T::ArbitrationRefuse,      S::ArbitrationRefused),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {kind:?} request that is {from:?} cannot {transition:?}")]
pub struct IllegalTransition {
    pub kind: RequestKind,
    pub from: RequestState,
    pub transition: Transition,
}

impl RequestState {
    pub const ALL: [RequestState; 13] = [
        S::AwaitingMerchant,
        S::AwaitingReturn,
        S::ReturnShipped,
        S::ReturnPickedUp,
        S::RefundedAwaitingReceipt,
        S::RefundDue,
        S::ReplacementDue,
        S::Refunded,
        S::Exchanged,
        S::Closed,
        S::Refused,
        S::InArbitration,
        S::ArbitrationRefused,
    ];

    pub fn apply(
        self,
        kind: RequestKind,
        transition: Transition,
    ) -> Result<RequestState, IllegalTransition> {
        TABLE
            .iter()
            .find(|(k, from, t, _)| k.has(kind) && *from == self && *t == transition)
            .map(|(_, _, _, to)| *to)
            .ok_or(IllegalTransition {
                kind,
                from: self,
                transition,
            })
    }

    /// No row leaves this state, whatever the kind.
    pub fn is_terminal(self) -> bool {
        !TABLE.iter().any(|(_, from, _, _)| *from == self)
    }
}

impl Transition {
    pub const ALL: [Transition; 15] = [
        T::MerchantApprove,
        T::MerchantRefuse,
        T::MerchantTimeout,
        T::BuyerShip,
        T::BuyerShipTimeout,
        T::CarrierPickedUp,
        T::InstantRefund,
        T::MerchantConfirmReceipt,
        T::ReceiptTimeout,
        T::Refund,
        T::MerchantReship,
        T::Escalate,
        T::ArbitrationApprove,
        T::ArbitrationRefuse,
        T::Cancel,
    ];

    /// Money goes back to the buyer through exactly these.
    pub fn pays_refund(self) -> bool {
        matches!(self, T::Refund | T::InstantRefund)
    }

    /// The rule that made the platform take this step, for the timeline.
    pub fn rule(self) -> Option<Rule> {
        match self {
            T::MerchantTimeout => Some(Rule::MerchantResponse48h),
            T::BuyerShipTimeout => Some(Rule::ShipBack7d),
            T::ReceiptTimeout => Some(Rule::ReceiptConfirm8d),
            T::InstantRefund => Some(Rule::InstantRefundOnPickup),
            T::ArbitrationApprove | T::ArbitrationRefuse => Some(Rule::ArbitrationFinal),
            _ => None,
        }
    }
}

pub fn merchant_response_deadline(opened_at: Timestamp) -> Timestamp {
    opened_at.plus_millis(MERCHANT_RESPONSE_MS)
}

pub fn ship_back_deadline(approved_at: Timestamp) -> Timestamp {
    approved_at.plus_millis(SHIP_BACK_MS)
}

pub fn receipt_deadline(shipped_at: Timestamp) -> Timestamp {
    shipped_at.plus_millis(RECEIPT_MS)
}

/// The first instant that is no longer inside the window: a request at
/// `delivered_at + days` exactly is too late.
pub fn no_reason_window_end(delivered_at: Timestamp, days: u8) -> Timestamp {
    delivered_at.plus_millis(i64::from(days).saturating_mul(DAY_MS))
}

/// The timeout that fires at `now` for a request in `state` whose clock
/// started at `since`: opened_at while awaiting the merchant, approved_at
/// while awaiting the return, shipped_at while the return travels. A
/// deadline fires at its exact instant, not one millisecond later.
pub fn due_timeout(state: RequestState, since: Timestamp, now: Timestamp) -> Option<Transition> {
    let (deadline, transition) = timer(state)?;
    (now >= deadline(since)).then_some(transition)
}

/// A deadline counted from when its clock started.
pub type Deadline = fn(Timestamp) -> Timestamp;

/// The one table of running clocks: in `state`, the deadline counted from
/// the clock's start and the move that fires when it passes (its
/// `Transition::rule` is what the pages say about the countdown). States
/// sharing a timeout share one clock: the return's receipt window runs from
/// when the buyer shipped, through pickup and an instant refund.
pub fn timer(state: RequestState) -> Option<(Deadline, Transition)> {
    match state {
        S::AwaitingMerchant => Some((merchant_response_deadline, T::MerchantTimeout)),
        S::AwaitingReturn => Some((ship_back_deadline, T::BuyerShipTimeout)),
        S::ReturnShipped | S::ReturnPickedUp | S::RefundedAwaitingReceipt => {
            Some((receipt_deadline, T::ReceiptTimeout))
        }
        S::RefundDue
        | S::ReplacementDue
        | S::Refunded
        | S::Exchanged
        | S::Closed
        | S::Refused
        | S::InArbitration
        | S::ArbitrationRefused => None,
    }
}

/// When the clock of `to` started and when it fires, for a move from
/// `from` whose clock started at `since`: kept if the same timeout runs on,
/// restarted at `now` otherwise.
pub fn clock_after(
    from: RequestState,
    to: RequestState,
    since: Timestamp,
    now: Timestamp,
) -> (Timestamp, Option<Timestamp>) {
    match (timer(from), timer(to)) {
        (Some((_, a)), Some((deadline, b))) if a == b => (since, Some(deadline(since))),
        (_, Some((deadline, _))) => (now, Some(deadline(now))),
        (_, None) => (since, None),
    }
}

#[cfg(test)]
#[path = "status_tests.rs"]
mod tests;
