//! Billing runs: starting one, following it, its exceptions.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::roles::{UnknownName, named_set};

/// Starts a billing run (or finds the one already started).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StartRun {
    /// The month the periods start in, `YYYY-MM`.
    pub period: String,
    /// The accounts' reading day (1–28).
    pub reading_day: u32,
}

named_set! {
    /// Where a billing run stands.
    RunStatus {
        /// Accounts are being billed.
        Running = "running",
        /// Every account has been looked at.
        Done = "done",
    }
}

/// A billing run and its progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunView {
    /// Its number.
    pub id: i64,
    /// The month the periods start in.
    pub period: String,
    /// The reading day of its accounts.
    pub reading_day: u32,
    /// Running or done.
    pub status: RunStatus,
    /// Accounts with this reading day when it started.
    pub total_accounts: u64,
    /// Accounts looked at so far.
    pub accounts_done: u64,
    /// Bills made (issued and held).
    pub bills: u64,
    /// Bills held for review.
    pub held: u64,
    /// Exceptions listed.
    pub exceptions: u64,
    /// Who started it (`schedule` for the monthly schedule).
    pub started_by: String,
    /// When.
    pub started_at: DateTime<Utc>,
    /// When it finished.
    pub finished_at: Option<DateTime<Utc>>,
}

named_set! {
    /// What a billing run noticed about an account.
    ExceptionKind {
        /// No closing reading and too little history to estimate one: no bill.
        NoReading = "no_reading",
        /// The closing reading was estimated.
        Estimated = "estimated",
        /// The bill changed by more than the configured factor from last period: held.
        Changed = "changed",
        /// The bill could not be computed (no tariff in force, energy not by period…).
        Calculation = "calculation",
        /// An operator holds the account's bills: held.
        Held = "held",
    }
}

/// An exception of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunException {
    /// The account.
    pub account_no: String,
    /// What.
    pub kind: ExceptionKind,
    /// The detail (values concerned).
    pub detail: String,
    /// The bill made, if any.
    pub bill_id: Option<i64>,
}

/// A run with its exceptions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RunDetail {
    /// The run.
    pub run: RunView,
    /// Its exceptions, by account.
    pub exceptions: Vec<RunException>,
}

/// Parses a `YYYY-MM` period.
pub fn parse_period(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d")
        .ok()
        .filter(|d| (2000..2100).contains(&chrono::Datelike::year(d)))
}
