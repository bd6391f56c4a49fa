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
    /// Must be filled in.
    Required,
    /// Longer than allowed.
    TooLong,
    /// Not an email address.
    InvalidEmail,
    /// Not a mainland mobile number.
    InvalidMobile,
    /// Shorter than [`PASSWORD_MIN_CHARS`].
    PasswordTooShort,
    /// Longer than [`PASSWORD_MAX_CHARS`].
    PasswordTooLong,
    /// Too common or too easy to guess (checked by the server).
    PasswordTooWeak,
    /// The current password is wrong.
    WrongPassword,
    /// Not a 10-digit account number.
    InvalidAccountNumber,
    /// Not an amount in yuan with at most two decimals.
    InvalidAmount,
    /// Not a 6-digit code.
    InvalidCode,
    /// At least one must be chosen.
    NoneChosen,
    /// Not one of the supply stations.
    UnknownRegion,
    /// Outside the allowed range.
    OutOfRange,
    /// Already in use elsewhere (a meter number).
    AlreadyUsed,
    /// Not one of the caller's accounts.
    NotYourAccount,
    /// Tiers out of order, with a gap, or with an open tier not last.
    TierBounds,
    /// A time-of-use period without a price, or priced twice.
    PeriodPrices,
    /// Overlaps another version's days.
    VersionOverlaps,
    /// Before today: prices are never back-dated.
    BeforeToday,
    /// A readings file whose first line does not name the columns it needs.
    ReadingsHeader,
    /// A readings file with no lines.
    EmptyFile,
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

/// The fewest characters a password may have.
pub const PASSWORD_MIN_CHARS: usize = 10;
/// The most characters a password may have (hashing cost grows with length).
pub const PASSWORD_MAX_CHARS: usize = 128;
/// The longest display name, in characters.
pub const NAME_MAX_CHARS: usize = 100;
/// The longest email address (RFC 5321).
pub const EMAIL_MAX_CHARS: usize = 254;

/// A required, trimmed text of at most `max` characters.
pub fn required_text(text: &str, max: usize) -> Result<String, Problem> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        Err(Problem::Required)
    } else if trimmed.chars().count() > max {
        Err(Problem::TooLong)
    } else {
        Ok(trimmed.to_owned())
    }
}

/// An email address, trimmed and lower-cased (addresses are compared that way).
pub fn email(text: &str) -> Result<String, Problem> {
    let normalised = text.trim().to_lowercase();
    if normalised.is_empty() {
        Err(Problem::Required)
    } else if normalised.chars().count() > EMAIL_MAX_CHARS {
        Err(Problem::TooLong)
    } else if email_address::EmailAddress::is_valid(&normalised)
        && normalised.split_once('@').is_some_and(|(_, domain)| domain.contains('.') && !domain.ends_with('.'))
    {
        Ok(normalised)
    } else {
        Err(Problem::InvalidEmail)
    }
}

/// A mainland China mobile number: 11 digits starting `1[3-9]`, optionally written with
/// `+86` and spaces or dashes. Answers the 11 digits.
pub fn mobile(text: &str) -> Result<String, Problem> {
    let digits: String = text.trim().trim_start_matches("+86").chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let bytes = digits.as_bytes();
    let valid = bytes.len() == 11
        && bytes.iter().all(u8::is_ascii_digit)
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1]);
    if valid { Ok(digits) } else { Err(Problem::InvalidMobile) }
}

/// The length rules of a password. How guessable it is, the server judges.
pub fn password_length(password: &str) -> Result<(), Problem> {
    let chars = password.chars().count();
    if chars < PASSWORD_MIN_CHARS {
        Err(Problem::PasswordTooShort)
    } else if chars > PASSWORD_MAX_CHARS {
        Err(Problem::PasswordTooLong)
    } else {
        Ok(())
    }
}

/// An account number (户号): exactly 10 digits, spaces allowed between groups.
pub fn account_number(text: &str) -> Result<String, Problem> {
    let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() == 10 && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(Problem::InvalidAccountNumber)
    }
}

