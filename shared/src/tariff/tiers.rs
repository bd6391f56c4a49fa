//! The tiers of a tiered tariff (阶梯电价): bounds on the energy of a tier year (or of one
//! bill, for monthly tiers), and the split of a bill's energy across them given what the
//! tier year used before it.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::Money;

/// One tier: energy up to a bound of the tier year (the last tier has none) at a price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    /// The tier year's energy (kWh) this tier ends at, inclusive; `None` for the last tier.
    pub up_to_kwh: Option<Decimal>,
    /// Yuan per kWh.
    pub price: Money,
}

/// Why a set of tiers is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TierError {
    /// No tiers at all.
    #[error("a tiered tariff needs at least one tier")]
    Empty,
    /// A bound is not above the one before it (a gap or an overlap would follow).
    #[error("each tier must end above the one before it")]
    BoundsNotAscending,
    /// A tier other than the last has no bound, or the last has one (energy beyond it
    /// would have no price).
    #[error("only the last tier is open-ended, and it must be")]
    OpenTierNotLast,
    /// A price is negative.
    #[error("a tier price is negative")]
    NegativePrice,
}

/// The tiers of a tiered tariff. Built by [`Tiers::new`] they are checked (bounds
/// ascending, only the last open-ended); read from JSON they are checked by
/// [`crate::tariff::Tariff::check`], which names the field for the person who typed them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Tiers(Vec<Tier>);

impl Tiers {
    /// Checks tiers: at least one, bounds strictly ascending and positive, only the last
    /// without a bound, no negative price.
    pub fn new(tiers: Vec<Tier>) -> Result<Tiers, TierError> {
        let Some((last, rest)) = tiers.split_last() else { return Err(TierError::Empty) };
        if last.up_to_kwh.is_some() || rest.iter().any(|t| t.up_to_kwh.is_none()) {
            return Err(TierError::OpenTierNotLast);
        }
        let mut previous = Decimal::ZERO;
        for bound in rest.iter().filter_map(|t| t.up_to_kwh) {
            if bound <= previous {
                return Err(TierError::BoundsNotAscending);
            }
            previous = bound;
        }
        if tiers.iter().any(|t| t.price.yuan().is_sign_negative()) {
            return Err(TierError::NegativePrice);
        }
        Ok(Tiers(tiers))
    }

    /// The domain brief's default (Beijing's): ≤ 2,880 kWh a year at 0.4883, to 4,800 at
    /// 0.5383, above at 0.7883 yuan/kWh.
    pub fn beijing_default() -> Tiers {
        Tiers(vec![
            Tier { up_to_kwh: Some(Decimal::new(2880, 0)), price: Money::from_yuan(Decimal::new(4883, 4)) },
            Tier { up_to_kwh: Some(Decimal::new(4800, 0)), price: Money::from_yuan(Decimal::new(5383, 4)) },
            Tier { up_to_kwh: None, price: Money::from_yuan(Decimal::new(7883, 4)) },
        ])
    }

    /// Checks tiers read from JSON as [`Tiers::new`] would.
    pub fn check(&self) -> Result<(), TierError> {
        Tiers::new(self.0.clone()).map(|_| ())
    }

    /// The tier (1-based) the next kWh falls in after `used` kWh of the tier year, with
    /// that tier's bound: 2,310 kWh is in tier 1, up to 2,880.
    pub fn position(&self, used: Decimal) -> (u8, Option<Decimal>) {
        let index = self
            .0
            .iter()
            .position(|t| t.up_to_kwh.is_none_or(|bound| used < bound))
            .unwrap_or(self.0.len().saturating_sub(1));
        let bound = self.0.get(index).and_then(|t| t.up_to_kwh);
        (u8::try_from(index + 1).unwrap_or(u8::MAX), bound)
    }

    /// The tiers.
    pub fn as_slice(&self) -> &[Tier] {
        &self.0
    }

    /// Splits `energy` kWh billed now across the tiers, the tier year having used
    /// `used_before` kWh before this bill. Answers kWh per tier (zero where none fell).
    pub fn split(&self, used_before: Decimal, energy: Decimal) -> Vec<Decimal> {
        let start = used_before.max(Decimal::ZERO);
        let end = start + energy.max(Decimal::ZERO);
        let mut lower = Decimal::ZERO;
        self.0
            .iter()
            .map(|tier| {
                let upper = tier.up_to_kwh.unwrap_or(Decimal::MAX);
                let from = start.max(lower);
                let to = end.min(upper);
                lower = upper;
                (to - from).max(Decimal::ZERO)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn kwh(n: i64) -> Decimal {
        Decimal::new(n, 0)
    }

    #[test]
    fn the_position_in_the_tiers() {
        let tiers = Tiers::beijing_default();
        assert_eq!(tiers.position(kwh(2310)), (1, Some(kwh(2880))));
        assert_eq!(tiers.position(kwh(2880)), (2, Some(kwh(4800))));
        assert_eq!(tiers.position(kwh(9000)), (3, None));
    }

    #[test]
    fn a_bill_over_every_tier() {
        // 5,000 kWh from a fresh year: 2,880 + 1,920 + 200.
        let split = Tiers::beijing_default().split(Decimal::ZERO, kwh(5000));
        assert_eq!(split, [kwh(2880), kwh(1920), kwh(200)]);
    }

    #[test]
    fn refuses_tiers_with_gaps_overlaps_or_no_end() {
        let price = Money::from_fen(50);
        let tier = |bound: Option<i64>| Tier { up_to_kwh: bound.map(kwh), price };
        assert_eq!(Tiers::new(vec![]), Err(TierError::Empty));
        assert_eq!(Tiers::new(vec![tier(Some(100)), tier(Some(100)), tier(None)]), Err(TierError::BoundsNotAscending));
        assert_eq!(Tiers::new(vec![tier(Some(100)), tier(Some(50)), tier(None)]), Err(TierError::BoundsNotAscending));
        assert_eq!(Tiers::new(vec![tier(Some(100)), tier(Some(200))]), Err(TierError::OpenTierNotLast));
        assert_eq!(Tiers::new(vec![tier(None), tier(Some(200)), tier(None)]), Err(TierError::OpenTierNotLast));
        let negative = Tier { up_to_kwh: None, price: Money::from_fen(-1) };
        assert_eq!(Tiers::new(vec![negative]), Err(TierError::NegativePrice));
        assert!(Tiers::new(Tiers::beijing_default().as_slice().to_vec()).is_ok());
    }

    fn tenths() -> impl Strategy<Value = Decimal> {
        (0i64..100_000).prop_map(|n| Decimal::new(n, 1))
    }

    proptest! {
        #[test]
        fn energy_by_tier_sums_to_the_energy(before in tenths(), energy in tenths()) {
            let split = Tiers::beijing_default().split(before, energy);
            prop_assert_eq!(split.iter().copied().sum::<Decimal>(), energy);
        }

        #[test]
        fn two_bills_in_a_row_fill_the_tiers_as_one(before in tenths(), first in tenths(), second in tenths()) {
            let tiers = Tiers::beijing_default();
            let whole = tiers.split(before, first + second);
            let a = tiers.split(before, first);
            let b = tiers.split(before + first, second);
            let joined: Vec<Decimal> = a.iter().zip(&b).map(|(x, y)| x + y).collect();
            prop_assert_eq!(joined, whole);
        }
    }
}
