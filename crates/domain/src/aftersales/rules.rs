//! The named rules. A rule's `code` never changes once shipped (clients and
//! support scripts match on it); its reasons are what both sides read.

use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    UnshippedInstantRefund,
    MerchantResponse48h,
    ShipBack7d,
    ReceiptConfirm8d,
    NoReasonWindowPassed,
    NoReasonNotOffered,
    NonReturnableFreshFood,
    NonReturnableCustomized,
    NonReturnableDigital,
    OrderNotEligible,
    ReturnNeedsDelivery,
    QuantityZero,
    QuantityExceedsRemaining,
    TooManyRequests,
    ReasonTextInvalid,
    EvidenceTooMany,
    EvidenceWrongType,
    EvidenceTooLarge,
    EvidenceEmpty,
    InstantRefundOnPickup,
    ShippingInsuranceOnPickup,
    ArbitrationFinal,
    RefundCappedAtPaid,
}

impl Rule {
    pub const ALL: [Rule; 23] = [
        Rule::UnshippedInstantRefund,
        Rule::MerchantResponse48h,
        Rule::ShipBack7d,
        Rule::ReceiptConfirm8d,
        Rule::NoReasonWindowPassed,
        Rule::NoReasonNotOffered,
        Rule::NonReturnableFreshFood,
        Rule::NonReturnableCustomized,
        Rule::NonReturnableDigital,
        Rule::OrderNotEligible,
        Rule::ReturnNeedsDelivery,
        Rule::QuantityZero,
        Rule::QuantityExceedsRemaining,
        Rule::TooManyRequests,
        Rule::ReasonTextInvalid,
        Rule::EvidenceTooMany,
        Rule::EvidenceWrongType,
        Rule::EvidenceTooLarge,
        Rule::EvidenceEmpty,
        Rule::InstantRefundOnPickup,
        Rule::ShippingInsuranceOnPickup,
        Rule::ArbitrationFinal,
        Rule::RefundCappedAtPaid,
    ];

