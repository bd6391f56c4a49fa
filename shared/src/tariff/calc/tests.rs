//! Worked examples checked by hand, and the properties every bill must keep.

use proptest::prelude::*;

use super::*;
use crate::tariff::{Tariff, defaults};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("date")
}

fn dec(text: &str) -> Decimal {
    text.parse().expect("decimal")
}

fn yuan(text: &str) -> Money {
    Money::from_yuan(dec(text))
}

fn always(tariff: Tariff) -> Vec<TariffVersion> {
    vec![TariffVersion { effective_from: day(2000, 1, 1), effective_to: None, tariff }]
}

fn kwh(total: &str) -> Metered {
    Metered { kwh: dec(total), ..Metered::default() }
}

fn bill(
    from: NaiveDate,
    to: NaiveDate,
    versions: &[TariffVersion],
    metered: &Metered,
    before: &BTreeMap<i32, Decimal>,
) -> Calculation {
    calculate(&BillRequest { from, to, versions, metered, capacity_kva: None, tier_years: before }).expect("bill")
}

fn amounts(calc: &Calculation) -> Vec<(LineKind, Decimal, Money)> {
    calc.lines.iter().map(|l| (l.kind.clone(), l.quantity, l.amount)).collect()
}

#[test]
fn a_bill_across_the_first_tier_bound() {
    // The year used 2,800 kWh; this bill 200: 80 kWh at 0.4883 = 39.064 → 39.06,
    // 120 kWh at 0.5383 = 64.596 → 64.60; total 103.66.
    let before = BTreeMap::from([(2026, dec("2800"))]);
    let calc = bill(day(2026, 9, 1), day(2026, 9, 30), &always(defaults::residential_tiered()), &kwh("200"), &before);
    assert_eq!(
        amounts(&calc),
        [
            (LineKind::Tier { tier: 1 }, dec("80"), yuan("39.06")),
            (LineKind::Tier { tier: 2 }, dec("120"), yuan("64.60"))
        ]
    );
    assert_eq!(calc.total, yuan("103.66"));
    assert_eq!(calc.tier_years, BTreeMap::from([(2026, dec("200"))]));
}

#[test]
fn a_bill_spanning_new_year_fills_two_tier_years() {
    // 17 Dec to 15 Jan, 300 kWh: 15 days in each year, so 150 kWh each. 2025 had used
    // 2,850: 30 kWh at 0.4883 = 14.649 → 14.65 and 120 at 0.5383 = 64.596 → 64.60. 2026
    // starts afresh: 150 at 0.4883 = 73.245 → 73.25. Total 152.50.
    let before = BTreeMap::from([(2025, dec("2850"))]);
    let calc = bill(day(2025, 12, 17), day(2026, 1, 15), &always(defaults::residential_tiered()), &kwh("300"), &before);
    assert_eq!(
        amounts(&calc),
        [
            (LineKind::Tier { tier: 1 }, dec("30"), yuan("14.65")),
            (LineKind::Tier { tier: 2 }, dec("120"), yuan("64.60")),
            (LineKind::Tier { tier: 1 }, dec("150"), yuan("73.25")),
        ]
    );
    assert_eq!((calc.lines[2].from, calc.lines[2].to), (day(2026, 1, 1), day(2026, 1, 15)));
    assert_eq!(calc.total, yuan("152.50"));
    assert_eq!(calc.tier_years, BTreeMap::from([(2025, dec("150")), (2026, dec("150"))]));
}

#[test]
fn a_price_change_mid_period_is_pro_rata_by_days() {
    // 0.50 to 15 June, 0.60 from 16 June; June's 301 kWh: 150.50 and 150.50.
    let flat = |price: &str| Tariff {
        energy: EnergyPricing::Flat { price: yuan(price) },
        basic: None,
        power_factor: None,
        surcharges: vec![],
    };
    let versions = [
        TariffVersion { effective_from: day(2026, 1, 1), effective_to: Some(day(2026, 6, 15)), tariff: flat("0.50") },
        TariffVersion { effective_from: day(2026, 6, 16), effective_to: None, tariff: flat("0.60") },
    ];
    let calc = bill(day(2026, 6, 1), day(2026, 6, 30), &versions, &kwh("301"), &BTreeMap::new());
    assert_eq!(
        amounts(&calc),
        [(LineKind::Energy, dec("150.50"), yuan("75.25")), (LineKind::Energy, dec("150.50"), yuan("90.30"))]
    );
    assert_eq!(calc.total, yuan("165.55"));
    // A day without a tariff is an exception, not a guess.
    let late = [TariffVersion { effective_from: day(2026, 6, 10), ..versions[1].clone() }];
    let error = calculate(&BillRequest {
        from: day(2026, 6, 1),
        to: day(2026, 6, 30),
        versions: &late,
        metered: &kwh("1"),
        capacity_kva: None,
        tier_years: &BTreeMap::new(),
    });
    assert_eq!(error, Err(CalcError::NoTariff(day(2026, 6, 1))));
}

