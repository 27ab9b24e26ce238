//! Shipping addresses and the masking merchants and creators see.

use crate::error::bounded_text;
use crate::{AddressId, UserId, ValidationError};
use serde::{Deserialize, Serialize};

pub const MAX_ADDRESSES: usize = 20;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub id: AddressId,
    pub user_id: UserId,
    pub recipient: String,
    pub phone: String,
    pub province: String,
    pub city: String,
    pub district: String,
    pub detail: String,
    pub is_default: bool,
}

impl Address {
    pub fn full_text(&self) -> String {
        format!(
            "{}{}{}{}",
            self.province, self.city, self.district, self.detail
        )
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Deserialize)]
pub struct AddressDraft {
    pub recipient: String,
    pub phone: String,
    pub province: String,
    pub city: String,
    pub district: String,
    pub detail: String,
    #[serde(default)]
    pub is_default: bool,
}

impl AddressDraft {
    pub fn parse(self, id: AddressId, user_id: UserId) -> Result<Address, ValidationError> {
        Ok(Address {
            id,
            user_id,
            recipient: bounded_text("recipient", &self.recipient, 1, 30)?,
            phone: parse_mobile(&self.phone)?,
            province: bounded_text("province", &self.province, 2, 20)?,
            city: bounded_text("city", &self.city, 1, 30)?,
            district: bounded_text("district", &self.district, 0, 30)?,
            detail: bounded_text("detail", &self.detail, 2, 120)?,
            is_default: self.is_default,
        })
    }
}

/// Mainland mobile numbers: 11 digits starting with 1.
pub fn parse_mobile(raw: &str) -> Result<String, ValidationError> {
    let digits: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    let ok =
        digits.len() == 11 && digits.starts_with('1') && digits.bytes().all(|b| b.is_ascii_digit());
    if !ok {
        return Err(ValidationError::new(
            "phone",
            "bad_phone",
            "an 11-digit mobile number starting with 1",
        ));
    }
    Ok(digits)
}

/// 138****8000
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() < 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars.iter().take(3).collect();
    let tail: String = chars.iter().skip(chars.len() - 4).collect();
    format!("{head}****{tail}")
}

/// 张* / 欧阳** : keeps the family name's first character only.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => format!("{first}{}", "*".repeat(chars.count().max(1))),
        None => String::new(),
    }
}

/// Keeps province/city/district, hides the street detail.
pub fn mask_detail(detail: &str) -> String {
    let keep: String = detail.chars().take(2).collect();
    format!("{keep}****")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_personal_data() {
        assert_eq!(mask_phone("13800138000"), "138****8000");
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name("王"), "王*");
        assert_eq!(mask_detail("科技园路1号"), "科技****");
    }

    #[test]
    fn phone_must_be_mainland_mobile() {
        assert_eq!(parse_mobile("138 0013 8000").unwrap(), "13800138000");
        assert!(parse_mobile("2380013800").is_err());
        assert!(parse_mobile("1380013800a").is_err());
    }
}
