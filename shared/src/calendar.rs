//! The working-day calendar and deadline arithmetic (domain brief §8).
//!
//! Weekends and public holidays are off; makeup workdays (调休: a Saturday or Sunday that is
//! a working day) are on. The calendar of each year is data an administrator maintains;
//! [`official_years`] are the State Council's calendars the portal ships with. A year nobody
//! has entered counts weekends only, and [`WorkingCalendar::knows`] says so.
//!
//! The counting rule: a limit of *n* working days starts on the first working day *after*
//! the event (an event at any hour of a working day, or on a day off, counts from the next
//! working day), and the deadline is the end of the *n*-th counted working day.

use std::collections::BTreeSet;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::validation::{FieldError, Problem};

/// An inclusive run of days off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayRange {
    /// The first day off, `YYYY-MM-DD`.
    #[serde(with = "crate::validation::day")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub first: NaiveDate,
    /// The last day off (the same as `first` for a single day).
    #[serde(with = "crate::validation::day")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub last: NaiveDate,
}

/// One year's public holidays and makeup workdays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YearCalendar {
    /// The year.
    pub year: i32,
    /// Public holidays, as inclusive ranges (weekends inside them may be listed or not).
    pub days_off: Vec<DayRange>,
    /// Saturdays or Sundays that are working days.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub makeup_days: Vec<YearDay>,
}

/// A day written `YYYY-MM-DD`, for lists in JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct YearDay(#[serde(with = "crate::validation::day")] pub NaiveDate);

