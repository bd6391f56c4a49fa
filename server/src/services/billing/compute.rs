//! One account's bill for a period, from what a run loaded: the opening and closing
//! register readings (or 15-minute data) of each meter times its multiplier, a register
//! change between them, an estimate where the closing reading is missing, the tariff's
//! calculation, and the adjustments waiting for the next bill. No I/O: the run loads and
//! stores, this decides. One calculation, read top to bottom; its tests are a quarter of
//! the file.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use shared::Money;
use shared::api::billing::{AdjustmentLine, BillLines, ExceptionKind, MeterUse, Metering, from_milli};
use shared::tariff::intervals::{self, Interval};
use shared::tariff::versions::in_force;
use shared::tariff::{BillRequest, Calculation, Metered, TariffVersion, TouPeriod, calculate};

/// A billing period: from the reading day of one month to the day before the next one's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// `YYYY-MM` of the month it starts in.
    pub label: String,
    /// The first day.
    pub from: NaiveDate,
    /// The last day.
    pub to: NaiveDate,
}

impl Period {
    /// The period of a month (any day of it) for a reading day (1–28).
    pub fn new(month: NaiveDate, reading_day: u32) -> Option<Period> {
        let from = NaiveDate::from_ymd_opt(month.year(), month.month(), reading_day)?;
        let closing = from.checked_add_months(chrono::Months::new(1))?;
        Some(Period { label: from.format("%Y-%m").to_string(), from, to: closing.pred_opt()? })
    }

    /// The day the closing reading is taken (at 00:00): the day after the last.
    pub fn closing_day(&self) -> NaiveDate {
        self.to.succ_opt().unwrap_or(self.to)
    }

    /// Days in the period.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }
}

/// A stored register reading, in thousandths.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    /// The day read.
    pub day: NaiveDate,
    /// Active energy register.
    pub active: i64,
    /// Registers by period.
    pub periods: BTreeMap<TouPeriod, i64>,
    /// Reactive register.
    pub reactive: Option<i64>,
    /// Maximum demand register.
    pub demand: Option<i64>,
}

/// A register change within the period.
#[derive(Debug, Clone)]
pub struct Change {
    /// The day.
    pub day: NaiveDate,
    /// The old register's last value (thousandths).
    pub final_milli: i64,
    /// The new register's first value.
    pub start_milli: i64,
}

/// One meter and what was loaded for it.
pub struct MeterInput<'a> {
    /// The meter number.
    pub meter_no: &'a str,
    /// Readings × multiplier = energy.
    pub multiplier: i64,
    /// Billed from 15-minute data.
    pub interval_data: bool,
    /// Register readings from some months before the period to its closing day, by day.
    pub readings: &'a [Reading],
    /// A register change in the period.
    pub change: Option<&'a Change>,
    /// 15-minute data of the period: (start, Unix seconds; kWh; kvarh), in thousandths.
    pub intervals: &'a [(i64, i64, Option<i64>)],
}

/// What a run knows of an account.
pub struct AccountInput<'a> {
    /// Its meters.
    pub meters: Vec<MeterInput<'a>>,
    /// The tariff's versions, if the account has a tariff.
    pub versions: Option<&'a [TariffVersion]>,
    /// Contracted capacity (kVA).
    pub capacity_kva: Option<i64>,
    /// The last bill: its total and metering (its closing readings open this one).
    pub previous: Option<(Money, &'a Metering)>,
    /// With no last bill: the first day of the earliest period since that a run billed
    /// nothing for, where this bill opens (the reading on or before it) so that energy is
    /// billed here; `None` opens at this period's first day.
    pub opening_day: Option<NaiveDate>,
    /// Energy already billed into each tier year.
    pub tier_years: BTreeMap<i32, Decimal>,
    /// Adjustments waiting for this bill.
    pub adjustments: Vec<AdjustmentLine>,
    /// The operator's hold, with its reason.
    pub hold: Option<&'a str>,
    /// The factor beyond which a change from last period holds the bill.
    pub change_factor: u32,
    /// The utility's time zone (interval data are by local hour).
    pub zone: Tz,
}

