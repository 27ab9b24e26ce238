//! Words for the after-sales and parcel enums, through the i18n table. The
//! domain's wire names (serde, snake_case) are the form values, so forms and
//! the API agree without a second list of spellings.

use serde::Serialize;
use serde::de::DeserializeOwned;
use yc_domain::aftersales::{InsuranceSource, ReasonCode, RequestKind, RequestState};
use yc_domain::fulfilment::TrackingStatus;

use crate::i18n::{Lang, t};

/// The serde name of a unit variant ("return_refund").
pub fn wire<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// A unit variant from its serde name; `None` for anything else.
pub fn parse_wire<T: DeserializeOwned>(raw: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(raw.trim().to_owned())).ok()
}

pub fn state_key(s: RequestState) -> &'static str {
    use RequestState as S;
    match s {
        S::AwaitingMerchant => "as_awaiting_merchant",
        S::AwaitingReturn => "as_awaiting_return",
        S::ReturnShipped => "as_return_shipped",
        S::ReturnPickedUp => "as_return_picked_up",
        S::RefundedAwaitingReceipt => "as_refunded_awaiting_receipt",
        S::RefundDue => "as_refund_due",
        S::ReplacementDue => "as_replacement_due",
        S::Refunded => "as_refunded",
        S::Exchanged => "as_exchanged",
        S::Closed => "as_closed",
        S::Refused => "as_refused",
        S::InArbitration => "as_in_arbitration",
        S::ArbitrationRefused => "as_arbitration_refused",
    }
}

pub fn kind_key(k: RequestKind) -> &'static str {
    match k {
        RequestKind::RefundOnly => "kind_refund_only",
        RequestKind::ReturnRefund => "kind_return_refund",
        RequestKind::Exchange => "kind_exchange",
    }
}

pub const REASONS: [ReasonCode; 7] = [
    ReasonCode::NoReason,
    ReasonCode::QualityIssue,
    ReasonCode::NotAsDescribed,
    ReasonCode::WrongItem,
    ReasonCode::DamagedInTransit,
    ReasonCode::NotReceived,
    ReasonCode::Other,
];

pub fn reason_key(r: ReasonCode) -> &'static str {
    match r {
        ReasonCode::NoReason => "reason_no_reason",
        ReasonCode::QualityIssue => "reason_quality_issue",
        ReasonCode::NotAsDescribed => "reason_not_as_described",
        ReasonCode::WrongItem => "reason_wrong_item",
        ReasonCode::DamagedInTransit => "reason_damaged_in_transit",
        ReasonCode::NotReceived => "reason_not_received",
        ReasonCode::Other => "reason_other",
    }
}

/// Who made a timeline move ("buyer", "merchant", …, as stored).
pub fn actor_key(actor: &str) -> &'static str {
    match actor {
        "buyer" => "actor_buyer",
        "merchant" => "actor_merchant",
        "carrier" => "actor_carrier",
        "arbitrator" => "actor_arbitrator",
        _ => "actor_platform",
    }
}

pub fn insurance_key(source: InsuranceSource) -> &'static str {
    match source {
        InsuranceSource::BoughtAtCheckout => "ins_bought",
        InsuranceSource::GrantedByMerchant => "ins_granted",
    }
}

/// 揽收 / Picked up …; the zh words are the carrier's own (`label()`).
pub fn tracking_label(status: &TrackingStatus, lang: Lang) -> &'static str {
    let key = match status {
        TrackingStatus::PickedUp => "trk_picked_up",
        TrackingStatus::InTransit { .. } => "trk_in_transit",
        TrackingStatus::OutForDelivery => "trk_out_for_delivery",
        TrackingStatus::Delivered => "trk_delivered",
        TrackingStatus::Exception { .. } => "trk_exception",
    };
    match lang {
        Lang::Zh => status.label(),
        Lang::En => t(lang, key),
    }
}

/// The exception's reason as the carrier wrote it; the sandbox's known
/// ones in English too.
pub fn tracking_note(status: &TrackingStatus, lang: Lang) -> String {
    let TrackingStatus::Exception { reason } = status else {
        return String::new();
    };
    let key = match reason.as_str() {
        "天气原因延误" => "trk_weather",
        "中转场爆仓" => "trk_hub_overload",
        "道路管制" => "trk_road_control",
        _ => return reason.clone(),
    };
    t(lang, key).to_owned()
}

/// A carrier's name: the sandbox in both languages, others as registered.
pub fn carrier_name(code: &str, registered: &str, lang: Lang) -> String {
    match code {
        yc_services::fulfilment::SANDBOX_CODE => t(lang, "carrier_sandbox").to_owned(),
        _ => registered.to_owned(),
    }
}

/// Timeline notes are written by the services in Chinese; the known
/// fixed ones read in English too, the rest (free text) as written.
pub fn request_note(note: &str, lang: Lang) -> String {
    if lang == Lang::Zh {
        return note.to_owned();
    }
    let key = match note {
        "快递已揽收退货" => "note_return_picked_up",
        "退款已原路退回" => "note_refund_sent",
        _ => {
            return match note.strip_prefix("演示快递") {
                Some(rest) => format!("{}{rest}", t(lang, "carrier_sandbox")),
                None => note.to_owned(),
            };
        }
    };
    t(lang, key).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use yc_domain::aftersales::Rule;

    fn exists(key: &'static str) -> bool {
        t(Lang::En, key) != key && t(Lang::Zh, key) != key
    }

    #[test]
    fn every_variant_has_words() {
        assert!(RequestState::ALL.into_iter().all(|s| exists(state_key(s))));
        assert!(RequestKind::ALL.into_iter().all(|k| exists(kind_key(k))));
        assert!(REASONS.into_iter().all(|r| exists(reason_key(r))));
        for a in ["buyer", "merchant", "platform", "carrier", "arbitrator"] {
            assert!(exists(actor_key(a)));
        }
        for s in [
            InsuranceSource::BoughtAtCheckout,
            InsuranceSource::GrantedByMerchant,
        ] {
            assert!(exists(insurance_key(s)));
        }
        for k in [
            "trk_picked_up",
            "trk_in_transit",
            "trk_out_for_delivery",
            "trk_delivered",
            "trk_exception",
            "trk_weather",
            "trk_hub_overload",
            "trk_road_control",
            "carrier_sandbox",
            "note_return_picked_up",
            "note_refund_sent",
        ] {
            assert!(exists(k), "{k}");
        }
        // Rules carry their own words; none is empty.
        assert!(Rule::ALL.iter().all(|r| !r.reason_en().is_empty()));
    }

    #[test]
    fn wire_names_round_trip() {
        for k in RequestKind::ALL {
            assert_eq!(parse_wire::<RequestKind>(&wire(&k)), Some(k));
        }
        for s in RequestState::ALL {
            assert_eq!(parse_wire::<RequestState>(&wire(&s)), Some(s));
        }
        assert_eq!(wire(&ReasonCode::NoReason), "no_reason");
        assert_eq!(parse_wire::<ReasonCode>("bogus"), None);
    }

    #[test]
    fn notes_read_in_english() {
        assert_eq!(
            request_note("快递已揽收退货", Lang::En),
            "Carrier picked up the return"
        );
        assert_eq!(
            request_note("演示快递 YC000000000001", Lang::En),
            "Sandbox Express YC000000000001"
        );
        assert_eq!(request_note("随便", Lang::En), "随便");
        assert_eq!(request_note("快递已揽收退货", Lang::Zh), "快递已揽收退货");
    }
}
