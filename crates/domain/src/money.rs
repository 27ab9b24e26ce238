//! Money is an integer count of minor units (fen for CNY) plus a currency.
//! Every operation is checked: an overflow is an error, never a wrap.

use serde::{Deserialize, Serialize};
use std::fmt;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    #[serde(rename = "CNY")]
    Cny,
}

impl Currency {
    pub fn code(self) -> &'static str {
        match self {
            Currency::Cny => "CNY",
        }
    }
    pub fn parse(code: &str) -> Option<Currency> {
        match code {
            "CNY" => Some(Currency::Cny),
            _ => None,
        }
    }
    pub fn minor_digits(self) -> u32 {
        match self {
            Currency::Cny => 2,
        }
    }
    pub fn symbol(self) -> &'static str {
        match self {
            Currency::Cny => "¥",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("amount overflow")]
    Overflow,
    #[error("currency mismatch")]
    CurrencyMismatch,
    #[error("amount must not be negative")]
    Negative,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub amount_minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(amount_minor: i64, currency: Currency) -> Self {
        Self {
            amount_minor,
            currency,
        }
    }
    pub fn cny(amount_minor: i64) -> Self {
        Self::new(amount_minor, Currency::Cny)
    }
    pub fn zero(currency: Currency) -> Self {
        Self::new(0, currency)
    }
    /// A price or a total: zero or more.
    pub fn non_negative(amount_minor: i64, currency: Currency) -> Result<Self, MoneyError> {
        if amount_minor < 0 {
            return Err(MoneyError::Negative);
        }
        Ok(Self::new(amount_minor, currency))
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let sum = self
            .amount_minor
            .checked_add(other.amount_minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(sum, self.currency))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        self.same_currency(other)?;
        let diff = self
            .amount_minor
            .checked_sub(other.amount_minor)
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(diff, self.currency))
    }

    pub fn checked_mul(self, qty: u32) -> Result<Money, MoneyError> {
        let product = self
            .amount_minor
            .checked_mul(i64::from(qty))
            .ok_or(MoneyError::Overflow)?;
        Ok(Money::new(product, self.currency))
    }

    /// Sums a list; an empty list is zero in `currency`.
    pub fn sum(
        currency: Currency,
        items: impl IntoIterator<Item = Money>,
    ) -> Result<Money, MoneyError> {
        items
            .into_iter()
            .try_fold(Money::zero(currency), Money::checked_add)
    }

    fn same_currency(self, other: Money) -> Result<(), MoneyError> {
        if self.currency == other.currency {
            Ok(())
        } else {
            Err(MoneyError::CurrencyMismatch)
        }
    }

    /// "12.30" for 1230 fen: the provider wire format (Alipay `total_amount`).
    pub fn to_major_string(self) -> String {
        let digits = self.currency.minor_digits();
        let scale = 10_i64.pow(digits);
        let sign = if self.amount_minor < 0 { "-" } else { "" };
        let abs = self.amount_minor.unsigned_abs();
        let scale_u = scale.unsigned_abs();
        format!(
            "{sign}{}.{:0width$}",
            abs / scale_u,
            abs % scale_u,
            width = digits as usize
        )
    }

    /// Parses "12.3" / "12.30" / "12" back into minor units; rejects more
    /// fraction digits than the currency has instead of rounding.
    pub fn parse_major(raw: &str, currency: Currency) -> Option<Money> {
        let digits = currency.minor_digits() as usize;
        let (whole, frac) = match raw.split_once('.') {
            Some((w, f)) => (w, f),
            None => (raw, ""),
        };
        if whole.is_empty() || frac.len() > digits || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let whole: i64 = whole.parse().ok()?;
        let frac_padded = format!("{frac:0<digits$}");
        let frac: i64 = if digits == 0 {
            0
        } else {
            frac_padded.parse().ok()?
        };
        let scale = 10_i64.pow(currency.minor_digits());
        let amount = whole.checked_mul(scale)?.checked_add(frac)?;
        Some(Money::new(amount, currency))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.currency.symbol(), self.to_major_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formats_and_parses_major_units() {
        assert_eq!(Money::cny(1230).to_major_string(), "12.30");
        assert_eq!(Money::cny(5).to_major_string(), "0.05");
        assert_eq!(Money::cny(-5).to_major_string(), "-0.05");
        assert_eq!(Money::cny(1230).to_string(), "¥12.30");
        assert_eq!(
            Money::parse_major("12.3", Currency::Cny),
            Some(Money::cny(1230))
        );
        assert_eq!(
            Money::parse_major("12", Currency::Cny),
            Some(Money::cny(1200))
        );
        assert_eq!(Money::parse_major("12.345", Currency::Cny), None);
        assert_eq!(Money::parse_major("-1", Currency::Cny), None);
        assert_eq!(Money::parse_major("1e3", Currency::Cny), None);
    }

    #[test]
    fn overflow_is_an_error() {
        assert_eq!(
            Money::cny(i64::MAX).checked_add(Money::cny(1)),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Money::cny(i64::MAX).checked_mul(2),
            Err(MoneyError::Overflow)
        );
        assert!(Money::non_negative(-1, Currency::Cny).is_err());
    }

    proptest! {
        #[test]
        fn major_string_round_trips(amount in 0_i64..=i64::MAX / 1000) {
            let m = Money::cny(amount);
            prop_assert_eq!(Money::parse_major(&m.to_major_string(), Currency::Cny), Some(m));
        }

        #[test]
        fn add_then_sub_is_identity(a in -1_000_000_000_000_i64..1_000_000_000_000, b in -1_000_000_000_000_i64..1_000_000_000_000) {
            let sum = Money::cny(a).checked_add(Money::cny(b)).unwrap();
            prop_assert_eq!(sum.checked_sub(Money::cny(b)).unwrap(), Money::cny(a));
        }

        #[test]
        fn mul_matches_repeated_add(price in 0_i64..10_000_000, qty in 0_u32..200) {
            let by_mul = Money::cny(price).checked_mul(qty).unwrap();
            let by_add = Money::sum(Currency::Cny, std::iter::repeat_n(Money::cny(price), qty as usize)).unwrap();
            prop_assert_eq!(by_mul, by_add);
        }

        #[test]
        fn checked_ops_never_wrap(a in any::<i64>(), b in any::<i64>()) {
            match Money::cny(a).checked_add(Money::cny(b)) {
                Ok(s) => prop_assert_eq!(Some(s.amount_minor), a.checked_add(b)),
                Err(e) => prop_assert_eq!(e, MoneyError::Overflow),
            }
        }
    }
}
