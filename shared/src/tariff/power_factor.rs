//! The power-factor adjustment (功率因数调整电费) of two-part and large non-residential
//! tariffs: the month's power factor, from active and reactive energy, against the
//! standard the tariff sets (0.90 for large industry, 0.85 or 0.80 for others), turns
//! into a percentage added to or taken off the capacity and energy charges.
//!
//! The table is the national one (《功率因数调整电费办法》): below the standard each 0.01
//! adds 0.5 % for the first 0.20, then 1 % for the next 0.05, then 2 %; above it each 0.01
//! takes off 0.1 % up to 0.90 and 0.15 % beyond, to a cap of 0.75 %, 1.10 % or 1.30 %.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

use crate::roles::{UnknownName, named_set};

named_set! {
    /// The standard power factor a tariff measures against.
    PfStandard {
        /// 0.90: large industry (100 kVA and up) and high-voltage pumping.
        P90 = "0.90",
        /// 0.85: other non-residential supplies of 100 kVA and up, large agriculture.
        P85 = "0.85",
        /// 0.80: agriculture and wholesale supplies of 100 kVA and up.
        P80 = "0.80",
    }
}

impl PfStandard {
    /// The standard in hundredths.
    fn hundredths(self) -> i64 {
        match self {
            PfStandard::P90 => 90,
            PfStandard::P85 => 85,
            PfStandard::P80 => 80,
        }
    }

    /// The standard as a decimal (0.90).
    pub fn value(self) -> Decimal {
        Decimal::new(self.hundredths(), 2)
    }

    /// The largest reduction the table gives, in hundredths of a percent.
    fn reduction_cap(self) -> i64 {
        match self {
            PfStandard::P90 => 75,
            PfStandard::P85 => 110,
            PfStandard::P80 => 130,
        }
    }

    /// The adjustment for an actual power factor (rounded to 0.01), as a fraction of the
    /// charges it applies to: positive adds, negative takes off (−0.0075 is −0.75 %).
    pub fn adjustment(self, actual: Decimal) -> Decimal {
        let actual = actual
            .checked_mul(Decimal::ONE_HUNDRED)
            .and_then(|hundredths| hundredths.round().to_i64())
            .unwrap_or(0)
            .clamp(0, 100);
        let standard = self.hundredths();
        // In hundredths of a percent, so that every step of the table is a whole number.
        let basis_points = if actual >= standard {
            let up_to_ninety = actual.min(90) - standard.min(90);
            let beyond_ninety = (actual - 90).max(0) - (standard - 90).max(0);
            -(10 * up_to_ninety.max(0) + 15 * beyond_ninety.max(0)).min(self.reduction_cap())
        } else {
            let below = standard - actual;
            50 * below.min(20) + 100 * (below - 20).clamp(0, 5) + 200 * (below - 25).max(0)
        };
        Decimal::new(basis_points, 4)
    }
}