#[test]
fn a_large_industry_month_worked_by_hand() {
    // 400 kVA × 32 = 12,800.00. Peak 10,000 × 0.9012 = 9,012.00; flat 12,000 × 0.6152 =
    // 7,382.40; valley 8,000 × 0.3292 = 2,633.60. 30,000 kWh and 12,000 kvarh give
    // 30,000 / √(30,000² + 12,000²) = 0.9285 → 0.93: −0.45 % of 31,828.00 = −143.226 →
    // −143.23. Funds: 30,000 × 0.019 = 570.00, × 0.0019 = 57.00, × 0.0062 = 186.00.
    let metered = Metered {
        kwh: dec("30000"),
        by_period: BTreeMap::from([
            (TouPeriod::Peak, dec("10000")),
            (TouPeriod::Flat, dec("12000")),
            (TouPeriod::Valley, dec("8000")),
        ]),
        kvarh: Some(dec("12000")),
        max_demand_kw: Some(dec("310")),
    };
    let versions = always(defaults::two_part());
    let other = metered.clone();
    let request = BillRequest {
        from: day(2026, 3, 1),
        to: day(2026, 3, 31),
        versions: &versions,
        metered: &metered,
        capacity_kva: Some(dec("400")),
        tier_years: &BTreeMap::new(),
    };
    let calc = calculate(&request).expect("bill");
    let amounts: Vec<Money> = calc.lines.iter().map(|l| l.amount).collect();
    assert_eq!(
        amounts,
        ["9012.00", "7382.40", "2633.60", "12800.00", "-143.23", "570.00", "57.00", "186.00"].map(yuan)
    );
    assert_eq!(calc.lines[4].kind, LineKind::PowerFactor { actual: dec("0.93"), standard: PfStandard::P90 });
    assert_eq!(calc.lines[4].quantity, dec("31828.00"));
    assert_eq!(calc.total, yuan("32497.77"));
    assert_eq!(calc.power_factor, Some(dec("0.93")));

    // Without the split by period, the capacity or the reactive energy, there is no bill.
    let no_periods = Metered { by_period: BTreeMap::new(), ..other };
    assert_eq!(calculate(&BillRequest { metered: &no_periods, ..request }), Err(CalcError::NoEnergyByPeriod));
    assert_eq!(calculate(&BillRequest { capacity_kva: None, ..request }), Err(CalcError::NoCapacity));
    let no_reactive = Metered { kvarh: None, ..other.clone() };
    assert_eq!(calculate(&BillRequest { metered: &no_reactive, ..request }), Err(CalcError::NoReactive));
    let negative = Metered { kwh: dec("-3"), ..other };
    assert_eq!(calculate(&BillRequest { metered: &negative, ..request }), Err(CalcError::Negative));
}

#[test]
fn time_of_use_on_top_of_tiers_adds_and_takes_off() {
    // 100 kWh in tier 1 (48.83), of which 30 at peak (+0.03: 0.90) and 50 in the valley
    // (−0.20: −10.00); the flat hours change nothing and get no line.
    let metered = Metered {
        kwh: dec("100"),
        by_period: BTreeMap::from([
            (TouPeriod::Peak, dec("30")),
            (TouPeriod::Flat, dec("20")),
            (TouPeriod::Valley, dec("50")),
        ]),
        ..Metered::default()
    };
    let calc = bill(
        day(2026, 5, 1),
        day(2026, 5, 31),
        &always(defaults::residential_tiered_time_of_use()),
        &metered,
        &BTreeMap::new(),
    );
    assert_eq!(
        amounts(&calc),
        [
            (LineKind::Tier { tier: 1 }, dec("100"), yuan("48.83")),
            (LineKind::TouAdjustment { period: TouPeriod::Peak }, dec("30"), yuan("0.90")),
            (LineKind::TouAdjustment { period: TouPeriod::Valley }, dec("50"), yuan("-10.00")),
        ]
    );
    assert_eq!(calc.total, yuan("39.73"));
}

/// A tariff change on a random day of 2026 between two random tiered or flat versions.
fn versions_with_a_change() -> impl Strategy<Value = Vec<TariffVersion>> {
    (1u32..365, 0usize..2, 0usize..2).prop_map(|(change, a, b)| {
        let pick = |i: usize| if i == 0 { defaults::residential_tiered() } else { defaults::flat() };
        let change = day(2026, 1, 1) + chrono::Days::new(change.into());
        vec![
            TariffVersion { effective_from: day(2000, 1, 1), effective_to: change.pred_opt(), tariff: pick(a) },
            TariffVersion { effective_from: change, effective_to: None, tariff: pick(b) },
        ]
    })
}

