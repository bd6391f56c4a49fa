//! The rules of each area, independent of HTTP: one module an area.

pub mod accounts;
pub mod applications;
pub mod audit;
pub mod billing;
pub mod calendar;
pub mod commitments;
pub mod csv_export;
pub mod identity;
pub mod notices;
pub mod one_time_links;
pub mod org;
pub mod passwords;
pub mod rate_limit;
pub mod second_factor;
pub mod secrets;
pub mod sessions;
pub mod staff;

use shared::api::ErrorCode;
use shared::validation::FieldError;

/// Why a service refused or failed; the HTTP layer words it in the caller's language.
#[derive(Debug)]
pub enum Fail {
    /// A refusal with a code of the API's error shape.
    Code(ErrorCode),
    /// Fields that are wrong.
    Fields(Vec<FieldError>),
    /// Too many attempts; try again after this many seconds.
    RateLimited(u64),
    /// The database failed.
    Database(sqlx::Error),
    /// Any other fault.
    Internal(anyhow::Error),
}

impl From<sqlx::Error> for Fail {
    fn from(error: sqlx::Error) -> Self {
        Fail::Database(error)
    }
}

impl From<ErrorCode> for Fail {
    fn from(code: ErrorCode) -> Self {
        Fail::Code(code)
    }
}

/// What services answer.
pub type Outcome<T> = Result<T, Fail>;

/// Unix seconds as a UTC time for the API.
pub fn utc(seconds: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp(seconds, 0).unwrap_or_default()
}

/// Who did something, for the audit log and rate limits.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The user, if logged in.
    pub user_id: Option<i64>,
    /// Their login, or `anonymous` / `token:<prefix>`.
    pub label: String,
    /// The client's address.
    pub ip: String,
}