/// A bill to store.
#[derive(Debug)]
pub struct NewBill {
    /// Readings and energy.
    pub metering: Metering,
    /// The tariff's calculation.
    pub calculation: Calculation,
    /// Charges and adjustments.
    pub lines: BillLines,
    /// The amount due.
    pub total: Money,
    /// The closing reading of some meter was estimated.
    pub estimated: bool,
    /// Kept back for review.
    pub held: bool,
    /// Exceptions to list with it.
    pub exceptions: Vec<(ExceptionKind, String)>,
}

/// What the run does for an account.
#[derive(Debug)]
pub enum Decision {
    /// Store this bill.
    Bill(Box<NewBill>),
    /// No bill: list the exception.
    Exception(ExceptionKind, String),
}

/// Estimates a register at `day` from its history: the daily average between the
/// earliest and latest readings before the day, carried on from `start`.
fn estimate(history: &[(NaiveDate, i64)], start: (NaiveDate, i64), day: NaiveDate) -> Option<i64> {
    let (first, last) = (history.first()?, history.last()?);
    let span = (last.0 - first.0).num_days();
    if history.len() < 2 || span <= 0 || last.1 < first.1 {
        return None;
    }
    let days = (day - start.0).num_days();
    let used = i128::from(last.1 - first.1) * i128::from(days) / i128::from(span);
    Some(start.1 + i64::try_from(used).ok()?)
}

/// The closing and opening registers of a meter, the energy between and how it was read.
struct RegisterUse {
    usage: MeterUse,
    metered: Metered,
}

fn register_use(
    meter: &MeterInput<'_>,
    period: &Period,
    previous: Option<&Metering>,
    opening_day: Option<NaiveDate>,
) -> Result<RegisterUse, String> {
    let closing = period.closing_day();
    let carried = previous.and_then(|m| m.meters.iter().find(|u| u.meter_no == meter.meter_no));
    let milli = |d: Decimal| (d * Decimal::ONE_THOUSAND).trunc().try_into().unwrap_or(0i64);
    // Opening: the last bill's closing reading, else the latest reading on or before the first day.
    let opening: Reading = match carried.and_then(|u| u.end) {
        Some((day, value)) => Reading {
            day,
            active: milli(value),
            periods: carried.map(|u| u.end_periods.iter().map(|(p, v)| (*p, milli(*v))).collect()).unwrap_or_default(),
            reactive: carried.and_then(|u| u.reactive).map(|(_, end)| milli(end)),
            demand: None,
        },
        // An unbilled period's opening, else (a meter put in since) this period's.
        None => opening_day
            .and_then(|day| meter.readings.iter().rev().find(|r| r.day <= day))
            .or_else(|| meter.readings.iter().rev().find(|r| r.day <= period.from))
            .cloned()
            .ok_or_else(|| format!("{}: no opening reading on or before {}", meter.meter_no, period.from))?,
    };
    // Estimates go by the last hundred days (older readings are loaded only to open an
    // unbilled period).
    let recent = period.from - chrono::Days::new(100);
    let before: Vec<&Reading> = meter.readings.iter().filter(|r| r.day < closing && r.day >= recent).collect();
    let (closing_reading, estimated) = match meter.readings.iter().find(|r| r.day == closing) {
        Some(reading) => (reading.clone(), false),
        None => {
            let series = |pick: &dyn Fn(&Reading) -> Option<i64>| -> Vec<(NaiveDate, i64)> {
                before.iter().filter_map(|r| pick(r).map(|v| (r.day, v))).collect()
            };
            let active =
                estimate(&series(&|r| Some(r.active)), (opening.day, opening.active), closing).ok_or_else(|| {
                    format!("{}: no reading on {closing} and too little history to estimate", meter.meter_no)
                })?;
            let mut periods = BTreeMap::new();
            for (period, start) in &opening.periods {
                if let Some(value) =
                    estimate(&series(&|r| r.periods.get(period).copied()), (opening.day, *start), closing)
                {
                    periods.insert(*period, value);
                }
            }
            let reactive =
                opening.reactive.and_then(|start| estimate(&series(&|r| r.reactive), (opening.day, start), closing));
            (Reading { day: closing, active, periods, reactive, demand: before.last().and_then(|r| r.demand) }, true)
        }
    };
    let change = meter.change.filter(|c| opening.day < c.day && c.day <= closing);
    let registered = match change {
        Some(c) => (c.final_milli - opening.active) + (closing_reading.active - c.start_milli),
        None => closing_reading.active - opening.active,
    };
    if registered < 0 {
        return Err(format!(
            "{}: the register went back from {} to {}",
            meter.meter_no,
            from_milli(opening.active),
            from_milli(closing_reading.active)
        ));
    }
    let energy = |registered: i64| from_milli(registered.saturating_mul(meter.multiplier));
    let kwh = energy(registered);
    let mut by_period = BTreeMap::new();
    // Peak, valley and critical from their registers; flat is what remains of the total
    // (平 = 总 − 尖 − 峰 − 谷), as meters' separately rounded registers need.
    if change.is_none() && !opening.periods.is_empty() {
        let mut others = Decimal::ZERO;
        for period in [TouPeriod::CriticalPeak, TouPeriod::Peak, TouPeriod::Valley] {
            if let (Some(start), Some(end)) = (opening.periods.get(&period), closing_reading.periods.get(&period)) {
                let used = energy((end - start).max(0));
                by_period.insert(period, used);
                others += used;
            }
        }
        if others <= kwh {
            by_period.insert(TouPeriod::Flat, kwh - others);
        } else {
            by_period.clear();
        }
    }
    let kvarh = match (opening.reactive, closing_reading.reactive) {
        (Some(start), Some(end)) if end >= start => Some(energy(end - start)),
        _ => None,
    };
    let max_demand_kw = closing_reading.demand.map(energy);
    let as_decimals = |periods: &BTreeMap<TouPeriod, i64>| periods.iter().map(|(p, v)| (*p, from_milli(*v))).collect();
    Ok(RegisterUse {
        usage: MeterUse {
            meter_no: meter.meter_no.to_owned(),
            multiplier: meter.multiplier,
            interval_data: false,
            start: Some((opening.day, from_milli(opening.active))),
            end: Some((closing, from_milli(closing_reading.active))),
            estimated,
            change: change.map(|c| (c.day, from_milli(c.final_milli), from_milli(c.start_milli))),
            intervals: None,
            start_periods: as_decimals(&opening.periods),
            end_periods: as_decimals(&closing_reading.periods),
            reactive: opening.reactive.zip(closing_reading.reactive).map(|(a, b)| (from_milli(a), from_milli(b))),
            demand: closing_reading.demand.map(from_milli),
        },
        metered: Metered { kwh, by_period, kvarh, max_demand_kw },
    })
}