    /// Stable code; equals the serde name.
    pub fn code(self) -> &'static str {
        match self {
            Rule::UnshippedInstantRefund => "unshipped_instant_refund",
            Rule::MerchantResponse48h => "merchant_response48h",
            Rule::ShipBack7d => "ship_back7d",
            Rule::ReceiptConfirm8d => "receipt_confirm8d",
            Rule::NoReasonWindowPassed => "no_reason_window_passed",
            Rule::NoReasonNotOffered => "no_reason_not_offered",
            Rule::NonReturnableFreshFood => "non_returnable_fresh_food",
            Rule::NonReturnableCustomized => "non_returnable_customized",
            Rule::NonReturnableDigital => "non_returnable_digital",
            Rule::OrderNotEligible => "order_not_eligible",
            Rule::ReturnNeedsDelivery => "return_needs_delivery",
            Rule::QuantityZero => "quantity_zero",
            Rule::QuantityExceedsRemaining => "quantity_exceeds_remaining",
            Rule::TooManyRequests => "too_many_requests",
            Rule::ReasonTextInvalid => "reason_text_invalid",
            Rule::EvidenceTooMany => "evidence_too_many",
            Rule::EvidenceWrongType => "evidence_wrong_type",
            Rule::EvidenceTooLarge => "evidence_too_large",
            Rule::EvidenceEmpty => "evidence_empty",
            Rule::InstantRefundOnPickup => "instant_refund_on_pickup",
            Rule::ShippingInsuranceOnPickup => "shipping_insurance_on_pickup",
            Rule::ArbitrationFinal => "arbitration_final",
            Rule::RefundCappedAtPaid => "refund_capped_at_paid",
        }
    }

    pub fn reason_zh(self) -> &'static str {
        match self {
            Rule::UnshippedInstantRefund => {
                "订单未发货，仅退款申请已自动同意，库存已释放（极速退款）"
            }
            Rule::MerchantResponse48h => "商家需在48小时内处理，超时未处理将自动同意申请",
            Rule::ShipBack7d => "买家需在同意后7天内寄回商品，超时未寄回申请将自动关闭",
            Rule::ReceiptConfirm8d => "商家需在买家寄出后8天内确认收货，超时将自动确认收货",
            Rule::NoReasonWindowPassed => "已超过签收后的七天无理由退货期限",
            Rule::NoReasonNotOffered => "该商品不支持七天无理由退货",
            Rule::NonReturnableFreshFood => "生鲜商品不支持七天无理由退货",
            Rule::NonReturnableCustomized => "定制商品不支持七天无理由退货",
            Rule::NonReturnableDigital => "虚拟/数字商品不支持七天无理由退货",
            Rule::OrderNotEligible => "订单未付款或已取消，无法申请售后",
            Rule::ReturnNeedsDelivery => "商品签收后才能申请退货或换货",
            Rule::QuantityZero => "申请数量至少为1件",
            Rule::QuantityExceedsRemaining => "申请数量超过该商品可申请售后的剩余数量",
            Rule::TooManyRequests => "该商品的售后申请次数已达上限",
            Rule::ReasonTextInvalid => "问题描述过长或包含非法字符",
            Rule::EvidenceTooMany => "凭证图片最多9张",
            Rule::EvidenceWrongType => "凭证仅支持JPEG、PNG、WebP图片",
            Rule::EvidenceTooLarge => "单张凭证图片不能超过5MB",
            Rule::EvidenceEmpty => "凭证图片为空文件",
            Rule::InstantRefundOnPickup => {
                "符合极速退款条件：快递揽收退货后即退款，无需等待商家收货"
            }
            Rule::ShippingInsuranceOnPickup => {
                "运费险理赔：快递揽收退货后自动赔付，每份保单限赔一次"
            }
            Rule::ArbitrationFinal => "平台仲裁结果为最终决定",
            Rule::RefundCappedAtPaid => "退款金额不超过该商品的实付金额",
        }
    }

    pub fn reason_en(self) -> &'static str {
        match self {
            Rule::UnshippedInstantRefund => {
                "The order has not shipped: the refund was approved at once and the stock released."
            }
            Rule::MerchantResponse48h => {
                "The merchant has 48 hours to respond; after that the request is approved."
            }
            Rule::ShipBack7d => {
                "The buyer has 7 days after approval to ship the goods back; after that the request closes."
            }
            Rule::ReceiptConfirm8d => {
                "The merchant has 8 days after the return was shipped to confirm receipt; after that it is confirmed."
            }
            Rule::NoReasonWindowPassed => "The no-reason return period after delivery has passed.",
            Rule::NoReasonNotOffered => "This product does not offer no-reason returns.",
            Rule::NonReturnableFreshFood => "Fresh food cannot be returned without a reason.",
            Rule::NonReturnableCustomized => {
                "Customized goods cannot be returned without a reason."
            }
            Rule::NonReturnableDigital => "Digital goods cannot be returned without a reason.",
            Rule::OrderNotEligible => {
                "The order is unpaid or cancelled; after-sales is not available."
            }
            Rule::ReturnNeedsDelivery => {
                "Returns and exchanges can be requested once the goods are delivered."
            }
            Rule::QuantityZero => "Request at least one item.",
            Rule::QuantityExceedsRemaining => {
                "The quantity exceeds what remains eligible on this line."
            }
            Rule::TooManyRequests => "This line has reached the limit of after-sales requests.",
            Rule::ReasonTextInvalid => {
                "The description is too long or contains invalid characters."
            }
            Rule::EvidenceTooMany => "At most 9 evidence photos.",
            Rule::EvidenceWrongType => "Evidence must be JPEG, PNG or WebP images.",
            Rule::EvidenceTooLarge => "Each evidence photo must be at most 5 MB.",
            Rule::EvidenceEmpty => "An evidence photo is empty.",
            Rule::InstantRefundOnPickup => {
                "Instant refund: paid when the carrier picks up the return, not when it arrives."
            }
            Rule::ShippingInsuranceOnPickup => {
                "Return-shipping insurance paid automatically at pickup; one claim per policy."
            }
            Rule::ArbitrationFinal => "The platform's arbitration decision is final.",
            Rule::RefundCappedAtPaid => "The refund never exceeds what was paid for the item.",
        }
    }

    pub fn notice(self) -> RuleNotice {
        RuleNotice {
            code: self.code(),
            reason_zh: self.reason_zh(),
            reason_en: self.reason_en(),
        }
    }
}

/// What the buyer and the merchant pages show for a decision.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RuleNotice {
    pub code: &'static str,
    pub reason_zh: &'static str,
    pub reason_en: &'static str,
}
