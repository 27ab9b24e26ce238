use crate::{SkuId, ValidationError};
use serde::{Deserialize, Serialize};

pub const MAX_QTY_PER_LINE: u32 = 99;
pub const MAX_CART_LINES: usize = 100;
pub const MAX_ORDER_LINES: usize = 50;

/// How many of one SKU: 1 to 99.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Quantity(u32);

impl Quantity {
    pub fn parse(raw: i64) -> Result<Quantity, ValidationError> {
        match u32::try_from(raw) {
            Ok(q) if (1..=MAX_QTY_PER_LINE).contains(&q) => Ok(Quantity(q)),
            _ => Err(ValidationError::new(
                "quantity",
                "out_of_range",
                format!("quantity must be 1 to {MAX_QTY_PER_LINE}"),
            )),
        }
    }
    pub fn get(self) -> u32 {
        self.0
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub sku_id: SkuId,
    pub quantity: Quantity,
}