impl YearCalendar {
    /// Checks that every day belongs to the year, ranges are in order and at most a month
    /// long, and makeup days fall on weekends and not inside a holiday.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if !(2000..=2100).contains(&self.year) {
            errors.push(FieldError::new("year", Problem::OutOfRange));
        }
        for (i, range) in self.days_off.iter().enumerate() {
            let in_year = range.first.year() == self.year && range.last.year() == self.year;
            let length = (range.last - range.first).num_days();
            if !in_year || !(0..=31).contains(&length) {
                errors.push(FieldError::new(format!("days_off[{i}]"), Problem::OutOfRange));
            }
        }
        for (i, YearDay(day)) in self.makeup_days.iter().enumerate() {
            let holiday = self.days_off.iter().any(|r| (r.first..=r.last).contains(day));
            if day.year() != self.year || !is_weekend(*day) || holiday {
                errors.push(FieldError::new(format!("makeup_days[{i}]"), Problem::OutOfRange));
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

fn day(year: i32, month: u32, day: u32) -> NaiveDate {
    // The official tables below are literal, valid dates.
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN)
}

fn range(year: i32, (m1, d1): (u32, u32), (m2, d2): (u32, u32)) -> DayRange {
    DayRange { first: day(year, m1, d1), last: day(year, m2, d2) }
}

/// The official calendars (State Council notices) the portal ships with: 2025 and 2026.
pub fn official_years() -> Vec<YearCalendar> {
    vec![
        YearCalendar {
            year: 2025,
            days_off: vec![
                range(2025, (1, 1), (1, 1)),
                range(2025, (1, 28), (2, 4)),
                range(2025, (4, 4), (4, 6)),
                range(2025, (5, 1), (5, 5)),
                range(2025, (5, 31), (6, 2)),
                range(2025, (10, 1), (10, 8)),
            ],
            makeup_days: [(1, 26), (2, 8), (4, 27), (9, 28), (10, 11)]
                .into_iter()
                .map(|(m, d)| YearDay(day(2025, m, d)))
                .collect(),
        },
        YearCalendar {
            year: 2026,
            days_off: vec![
                range(2026, (1, 1), (1, 3)),
                range(2026, (2, 15), (2, 23)),
                range(2026, (4, 4), (4, 6)),
                range(2026, (5, 1), (5, 5)),
                range(2026, (6, 19), (6, 21)),
                range(2026, (9, 25), (9, 27)),
                range(2026, (10, 1), (10, 7)),
            ],
            makeup_days: [(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)]
                .into_iter()
                .map(|(m, d)| YearDay(day(2026, m, d)))
                .collect(),
        },
    ]
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Whether a day is off or worked, over every year entered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkingCalendar {
    days_off: BTreeSet<NaiveDate>,
    makeup_days: BTreeSet<NaiveDate>,
    years: BTreeSet<i32>,
}

/// How far arithmetic looks for a working day before giving up: no calendar has a month off.
const SEARCH_LIMIT_DAYS: u32 = 400;

impl WorkingCalendar {
    /// A calendar of these years.
    pub fn new(years: &[YearCalendar]) -> WorkingCalendar {
        let mut calendar = WorkingCalendar::default();
        for year in years {
            calendar.years.insert(year.year);
            for range in &year.days_off {
                calendar.days_off.extend(range.first.iter_days().take_while(|d| *d <= range.last));
            }
            calendar.makeup_days.extend(year.makeup_days.iter().map(|YearDay(d)| *d));
        }
        calendar
    }

    /// The official calendars only.
    pub fn official() -> WorkingCalendar {
        WorkingCalendar::new(&official_years())
    }

    /// Whether the year has been entered (otherwise only weekends are off).
    pub fn knows(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// Whether people work on this day.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        if self.makeup_days.contains(&day) {
            return true;
        }
        !self.days_off.contains(&day) && !is_weekend(day)
    }

    /// The first working day strictly after `day`.
    pub fn next_working_day(&self, day: NaiveDate) -> NaiveDate {
        let mut next = day;
        for _ in 0..SEARCH_LIMIT_DAYS {
            next = next.checked_add_days(Days::new(1)).unwrap_or(next);
            if self.is_working_day(next) {
                return next;
            }
        }
        next
    }

    /// The deadline of a limit of `n` working days for an event on `event_day`: the `n`-th
    /// working day after it (the deadline is the end of that day). `n = 0` is the event day.
    pub fn add_working_days(&self, event_day: NaiveDate, n: u32) -> NaiveDate {
        (0..n).fold(event_day, |day, _| self.next_working_day(day))
    }

    /// How many working days are counted from an event on `from` to the end of `to`: the
    /// working days in `(from, to]`, zero when `to` is not after `from`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        if to <= from {
            return 0;
        }
        let count = from.iter_days().skip(1).take_while(|d| *d <= to).filter(|d| self.is_working_day(*d)).count();
        u32::try_from(count).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("a day")
    }

    #[test]
    fn official_years_are_valid() {
        for year in official_years() {
            year.validate().expect("official calendar");
        }
    }

    #[test]
    fn knows_holidays_weekends_and_makeup_days() {
        let calendar = WorkingCalendar::official();
        assert!(!calendar.is_working_day(d("2026-10-01")), "National Day");
        assert!(!calendar.is_working_day(d("2026-10-07")));
        assert!(calendar.is_working_day(d("2026-10-08")));
        assert!(calendar.is_working_day(d("2026-10-10")), "a Saturday made a workday");
        assert!(!calendar.is_working_day(d("2026-11-28")), "an ordinary Saturday");
        assert!(calendar.is_working_day(d("2026-11-24")), "an ordinary Tuesday");
        assert!(calendar.is_working_day(d("2025-01-26")), "a Sunday made a workday");
        assert!(calendar.knows(2026) && !calendar.knows(2027));
    }

    #[test]
    fn counts_from_the_next_working_day() {
        let calendar = WorkingCalendar::official();
        // Accepted on Tuesday 2026-11-24: day 1 is Wednesday, day 5 is the next Tuesday.
        assert_eq!(calendar.add_working_days(d("2026-11-24"), 1), d("2026-11-25"));
        assert_eq!(calendar.add_working_days(d("2026-11-24"), 5), d("2026-12-01"));
        // Accepted on Saturday: Monday is day 1.
        assert_eq!(calendar.add_working_days(d("2026-11-28"), 1), d("2026-11-30"));
        // Accepted on 2026-09-30 (before National Day): Oct 1–7 off, Oct 8 day 1, Oct 9 day 2,
        // Saturday Oct 10 (a makeup day) day 3, Monday Oct 12 day 4.
        assert_eq!(calendar.add_working_days(d("2026-09-30"), 4), d("2026-10-12"));
        // Spring Festival 2026: Feb 14 (Sat) is a makeup day, Feb 15–23 off.
        assert_eq!(calendar.add_working_days(d("2026-02-13"), 1), d("2026-02-14"));
        assert_eq!(calendar.add_working_days(d("2026-02-13"), 2), d("2026-02-24"));
        assert_eq!(calendar.working_days_between(d("2026-02-13"), d("2026-02-24")), 2);
    }

    #[test]
    fn a_year_nobody_entered_counts_weekends_only() {
        let calendar = WorkingCalendar::official();
        // 2027-01-01 is a Friday: a working day until an administrator enters 2027.
        assert!(calendar.is_working_day(d("2027-01-01")));
        let with_2027 = WorkingCalendar::new(&[YearCalendar {
            year: 2027,
            days_off: vec![DayRange { first: d("2027-01-01"), last: d("2027-01-01") }],
            makeup_days: vec![],
        }]);
        assert!(!with_2027.is_working_day(d("2027-01-01")));
    }

    #[test]
    fn refuses_a_malformed_year() {
        let year = YearCalendar {
            year: 2027,
            days_off: vec![DayRange { first: d("2027-02-10"), last: d("2027-02-01") }],
            makeup_days: vec![YearDay(d("2027-02-03")), YearDay(d("2028-01-01"))],
        };
        let errors = year.validate().expect_err("malformed");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["days_off[0]", "makeup_days[0]", "makeup_days[1]"]);
    }

    fn any_day() -> impl Strategy<Value = NaiveDate> {
        (0i64..(3 * 366)).prop_map(|offset| d("2025-01-01") + chrono::Duration::days(offset))
    }

    proptest! {
        #[test]
        fn adding_and_counting_agree(event in any_day(), n in 0u32..60) {
            let calendar = WorkingCalendar::official();
            let deadline = calendar.add_working_days(event, n);
            prop_assert_eq!(calendar.working_days_between(event, deadline), n);
        }

        #[test]
        fn a_deadline_never_falls_on_a_day_off(event in any_day(), n in 1u32..60) {
            let calendar = WorkingCalendar::official();
            prop_assert!(calendar.is_working_day(calendar.add_working_days(event, n)));
        }

        #[test]
        fn counting_is_additive(a in any_day(), gap1 in 0i64..40, gap2 in 0i64..40) {
            let calendar = WorkingCalendar::official();
            let b = a + chrono::Duration::days(gap1);
            let c = b + chrono::Duration::days(gap2);
            prop_assert_eq!(
                calendar.working_days_between(a, c),
                calendar.working_days_between(a, b) + calendar.working_days_between(b, c)
            );
        }

        #[test]
        fn more_days_never_end_earlier(event in any_day(), n in 0u32..60) {
            let calendar = WorkingCalendar::official();
            prop_assert!(calendar.add_working_days(event, n + 1) > calendar.add_working_days(event, n));
        }
    }
}
