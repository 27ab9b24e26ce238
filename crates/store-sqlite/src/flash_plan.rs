//! The decisions of one flash batch, from what the transaction read:
//! stored keys replay, keys repeated inside the batch follow their first
//! item, the rest go through `yc_domain::live::allocate` in item order.
//! Pure: no SQL, so the writer thread runs it under its write lock.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use yc_domain::UserId;
use yc_domain::live::{BuyRequest, Decision, Refusal, allocate};

use yc_store::FlashDecided as Decided;

use crate::flash_wire::WireItem;

/// The decisions and what they change.
pub(crate) struct Plan {
    /// `Existing` replays hold an empty response here; the order in
    /// `replays` (item index, order id) is the answer to put there.
    pub decided: Vec<Decided>,
    pub replays: Vec<(usize, String)>,
    /// Indices of the items to write, in item order.
    pub accepted: Vec<usize>,
    pub remaining: i64,
}

/// The first item of each distinct key, in item order.
pub(crate) fn first_of_keys(items: &[WireItem]) -> Vec<usize> {
    let mut seen: HashMap<(UserId, &str, &str), ()> = HashMap::with_capacity(items.len());
    let mut firsts = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        if let Entry::Vacant(slot) = seen.entry(item.identity()) {
            slot.insert(());
            firsts.push(i);
        }
    }
    firsts
}

/// `existing`: the stored (hash, order id) of first items whose key has an
/// order; `held`: what the batch's buyers hold already.
pub(crate) fn decide(
    items: &[WireItem],
    remaining: i64,
    cap: u32,
    mut existing: HashMap<usize, (String, String)>,
    held: &HashMap<UserId, u32>,
) -> Plan {
    let mut first: HashMap<(UserId, &str, &str), usize> = HashMap::with_capacity(items.len());
    let mut fresh = Vec::with_capacity(items.len());
    let mut repeat_of = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let earlier = *first.entry(item.identity()).or_insert(i);
        repeat_of.push((earlier != i).then_some(earlier));
        if earlier == i && !existing.contains_key(&i) {
            fresh.push(i);
        }
    }
    let requests: Vec<BuyRequest> = fresh
        .iter()
        .map(|&i| BuyRequest {
            buyer: items[i].order.buyer_id,
            quantity: items[i].quantity,
        })
        .collect();
    let allocation = allocate(remaining, cap, held, &requests);
    let mut decisions = allocation.decisions.into_iter();
    let mut decided = Vec::with_capacity(items.len());
    let mut accepted = Vec::new();
    let mut replays = Vec::new();
    for (i, earlier) in repeat_of.into_iter().enumerate() {
        decided.push(if let Some(e) = earlier {
            Decided::SameAs(e)
        } else if let Some((hash, order_id)) = existing.remove(&i) {
            replays.push((i, order_id));
            Decided::Existing {
                hash,
                response: String::new(),
            }
        } else {
            // `fresh` holds exactly these items, in this order.
            match decisions.next() {
                Some(Decision::Accept) => {
                    accepted.push(i);
                    Decided::Accepted
                }
                Some(Decision::Refuse(why)) => Decided::Refused(why),
                None => Decided::Refused(Refusal::Invalid),
            }
        });
    }
    Plan {
        decided,
        replays,
        accepted,
        remaining: allocation.remaining_after,
    }
}
