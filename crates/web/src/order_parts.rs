//! Pieces of an order shared by the checkout, the order list and the
//! order page: line and payment-method views, status wording.

use yc_domain::order::{OrderLine, OrderStatus};
use yc_domain::payment::PaymentMethod;

use crate::fmt;
use crate::i18n::Lang;

pub struct LineView {
    pub product_url: String,
    pub title: String,
    pub spec: String,
    pub image: Option<String>,
    pub price: String,
    pub qty: u32,
    /// 申请售后 for this line, on the order page of an eligible order.
    pub aftersales_url: Option<String>,
}

pub fn line_views(lines: &[OrderLine]) -> Vec<LineView> {
    lines
        .iter()
        .map(|l| LineView {
            product_url: format!("/products/{}", l.product_id),
            title: l.title.clone(),
            spec: l.spec_label.clone(),
            image: l.image.clone(),
            price: fmt::price(l.unit_price),
            qty: l.quantity,
            aftersales_url: None,
        })
        .collect()
}

pub struct MethodView {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

/// Most-used first (the services rank them); the first is preselected.
pub fn method_views(methods: &[PaymentMethod], lang: Lang) -> Vec<MethodView> {
    methods
        .iter()
        .enumerate()
        .map(|(i, m)| MethodView {
            value: m.as_str(),
            label: method_label(*m, lang),
            checked: i == 0,
        })
        .collect()
}

pub fn method_label(m: PaymentMethod, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => m.label_zh(),
        Lang::En => m.label_en(),
    }
}

pub fn status_label(s: OrderStatus, lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => s.label_zh(),
        Lang::En => s.label_en(),
    }
}

/// Timeline notes are written by the services in Chinese; known ones are
/// shown in English too.
pub fn note_text(note: &str, lang: Lang) -> String {
    let method = PaymentMethod::ALL
        .into_iter()
        .find(|m| note == format!("已通过{}付款", m.label_zh()));
    match (lang, method) {
        (Lang::En, Some(m)) => format!("Paid with {}", m.label_en()),
        (Lang::En, None) => match note {
            "买家取消" => "Cancelled by the buyer".to_owned(),
            "超时未支付，订单自动取消" => {
                "Not paid in time; cancelled automatically".to_owned()
            }
            "直播秒杀" => "Live flash sale".to_owned(),
            "超时未支付，名额已释放" => {
                "Not paid in time; the unit went back to the sale".to_owned()
            }
            "快递已签收" => "Delivered".to_owned(),
            "买家确认收货" => "Receipt confirmed by the buyer".to_owned(),
            "未发货，全部退款" => "Refunded in full before shipping".to_owned(),
            other => english_tail(other),
        },
        (Lang::Zh, _) => note.to_owned(),
    }
}

/// Notes with a variable part: "演示快递 YC…" (shipped) and
/// "签收10天后自动确认收货" (auto-confirmed).
fn english_tail(note: &str) -> String {
    if let Some(rest) = note.strip_prefix("演示快递") {
        return format!("Sandbox Express{rest}");
    }
    let days = note
        .strip_prefix("签收")
        .and_then(|r| r.strip_suffix("天后自动确认收货"));
    match days {
        Some(d) => format!("Confirmed automatically {d} days after delivery"),
        None => note.to_owned(),
    }
}

pub fn status_hint_key(s: OrderStatus) -> &'static str {
    match s {
        OrderStatus::PendingPayment => "hint_pending_payment",
        OrderStatus::Paid => "hint_paid",
        OrderStatus::Shipped => "hint_shipped",
        OrderStatus::Delivered => "hint_delivered",
        OrderStatus::Completed => "hint_completed",
        OrderStatus::Cancelled => "hint_cancelled",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payment_notes_read_naturally() {
        assert_eq!(
            note_text("已通过微信支付付款", Lang::Zh),
            "已通过微信支付付款"
        );
        assert_eq!(
            note_text("已通过抖音支付付款", Lang::En),
            "Paid with Douyin Pay"
        );
        assert_eq!(note_text("买家取消", Lang::En), "Cancelled by the buyer");
        assert_eq!(note_text("其他", Lang::En), "其他");
        assert_eq!(
            note_text("演示快递 YC000000000001", Lang::En),
            "Sandbox Express YC000000000001"
        );
        assert_eq!(
            note_text("签收10天后自动确认收货", Lang::En),
            "Confirmed automatically 10 days after delivery"
        );
    }
}
