use super::*;
use crate::aftersales::HOUR_MS;
use proptest::prelude::*;

const T0: Timestamp = Timestamp(1_700_000_000_000);

fn walk(kind: RequestKind, steps: &[Transition]) -> Result<RequestState, IllegalTransition> {
    steps
        .iter()
        .try_fold(S::AwaitingMerchant, |s, t| s.apply(kind, *t))
}

#[test]
fn refund_only_approved_then_refunded() {
    let s = walk(RequestKind::RefundOnly, &[T::MerchantApprove, T::Refund]).unwrap();
    assert_eq!(s, S::Refunded);
    assert!(s.is_terminal());
}

#[test]
fn return_with_instant_refund_pays_at_pickup_then_waits_for_receipt() {
    let steps = [
        T::MerchantApprove,
        T::BuyerShip,
        T::CarrierPickedUp,
        T::InstantRefund,
    ];
    let s = walk(RequestKind::ReturnRefund, &steps).unwrap();
    assert_eq!(s, S::RefundedAwaitingReceipt);
    assert_eq!(
        s.apply(RequestKind::ReturnRefund, T::Refund)
            .unwrap_err()
            .from,
        S::RefundedAwaitingReceipt,
        "an instant refund is never paid a second time"
    );
    let s = s
        .apply(RequestKind::ReturnRefund, T::ReceiptTimeout)
        .unwrap();
    assert_eq!(s, S::Refunded);
}

#[test]
fn return_without_instant_refund_pays_on_receipt() {
    let steps = [
        T::MerchantTimeout,
        T::BuyerShip,
        T::CarrierPickedUp,
        T::MerchantConfirmReceipt,
        T::Refund,
    ];
    assert_eq!(walk(RequestKind::ReturnRefund, &steps), Ok(S::Refunded));
}

#[test]
fn exchange_ends_with_a_reship_and_no_refund() {
    let steps = [
        T::MerchantApprove,
        T::BuyerShip,
        T::CarrierPickedUp,
        T::ReceiptTimeout,
        T::MerchantReship,
    ];
    assert_eq!(walk(RequestKind::Exchange, &steps), Ok(S::Exchanged));
    let at_pickup = walk(
        RequestKind::Exchange,
        &[T::MerchantApprove, T::BuyerShip, T::CarrierPickedUp],
    )
    .unwrap();
    assert!(
        at_pickup
            .apply(RequestKind::Exchange, T::InstantRefund)
            .is_err()
    );
    let due = at_pickup
        .apply(RequestKind::Exchange, T::MerchantConfirmReceipt)
        .unwrap();
    assert!(due.apply(RequestKind::Exchange, T::Refund).is_err());
}

#[test]
fn refund_only_never_waits_for_a_parcel() {
    let s = walk(RequestKind::RefundOnly, &[T::MerchantApprove]).unwrap();
    assert!(s.apply(RequestKind::RefundOnly, T::BuyerShip).is_err());
}

#[test]
fn buyer_ship_timeout_closes() {
    let s = walk(
        RequestKind::ReturnRefund,
        &[T::MerchantApprove, T::BuyerShipTimeout],
    );
    assert_eq!(s, Ok(S::Closed));
}

#[test]
fn escalation_only_from_refused_and_arbitration_is_final() {
    for kind in RequestKind::ALL {
        assert!(S::AwaitingMerchant.apply(kind, T::Escalate).is_err());
        let refused = walk(
            kind,
            &[T::MerchantRefuse, T::Escalate, T::ArbitrationRefuse],
        )
        .unwrap();
        assert_eq!(refused, S::ArbitrationRefused);
        assert!(refused.is_terminal());
        for t in Transition::ALL {
            assert!(refused.apply(kind, t).is_err());
        }
        let approved = walk(
            kind,
            &[T::MerchantRefuse, T::Escalate, T::ArbitrationApprove],
        )
        .unwrap();
        assert!(approved.apply(kind, T::Escalate).is_err());
        assert!(approved.apply(kind, T::MerchantRefuse).is_err());
        assert!(approved.apply(kind, T::ArbitrationRefuse).is_err());
    }
    assert_eq!(
        walk(
            RequestKind::RefundOnly,
            &[
                T::MerchantRefuse,
                T::Escalate,
                T::ArbitrationApprove,
                T::Refund
            ]
        ),
        Ok(S::Refunded)
    );
}

#[test]
fn illegal_moves_are_errors() {
    let k = RequestKind::ReturnRefund;
    assert!(S::AwaitingMerchant.apply(k, T::Refund).is_err());
    assert!(S::Refunded.apply(k, T::Refund).is_err());
    assert!(S::ReturnShipped.apply(k, T::Cancel).is_err());
    assert!(S::Closed.apply(k, T::MerchantApprove).is_err());
    let err = S::AwaitingReturn.apply(k, T::MerchantRefuse).unwrap_err();
    assert_eq!(
        (err.kind, err.from, err.transition),
        (k, S::AwaitingReturn, T::MerchantRefuse)
    );
}

