//! Products, their spec axes (颜色 × 尺码 …) and SKUs.

use crate::error::bounded_text;
use crate::{MerchantId, Money, ProductId, SkuId, Timestamp, ValidationError};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

pub const MAX_SPEC_AXES: usize = 3;
pub const MAX_SPEC_VALUES: usize = 20;
pub const MAX_SKUS: usize = 200;
pub const MAX_MEDIA: usize = 9;
pub const MAX_STOCK: i64 = 10_000_000;
pub const MAX_PRICE_MINOR: i64 = 10_000_000_000; // ¥100,000,000.00

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecAxis {
    pub name: String,
    pub values: Vec<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    Active,
    Hidden,
}

impl ProductStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::Active => "active",
            ProductStatus::Hidden => "hidden",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(ProductStatus::Active),
            "hidden" => Some(ProductStatus::Hidden),
            _ => None,
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sku {
    pub id: SkuId,
    pub product_id: ProductId,
    /// One value per spec axis, in axis order.
    pub spec: Vec<String>,
    pub price: Money,
    pub stock: i64,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: ProductId,
    pub merchant_id: MerchantId,
    pub title: String,
    pub description: String,
    pub category: String,
    pub media: Vec<String>,
    pub spec_axes: Vec<SpecAxis>,
    pub skus: Vec<Sku>,
    pub status: ProductStatus,
    pub created_at: Timestamp,
    #[serde(default)]
    pub return_policy: crate::aftersales::ReturnPolicy,
}

impl Product {
    pub fn sku(&self, id: SkuId) -> Option<&Sku> {
        self.skus.iter().find(|s| s.id == id)
    }
    /// The lowest SKU price, shown as "¥x 起" on cards.
    pub fn min_price(&self) -> Option<Money> {
        self.skus
            .iter()
            .map(|s| s.price)
            .min_by_key(|m| m.amount_minor)
    }
    pub fn total_stock(&self) -> i64 {
        self.skus
            .iter()
            .map(|s| s.stock)
            .fold(0_i64, i64::saturating_add)
    }
    /// "颜色:红 / 尺码:M" for order snapshots.
    pub fn spec_label(&self, sku: &Sku) -> String {
        spec_label(&self.spec_axes, &sku.spec)
    }
}

pub fn spec_label(axes: &[SpecAxis], values: &[String]) -> String {
    axes.iter()
        .zip(values)
        .map(|(a, v)| format!("{}:{}", a.name, v))
        .collect::<Vec<_>>()
        .join(" / ")
}

/// What a merchant sends to create a SKU.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Deserialize)]
pub struct SkuDraft {
    pub spec: Vec<String>,
    pub price: Money,
    pub stock: i64,
}

/// What a merchant sends to create a product; `parse` turns it into a
/// valid `Product` or says which rule it broke.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Deserialize)]
pub struct ProductDraft {
    pub title: String,
    pub description: String,
    pub category: String,
    pub media: Vec<String>,
    pub spec_axes: Vec<SpecAxis>,
    pub skus: Vec<SkuDraft>,
    /// Defaults to standard goods with 七天无理由.
    #[serde(default)]
    pub return_policy: Option<crate::aftersales::ReturnPolicy>,
}

impl ProductDraft {
    pub fn parse(
        self,
        merchant_id: MerchantId,
        now: Timestamp,
    ) -> Result<Product, ValidationError> {
        let id = ProductId::new();
        let title = bounded_text("title", &self.title, 1, 120)?;
        let description = bounded_text("description", &self.description, 0, 5000)?;
        let category = bounded_text("category", &self.category, 1, 40)?;
        let media = parse_media(self.media)?;
        let spec_axes = parse_axes(self.spec_axes)?;
        let skus = parse_skus(id, &spec_axes, self.skus)?;
        Ok(Product {
            id,
            merchant_id,
            title,
            description,
            category,
            media,
            spec_axes,
            skus,
            status: ProductStatus::Active,
            created_at: now,
            return_policy: self.return_policy.unwrap_or_default().normalized(),
        })
    }
}

pub fn parse_media(media: Vec<String>) -> Result<Vec<String>, ValidationError> {
    if media.len() > MAX_MEDIA {
        return Err(ValidationError::new(
            "media",
            "too_many",
            format!("at most {MAX_MEDIA} media"),
        ));
    }
    media
        .into_iter()
        .map(|m| parse_media_url("media", &m))
        .collect()
}

