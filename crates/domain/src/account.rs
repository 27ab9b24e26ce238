//! Accounts: a login name, a role, and a password policy.

use crate::{MerchantId, Timestamp, UserId, ValidationError};
use serde::{Deserialize, Serialize};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Buyer,
    Merchant,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Buyer => "buyer",
            Role::Merchant => "merchant",
            Role::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "buyer" => Some(Role::Buyer),
            "merchant" => Some(Role::Merchant),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: UserId,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    /// Set for merchant accounts: the shop this account manages.
    pub merchant_id: Option<MerchantId>,
    pub created_at: Timestamp,
}

/// A login name: 3–32 ASCII letters, digits, `_`, `-`, `.`, `@`; case-folded
/// so "Alice" and "alice" are one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login(String);

impl Login {
    pub fn parse(raw: &str) -> Result<Login, ValidationError> {
        let s = raw.trim().to_ascii_lowercase();
        let len = s.chars().count();
        if !(3..=32).contains(&len) {
            return Err(ValidationError::new(
                "login",
                "length",
                "login must be 3 to 32 characters",
            ));
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.@".contains(c))
        {
            return Err(ValidationError::new(
                "login",
                "charset",
                "letters, digits and _ - . @ only",
            ));
        }
        Ok(Login(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password as typed: 8–128 characters. Never logged, never stored.
pub struct Password(String);

impl Password {
    pub fn parse(raw: &str) -> Result<Password, ValidationError> {
        let len = raw.chars().count();
        if len < 8 {
            return Err(ValidationError::new(
                "password",
                "too_short",
                "password must be at least 8 characters",
            ));
        }
        if len > 128 {
            return Err(ValidationError::new(
                "password",
                "too_long",
                "password must be at most 128 characters",
            ));
        }
        Ok(Password(raw.to_owned()))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merchant {
    pub id: MerchantId,
    pub name: String,
    /// Where the shop ships from (发货地), used for delivery estimates.
    pub province: String,
    pub created_at: Timestamp,
    /// The shop pays 运费险 on every order (商家赠送运费险).
    #[serde(default)]
    pub grants_return_insurance: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_is_case_folded_and_bounded() {
        assert_eq!(Login::parse(" Alice ").unwrap().as_str(), "alice");
        assert!(Login::parse("ab").is_err());
        assert!(Login::parse("有中文").is_err());
        assert!(Password::parse("short").is_err());
        assert_eq!(
            format!("{:?}", Password::parse("secret-pass").unwrap()),
            "Password(***)"
        );
    }
}
