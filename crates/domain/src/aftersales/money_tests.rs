use super::tests::{DELIVERED, draft, facts};
use super::*;
use crate::MoneyError;
use proptest::prelude::*;

#[test]
fn refund_is_unit_price_times_quantity_capped_at_what_was_paid() {
    assert_eq!(refund_amount(&facts(), 2), Ok(Money::cny(25_800)));
    let discounted = OrderFacts {
        line_paid: Money::cny(30_000),
        already_refunded: Money::cny(25_800),
        ..facts()
    };
    assert_eq!(refund_amount(&discounted, 1), Ok(Money::cny(4_200)));
    let huge = OrderFacts {
        unit_price: Money::cny(i64::MAX),
        ..facts()
    };
    assert_eq!(refund_amount(&huge, 2), Err(MoneyError::Overflow));
}

#[test]
fn instant_refund_up_to_1500_yuan_for_trusted_buyers() {
    assert!(instant_refund_on_pickup(Money::cny(150_000), true));
    assert!(!instant_refund_on_pickup(Money::cny(150_001), true));
    assert!(!instant_refund_on_pickup(Money::cny(100), false));
    assert!(!instant_refund_on_pickup(Money::cny(0), true));
    let mut f = facts();
    f.unit_price = Money::cny(150_001);
    f.line_paid = Money::cny(450_003);
    let o = open(
        &draft(RequestKind::ReturnRefund, 1),
        &f,
        DELIVERED.plus_millis(1),
    )
    .unwrap();
    assert!(!o.instant_refund_eligible);
}

#[test]
fn shipping_insurance_pays_once_per_policy_for_returned_goods() {
    let fee = Money::cny(1_200);
    let policy = InsurancePolicy {
        source: InsuranceSource::GrantedByMerchant,
        claimed: false,
    };
    let claim = insurance_claim(Some(policy), RequestKind::ReturnRefund, fee).unwrap();
    assert_eq!(claim.amount, fee);
    assert_eq!(claim.source, InsuranceSource::GrantedByMerchant);
    assert_eq!(claim.rule, Rule::ShippingInsuranceOnPickup);
    assert!(insurance_claim(Some(policy), RequestKind::Exchange, fee).is_some());
    assert!(insurance_claim(Some(policy), RequestKind::RefundOnly, fee).is_none());
    assert!(insurance_claim(None, RequestKind::ReturnRefund, fee).is_none());
    let claimed = InsurancePolicy {
        claimed: true,
        ..policy
    };
    assert!(insurance_claim(Some(claimed), RequestKind::ReturnRefund, fee).is_none());
}

proptest! {
    /// Several partial requests on one line, each refunded in turn: the
    /// total never exceeds what was paid, whatever the discount.
    #[test]
    fn partial_refunds_never_exceed_the_line(
        unit in 1_i64..1_000_000,
        qty in 1_u32..20,
        discount in 0_i64..1_000_000,
        splits in proptest::collection::vec(1_u32..20, 1..10),
    ) {
        let gross = unit * i64::from(qty);
        let paid = (gross - discount).max(0);
        let mut f = OrderFacts {
            line_quantity: qty,
            unit_price: Money::cny(unit),
            line_paid: Money::cny(paid),
            previous_requests: 0,
            ..facts()
        };
        let now = DELIVERED.plus_millis(1);
        for q in splits {
            let mut d = draft(RequestKind::RefundOnly, q);
            d.reason = ReasonCode::QualityIssue;
            f.previous_requests = 0;
            if let Ok(o) = open(&d, &f, now) {
                f.already_requested += q;
                f.already_refunded = f.already_refunded.checked_add(o.refund).unwrap();
            }
            prop_assert!(f.already_requested <= qty);
            prop_assert!(f.already_refunded.amount_minor <= paid);
        }
    }
}
