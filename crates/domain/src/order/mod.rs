//! Orders: lines that snapshot what was bought at what price, a shipping
//! address snapshot, and a status moved only through `status::TABLE`.

mod status;

pub use status::{IllegalTransition, OrderStatus, Transition};

use crate::address::Address;
use crate::cart::{MAX_ORDER_LINES, Quantity};
use crate::catalog::Product;
use crate::stock::SoldOut;
use crate::{
    Currency, MerchantId, Money, MoneyError, OrderId, ProductId, SkuId, Timestamp, UserId,
    ValidationError,
};
use serde::{Deserialize, Serialize};

/// What the order remembers of a line even if the product later changes.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub sku_id: SkuId,
    pub product_id: ProductId,
    pub title: String,
    pub spec_label: String,
    pub image: Option<String>,
    pub unit_price: Money,
    pub quantity: u32,
    pub line_total: Money,
    /// The product's return terms when it was bought; after-sales rules
    /// read these, not the product's current ones.
    #[serde(default)]
    pub return_policy: crate::aftersales::ReturnPolicy,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingAddress {
    pub recipient: String,
    pub phone: String,
    pub region: String,
    pub detail: String,
}

impl From<&Address> for ShippingAddress {
    fn from(a: &Address) -> Self {
        ShippingAddress {
            recipient: a.recipient.clone(),
            phone: a.phone.clone(),
            region: format!("{}{}{}", a.province, a.city, a.district),
            detail: a.detail.clone(),
        }
    }
}

/// One step of the timeline on the order page; append-only.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderEvent {
    pub status: OrderStatus,
    pub at: Timestamp,
    pub note: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: OrderId,
    pub buyer_id: UserId,
    pub merchant_id: MerchantId,
    pub status: OrderStatus,
    pub lines: Vec<OrderLine>,
    pub total: Money,
    pub address: ShippingAddress,
    pub created_at: Timestamp,
    /// Unpaid after this instant, the order cancels itself.
    pub pay_deadline: Timestamp,
    pub timeline: Vec<OrderEvent>,
    /// Set for orders placed in a live flash sale: their units come from
    /// (and go back to) the sale's pool, not the SKU's stock.
    #[serde(default)]
    pub flash_sale_id: Option<crate::FlashSaleId>,
    /// Return-shipping insurance (运费险) on this order, if any.
    #[serde(default)]
    pub insurance: Option<OrderInsurance>,
}

/// 运费险 on an order: bought by the buyer at checkout (the premium is part
/// of the total) or granted by the merchant (premium zero to the buyer).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderInsurance {
    pub source: crate::aftersales::InsuranceSource,
    pub premium: Money,
    /// One claim per policy.
    pub claimed: bool,
}

