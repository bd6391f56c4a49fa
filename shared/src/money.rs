//! Exact money in yuan.
//!
//! Amounts are `rust_decimal` values end to end, never floating point. Rounding happens
//! only where a tariff says so, and then half up (away from zero) to the fen, as Chinese
//! billing rules require. Storage uses whole fen (`i64`), which is exact on every backend.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Neg, Sub};

use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// An amount of money in yuan (元), exact.
///
/// Serialised as a decimal string (`"12.35"`) so that no JSON reader turns it into a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "128.45"))]
pub struct Money(Decimal);

impl Money {
    /// Zero yuan.
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Wraps an exact decimal amount of yuan, unrounded.
    pub fn from_yuan(amount: Decimal) -> Self {
        Money(amount)
    }

    /// Builds an amount from whole fen (分), the unit money is stored in.
    pub fn from_fen(fen: i64) -> Self {
        Money(Decimal::new(fen, 2))
    }

    /// The exact amount in yuan.
    pub fn yuan(self) -> Decimal {
        self.0
    }

    /// Rounds half up (away from zero) to the fen: 0.125 → 0.13, −0.125 → −0.13.
    pub fn round_to_fen(self) -> Self {
        let mut rounded = self.0.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
        // Always two decimals, so a whole amount reads "20160.00" like every other.
        rounded.rescale(2);
        Money(rounded)
    }

    /// The amount in whole fen, rounding half up first. `None` if it does not fit an `i64`.
    pub fn to_fen(self) -> Option<i64> {
        let fen = self.round_to_fen().0.checked_mul(Decimal::ONE_HUNDRED)?;
        i64::try_from(fen.trunc()).ok()
    }

    /// Multiplies a unit price by a quantity and rounds the line amount to the fen, the one
    /// place a bill line is rounded.
    pub fn line_amount(unit_price: Money, quantity: Decimal) -> Option<Money> {
        unit_price.0.checked_mul(quantity).map(|amount| Money(amount).round_to_fen())
    }
}

impl fmt::Display for Money {
    /// Formats as the portal shows amounts: `¥1,234.50` (two decimals, thousands grouped).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rounded = self.round_to_fen().0;
        let sign = if rounded.is_sign_negative() && !rounded.is_zero() { "-" } else { "" };
        let text = format!("{:.2}", rounded.abs());
        let (whole, fraction) = text.split_once('.').unwrap_or((text.as_str(), "00"));
        let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
        for (i, digit) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        write!(f, "{sign}¥{grouped}.{fraction}")
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        iter.fold(Money::ZERO, Add::add)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::str::FromStr;

    fn yuan(s: &str) -> Money {
        Money::from_yuan(Decimal::from_str(s).expect("test decimal"))
    }

    #[test]
    fn rounds_half_up_to_the_fen() {
        assert_eq!(yuan("0.125").round_to_fen(), yuan("0.13"));
        assert_eq!(yuan("0.124999").round_to_fen(), yuan("0.12"));
        assert_eq!(yuan("2.005").round_to_fen(), yuan("2.01"));
        assert_eq!(yuan("-0.125").round_to_fen(), yuan("-0.13"));
        assert_eq!(yuan("7").round_to_fen(), yuan("7.00"));
    }

    #[test]
    fn a_tier_one_line_is_rounded_once() {
        // 2,880 kWh at 0.4883 yuan/kWh = 1406.304 yuan, billed as 1406.30.
        let line = Money::line_amount(yuan("0.4883"), Decimal::from(2880)).expect("fits");
        assert_eq!(line, yuan("1406.30"));
        // 333 kWh at 0.5383 = 179.2539 → 179.25; 1 kWh at 0.7883 → 0.79.
        assert_eq!(Money::line_amount(yuan("0.5383"), Decimal::from(333)), Some(yuan("179.25")));
        assert_eq!(Money::line_amount(yuan("0.7883"), Decimal::ONE), Some(yuan("0.79")));
    }

    #[test]
    fn converts_to_and_from_fen() {
        assert_eq!(Money::from_fen(12_345), yuan("123.45"));
        assert_eq!(yuan("123.455").to_fen(), Some(12_346));
        assert_eq!(yuan("-0.005").to_fen(), Some(-1));
        assert_eq!(Money::from_yuan(Decimal::MAX).to_fen(), None);
    }

    #[test]
    fn displays_like_a_bill() {
        assert_eq!(yuan("1234567.5").to_string(), "¥1,234,567.50");
        assert_eq!(yuan("0.004").to_string(), "¥0.00");
        assert_eq!(yuan("-12.345").to_string(), "-¥12.35");
        assert_eq!(yuan("999").to_string(), "¥999.00");
    }

    #[test]
    fn serialises_as_a_string() {
        let json = serde_json::to_string(&yuan("12.30")).expect("serialise");
        assert_eq!(json, "\"12.30\"");
        let back: Money = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, yuan("12.30"));
    }

    proptest! {
        #[test]
        fn fen_round_trip_is_exact(fen in -10_000_000_000_i64..10_000_000_000) {
            prop_assert_eq!(Money::from_fen(fen).to_fen(), Some(fen));
        }

        #[test]
        fn rounding_moves_at_most_half_a_fen(milli_fen in -1_000_000_000_i64..1_000_000_000) {
            let exact = Money::from_yuan(Decimal::new(milli_fen, 5));
            let rounded = exact.round_to_fen();
            prop_assert!((rounded.yuan() - exact.yuan()).abs() <= Decimal::new(5, 3));
            prop_assert_eq!(rounded.round_to_fen(), rounded);
        }

        #[test]
        fn sum_of_fen_is_exact(amounts in proptest::collection::vec(-1_000_000_i64..1_000_000, 0..50)) {
            let total: Money = amounts.iter().map(|f| Money::from_fen(*f)).sum();
            prop_assert_eq!(total.to_fen(), Some(amounts.iter().sum::<i64>()));
        }
    }
}
