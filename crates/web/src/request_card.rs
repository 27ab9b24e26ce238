//! One after-sales request as the buyer, the shop and the operator see it:
//! state, the deciding rule in words, the running deadline, money moved,
//! the timeline, and which moves the state machine allows from here.

use yc_domain::Timestamp;
use yc_domain::aftersales::{
    RefundStatus, RequestKind, RequestState, Rule, RuleNotice, Transition,
};
use yc_services::aftersales::RequestView;

use crate::fmt;
use crate::i18n::{Lang, t};
use crate::labels::{actor_key, kind_key, reason_key, request_note, state_key, wire};

pub struct DeadlineView {
    pub at_ms: i64,
    pub now_ms: i64,
    pub left: String,
    pub at: String,
    /// What happens when it passes, in words.
    pub notice: &'static str,
}

pub struct RefundLine {
    pub amount: String,
    pub paid: bool,
    pub instant: bool,
    pub paid_at: String,
}

pub struct ClaimLine {
    pub amount: String,
    pub paid_at: String,
}

pub struct StepView {
    pub state: &'static str,
    pub actor: &'static str,
    pub rule: Option<&'static str>,
    pub note: String,
    pub at: String,
    pub latest: bool,
}

pub struct RequestCard {
    pub id: String,
    pub order_id: String,
    /// Product title and spec, filled in by the page that knows them.
    pub item: String,
    pub state: String,
    pub state_label: &'static str,
    pub kind_label: &'static str,
    pub reason_label: &'static str,
    pub quantity: u32,
    pub reason_text: String,
    pub evidence: Vec<String>,
    pub rule_code: &'static str,
    pub rule_text: &'static str,
    /// The opening rule, unless it is the one whose clock runs now (then
    /// the deadline line already says it).
    pub show_rule: bool,
    pub refund_amount: String,
    pub deadline: Option<DeadlineView>,
    pub refund: Option<RefundLine>,
    pub claim: Option<ClaimLine>,
    pub timeline: Vec<StepView>,
    pub opened: String,
    pub can_ship_back: bool,
    pub can_cancel: bool,
    pub can_escalate: bool,
    pub can_approve: bool,
    pub can_refuse: bool,
    pub can_confirm: bool,
    pub can_reship: bool,
    pub can_restock: bool,
    pub can_arbitrate: bool,
}

fn notice_text(n: &RuleNotice, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => n.reason_zh,
        Lang::En => n.reason_en,
    }
}

fn rule_text(r: Rule, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => r.reason_zh(),
        Lang::En => r.reason_en(),
    }
}

fn allows(state: RequestState, kind: RequestKind, t: Transition) -> bool {
    state.apply(kind, t).is_ok()
}

impl RequestCard {
    pub fn build(v: &RequestView, lang: Lang, now: Timestamp) -> RequestCard {
        let r = &v.request;
        let (state, kind) = (r.state, r.kind);
        let last = r.timeline.len().saturating_sub(1);
        let received = matches!(
            state,
            RequestState::RefundDue
                | RequestState::Refunded
                | RequestState::ReplacementDue
                | RequestState::Exchanged
        );
        RequestCard {
            id: r.id.to_string(),
            order_id: r.order_id.to_string(),
            item: String::new(),
            state: wire(&state),
            state_label: t(lang, state_key(state)),
            kind_label: t(lang, kind_key(kind)),
            reason_label: t(lang, reason_key(r.reason)),
            quantity: r.quantity,
            reason_text: r.reason_text.clone(),
            evidence: r.evidence.iter().map(|e| e.url.clone()).collect(),
            rule_code: v.rule_notice.code,
            rule_text: notice_text(&v.rule_notice, lang),
            show_rule: v
                .deadline_notice
                .is_none_or(|d| d.code != v.rule_notice.code),
            refund_amount: fmt::money(r.refund_amount),
            deadline: match (r.deadline, &v.deadline_notice) {
                (Some(at), Some(n)) => Some(DeadlineView {
                    at_ms: at.millis(),
                    now_ms: now.millis(),
                    left: fmt::time_left(now.millis_until(at), t(lang, "day_unit")),
                    at: fmt::datetime(at),
                    notice: notice_text(n, lang),
                }),
                _ => None,
            },
            refund: r.refund.as_ref().map(|f| RefundLine {
                amount: fmt::money(f.amount),
                paid: f.status == RefundStatus::Succeeded,
                instant: f.instant,
                paid_at: f.paid_at.map(fmt::datetime).unwrap_or_default(),
            }),
            claim: r.claim.map(|c| ClaimLine {
                amount: fmt::money(c.amount),
                paid_at: fmt::datetime(c.paid_at),
            }),
            timeline: r
                .timeline
                .iter()
                .enumerate()
                .rev()
                .map(|(i, e)| {
                    let rule = e.rule.map(|rule| rule_text(rule, lang));
                    // Timeouts write the rule's own words as the note.
                    let repeats_rule = e.rule.is_some_and(|rule| rule.reason_zh() == e.note);
                    StepView {
                        state: t(lang, state_key(e.state)),
                        actor: t(lang, actor_key(&e.actor)),
                        rule,
                        note: if repeats_rule {
                            String::new()
                        } else {
                            request_note(&e.note, lang)
                        },
                        at: fmt::datetime(e.at),
                        latest: i == last,
                    }
                })
                .collect(),
            opened: fmt::datetime(r.opened_at),
            can_ship_back: allows(state, kind, Transition::BuyerShip),
            can_cancel: allows(state, kind, Transition::Cancel),
            can_escalate: allows(state, kind, Transition::Escalate),
            can_approve: allows(state, kind, Transition::MerchantApprove),
            can_refuse: allows(state, kind, Transition::MerchantRefuse),
            can_confirm: allows(state, kind, Transition::MerchantConfirmReceipt),
            can_reship: allows(state, kind, Transition::MerchantReship),
            can_restock: kind.returns_goods() && received && !r.restocked,
            can_arbitrate: allows(state, kind, Transition::ArbitrationApprove),
        }
    }

    /// A fresh idempotency key for each action form on the card: every
    /// render is a new intent, a resubmitted form is the same one.
    pub fn fresh_key(&self) -> String {
        uuid::Uuid::now_v7().to_string()
    }
}
