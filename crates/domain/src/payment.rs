//! Payments: the methods a buyer can choose and a payment attempt's life.

use crate::{Money, OrderId, PaymentId, Timestamp, UserId};
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    Alipay,
    WechatPay,
    DouyinPay,
}

impl PaymentMethod {
    pub const ALL: [PaymentMethod; 3] = [
        PaymentMethod::DouyinPay,
        PaymentMethod::Alipay,
        PaymentMethod::WechatPay,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Alipay => "alipay",
            PaymentMethod::WechatPay => "wechat_pay",
            PaymentMethod::DouyinPay => "douyin_pay",
        }
    }
    pub fn parse(s: &str) -> Option<PaymentMethod> {
        match s {
            "alipay" => Some(PaymentMethod::Alipay),
            "wechat_pay" => Some(PaymentMethod::WechatPay),
            "douyin_pay" => Some(PaymentMethod::DouyinPay),
            _ => None,
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            PaymentMethod::Alipay => "支付宝",
            PaymentMethod::WechatPay => "微信支付",
            PaymentMethod::DouyinPay => "抖音支付",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            PaymentMethod::Alipay => "Alipay",
            PaymentMethod::WechatPay => "WeChat Pay",
            PaymentMethod::DouyinPay => "Douyin Pay",
        }
    }
}

/// Orders the methods for one buyer: most successful payments first, ties
/// (and never-used methods) in the platform's default order.
pub fn rank_methods(usage: &[(PaymentMethod, u64)]) -> Vec<PaymentMethod> {
    let count = |m: PaymentMethod| usage.iter().find(|(u, _)| *u == m).map_or(0, |(_, n)| *n);
    let mut methods = PaymentMethod::ALL.to_vec();
    // stable sort keeps the default order among equals
    methods.sort_by_key(|m| std::cmp::Reverse(count(*m)));
    methods
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Created at the provider, waiting for the buyer.
    Pending,
    Succeeded,
    /// Paid at the provider after the order could no longer take it
    /// (e.g. it expired): the money goes back.
    Refunded,
    Closed,
}

impl PaymentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Pending => "pending",
            PaymentStatus::Succeeded => "succeeded",
            PaymentStatus::Refunded => "refunded",
            PaymentStatus::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<PaymentStatus> {
        match s {
            "pending" => Some(PaymentStatus::Pending),
            "succeeded" => Some(PaymentStatus::Succeeded),
            "refunded" => Some(PaymentStatus::Refunded),
            "closed" => Some(PaymentStatus::Closed),
            _ => None,
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub id: PaymentId,
    pub order_id: OrderId,
    pub buyer_id: UserId,
    pub method: PaymentMethod,
    pub amount: Money,
    pub status: PaymentStatus,
    /// The provider's transaction number, once it reported one.
    pub provider_trade_no: Option<String>,
    pub created_at: Timestamp,
    pub paid_at: Option<Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_used_method_comes_first() {
        assert_eq!(rank_methods(&[]), PaymentMethod::ALL.to_vec());
        let ranked = rank_methods(&[(PaymentMethod::WechatPay, 3), (PaymentMethod::Alipay, 1)]);
        assert_eq!(
            ranked,
            vec![
                PaymentMethod::WechatPay,
                PaymentMethod::Alipay,
                PaymentMethod::DouyinPay
            ]
        );
    }
}
