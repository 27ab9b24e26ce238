//! The flash-sale allocation rule: one writer decides a batch of buy
//! requests in arrival order against the pool and the per-buyer cap.
//! Deciding in one place, in order, is what makes overselling impossible;
//! stores run this inside the batch's transaction on fresh counts.

use crate::UserId;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuyRequest {
    pub buyer: UserId,
    pub quantity: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not enough units left in the pool (已抢光).
    SoldOut,
    /// The buyer would exceed the per-buyer cap.
    CapExceeded,
    Invalid,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Refuse(Refusal),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allocation {
    /// One decision per request, in request order.
    pub decisions: Vec<Decision>,
    pub remaining_after: i64,
    /// Units each buyer holds after the batch (only buyers in the batch).
    pub held_after: HashMap<UserId, u32>,
}

/// The part of the rule that needs no counts: checked again here and by
/// callers that want to answer before a request reaches the writer.
pub fn quantity_refusal(quantity: u32, cap: u32) -> Option<Refusal> {
    if quantity == 0 {
        Some(Refusal::Invalid)
    } else if quantity > cap {
        Some(Refusal::CapExceeded)
    } else {
        None
    }
}

/// `held` is what each buyer already holds in live (not cancelled) orders.
pub fn allocate(
    remaining: i64,
    cap: u32,
    held: &HashMap<UserId, u32>,
    requests: &[BuyRequest],
) -> Allocation {
    let mut remaining = remaining.max(0);
    let mut held_after: HashMap<UserId, u32> = HashMap::new();
    let decisions = requests
        .iter()
        .map(|r| {
            let now_held = *held_after
                .get(&r.buyer)
                .or_else(|| held.get(&r.buyer))
                .unwrap_or(&0);
            let decision = if let Some(refusal) = quantity_refusal(r.quantity, cap) {
                Decision::Refuse(refusal)
            } else if now_held.saturating_add(r.quantity) > cap {
                Decision::Refuse(Refusal::CapExceeded)
            } else if i64::from(r.quantity) > remaining {
                Decision::Refuse(Refusal::SoldOut)
            } else {
                remaining -= i64::from(r.quantity);
                held_after.insert(r.buyer, now_held + r.quantity);
                Decision::Accept
            };
            debug_assert!(remaining >= 0);
            decision
        })
        .collect();
    Allocation {
        decisions,
        remaining_after: remaining,
        held_after,
    }
}
