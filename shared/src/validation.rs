//! Validation results that both sides share: the browser shows them at once, the server
//! answers them as 422 with per-field messages, both in the visitor's language.

use serde::{Deserialize, Serialize};

/// What is wrong with a field; the catalogue turns it into words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    /// Not one of the service areas.
    UnknownArea,
    /// Not a real day written `YYYY-MM-DD`.
    InvalidDate,
    /// Not a language the portal offers.
    UnknownLanguage,
    /// Wrong type or shape.
    InvalidValue,
}

/// One field's problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name as the request spells it.
    pub field: String,
    /// What is wrong.
    pub problem: Problem,
}

impl FieldError {
    /// A problem with a field.
    pub fn new(field: impl Into<String>, problem: Problem) -> Self {
        FieldError { field: field.into(), problem }
    }
}

/// Parses a day written `YYYY-MM-DD` (exactly: no other spelling is accepted).
///
/// Written out rather than through chrono's format parser, which would add its whole
/// parsing machinery to the browser's Wasm for this one shape.
pub fn parse_day(text: &str) -> Option<chrono::NaiveDate> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() });
    if !shaped {
        return None;
    }
    let number =
        |range: std::ops::Range<usize>| bytes[range].iter().fold(0_u32, |n, digit| n * 10 + u32::from(digit - b'0'));
    let year = i32::try_from(number(0..4)).ok()?;
    chrono::NaiveDate::from_ymd_opt(year, number(5..7), number(8..10))
}

/// Writes a day as `YYYY-MM-DD`.
pub fn format_day(day: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{:04}-{:02}-{:02}", day.year(), day.month(), day.day())
}

/// Serde for days as `YYYY-MM-DD` through [`parse_day`] and [`format_day`]; use with
/// `#[serde(with = "crate::validation::day")]`.
pub mod day {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the day.
    pub fn serialize<S: Serializer>(day: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&super::format_day(*day))
    }

    /// Reads the day, refusing any other spelling.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        super::parse_day(&text).ok_or_else(|| serde::de::Error::custom("expected a day written YYYY-MM-DD"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_days_for_the_api() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 2, 3).expect("day");
        assert_eq!(format_day(day), "2026-02-03");
        assert_eq!(parse_day(&format_day(day)), Some(day));
        assert_eq!(serde_json::from_str::<Wrapped>(r#"{"day":"2026-02-03"}"#).map(|w| w.day).ok(), Some(day));
        assert!(serde_json::from_str::<Wrapped>(r#"{"day":"2026-2-3"}"#).is_err());
    }

    #[derive(serde::Deserialize)]
    struct Wrapped {
        #[serde(with = "super::day")]
        day: chrono::NaiveDate,
    }

    proptest::proptest! {
        #[test]
        fn every_day_round_trips(days in 0_i64..365 * 400) {
            let day = chrono::NaiveDate::from_ymd_opt(1900, 1, 1).expect("day") + chrono::Duration::days(days);
            proptest::prop_assert_eq!(parse_day(&format_day(day)), Some(day));
        }
    }

    #[test]
    fn parses_only_real_iso_days() {
        assert_eq!(parse_day("2026-02-28"), chrono::NaiveDate::from_ymd_opt(2026, 2, 28));
        for bad in ["2026-02-29", "2026-2-28", "26-02-28", "2026/02/28", "2026-02-28T00:00", "", "２０２６-02-28"] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }
}
