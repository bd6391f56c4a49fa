//! Typed record ids.
//!
//! An `Id<Application>` cannot be passed where an `Id<Bill>` is expected, and every id that
//! arrives as text (a URL path, a query string, a CSV cell) goes through one parser.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why a text is not an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdParseError {
    /// The text is empty.
    #[error("the id is empty")]
    Empty,
    /// The text has something other than the digits 0–9 (signs and spaces included).
    #[error("an id has only the digits 0-9")]
    NotDigits,
    /// Zero, or too large to be a record id.
    #[error("the id is out of range")]
    OutOfRange,
}

/// The database id of a record of kind `T`: a positive 64-bit integer.
pub struct Id<T> {
    value: i64,
    // `fn() -> T` keeps `Id<T>` Send + Sync + Copy whatever `T` is.
    kind: PhantomData<fn() -> T>,
}

impl<T> Id<T> {
    /// Wraps a value read from the database. `None` unless it is positive.
    pub fn new(value: i64) -> Option<Self> {
        (value > 0).then_some(Id { value, kind: PhantomData })
    }

    /// The raw value, for binding into a query.
    pub fn get(self) -> i64 {
        self.value
    }
}

impl<T> FromStr for Id<T> {
    type Err = IdParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text.is_empty() {
            return Err(IdParseError::Empty);
        }
        if !text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdParseError::NotDigits);
        }
        let value: i64 = text.parse().map_err(|_| IdParseError::OutOfRange)?;
        Id::new(value).ok_or(IdParseError::OutOfRange)
    }
}

impl<T> Clone for Id<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Id<T> {}
impl<T> PartialEq for Id<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}
impl<T> Eq for Id<T> {}
impl<T> Hash for Id<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.value.hash(state);
    }
}
impl<T> PartialOrd for Id<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Id<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.value.cmp(&other.value)
    }
}
impl<T> fmt::Debug for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Id({})", self.value)
    }
}
impl<T> fmt::Display for Id<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}
impl<T> Serialize for Id<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.value)
    }
}
impl<'de, T> Deserialize<'de> for Id<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = i64::deserialize(deserializer)?;
        Id::new(value).ok_or_else(|| serde::de::Error::custom(IdParseError::OutOfRange))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    struct Bill;
    type BillId = Id<Bill>;

    #[test]
    fn parses_positive_decimal_ids() {
        assert_eq!("42".parse::<BillId>().map(Id::get), Ok(42));
        assert_eq!("0042".parse::<BillId>().map(Id::get), Ok(42));
        assert_eq!("9223372036854775807".parse::<BillId>().map(Id::get), Ok(i64::MAX));
    }

    #[test]
    fn refuses_what_is_not_an_id() {
        assert_eq!("".parse::<BillId>(), Err(IdParseError::Empty));
        assert_eq!("-1".parse::<BillId>(), Err(IdParseError::NotDigits));
        assert_eq!("+1".parse::<BillId>(), Err(IdParseError::NotDigits));
        assert_eq!(" 1".parse::<BillId>(), Err(IdParseError::NotDigits));
        assert_eq!("1e3".parse::<BillId>(), Err(IdParseError::NotDigits));
        assert_eq!("٣".parse::<BillId>(), Err(IdParseError::NotDigits));
        assert_eq!("0".parse::<BillId>(), Err(IdParseError::OutOfRange));
        assert_eq!("9223372036854775808".parse::<BillId>(), Err(IdParseError::OutOfRange));
    }

    #[test]
    fn json_refuses_zero_and_negative_ids() {
        assert!(serde_json::from_str::<BillId>("0").is_err());
        assert!(serde_json::from_str::<BillId>("-5").is_err());
        assert_eq!(serde_json::from_str::<BillId>("7").map(Id::get).ok(), Some(7));
    }

    proptest! {
        #[test]
        fn display_and_parse_round_trip(value in 1_i64..=i64::MAX) {
            let id = BillId::new(value).expect("positive");
            prop_assert_eq!(id.to_string().parse::<BillId>(), Ok(id));
        }

        #[test]
        fn arbitrary_text_never_panics(text in ".{0,40}") {
            let _ = text.parse::<BillId>();
        }
    }
}