fn hundredths() -> impl Strategy<Value = Decimal> {
    (0i64..2_000_000).prop_map(|n| Decimal::new(n, 2))
}

proptest! {
    #[test]
    fn lines_sum_to_the_total_and_energy_lines_to_the_energy(
        versions in versions_with_a_change(),
        start in 0u32..700,
        length in 0u32..120,
        energy in hundredths(),
        before in hundredths(),
    ) {
        let from = day(2025, 1, 1) + chrono::Days::new(start.into());
        let to = from + chrono::Days::new(length.into());
        let before = BTreeMap::from([(from.year(), before)]);
        let calc = bill(from, to, &versions, &kwh(&energy.to_string()), &before);
        prop_assert_eq!(calc.total, calc.lines.iter().map(|l| l.amount).sum::<Money>());
        for line in &calc.lines {
            prop_assert_eq!(line.amount, line.amount.round_to_fen());
            prop_assert!(from <= line.from && line.to <= to);
        }
        let billed: Decimal = calc.lines.iter().filter(|l| l.kind.is_energy()).map(|l| l.quantity).sum();
        prop_assert_eq!(billed, energy);
    }

    #[test]
    fn two_halves_bill_the_same_tiers_as_the_whole(
        start in 0u32..300,
        length in 1u32..60,
        cut in 0u32..60,
        first in hundredths(),
        second in hundredths(),
        before in hundredths(),
    ) {
        // Within one tier year: the halves put the same energy in each tier as the whole,
        // so the totals differ only by the rounding of each line (half a fen at most).
        let versions = always(defaults::residential_tiered());
        let from = day(2026, 1, 1) + chrono::Days::new(start.into());
        let to = from + chrono::Days::new(length.into());
        let middle = from + chrono::Days::new((cut % length).into());
        let before = BTreeMap::from([(2026, before)]);
        let whole = bill(from, to, &versions, &kwh(&(first + second).to_string()), &before);
        let a = bill(from, middle, &versions, &kwh(&first.to_string()), &before);
        let after_a = BTreeMap::from([(2026, before[&2026] + first)]);
        let b = bill(middle.succ_opt().expect("day"), to, &versions, &kwh(&second.to_string()), &after_a);
        let by_tier = |calcs: &[&Calculation]| {
            let mut tiers = BTreeMap::new();
            for line in calcs.iter().flat_map(|c| &c.lines) {
                *tiers.entry(format!("{:?}", line.kind)).or_insert(Decimal::ZERO) += line.quantity;
            }
            tiers.into_iter().filter(|(_, q)| !q.is_zero()).collect::<Vec<_>>()
        };
        prop_assert_eq!(by_tier(&[&whole]), by_tier(&[&a, &b]));
        let lines = (whole.lines.len() + a.lines.len() + b.lines.len()) as i64;
        let difference = (whole.total - (a.total + b.total)).yuan().abs();
        prop_assert!(difference <= Decimal::new(lines, 2) / Decimal::TWO, "{difference} over {lines} lines");
    }

    #[test]
    fn cutting_at_new_year_or_a_price_change_bills_exactly_as_the_whole(
        versions in versions_with_a_change(),
        start in 200u32..700,
        length in 1u32..90,
        energy in hundredths(),
        before in hundredths(),
    ) {
        // The whole bill shares its energy among its pieces; billing each piece on its own
        // with that share gives the very same lines, to the fen.
        let from = day(2025, 1, 1) + chrono::Days::new(start.into());
        let to = from + chrono::Days::new(length.into());
        let mut used = BTreeMap::from([(from.year(), before)]);
        let whole = bill(from, to, &versions, &kwh(&energy.to_string()), &used);
        let mut pieces: Vec<(NaiveDate, NaiveDate, Decimal)> = Vec::new();
        for line in &whole.lines {
            match pieces.last_mut() {
                Some((f, _, q)) if *f == line.from => *q += line.quantity,
                _ => pieces.push((line.from, line.to, line.quantity)),
            }
        }
        let mut total = Money::ZERO;
        for (f, t, q) in pieces {
            let part = bill(f, t, &versions, &kwh(&q.to_string()), &used);
            for (year, kwh) in &part.tier_years {
                *used.entry(*year).or_default() += kwh;
            }
            total = total + part.total;
        }
        prop_assert_eq!(total, whole.total);
    }
}