/// Media are served by this platform (`/media/…`, `/assets/…`) or are
/// absolute https URLs; anything else (javascript:, data:) is refused.
pub fn parse_media_url(field: &'static str, raw: &str) -> Result<String, ValidationError> {
    let url = bounded_text(field, raw, 1, 500)?;
    let ok = (url.starts_with('/') && !url.starts_with("//")) || url.starts_with("https://");
    if !ok || url.contains(['"', '<', '>', ' ']) {
        return Err(ValidationError::new(
            field,
            "bad_url",
            "must be a site path or an https URL",
        ));
    }
    Ok(url)
}

fn parse_axes(axes: Vec<SpecAxis>) -> Result<Vec<SpecAxis>, ValidationError> {
    if axes.len() > MAX_SPEC_AXES {
        return Err(ValidationError::new(
            "spec_axes",
            "too_many",
            format!("at most {MAX_SPEC_AXES} spec axes"),
        ));
    }
    let mut names = HashSet::new();
    axes.into_iter()
        .map(|axis| {
            let name = bounded_text("spec_axes", &axis.name, 1, 20)?;
            if !names.insert(name.clone()) {
                return Err(ValidationError::new(
                    "spec_axes",
                    "duplicate",
                    format!("axis {name} appears twice"),
                ));
            }
            if axis.values.is_empty() || axis.values.len() > MAX_SPEC_VALUES {
                return Err(ValidationError::new(
                    "spec_axes",
                    "values_count",
                    format!("1 to {MAX_SPEC_VALUES} values per axis"),
                ));
            }
            let mut seen = HashSet::new();
            let values = axis
                .values
                .iter()
                .map(|v| {
                    let v = bounded_text("spec_axes", v, 1, 30)?;
                    if seen.insert(v.clone()) {
                        Ok(v)
                    } else {
                        Err(ValidationError::new(
                            "spec_axes",
                            "duplicate",
                            format!("value {v} appears twice"),
                        ))
                    }
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(SpecAxis { name, values })
        })
        .collect()
}

fn parse_skus(
    product_id: ProductId,
    axes: &[SpecAxis],
    drafts: Vec<SkuDraft>,
) -> Result<Vec<Sku>, ValidationError> {
    if drafts.is_empty() || drafts.len() > MAX_SKUS {
        return Err(ValidationError::new(
            "skus",
            "count",
            format!("1 to {MAX_SKUS} SKUs"),
        ));
    }
    let mut seen = HashSet::new();
    drafts
        .into_iter()
        .map(|d| {
            if d.spec.len() != axes.len() {
                return Err(ValidationError::new(
                    "skus",
                    "spec_mismatch",
                    "each SKU names one value per spec axis",
                ));
            }
            for (axis, value) in axes.iter().zip(&d.spec) {
                if !axis.values.contains(value) {
                    return Err(ValidationError::new(
                        "skus",
                        "unknown_spec_value",
                        format!("{value} is not a value of {}", axis.name),
                    ));
                }
            }
            if !seen.insert(d.spec.clone()) {
                return Err(ValidationError::new(
                    "skus",
                    "duplicate",
                    "two SKUs have the same spec",
                ));
            }
            let price = validate_price(d.price)?;
            let stock = validate_stock(d.stock)?;
            Ok(Sku {
                id: SkuId::new(),
                product_id,
                spec: d.spec,
                price,
                stock,
            })
        })
        .collect()
}

pub fn validate_price(price: Money) -> Result<Money, ValidationError> {
    if price.amount_minor <= 0 || price.amount_minor > MAX_PRICE_MINOR {
        return Err(ValidationError::new(
            "price",
            "out_of_range",
            "price must be above 0 and at most 100,000,000",
        ));
    }
    Ok(price)
}

pub fn validate_stock(stock: i64) -> Result<i64, ValidationError> {
    if !(0..=MAX_STOCK).contains(&stock) {
        return Err(ValidationError::new(
            "stock",
            "out_of_range",
            format!("stock must be 0 to {MAX_STOCK}"),
        ));
    }
    Ok(stock)
}

#[cfg(test)]
mod tests;
