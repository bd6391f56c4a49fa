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
pub fn parse_day(text: &str) -> Option<chrono::NaiveDate> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() });
    if shaped { chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_real_iso_days() {
        assert_eq!(parse_day("2026-02-28"), chrono::NaiveDate::from_ymd_opt(2026, 2, 28));
        for bad in ["2026-02-29", "2026-2-28", "26-02-28", "2026/02/28", "2026-02-28T00:00", "", "２０２６-02-28"] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }
}