impl OrderInsurance {
    pub fn policy(self) -> crate::aftersales::InsurancePolicy {
        crate::aftersales::InsurancePolicy {
            source: self.source,
            claimed: self.claimed,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlaceOrderError {
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    #[error("SKU {0} is not for sale")]
    Unavailable(SkuId),
    #[error("SKU {sku_id}: {reason}")]
    SoldOut { sku_id: SkuId, reason: SoldOut },
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// One requested line, already matched to its product.
pub struct LineRequest<'a> {
    pub product: &'a Product,
    pub sku_id: SkuId,
    pub quantity: Quantity,
}

/// Prices a new order from current catalog data. Pure: the store then
/// reserves the stock atomically; `stock` here is only a fast early check.
pub fn place_order(
    buyer_id: UserId,
    requests: &[LineRequest<'_>],
    address: &Address,
    now: Timestamp,
    pay_window_ms: i64,
    insurance: Option<crate::aftersales::InsuranceSource>,
) -> Result<Order, PlaceOrderError> {
    let first = requests.first().ok_or_else(|| {
        ValidationError::new("lines", "empty", "an order needs at least one line")
    })?;
    if requests.len() > MAX_ORDER_LINES {
        return Err(ValidationError::new(
            "lines",
            "too_many",
            format!("at most {MAX_ORDER_LINES} lines"),
        )
        .into());
    }
    let merchant_id = first.product.merchant_id;
    let mut lines = Vec::with_capacity(requests.len());
    for r in requests {
        lines.push(price_line(r, merchant_id)?);
    }
    let placed = Placed {
        buyer_id,
        merchant_id,
        address,
        now,
        pay_window_ms,
        note: String::new(),
        flash_sale_id: None,
        insurance,
    };
    Ok(placed.order(lines)?)
}

/// What every new order starts from, whatever placed it (checkout, a
/// live flash sale): the total of its lines, the payment deadline and the
/// first timeline event are decided here and only here.
pub struct Placed<'a> {
    pub buyer_id: UserId,
    pub merchant_id: MerchantId,
    pub address: &'a Address,
    pub now: Timestamp,
    pub pay_window_ms: i64,
    pub note: String,
    pub flash_sale_id: Option<crate::FlashSaleId>,
    pub insurance: Option<crate::aftersales::InsuranceSource>,
}

impl Placed<'_> {
    pub fn order(self, lines: Vec<OrderLine>) -> Result<Order, MoneyError> {
        let insurance = self.insurance.map(insurance_for);
        let premium = insurance.map_or(Money::zero(Currency::Cny), |i| i.premium);
        let goods = Money::sum(Currency::Cny, lines.iter().map(|l| l.line_total))?;
        let total = goods.checked_add(premium)?;
        Ok(Order {
            id: OrderId::new(),
            buyer_id: self.buyer_id,
            merchant_id: self.merchant_id,
            status: OrderStatus::PendingPayment,
            lines,
            total,
            address: ShippingAddress::from(self.address),
            created_at: self.now,
            pay_deadline: self.now.plus_millis(self.pay_window_ms),
            timeline: vec![OrderEvent {
                status: OrderStatus::PendingPayment,
                at: self.now,
                note: self.note,
            }],
            flash_sale_id: self.flash_sale_id,
            insurance,
        })
    }
}

/// The buyer pays the premium only for insurance they bought.
fn insurance_for(source: crate::aftersales::InsuranceSource) -> OrderInsurance {
    use crate::aftersales::{InsuranceSource, RETURN_INSURANCE_PREMIUM_FEN};
    let premium = match source {
        InsuranceSource::BoughtAtCheckout => Money::cny(RETURN_INSURANCE_PREMIUM_FEN),
        InsuranceSource::GrantedByMerchant => Money::zero(Currency::Cny),
    };
    OrderInsurance {
        source,
        premium,
        claimed: false,
    }
}

fn price_line(r: &LineRequest<'_>, merchant_id: MerchantId) -> Result<OrderLine, PlaceOrderError> {
    let p = r.product;
    if p.merchant_id != merchant_id {
        return Err(ValidationError::new(
            "lines",
            "mixed_merchants",
            "one order holds one shop's goods",
        )
        .into());
    }
    if p.status != crate::catalog::ProductStatus::Active {
        return Err(PlaceOrderError::Unavailable(r.sku_id));
    }
    let sku = p
        .sku(r.sku_id)
        .ok_or(PlaceOrderError::Unavailable(r.sku_id))?;
    crate::stock::Stock::new(sku.stock)
        .ok_or(PlaceOrderError::Unavailable(r.sku_id))?
        .reserve(r.quantity.get())
        .map_err(|reason| PlaceOrderError::SoldOut {
            sku_id: r.sku_id,
            reason,
        })?;
    Ok(OrderLine {
        sku_id: sku.id,
        product_id: p.id,
        title: p.title.clone(),
        spec_label: p.spec_label(sku),
        image: p.media.first().cloned(),
        unit_price: sku.price,
        quantity: r.quantity.get(),
        line_total: sku.price.checked_mul(r.quantity.get())?,
        return_policy: p.return_policy,
    })
}

impl Order {
    /// The order as it was when placed (first timeline event, its status,
    /// insurance unclaimed): what an Idempotency-Key retry replays when only
    /// the order itself is stored. Lines, address and totals never change.
    pub fn as_placed(&self) -> Order {
        let mut placed = self.clone();
        placed.timeline.truncate(1);
        if let Some(first) = placed.timeline.first() {
            placed.status = first.status;
        }
        if let Some(insurance) = placed.insurance.as_mut() {
            insurance.claimed = false;
        }
        placed
    }

    /// Whether `now` is still inside the payment window. Paying needs it
    /// open; the expiry job only cancels once it has closed.
    pub fn pay_window_open(&self, now: Timestamp) -> bool {
        now < self.pay_deadline
    }

    /// Totals add up: asserted before an order is written.
    pub fn is_consistent(&self) -> bool {
        let lines_ok = self
            .lines
            .iter()
            .all(|l| l.unit_price.checked_mul(l.quantity).ok() == Some(l.line_total));
        let premium = self
            .insurance
            .map_or(Money::zero(self.total.currency), |i| i.premium);
        let sum = Money::sum(self.total.currency, self.lines.iter().map(|l| l.line_total))
            .and_then(|s| s.checked_add(premium));
        lines_ok && sum.ok() == Some(self.total) && !self.lines.is_empty()
    }
}

#[cfg(test)]
mod tests;
