//! The reservation rule. Stores implement it as a conditional decrement
//! (`stock = stock - n WHERE stock >= n`); this is the same rule on plain
//! values, so it can be property-tested.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("sold out: wanted {wanted}, {available} left")]
pub struct SoldOut {
    pub wanted: u32,
    pub available: i64,
}

/// Units on hand for one SKU. Never negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stock(i64);

impl Stock {
    pub fn new(units: i64) -> Option<Stock> {
        (units >= 0).then_some(Stock(units))
    }
    pub fn units(self) -> i64 {
        self.0
    }
    /// All-or-nothing: either `qty` units are taken or nothing changes.
    pub fn reserve(self, qty: u32) -> Result<Stock, SoldOut> {
        let wanted = i64::from(qty);
        if qty == 0 || self.0 < wanted {
            return Err(SoldOut {
                wanted: qty,
                available: self.0,
            });
        }
        Ok(Stock(self.0 - wanted))
    }
    pub fn release(self, qty: u32) -> Stock {
        Stock(self.0.saturating_add(i64::from(qty)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Debug, Clone)]
    enum Op {
        Reserve(u32),
        ReleaseOne,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![(1_u32..5).prop_map(Op::Reserve), Just(Op::ReleaseOne)]
    }

    proptest! {
        /// Whatever the interleaving, stock never goes negative and
        /// initial = on hand + reserved.
        #[test]
        fn reservations_conserve_units(initial in 0_i64..50, ops in proptest::collection::vec(op(), 0..200)) {
            let mut stock = Stock::new(initial).unwrap();
            let mut held: Vec<u32> = Vec::new();
            for op in ops {
                match op {
                    Op::Reserve(q) => match stock.reserve(q) {
                        Ok(s) => { stock = s; held.push(q); }
                        Err(e) => prop_assert!(e.available < i64::from(q)),
                    },
                    Op::ReleaseOne => if let Some(q) = held.pop() { stock = stock.release(q); },
                }
                prop_assert!(stock.units() >= 0);
                let reserved: i64 = held.iter().map(|q| i64::from(*q)).sum();
                prop_assert_eq!(stock.units() + reserved, initial);
            }
        }
    }

    #[test]
    fn zero_quantity_is_refused() {
        assert!(Stock::new(3).unwrap().reserve(0).is_err());
        assert!(Stock::new(-1).is_none());
    }
}