#[test]
fn terminal_states_are_the_expected_ones() {
    let terminal: Vec<_> = RequestState::ALL
        .into_iter()
        .filter(|s| s.is_terminal())
        .collect();
    assert_eq!(
        terminal,
        vec![S::Refunded, S::Exchanged, S::Closed, S::ArbitrationRefused]
    );
}

#[test]
fn deadlines_are_48h_7d_8d() {
    assert_eq!(merchant_response_deadline(T0), T0.plus_millis(48 * HOUR_MS));
    assert_eq!(ship_back_deadline(T0), T0.plus_millis(7 * DAY_MS));
    assert_eq!(receipt_deadline(T0), T0.plus_millis(8 * DAY_MS));
    assert_eq!(no_reason_window_end(T0, 7), T0.plus_millis(7 * DAY_MS));
}

#[test]
fn merchant_timeout_fires_at_exactly_48h() {
    let s = S::AwaitingMerchant;
    assert_eq!(due_timeout(s, T0, T0.plus_millis(48 * HOUR_MS - 1)), None);
    assert_eq!(
        due_timeout(s, T0, T0.plus_millis(48 * HOUR_MS)),
        Some(T::MerchantTimeout)
    );
    assert_eq!(
        due_timeout(s, T0, T0.plus_millis(48 * HOUR_MS + 1)),
        Some(T::MerchantTimeout)
    );
}

#[test]
fn ship_back_timeout_fires_at_exactly_7d() {
    let s = S::AwaitingReturn;
    assert_eq!(due_timeout(s, T0, T0.plus_millis(7 * DAY_MS - 1)), None);
    assert_eq!(
        due_timeout(s, T0, T0.plus_millis(7 * DAY_MS)),
        Some(T::BuyerShipTimeout)
    );
}

#[test]
fn receipt_timeout_fires_at_exactly_8d_in_every_transit_state() {
    for s in [
        S::ReturnShipped,
        S::ReturnPickedUp,
        S::RefundedAwaitingReceipt,
    ] {
        assert_eq!(due_timeout(s, T0, T0.plus_millis(8 * DAY_MS - 1)), None);
        assert_eq!(
            due_timeout(s, T0, T0.plus_millis(8 * DAY_MS)),
            Some(T::ReceiptTimeout)
        );
    }
}

#[test]
fn states_without_a_clock_never_time_out() {
    let late = T0.plus_millis(365 * DAY_MS);
    for s in [
        S::RefundDue,
        S::Refused,
        S::InArbitration,
        S::Refunded,
        S::Closed,
    ] {
        assert_eq!(due_timeout(s, T0, late), None);
    }
}

#[test]
fn every_due_timeout_is_a_legal_move_for_the_kinds_that_reach_it() {
    let late = T0.plus_millis(365 * DAY_MS);
    for kind in RequestKind::ALL {
        for s in RequestState::ALL {
            let reachable = TABLE.iter().any(|(k, _, _, to)| k.has(kind) && *to == s)
                || s == S::AwaitingMerchant;
            if let (true, Some(t)) = (reachable, due_timeout(s, T0, late)) {
                assert!(s.apply(kind, t).is_ok(), "{kind:?} {s:?} {t:?}");
            }
        }
    }
}

#[test]
fn automatic_steps_name_their_rule() {
    assert_eq!(T::MerchantTimeout.rule(), Some(Rule::MerchantResponse48h));
    assert_eq!(T::BuyerShipTimeout.rule(), Some(Rule::ShipBack7d));
    assert_eq!(T::ReceiptTimeout.rule(), Some(Rule::ReceiptConfirm8d));
    assert_eq!(T::ArbitrationRefuse.rule(), Some(Rule::ArbitrationFinal));
    assert_eq!(T::MerchantApprove.rule(), None);
}

proptest! {
    /// Any sequence of attempted moves, for any kind: terminal states stay
    /// put, money goes back at most once, an exchange never refunds, and a
    /// request refused by arbitration never refunds.
    #[test]
    fn random_walks_respect_the_machine(
        kind_i in 0_usize..3,
        steps in proptest::collection::vec(0_usize..Transition::ALL.len(), 0..60),
    ) {
        let kind = RequestKind::ALL[kind_i];
        let mut s = S::AwaitingMerchant;
        let mut refunds = 0;
        let mut arbitration_refused = false;
        for i in steps {
            let t = Transition::ALL[i];
            match s.apply(kind, t) {
                Ok(next) => {
                    prop_assert!(!s.is_terminal());
                    if t.pays_refund() { refunds += 1; }
                    if t == T::ArbitrationRefuse { arbitration_refused = true; }
                    s = next;
                }
                Err(e) => prop_assert_eq!((e.from, e.kind, e.transition), (s, kind, t)),
            }
        }
        prop_assert!(refunds <= 1);
        prop_assert!(!(kind == RequestKind::Exchange && refunds > 0));
        prop_assert!(!(arbitration_refused && refunds > 0));
        prop_assert!(!(s == S::Refunded && refunds != 1));
    }
}
