use super::*;

pub(super) const DELIVERED: Timestamp = Timestamp(1_700_000_000_000);

pub(super) fn facts() -> OrderFacts {
    OrderFacts {
        order_status: OrderStatus::Delivered,
        delivered_at: Some(DELIVERED),
        line_quantity: 3,
        already_requested: 0,
        unit_price: Money::cny(12_900),
        line_paid: Money::cny(38_700),
        already_refunded: Money::cny(0),
        buyer_trust_ok: true,
        insurance: None,
        previous_requests: 0,
        policy: ReturnPolicy {
            no_reason_days: Some(7),
            kind: ProductKind::Standard,
        },
    }
}

fn unshipped() -> OrderFacts {
    OrderFacts {
        order_status: OrderStatus::Paid,
        delivered_at: None,
        ..facts()
    }
}

pub(super) fn draft(kind: RequestKind, quantity: u32) -> AfterSalesDraft {
    AfterSalesDraft {
        order_id: OrderId::new(),
        sku_id: SkuId::new(),
        kind,
        quantity,
        reason: ReasonCode::NoReason,
        reason_text: "  不想要了  ".into(),
        evidence: vec![],
    }
}

fn photo(content_type: &str, size_bytes: u64) -> Evidence {
    Evidence {
        url: "/uploads/e.jpg".into(),
        content_type: content_type.into(),
        size_bytes,
    }
}

fn refused(d: &AfterSalesDraft, f: &OrderFacts, now: Timestamp) -> Rule {
    open(d, f, now).unwrap_err().rule
}

#[test]
fn unshipped_refund_only_is_approved_at_once_and_releases_stock() {
    let now = Timestamp(5);
    let o = open(&draft(RequestKind::RefundOnly, 2), &unshipped(), now).unwrap();
    assert_eq!(o.state, RequestState::RefundDue);
    assert_eq!(o.rule, Rule::UnshippedInstantRefund);
    assert!(o.release_stock);
    assert_eq!(o.refund, Money::cny(25_800));
    assert_eq!(o.deadline, None);
    assert_eq!(o.reason_text, "不想要了");
}

#[test]
fn unshipped_return_or_exchange_is_refused() {
    for kind in [RequestKind::ReturnRefund, RequestKind::Exchange] {
        assert_eq!(
            refused(&draft(kind, 1), &unshipped(), Timestamp(5)),
            Rule::ReturnNeedsDelivery
        );
    }
}

#[test]
fn shipped_requests_await_the_merchant_for_48h() {
    let now = DELIVERED.plus_millis(HOUR_MS);
    let o = open(&draft(RequestKind::ReturnRefund, 1), &facts(), now).unwrap();
    assert_eq!(o.state, RequestState::AwaitingMerchant);
    assert_eq!(o.rule, Rule::MerchantResponse48h);
    assert_eq!(o.deadline, Some(now.plus_millis(48 * HOUR_MS)));
    assert!(!o.release_stock);
    assert_eq!(o.refund, Money::cny(12_900));
    assert!(o.instant_refund_eligible);
}

#[test]
fn unpaid_or_cancelled_orders_have_no_after_sales() {
    for st in [OrderStatus::PendingPayment, OrderStatus::Cancelled] {
        let f = OrderFacts {
            order_status: st,
            ..unshipped()
        };
        assert_eq!(
            refused(&draft(RequestKind::RefundOnly, 1), &f, Timestamp(5)),
            Rule::OrderNotEligible
        );
    }
}

#[test]
fn no_reason_window_is_seven_days_from_delivery_exclusive() {
    let d = draft(RequestKind::ReturnRefund, 1);
    let end = DELIVERED.plus_millis(7 * DAY_MS);
    assert!(open(&d, &facts(), end.plus_millis(-1)).is_ok());
    assert_eq!(refused(&d, &facts(), end), Rule::NoReasonWindowPassed);
    assert_eq!(
        refused(&d, &facts(), end.plus_millis(1)),
        Rule::NoReasonWindowPassed
    );
    let ex = draft(RequestKind::Exchange, 1);
    assert!(open(&ex, &facts(), end.plus_millis(-1)).is_ok());
    assert_eq!(
        refused(&ex, &facts(), end.plus_millis(1)),
        Rule::NoReasonWindowPassed
    );
}

#[test]
fn the_window_only_governs_no_reason_returns() {
    let mut d = draft(RequestKind::ReturnRefund, 1);
    d.reason = ReasonCode::QualityIssue;
    let late = DELIVERED.plus_millis(30 * DAY_MS);
    assert!(open(&d, &facts(), late).is_ok());
    let refund_only = draft(RequestKind::RefundOnly, 1);
    assert!(open(&refund_only, &facts(), late).is_ok());
}

#[test]
fn product_without_the_flag_refuses_no_reason_returns() {
    let mut f = facts();
    f.policy.no_reason_days = None;
    let d = draft(RequestKind::ReturnRefund, 1);
    assert_eq!(
        refused(&d, &f, DELIVERED.plus_millis(1)),
        Rule::NoReasonNotOffered
    );
    f.policy.no_reason_days = Some(15);
    assert!(open(&d, &f, DELIVERED.plus_millis(14 * DAY_MS)).is_ok());
}