fn interval_use(meter: &MeterInput<'_>, period: &Period, versions: Option<&[TariffVersion]>, zone: Tz) -> RegisterUse {
    let schedule = versions.and_then(|v| in_force(v, period.from)).and_then(|v| v.tariff.schedule());
    let scale = |milli: i64| from_milli(milli.saturating_mul(meter.multiplier));
    let rows: Vec<Interval> = meter
        .intervals
        .iter()
        .filter_map(|(starts_at, kwh, kvarh)| {
            let start = chrono::DateTime::from_timestamp(*starts_at, 0)?.with_timezone(&zone).naive_local();
            Some(Interval { start, kwh: scale(*kwh), kvarh: kvarh.map(scale) })
        })
        .collect();
    let summary = intervals::summarise(&rows, schedule);
    let expected = u64::try_from(period.days() * 96).unwrap_or(0);
    let has_reactive = meter.intervals.iter().any(|(_, _, kvarh)| kvarh.is_some());
    RegisterUse {
        usage: MeterUse {
            meter_no: meter.meter_no.to_owned(),
            multiplier: meter.multiplier,
            interval_data: true,
            start: None,
            end: None,
            estimated: false,
            change: None,
            intervals: Some((rows.len() as u64, expected)),
            start_periods: BTreeMap::new(),
            end_periods: BTreeMap::new(),
            reactive: None,
            demand: summary.max_demand.map(|(kw, _)| kw),
        },
        metered: Metered {
            kwh: summary.kwh,
            by_period: summary.by_period,
            kvarh: has_reactive.then_some(summary.kvarh),
            max_demand_kw: summary.max_demand.map(|(kw, _)| kw),
        },
    }
}

