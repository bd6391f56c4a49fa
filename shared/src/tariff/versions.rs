//! Dated tariff versions: each is in force from a day to a day (or open-ended), and the
//! versions of one tariff never overlap, so every day has at most one price.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::Tariff;

/// A tariff as in force over a span of days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TariffVersion {
    /// The first day it applies.
    pub effective_from: NaiveDate,
    /// The last day it applies; `None` until a later version replaces it.
    pub effective_to: Option<NaiveDate>,
    /// The structure and numbers.
    pub tariff: Tariff,
}

impl TariffVersion {
    /// Whether the version is in force on a day.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.effective_from <= day && self.effective_to.is_none_or(|to| day <= to)
    }
}

/// Why a new version cannot be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// It would end before it starts.
    #[error("the version ends before it starts")]
    EndsBeforeStart,
    /// It would start before the day it is published: prices are never back-dated.
    #[error("the version starts before today")]
    StartsBeforeToday,
    /// It overlaps a version in force from `from` (to `to`).
    #[error("the version overlaps the one in force from {from}")]
    Overlaps {
        /// The existing version's first day.
        from: NaiveDate,
        /// The existing version's last day.
        to: Option<NaiveDate>,
    },
}

/// Where a new version goes among the existing ones of its tariff. It may not overlap any,
/// except the open-ended latest version when the new one starts after it: that one is then
/// closed the day before (the usual "new prices from 1 July"). Answers the index of the
/// version to close and its new last day, if any.
pub fn place(
    existing: &[(NaiveDate, Option<NaiveDate>)],
    from: NaiveDate,
    to: Option<NaiveDate>,
) -> Result<Option<(usize, NaiveDate)>, VersionError> {
    if to.is_some_and(|to| to < from) {
        return Err(VersionError::EndsBeforeStart);
    }
    let mut close = None;
    for (i, &(their_from, their_to)) in existing.iter().enumerate() {
        let overlaps = their_from <= to.unwrap_or(NaiveDate::MAX) && from <= their_to.unwrap_or(NaiveDate::MAX);
        if !overlaps {
            continue;
        }
        let closable = their_to.is_none() && their_from < from && from.pred_opt().is_some();
        match (closable, from.pred_opt()) {
            (true, Some(day_before)) => close = Some((i, day_before)),
            _ => return Err(VersionError::Overlaps { from: their_from, to: their_to }),
        }
    }
    Ok(close)
}

/// Whether a version published on `today` may start on `from`. Never before today: a price
/// back-dated would re-price days already billed (and the bills of those days stand; a
/// wrong bill is credited and rebilled, never re-priced by a later tariff).
pub fn not_backdated(from: NaiveDate, today: NaiveDate) -> Result<(), VersionError> {
    if from < today { Err(VersionError::StartsBeforeToday) } else { Ok(()) }
}

/// The version in force on a day.
pub fn in_force(versions: &[TariffVersion], day: NaiveDate) -> Option<&TariffVersion> {
    versions.iter().find(|v| v.covers(day))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn a_version_starts_today_or_later() {
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 7, d).expect("day");
        assert_eq!(not_backdated(day(1), day(2)), Err(VersionError::StartsBeforeToday));
        assert_eq!(not_backdated(day(2), day(2)), Ok(()));
        assert_eq!(not_backdated(day(3), day(2)), Ok(()));
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn a_new_version_closes_the_open_one_and_overlaps_are_refused() {
        let existing = [(day(2024, 1, 1), Some(day(2024, 12, 31))), (day(2025, 1, 1), None)];
        assert_eq!(place(&existing, day(2026, 7, 1), None), Ok(Some((1, day(2026, 6, 30)))));
        assert_eq!(
            place(&existing, day(2024, 6, 1), Some(day(2024, 6, 30))),
            Err(VersionError::Overlaps { from: day(2024, 1, 1), to: Some(day(2024, 12, 31)) })
        );
        // Starting on the same day as the open version would replace it, not follow it.
        assert!(matches!(place(&existing, day(2025, 1, 1), None), Err(VersionError::Overlaps { .. })));
        assert_eq!(place(&existing, day(2023, 1, 1), Some(day(2023, 12, 31))), Ok(None));
        assert_eq!(place(&existing, day(2023, 1, 1), Some(day(2022, 12, 31))), Err(VersionError::EndsBeforeStart));
        assert_eq!(place(&[], day(2023, 1, 1), None), Ok(None));
    }

    proptest! {
        #[test]
        fn after_placing_no_day_has_two_versions(starts in proptest::collection::vec((0u32..2000, proptest::option::of(0u32..400)), 1..8)) {
            let base = day(2020, 1, 1);
            let mut versions: Vec<(NaiveDate, Option<NaiveDate>)> = Vec::new();
            for (start, length) in starts {
                let from = base + chrono::Days::new(start.into());
                let to = length.map(|l| from + chrono::Days::new(l.into()));
                if let Ok(close) = place(&versions, from, to) {
                    if let Some((i, last)) = close {
                        versions[i].1 = Some(last);
                    }
                    versions.push((from, to));
                }
            }
            for probe in 0..2400u32 {
                let d = base + chrono::Days::new(probe.into());
                let count = versions.iter().filter(|(f, t)| *f <= d && t.is_none_or(|t| d <= t)).count();
                prop_assert!(count <= 1, "{d} in {count} versions: {versions:?}");
            }
        }
    }
}