/// The power factor of a month from its active (kWh) and reactive (kvarh) energy,
/// `P / √(P² + Q²)`, rounded half up to two decimals as the table is read. Computed
/// exactly by comparing squares, without a square root. `None` without active energy.
pub fn power_factor(active_kwh: Decimal, reactive_kvarh: Decimal) -> Option<Decimal> {
    if active_kwh <= Decimal::ZERO {
        return None;
    }
    let p2 = active_kwh.checked_mul(active_kwh)?;
    let q = reactive_kvarh.abs();
    let apparent2 = p2.checked_add(q.checked_mul(q)?)?;
    // The largest k with pf ≥ (k − ½)/100, i.e. 10,000·P² ≥ (k − ½)²·(P² + Q²).
    let scaled = p2.checked_mul(Decimal::new(10_000, 0))?;
    let mut k = 100i64;
    while k > 0 {
        // k − ½, exactly.
        let threshold = Decimal::new((2 * k - 1) * 5, 1);
        if scaled >= threshold.checked_mul(threshold)?.checked_mul(apparent2)? {
            break;
        }
        k -= 1;
    }
    Some(Decimal::new(k, 2))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn pf(hundredths: i64) -> Decimal {
        Decimal::new(hundredths, 2)
    }

    fn percent(text: &str) -> Decimal {
        text.parse::<Decimal>().expect("decimal") / Decimal::ONE_HUNDRED
    }

    #[test]
    fn the_national_table_read_by_hand() {
        use PfStandard::*;
        let cases = [
            // Standard 0.90: reductions of 0.15 % a step above 0.90, capped at 0.75 %.
            (P90, 100, "-0.75"),
            (P90, 95, "-0.75"),
            (P90, 94, "-0.60"),
            (P90, 91, "-0.15"),
            (P90, 90, "0"),
            // Below: 0.5 % a step to 0.70, 1 % to 0.65, then 2 %.
            (P90, 89, "0.5"),
            (P90, 70, "10"),
            (P90, 69, "11"),
            (P90, 65, "15"),
            (P90, 64, "17"),
            (P90, 60, "25"),
            // Standard 0.85: 0.1 % a step to 0.90, then 0.15 %, capped at 1.10 %.
            (P85, 90, "-0.5"),
            (P85, 93, "-0.95"),
            (P85, 94, "-1.10"),
            (P85, 99, "-1.10"),
            (P85, 65, "10"),
            (P85, 60, "15"),
            (P85, 59, "17"),
            // Standard 0.80: 0.1 % a step to 0.90, 0.91 gives 1.15 %, capped at 1.30 %.
            (P80, 81, "-0.1"),
            (P80, 90, "-1.0"),
            (P80, 91, "-1.15"),
            (P80, 92, "-1.30"),
            (P80, 60, "10"),
            (P80, 55, "15"),
        ];
        for (standard, actual, expected) in cases {
            assert_eq!(standard.adjustment(pf(actual)), percent(expected), "{standard} at {actual}");
        }
    }

    #[test]
    fn the_power_factor_of_a_month() {
        // 3-4-5: P = 400, Q = 300 → 0.8 exactly.
        assert_eq!(power_factor(Decimal::new(400, 0), Decimal::new(300, 0)), Some(pf(80)));
        assert_eq!(power_factor(Decimal::new(100, 0), Decimal::ZERO), Some(pf(100)));
        assert_eq!(power_factor(Decimal::ZERO, Decimal::new(5, 0)), None);
        // P = 1000, Q = 484.3: pf = 0.90000… → 0.90; Q = 485 → 0.8997… → 0.90; Q = 490 → 0.898 → 0.90;
        // Q = 500 → 0.8944 → 0.89.
        assert_eq!(power_factor(Decimal::new(1000, 0), Decimal::new(4843, 1)), Some(pf(90)));
        assert_eq!(power_factor(Decimal::new(1000, 0), Decimal::new(500, 0)), Some(pf(89)));
    }

    proptest! {
        #[test]
        fn a_worse_power_factor_never_costs_less(a in 0i64..=100, b in 0i64..=100) {
            let (low, high) = (a.min(b), a.max(b));
            for standard in PfStandard::ALL {
                prop_assert!(standard.adjustment(pf(low)) >= standard.adjustment(pf(high)));
            }
        }

        #[test]
        fn the_rounded_power_factor_is_within_half_a_hundredth(p in 1u32..1_000_000, q in 0u32..1_000_000) {
            let rounded = power_factor(Decimal::from(p), Decimal::from(q)).expect("pf");
            let exact = f64::from(p) / (f64::from(p).powi(2) + f64::from(q).powi(2)).sqrt();
            let rounded: f64 = rounded.to_string().parse().expect("f64");
            prop_assert!((rounded - exact).abs() <= 0.005 + 1e-9, "{rounded} vs {exact}");
        }
    }
}