/// Decides an account's bill for a period.
pub fn decide(input: &AccountInput<'_>, period: &Period) -> Decision {
    let Some(versions) = input.versions else {
        return Decision::Exception(ExceptionKind::Calculation, "no tariff assigned".into());
    };
    if input.meters.is_empty() {
        return Decision::Exception(ExceptionKind::NoReading, "no meter".into());
    }
    let mut metering = Metering { meters: Vec::new(), metered: Metered::default() };
    let mut exceptions = Vec::new();
    let mut held = false;
    let previous = input.previous.map(|(_, m)| m);
    for meter in &input.meters {
        let used = if meter.interval_data {
            let used = interval_use(meter, period, Some(versions), input.zone);
            if let Some((found, expected)) = used.usage.intervals {
                if found == 0 {
                    return Decision::Exception(
                        ExceptionKind::NoReading,
                        format!("{}: no interval data", meter.meter_no),
                    );
                }
                if found < expected {
                    held = true;
                    exceptions.push((
                        ExceptionKind::NoReading,
                        format!("{}: {found} of {expected} intervals", meter.meter_no),
                    ));
                }
            }
            used
        } else {
            match register_use(meter, period, previous, input.opening_day) {
                Ok(used) => used,
                Err(detail) => return Decision::Exception(ExceptionKind::NoReading, detail),
            }
        };
        if used.usage.estimated {
            exceptions.push((ExceptionKind::Estimated, format!("{}: closing reading estimated", meter.meter_no)));
        }
        let sum = &mut metering.metered;
        sum.kwh += used.metered.kwh;
        for (p, v) in used.metered.by_period {
            *sum.by_period.entry(p).or_default() += v;
        }
        if let Some(kvarh) = used.metered.kvarh {
            sum.kvarh = Some(sum.kvarh.unwrap_or_default() + kvarh);
        }
        if let Some(kw) = used.metered.max_demand_kw {
            sum.max_demand_kw = Some(sum.max_demand_kw.unwrap_or_default() + kw);
        }
        metering.meters.push(used.usage);
    }
    let request = BillRequest {
        from: period.from,
        to: period.to,
        versions,
        metered: &metering.metered,
        capacity_kva: input.capacity_kva.map(Decimal::from),
        tier_years: &input.tier_years,
    };
    let calculation = match calculate(&request) {
        Ok(calculation) => calculation,
        Err(error) => return Decision::Exception(ExceptionKind::Calculation, error.to_string()),
    };
    let adjusted: Money = input.adjustments.iter().map(|a| a.amount).sum();
    let total = calculation.total + adjusted;
    if let Some(reason) = input.hold {
        held = true;
        exceptions.push((ExceptionKind::Held, reason.to_owned()));
    }
    if let Some((last, _)) = input.previous {
        let factor = Decimal::from(input.change_factor);
        let (now, before) = (total.yuan(), last.yuan());
        if before > Decimal::ZERO && (now > before * factor || now * factor < before) {
            held = true;
            exceptions.push((ExceptionKind::Changed, format!("{last} → {total}")));
        }
    }
    let estimated = metering.meters.iter().any(|m| m.estimated);
    let lines = BillLines { charges: calculation.lines.clone(), adjustments: input.adjustments.clone() };
    Decision::Bill(Box::new(NewBill { metering, calculation, lines, total, estimated, held, exceptions }))
}