/// An amount in yuan as a person types it ("128.5", "¥128.50"), exact, non-negative, at
/// most two decimals.
pub fn yuan_amount(text: &str) -> Result<crate::Money, Problem> {
    let cleaned = text.trim().trim_start_matches(['¥', '￥']).trim().replace(',', "");
    let amount: rust_decimal::Decimal = cleaned.parse().map_err(|_| Problem::InvalidAmount)?;
    if amount.is_sign_negative() || amount.scale() > 2 {
        return Err(Problem::InvalidAmount);
    }
    Ok(crate::Money::from_yuan(amount))
}

/// A one-time code sent by email: six digits.
pub fn one_time_code(text: &str) -> Result<String, Problem> {
    let code = text.trim();
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code.to_owned())
    } else {
        Err(Problem::InvalidCode)
    }
}

/// Collects field checks: each failure is remembered under its field's name.
#[derive(Debug, Default)]
pub struct Checks {
    errors: Vec<FieldError>,
}

impl Checks {
    /// No failures yet.
    pub fn new() -> Self {
        Checks::default()
    }

    /// Keeps the value of a passed check; records a failed one under `field`.
    pub fn check<T>(&mut self, field: &str, result: Result<T, Problem>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(problem) => {
                self.errors.push(FieldError::new(field, problem));
                None
            }
        }
    }

    /// Records a failure directly.
    pub fn fail(&mut self, field: &str, problem: Problem) {
        self.errors.push(FieldError::new(field, problem));
    }

    /// The value built from the passed checks, or every failure.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, Vec<FieldError>> {
        match value {
            Some(value) if self.errors.is_empty() => Ok(value),
            _ => Err(self.errors),
        }
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
    fn emails_are_normalised_and_checked() {
        assert_eq!(email("  Li.Wei@Example.COM ").as_deref(), Ok("li.wei@example.com"));
        for bad in ["li", "li@", "@example.com", "li@example", "li wei@example.com", "li@example."] {
            assert_eq!(email(bad), Err(Problem::InvalidEmail), "{bad}");
        }
        assert_eq!(email("  "), Err(Problem::Required));
        assert_eq!(email(&format!("{}@example.com", "a".repeat(250))), Err(Problem::TooLong));
    }

    #[test]
    fn mobiles_are_mainland_numbers() {
        assert_eq!(mobile("+86 138-0013-8000").as_deref(), Ok("13800138000"));
        for bad in ["12800138000", "1380013800", "138001380001", "phone"] {
            assert_eq!(mobile(bad), Err(Problem::InvalidMobile), "{bad}");
        }
    }

    #[test]
    fn password_lengths_count_characters_not_bytes() {
        assert_eq!(password_length("短密码"), Err(Problem::PasswordTooShort));
        assert_eq!(password_length("电力营业厅网上服务大厅"), Ok(()));
        assert_eq!(password_length(&"x".repeat(129)), Err(Problem::PasswordTooLong));
    }

    #[test]
    fn account_numbers_and_amounts() {
        assert_eq!(account_number("31000 12345").as_deref(), Ok("3100012345"));
        assert_eq!(account_number("310001234"), Err(Problem::InvalidAccountNumber));
        assert_eq!(yuan_amount("¥1,128.5").map(|m| m.to_fen()), Ok(Some(112_850)));
        assert_eq!(yuan_amount("12.345"), Err(Problem::InvalidAmount));
        assert_eq!(yuan_amount("-1"), Err(Problem::InvalidAmount));
        assert_eq!(one_time_code(" 012345 ").as_deref(), Ok("012345"));
        assert_eq!(one_time_code("12345a"), Err(Problem::InvalidCode));
    }

    #[test]
    fn checks_collect_every_failure() {
        let mut checks = Checks::new();
        let a = checks.check("email", email("x"));
        let b = checks.check("password", password_length("short"));
        let result = checks.finish(a.zip(b));
        assert_eq!(
            result,
            Err(vec![
                FieldError::new("email", Problem::InvalidEmail),
                FieldError::new("password", Problem::PasswordTooShort)
            ])
        );
    }

    proptest::proptest! {
        #[test]
        fn amounts_in_fen_round_trip(fen in 0_i64..10_000_000_000) {
            let text = format!("{}.{:02}", fen / 100, fen % 100);
            proptest::prop_assert_eq!(yuan_amount(&text).map(|m| m.to_fen()), Ok(Some(fen)));
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