#[test]
fn non_returnable_kinds_are_refused_with_the_rule_named() {
    let cases = [
        (ProductKind::FreshFood, Rule::NonReturnableFreshFood),
        (ProductKind::Customized, Rule::NonReturnableCustomized),
        (ProductKind::Digital, Rule::NonReturnableDigital),
    ];
    for (kind, rule) in cases {
        let mut f = facts();
        f.policy.kind = kind;
        let d = draft(RequestKind::ReturnRefund, 1);
        assert_eq!(refused(&d, &f, DELIVERED.plus_millis(1)), rule);
        let mut quality = d.clone();
        quality.reason = ReasonCode::QualityIssue;
        assert!(open(&quality, &f, DELIVERED.plus_millis(1)).is_ok());
    }
}

#[test]
fn quantity_is_bounded_by_what_remains_on_the_line() {
    let now = DELIVERED.plus_millis(1);
    assert_eq!(
        refused(&draft(RequestKind::ReturnRefund, 0), &facts(), now),
        Rule::QuantityZero
    );
    assert!(open(&draft(RequestKind::ReturnRefund, 3), &facts(), now).is_ok());
    assert_eq!(
        refused(&draft(RequestKind::ReturnRefund, 4), &facts(), now),
        Rule::QuantityExceedsRemaining
    );
    let f = OrderFacts {
        already_requested: 2,
        ..facts()
    };
    assert!(open(&draft(RequestKind::ReturnRefund, 1), &f, now).is_ok());
    assert_eq!(
        refused(&draft(RequestKind::ReturnRefund, 2), &f, now),
        Rule::QuantityExceedsRemaining
    );
}

#[test]
fn requests_per_line_are_bounded() {
    let now = DELIVERED.plus_millis(1);
    let mut f = facts();
    f.previous_requests = MAX_REQUESTS_PER_LINE - 1;
    assert!(open(&draft(RequestKind::RefundOnly, 1), &f, now).is_ok());
    f.previous_requests = MAX_REQUESTS_PER_LINE;
    assert_eq!(
        refused(&draft(RequestKind::RefundOnly, 1), &f, now),
        Rule::TooManyRequests
    );
}

#[test]
fn reason_text_is_bounded() {
    let now = DELIVERED.plus_millis(1);
    let mut d = draft(RequestKind::RefundOnly, 1);
    d.reason_text = "坏".repeat(MAX_REASON_TEXT);
    assert!(open(&d, &facts(), now).is_ok());
    d.reason_text = "坏".repeat(MAX_REASON_TEXT + 1);
    assert_eq!(refused(&d, &facts(), now), Rule::ReasonTextInvalid);
    d.reason_text = "a\u{7}b".into();
    assert_eq!(refused(&d, &facts(), now), Rule::ReasonTextInvalid);
}

#[test]
fn evidence_is_limited_in_count_type_and_size() {
    let now = DELIVERED.plus_millis(1);
    let mut d = draft(RequestKind::RefundOnly, 1);
    d.evidence = vec![photo("image/jpeg", MAX_EVIDENCE_BYTES); MAX_EVIDENCE];
    d.evidence[1] = photo("image/png", 1);
    d.evidence[2] = photo("image/webp", 1);
    assert!(open(&d, &facts(), now).is_ok());
    d.evidence.push(photo("image/jpeg", 1));
    assert_eq!(refused(&d, &facts(), now), Rule::EvidenceTooMany);
    d.evidence = vec![photo("image/jpeg", MAX_EVIDENCE_BYTES + 1)];
    assert_eq!(refused(&d, &facts(), now), Rule::EvidenceTooLarge);
    d.evidence = vec![photo("image/gif", 10)];
    assert_eq!(refused(&d, &facts(), now), Rule::EvidenceWrongType);
    d.evidence = vec![photo("image/png", 0)];
    assert_eq!(refused(&d, &facts(), now), Rule::EvidenceEmpty);
}

#[test]
fn exchange_refunds_nothing() {
    let o = open(
        &draft(RequestKind::Exchange, 1),
        &facts(),
        DELIVERED.plus_millis(1),
    )
    .unwrap();
    assert_eq!(o.refund, Money::cny(0));
    assert!(!o.instant_refund_eligible);
}

#[test]
fn rule_codes_are_unique_match_serde_and_have_both_reasons() {
    let mut codes: Vec<_> = Rule::ALL.iter().map(|r| r.code()).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), Rule::ALL.len());
    for r in Rule::ALL {
        assert_eq!(serde_json::to_value(r).unwrap(), r.code());
        assert!(!r.reason_zh().is_empty() && !r.reason_en().is_empty());
        assert_eq!(r.notice().code, r.code());
    }
}

#[test]
fn refusals_and_states_serialize_by_stable_names() {
    let r = open(&draft(RequestKind::RefundOnly, 0), &facts(), DELIVERED).unwrap_err();
    assert_eq!(
        serde_json::to_string(&r).unwrap(),
        r#"{"rule":"quantity_zero"}"#
    );
    assert_eq!(r.to_string(), "after-sales refused: quantity_zero");
    assert_eq!(
        serde_json::to_string(&RequestState::RefundedAwaitingReceipt).unwrap(),
        r#""refunded_awaiting_receipt""#
    );
}