#[cfg(test)]
mod tests {
    use shared::tariff::defaults;

    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("day")
    }

    fn reading(d: NaiveDate, kwh: i64) -> Reading {
        Reading { day: d, active: kwh * 1000, ..Reading::default() }
    }

    fn versions() -> Vec<TariffVersion> {
        vec![TariffVersion {
            effective_from: day(2020, 1, 1),
            effective_to: None,
            tariff: defaults::residential_tiered(),
        }]
    }

    fn input<'a>(meters: Vec<MeterInput<'a>>, versions: &'a [TariffVersion]) -> AccountInput<'a> {
        AccountInput {
            meters,
            versions: Some(versions),
            capacity_kva: None,
            previous: None,
            opening_day: None,
            tier_years: BTreeMap::new(),
            adjustments: vec![],
            hold: None,
            change_factor: 3,
            zone: chrono_tz::Asia::Shanghai,
        }
    }

    #[test]
    fn periods_run_from_reading_day_to_reading_day() {
        let period = Period::new(day(2026, 1, 20), 5).expect("period");
        assert_eq!((period.label.as_str(), period.from, period.to), ("2026-01", day(2026, 1, 5), day(2026, 2, 4)));
        assert_eq!(period.closing_day(), day(2026, 2, 5));
        let february = Period::new(day(2026, 2, 1), 1).expect("period");
        assert_eq!((february.to, february.days()), (day(2026, 2, 28), 28));
    }

    #[test]
    fn the_multiplier_a_meter_change_and_an_estimate() {
        let period = Period::new(day(2026, 10, 1), 1).expect("period");
        let versions = versions();
        let readings = [reading(day(2026, 10, 1), 1000), reading(day(2026, 11, 1), 1150)];
        // Readings 1000 → 1150 with a multiplier of 2: 300 kWh.
        let meter = MeterInput {
            meter_no: "M1",
            multiplier: 2,
            interval_data: false,
            readings: &readings,
            change: None,
            intervals: &[],
        };
        let Decision::Bill(bill) = decide(&input(vec![meter], &versions), &period) else { panic!("a bill") };
        assert_eq!(bill.metering.metered.kwh, Decimal::from(300));
        assert!(!bill.estimated);

        // The register was exchanged on 15 Oct: the old one ended at 1080, the new began at 0
        // and reads 70 now: 80 + 70 = 150 kWh.
        let change = Change { day: day(2026, 10, 15), final_milli: 1_080_000, start_milli: 0 };
        let readings = [reading(day(2026, 10, 1), 1000), reading(day(2026, 11, 1), 70)];
        let meter = MeterInput {
            meter_no: "M1",
            multiplier: 1,
            interval_data: false,
            readings: &readings,
            change: Some(&change),
            intervals: &[],
        };
        let Decision::Bill(bill) = decide(&input(vec![meter], &versions), &period) else { panic!("a bill") };
        assert_eq!(bill.metering.metered.kwh, Decimal::from(150));

        // No closing reading: two months of history at 10 kWh a day carry on from 1000 for
        // the 31 days of October: 310 kWh, marked estimated.
        let readings = [reading(day(2026, 8, 1), 390), reading(day(2026, 9, 1), 700), reading(day(2026, 10, 1), 1000)];
        let meter = MeterInput {
            meter_no: "M1",
            multiplier: 1,
            interval_data: false,
            readings: &readings,
            change: None,
            intervals: &[],
        };
        let Decision::Bill(bill) = decide(&input(vec![meter], &versions), &period) else { panic!("a bill") };
        assert_eq!(bill.metering.metered.kwh, Decimal::from(310));
        assert!(bill.estimated);
        assert_eq!(bill.exceptions[0].0, ExceptionKind::Estimated);

        // No history at all: an exception, no bill.
        let readings = [reading(day(2026, 10, 1), 1000)];
        let meter = MeterInput {
            meter_no: "M1",
            multiplier: 1,
            interval_data: false,
            readings: &readings,
            change: None,
            intervals: &[],
        };
        assert!(matches!(
            decide(&input(vec![meter], &versions), &period),
            Decision::Exception(ExceptionKind::NoReading, _)
        ));
    }

    #[test]
    fn a_large_change_from_last_period_is_held() {
        let period = Period::new(day(2026, 10, 1), 1).expect("period");
        let versions = versions();
        let readings = [reading(day(2026, 10, 1), 1000), reading(day(2026, 11, 1), 2000)];
        let meter = MeterInput {
            meter_no: "M1",
            multiplier: 1,
            interval_data: false,
            readings: &readings,
            change: None,
            intervals: &[],
        };
        let last = Metering { meters: vec![], metered: Metered::default() };
        let mut account = input(vec![meter], &versions);
        account.previous = Some((Money::from_fen(5000), &last));
        let Decision::Bill(bill) = decide(&account, &period) else { panic!("a bill") };
        // 1,000 kWh ≈ ¥488 against ¥50 last time.
        assert!(bill.held);
        assert_eq!(bill.exceptions[0].0, ExceptionKind::Changed);
    }
}
