//! Readings in: lines, batches, files and their imports, and how their numbers and days
//! are read.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

use crate::roles::{UnknownName, named_set};

/// The most thousandths a reading may carry: registers show at most three decimals.
pub const READING_DECIMALS: u32 = 3;

/// The largest register value accepted (kWh): far beyond any meter's dial.
pub const READING_MAX: i64 = 1_000_000_000_000;

/// Parses a reading: a plain decimal, not negative, at most three decimals, below
/// [`READING_MAX`]. Answers thousandths.
pub fn parse_reading(text: &str) -> Result<i64, RejectReason> {
    let text = text.trim();
    // Plain digits with at most one point: no exponents, signs other than a leading minus,
    // or separators, whatever the decimal parser would tolerate.
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit() || c == '.') || digits.matches('.').count() > 1 {
        return Err(RejectReason::BadNumber);
    }
    let value = Decimal::from_str(text).map_err(|_| RejectReason::BadNumber)?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(RejectReason::Negative);
    }
    if value.normalize().scale() > READING_DECIMALS || value >= Decimal::from(READING_MAX) {
        return Err(RejectReason::BadNumber);
    }
    (value * Decimal::ONE_THOUSAND).to_i64().ok_or(RejectReason::BadNumber)
}

/// Thousandths as a decimal (kWh, kvarh, kW).
pub fn from_milli(milli: i64) -> Decimal {
    Decimal::new(milli, 3).normalize()
}

named_set! {
    /// Where a meter reading came from (stored with it).
    ReadingSource {
        /// A file an operator uploaded.
        Csv = "csv",
        /// The metering system, with an integration token.
        Api = "api",
        /// An operator's batch typed in the portal.
        Manual = "manual",
        /// The demo data set.
        Demo = "demo",
    }
}

named_set! {
    /// Why a line of readings was rejected.
    RejectReason {
        /// No meter has that number.
        UnknownMeter = "unknown_meter",
        /// Not a number, too many decimals, or out of range.
        BadNumber = "bad_number",
        /// A negative reading.
        Negative = "negative",
        /// The date or time is missing, malformed, in the future, or not on a quarter hour.
        BadDate = "bad_date",
        /// The line has too few fields.
        BadLine = "bad_line",
        /// The meter already has a reading at that time (in the database or the file).
        Duplicate = "duplicate",
        /// Below the meter's previous reading, with no meter change recorded between.
        LowerThanLast = "lower_than_last",
        /// Above the meter's next reading.
        HigherThanNext = "higher_than_next",
        /// The daily usage it implies is more than the configured factor times the
        /// meter's recent average.
        AbnormalJump = "abnormal_jump",
    }
}

/// A register reading, as the API and manual entry send it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadingLine {
    /// The meter number.
    pub meter_no: String,
    /// The day read (at 00:00), `YYYY-MM-DD`.
    pub read_on: String,
    /// The active energy register (kWh), before the multiplier.
    pub active: String,
    /// Registers by period, where the meter has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak: Option<String>,
    /// Flat-period register.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flat: Option<String>,
    /// Valley-period register.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valley: Option<String>,
    /// Critical-peak register.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub critical: Option<String>,
    /// Reactive energy register (kvarh).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reactive: Option<String>,
    /// Maximum demand of the month (kW).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub demand: Option<String>,
}

/// One 15-minute interval of a load profile.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntervalLine {
    /// The meter number.
    pub meter_no: String,
    /// The start, local time, `YYYY-MM-DDTHH:MM` on a quarter hour.
    pub starts_at: String,
    /// Active energy in the interval (kWh), before the multiplier.
    pub kwh: String,
    /// Reactive energy (kvarh), where recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kvarh: Option<String>,
}

/// Readings posted by the metering system or typed in by an operator.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadingBatch {
    /// Register readings.
    #[serde(default)]
    pub readings: Vec<ReadingLine>,
    /// Interval data.
    #[serde(default)]
    pub intervals: Vec<IntervalLine>,
    /// Accept a reading that looks like an abnormal jump (an operator who checked it).
    #[serde(default)]
    pub confirm_jumps: bool,
}

/// A rejected line and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rejection {
    /// The line number (the header of a file is line 1; a batch counts from 1).
    pub line: u64,
    /// The meter number, if the line had one.
    pub meter_no: Option<String>,
    /// Why.
    pub reason: RejectReason,
    /// The reason in the caller's language, with the values concerned.
    pub detail: String,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportResult {
    /// The import's number, to find it again.
    pub import_id: i64,
    /// Lines read (without the header).
    pub lines: u64,
    /// Lines stored.
    pub accepted: u64,
    /// Lines refused, each with its reason; none of them changed anything.
    pub rejected: Vec<Rejection>,
}

/// A past import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportSummary {
    /// Its number.
    pub id: i64,
    /// `csv`, `api` or `manual`.
    pub source: String,
    /// The file's name, for a file.
    pub file_name: Option<String>,
    /// Who sent it.
    pub actor: String,
    /// Lines read.
    pub lines: u64,
    /// Lines stored.
    pub accepted: u64,
    /// Lines refused.
    pub rejected: u64,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Where it stands: a file is imported in the background, a chunk at a time.
    pub status: ImportStatus,
    /// Lines checked so far (stored or refused); `lines` once done.
    pub processed: u64,
    /// When it finished.
    pub finished_at: Option<DateTime<Utc>>,
}

named_set! {
    /// Where an import stands. Lines typed in or posted as JSON are imported at once; a
    /// file is queued and imported in the background, a chunk of lines per transaction,
    /// so the portal stays responsive however large the file.
    ImportStatus {
        /// Received and waiting for a worker.
        Queued = "queued",
        /// Being imported; `processed` grows.
        Running = "running",
        /// Every line was stored or refused.
        Done = "done",
        /// The file could not be read again (nothing more was imported); lines already
        /// stored stay, each refused line with its reason.
        Failed = "failed",
    }
}

/// `GET /api/v1/staff/readings/imports/{import_id}`: an import's progress and its refused
/// lines so far, in line order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportDetail {
    /// The import.
    pub import: ImportSummary,
    /// The first refused lines (at most [`ImportDetail::REJECTIONS_SHOWN`]); `import.rejected`
    /// counts them all.
    pub rejections: Vec<Rejection>,
}

impl ImportDetail {
    /// How many refused lines an answer lists.
    pub const REJECTIONS_SHOWN: usize = 1000;
}

/// Parses an interval start: local time on a quarter hour.
pub fn parse_interval_start(text: &str) -> Option<NaiveDateTime> {
    let text = text.trim();
    let time = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M"))
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S"))
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S"))
        .ok()?;
    let on_quarter = chrono::Timelike::minute(&time) % 15 == 0 && chrono::Timelike::second(&time) == 0;
    on_quarter.then_some(time)
}

/// Parses a reading day: `YYYY-MM-DD` or `YYYY/MM/DD`.
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(text, "%Y/%m/%d")).ok()
}
