//! The order state machine. One table lists every legal move; adding a
//! transition is one `Transition` variant plus one row in `TABLE` (and a
//! service module that performs its side effects).

use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    PendingPayment,
    Paid,
    Shipped,
    Delivered,
    Completed,
    Cancelled,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    /// The payment provider confirmed the money.
    Pay,
    /// The merchant handed the parcel to a carrier.
    Ship,
    /// The carrier reported the parcel signed for.
    Deliver,
    /// The buyer confirmed receipt, or the auto-confirm window passed.
    Complete,
    /// The buyer cancelled before paying.
    Cancel,
    /// The payment window passed without payment.
    Expire,
    /// Every unit was refunded before the order shipped (极速退款); each
    /// refund already gave its units back.
    RefundInFull,
}

use OrderStatus as S;
use Transition as T;

const TABLE: &[(OrderStatus, Transition, OrderStatus)] = &[
    (S::PendingPayment, T::Pay, S::Paid),
    (S::PendingPayment, T::Cancel, S::Cancelled),
    (S::PendingPayment, T::Expire, S::Cancelled),
    (S::Paid, T::Ship, S::Shipped),
    (S::Shipped, T::Deliver, S::Delivered),
    (S::Delivered, T::Complete, S::Completed),
    (S::Paid, T::RefundInFull, S::Cancelled),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an order that is {from:?} cannot {transition:?}")]
pub struct IllegalTransition {
    pub from: OrderStatus,
    pub transition: Transition,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 6] = [
        S::PendingPayment,
        S::Paid,
        S::Shipped,
        S::Delivered,
        S::Completed,
        S::Cancelled,
    ];

    pub fn apply(self, transition: Transition) -> Result<OrderStatus, IllegalTransition> {
        TABLE
            .iter()
            .find(|(from, t, _)| *from == self && *t == transition)
            .map(|(_, _, to)| *to)
            .ok_or(IllegalTransition {
                from: self,
                transition,
            })
    }

    pub fn is_terminal(self) -> bool {
        !TABLE.iter().any(|(from, _, _)| *from == self)
    }

    /// Stock reserved for the order goes back when it leaves through these.
    pub fn releases_stock(transition: Transition) -> bool {
        match transition {
            T::Cancel | T::Expire => true,
            T::Pay | T::Ship | T::Deliver | T::Complete | T::RefundInFull => false,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            S::PendingPayment => "pending_payment",
            S::Paid => "paid",
            S::Shipped => "shipped",
            S::Delivered => "delivered",
            S::Completed => "completed",
            S::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<OrderStatus> {
        OrderStatus::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            S::PendingPayment => "待付款",
            S::Paid => "待发货",
            S::Shipped => "待收货",
            S::Delivered => "已送达",
            S::Completed => "已完成",
            S::Cancelled => "已取消",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            S::PendingPayment => "Awaiting payment",
            S::Paid => "Paid",
            S::Shipped => "Shipped",
            S::Delivered => "Delivered",
            S::Completed => "Completed",
            S::Cancelled => "Cancelled",
        }
    }
}

impl Transition {
    pub fn as_str(self) -> &'static str {
        match self {
            T::Pay => "pay",
            T::Ship => "ship",
            T::Deliver => "deliver",
            T::Complete => "complete",
            T::Cancel => "cancel",
            T::Expire => "expire",
            T::RefundInFull => "refund_in_full",
        }
    }
    pub fn parse(s: &str) -> Option<Transition> {
        [
            T::Pay,
            T::Ship,
            T::Deliver,
            T::Complete,
            T::Cancel,
            T::Expire,
            T::RefundInFull,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ALL_T: [Transition; 7] = [
        T::Pay,
        T::Ship,
        T::Deliver,
        T::Complete,
        T::Cancel,
        T::Expire,
        T::RefundInFull,
    ];

    #[test]
    fn happy_path_reaches_completed() {
        let s = [T::Pay, T::Ship, T::Deliver, T::Complete]
            .into_iter()
            .try_fold(S::PendingPayment, OrderStatus::apply)
            .unwrap();
        assert_eq!(s, S::Completed);
        assert!(s.is_terminal());
    }

    #[test]
    fn illegal_moves_are_errors() {
        assert!(S::Paid.apply(T::Cancel).is_err());
        assert!(S::Cancelled.apply(T::Pay).is_err());
        assert!(S::PendingPayment.apply(T::Ship).is_err());
        assert!(
            S::Paid.apply(T::Pay).is_err(),
            "paying twice is not a silent no-op"
        );
    }

    #[test]
    fn names_round_trip() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
        }
        for t in ALL_T {
            assert_eq!(Transition::parse(t.as_str()), Some(t));
        }
    }

    proptest! {
        /// Any sequence of attempted transitions: terminal states stay put,
        /// stock is released at most once, and a cancelled order was never paid.
        #[test]
        fn random_walks_respect_the_machine(steps in proptest::collection::vec(0_usize..6, 0..40)) {
            let mut s = S::PendingPayment;
            let mut releases = 0;
            let mut paid = false;
            for i in steps {
                let t = ALL_T[i];
                match s.apply(t) {
                    Ok(next) => {
                        prop_assert!(!s.is_terminal());
                        if OrderStatus::releases_stock(t) { releases += 1; }
                        if t == T::Pay { paid = true; }
                        s = next;
                    }
                    Err(e) => prop_assert_eq!(e.from, s),
                }
            }
            prop_assert!(releases <= 1);
            prop_assert!(!(paid && s == S::Cancelled));
        }
    }
}
