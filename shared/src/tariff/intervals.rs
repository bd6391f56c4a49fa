//! Interval data (15-minute load profiles of large customers) summed into what a bill and
//! a load curve need: energy by time-of-use period, maximum demand, reactive energy.

use std::collections::BTreeMap;

use chrono::{NaiveDateTime, Timelike};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{TouPeriod, TouSchedule};

/// Minutes in one interval.
pub const INTERVAL_MINUTES: u32 = 15;

/// One interval's energy, starting at a local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interval {
    /// Start, in the utility's local time.
    pub start: NaiveDateTime,
    /// Active energy (kWh) in the interval, after the meter multiplier.
    pub kwh: Decimal,
    /// Reactive energy (kvarh), if the meter records it.
    pub kvarh: Option<Decimal>,
}

impl Interval {
    /// The average demand over the interval, in kW.
    pub fn demand_kw(&self) -> Decimal {
        self.kwh * Decimal::from(60 / INTERVAL_MINUTES)
    }
}

/// The sums of a run of intervals.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Summary {
    /// Active energy in all.
    pub kwh: Decimal,
    /// Active energy by period (empty without a schedule).
    pub by_period: BTreeMap<TouPeriod, Decimal>,
    /// Reactive energy in all.
    pub kvarh: Decimal,
    /// The highest interval demand (kW) and when it began.
    pub max_demand: Option<(Decimal, NaiveDateTime)>,
}

/// Sums intervals, by period where a schedule is given.
pub fn summarise(intervals: &[Interval], schedule: Option<&TouSchedule>) -> Summary {
    let mut summary = Summary::default();
    for interval in intervals {
        summary.kwh += interval.kwh;
        summary.kvarh += interval.kvarh.unwrap_or_default();
        if let Some(schedule) = schedule {
            *summary.by_period.entry(schedule.period_at(interval.start.hour())).or_default() += interval.kwh;
        }
        let demand = interval.demand_kw();
        if summary.max_demand.is_none_or(|(highest, _)| demand > highest) {
            summary.max_demand = Some((demand, interval.start));
        }
    }
    summary
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use proptest::prelude::*;

    use super::*;
    use crate::tariff::defaults;

    fn at(hour: u32, minute: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 3, 2).and_then(|d| d.and_hms_opt(hour, minute, 0)).expect("time")
    }

    #[test]
    fn a_day_summed_by_period_with_its_peak_demand() {
        let intervals = [
            Interval { start: at(3, 0), kwh: Decimal::new(10, 0), kvarh: Some(Decimal::new(4, 0)) },
            Interval { start: at(11, 15), kwh: Decimal::new(125, 1), kvarh: Some(Decimal::new(5, 0)) },
            Interval { start: at(16, 45), kwh: Decimal::new(8, 0), kvarh: None },
        ];
        let summary = summarise(&intervals, Some(&defaults::schedule()));
        assert_eq!(summary.kwh, Decimal::new(305, 1));
        assert_eq!(summary.by_period.get(&TouPeriod::Valley), Some(&Decimal::new(10, 0)));
        assert_eq!(summary.by_period.get(&TouPeriod::Peak), Some(&Decimal::new(125, 1)));
        assert_eq!(summary.by_period.get(&TouPeriod::Flat), Some(&Decimal::new(8, 0)));
        assert_eq!(summary.kvarh, Decimal::new(9, 0));
        // 12.5 kWh in 15 minutes is 50 kW.
        assert_eq!(summary.max_demand, Some((Decimal::new(50, 0), at(11, 15))));
    }

    proptest! {
        #[test]
        fn periods_sum_to_the_energy(kwh in proptest::collection::vec(0i64..100_000, 96)) {
            let intervals: Vec<Interval> = kwh.iter().enumerate().map(|(i, k)| Interval {
                start: at(0, 0) + chrono::Duration::minutes(15 * i as i64),
                kwh: Decimal::new(*k, 3),
                kvarh: None,
            }).collect();
            let summary = summarise(&intervals, Some(&defaults::schedule()));
            prop_assert_eq!(summary.by_period.values().copied().sum::<Decimal>(), summary.kwh);
        }
    }
}
