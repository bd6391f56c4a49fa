//! Readings, tariffs, billing runs and bills over the API (domain brief §4).
//!
//! Numbers in readings arrive as strings, so that a bad value (`1e400`, `NaN`, `-3`) is a
//! rejected line with its reason rather than a whole batch refused as malformed JSON.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

use crate::Money;
use crate::roles::{UnknownName, named_set};
use crate::tariff::{ChargeLine, Metered, Tariff, TariffKind, TouPeriod};

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

named_set! {
    /// Where a bill stands.
    BillStatus {
        /// Made by a run but kept back for an operator's review; the customer does not see it.
        Held = "held",
        /// Sent to the customer.
        Issued = "issued",
        /// Cancelled by a credit note (a rebill may replace it).
        Cancelled = "cancelled",
    }
}

/// A bill in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillSummary {
    /// The bill's number.
    pub id: i64,
    /// The account.
    pub account_no: String,
    /// The month the period starts in, `YYYY-MM`.
    pub period: String,
    /// The first day billed.
    pub period_from: NaiveDate,
    /// The last day billed.
    pub period_to: NaiveDate,
    /// Energy billed (kWh).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub energy_kwh: Decimal,
    /// The amount due.
    pub total: Money,
    /// Paid so far.
    pub paid: Money,
    /// The due date.
    pub due_on: NaiveDate,
    /// Held, issued or cancelled.
    pub status: BillStatus,
    /// Whether the closing reading was estimated.
    pub estimated: bool,
    /// The bill this one replaces (a rebill).
    pub replaces: Option<i64>,
}

impl BillSummary {
    /// What is still to pay.
    pub fn outstanding(&self) -> Money {
        if self.status == BillStatus::Issued { self.total - self.paid } else { Money::ZERO }
    }
}

/// A meter's part in a bill: the readings it was computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeterUse {
    /// The meter number.
    pub meter_no: String,
    /// Readings × multiplier = energy.
    pub multiplier: i64,
    /// Interval data (the energy is the sum of 15-minute values) rather than registers.
    pub interval_data: bool,
    /// The opening register reading (kWh) and its day.
    pub start: Option<(NaiveDate, Decimal)>,
    /// The closing register reading and its day.
    pub end: Option<(NaiveDate, Decimal)>,
    /// The closing reading was estimated from recent usage.
    pub estimated: bool,
    /// Register change (meter exchange) within the period: the old register's last value
    /// and the new one's first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<(NaiveDate, Decimal, Decimal)>,
    /// Intervals found, and expected, for interval data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intervals: Option<(u64, u64)>,
    /// The period registers at the opening and closing readings, where the meter has them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub start_periods: BTreeMap<TouPeriod, Decimal>,
    /// The period registers at the closing reading.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub end_periods: BTreeMap<TouPeriod, Decimal>,
    /// The reactive register at the opening and closing readings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reactive: Option<(Decimal, Decimal)>,
    /// The maximum demand register at the closing reading (kW, before the multiplier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub demand: Option<Decimal>,
}

/// How a bill's energy was measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Metering {
    /// Per meter.
    pub meters: Vec<MeterUse>,
    /// The energy billed, by period where the tariff needs it.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub metered: Metered,
}

/// An adjustment carried by a bill: a refund (negative) or back-billing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdjustmentLine {
    /// Its number.
    pub id: i64,
    /// Why, as the operator wrote it.
    pub reason: String,
    /// The amount.
    pub amount: Money,
}

/// A bill's lines as stored: the tariff's charges, then adjustments.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillLines {
    /// The tariff's charge lines.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub charges: Vec<ChargeLine>,
    /// Adjustments.
    pub adjustments: Vec<AdjustmentLine>,
}

/// A credit note cancelling a bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreditNote {
    /// The amount credited (the bill's total, negated).
    pub amount: Money,
    /// Why.
    pub reason: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A bill with everything on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillDetail {
    /// The summary.
    pub summary: BillSummary,
    /// The account holder.
    pub holder_name: String,
    /// The supply address.
    pub supply_address: String,
    /// The tariff's code and names.
    pub tariff_code: String,
    /// The tariff's Chinese name.
    pub tariff_name_zh: String,
    /// The tariff's English name.
    pub tariff_name_en: String,
    /// The readings and energy.
    pub metering: Metering,
    /// Every line.
    pub lines: BillLines,
    /// The credit note, if the bill was cancelled.
    pub credit_note: Option<CreditNote>,
    /// The rebill that replaced it, if any.
    pub replaced_by: Option<i64>,
    /// When it was issued.
    pub issued_at: Option<DateTime<Utc>>,
}

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

/// An operator's decision on a held bill, or the cancellation of an issued one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum BillAction {
    /// Issue a held bill as it is.
    Release,
    /// Cancel the bill with a credit note and compute it again from the readings now
    /// stored (a corrected reading, a corrected tariff).
    CreditAndRebill {
        /// Why, for the customer and the audit log.
        reason: String,
    },
}

/// A refund or back-billing for an account's next bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewAdjustment {
    /// The account.
    pub account_no: String,
    /// Yuan: negative refunds, positive back-bills.
    pub amount: Money,
    /// Why.
    pub reason: String,
}

/// The largest refund or back-billing, in fen (¥1,000,000).
pub const ADJUSTMENT_MAX_FEN: i64 = 100_000_000;

impl NewAdjustment {
    /// Checks the request (the browser for instant feedback, the server as the authority);
    /// answers the amount in fen and the trimmed reason.
    pub fn validate(&self) -> Result<(i64, &str), Vec<crate::validation::FieldError>> {
        use crate::validation::{FieldError, Problem};
        let reason = self.reason.trim();
        let mut fields = Vec::new();
        let fen = self
            .amount
            .to_fen()
            .filter(|f| *f != 0 && f.abs() <= ADJUSTMENT_MAX_FEN && self.amount == self.amount.round_to_fen());
        if fen.is_none() {
            fields.push(FieldError::new("amount", Problem::InvalidAmount));
        }
        if reason.is_empty() {
            fields.push(FieldError::new("reason", Problem::Required));
        } else if reason.chars().count() > 500 {
            fields.push(FieldError::new("reason", Problem::TooLong));
        }
        match fen {
            Some(fen) if fields.is_empty() => Ok((fen, reason)),
            _ => Err(fields),
        }
    }
}

named_set! {
    /// Where a refund or back-billing stands. One above the approval threshold waits for a
    /// second billing operator (four eyes); only an approved one is carried by a bill.
    AdjustmentStatus {
        /// Waiting for another operator's approval.
        Pending = "pending",
        /// Approved (or below the threshold): the account's next bill carries it.
        Approved = "approved",
        /// Refused by the second operator: never carried.
        Rejected = "rejected",
    }
}

impl AdjustmentStatus {
    /// The status a new adjustment of `amount` starts in: above `threshold` either way
    /// (a refund or a back-bill) it waits for a second operator; up to it, it stands.
    pub fn on_request(amount: Money, threshold: Money) -> AdjustmentStatus {
        if amount.yuan().abs() > threshold.yuan() { AdjustmentStatus::Pending } else { AdjustmentStatus::Approved }
    }
}

/// A refund or back-billing as recorded: the answer to its request, and a line of the
/// pending list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdjustmentView {
    /// Its number.
    pub id: i64,
    /// The account.
    pub account_no: String,
    /// Yuan: negative refunds, positive back-bills.
    pub amount: Money,
    /// Why.
    pub reason: String,
    /// Pending, approved or rejected.
    pub status: AdjustmentStatus,
    /// Who asked for it.
    pub requested_by: String,
    /// When.
    pub requested_at: DateTime<Utc>,
    /// Who approved or rejected it, once decided by a second operator.
    pub decided_by: Option<String>,
}

named_set! {
    /// A second operator's decision on a pending adjustment.
    AdjustmentDecision {
        /// The next bill carries it.
        Approve = "approve",
        /// It is never carried.
        Reject = "reject",
    }
}

/// The body of a decision on a pending adjustment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecideAdjustment {
    /// Approve or reject.
    pub decision: AdjustmentDecision,
}

/// Holds or releases an account's bills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountHold {
    /// Hold (`true`, with a reason) or release (`false`).
    pub hold: bool,
    /// Why, when holding.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A tariff version as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TariffVersionView {
    /// Its number.
    pub id: i64,
    /// First day in force.
    pub effective_from: NaiveDate,
    /// Last day in force, if replaced.
    pub effective_to: Option<NaiveDate>,
    /// The numbers.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub tariff: Tariff,
    /// Who published it.
    pub created_by: String,
}

/// A tariff and its versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TariffView {
    /// Its code.
    pub code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// The kind of the version in force today (or the latest).
    pub kind: Option<TariffKind>,
    /// The customer class that may choose it.
    pub for_class: Option<String>,
    /// Versions, oldest first.
    pub versions: Vec<TariffVersionView>,
}

/// A new tariff (its first version comes separately).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewTariff {
    /// A code of lower-case letters, digits and hyphens.
    pub code: String,
    /// Chinese name.
    pub name_zh: String,
    /// English name.
    pub name_en: String,
    /// The customer class that may choose it.
    pub for_class: Option<String>,
}

/// A new version of a tariff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewTariffVersion {
    /// First day in force.
    pub effective_from: NaiveDate,
    /// Last day in force, if known.
    pub effective_to: Option<NaiveDate>,
    /// The structure and numbers.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub tariff: Tariff,
}

/// Sets an account's tariff and reading day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountBilling {
    /// The tariff's code.
    pub tariff_code: String,
    /// The reading day (1–28).
    pub reading_day: u32,
}

/// A meter exchange or register reset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeterChange {
    /// The day of the change.
    pub changed_on: NaiveDate,
    /// The old register's last value.
    pub final_reading: String,
    /// The new register's first value.
    pub start_reading: String,
    /// Why.
    pub reason: String,
}

/// A month's energy beside the same month a year before.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthUsage {
    /// The billing period, `YYYY-MM`.
    pub period: String,
    /// Energy billed (kWh); `None` without a bill.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub kwh: Option<Decimal>,
    /// The same period a year before.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub last_year_kwh: Option<Decimal>,
    /// The bill's amount.
    pub amount: Option<Money>,
}

/// A day's energy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayUsage {
    /// The day.
    pub day: NaiveDate,
    /// Energy (kWh).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kwh: Decimal,
}

/// Where this year's energy stands in the tiers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TierPosition {
    /// The tier year.
    pub year: i32,
    /// Energy billed in it so far (kWh).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub used_kwh: Decimal,
    /// The tier that energy reaches (1-based).
    pub tier: u8,
    /// The bound of that tier (kWh), if it has one.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub tier_bound_kwh: Option<Decimal>,
    /// Every bound, for a gauge.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub bounds: Vec<Decimal>,
}

/// What the last twelve bills would have cost on a tariff the account may choose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TariffOption {
    /// The tariff.
    pub code: String,
    /// Its Chinese name.
    pub name_zh: String,
    /// Its English name.
    pub name_en: String,
    /// The account's tariff now.
    pub current: bool,
    /// The cost of the same energy over the same periods; `None` when the meter cannot
    /// tell what the tariff needs (energy by time of use).
    pub cost: Option<Money>,
    /// Bills the comparison covers.
    pub bills: u32,
}

/// An account's usage: months, days, tiers, and the tariff comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UsageView {
    /// The account.
    pub account_no: String,
    /// The last twelve periods, oldest first.
    pub months: Vec<MonthUsage>,
    /// The last ninety days with a reading, oldest first (empty without daily readings).
    pub days: Vec<DayUsage>,
    /// Whether 15-minute data exist (a load curve can be drawn).
    pub interval_data: bool,
    /// The tier position, under an annual tiered tariff.
    pub tier: Option<TierPosition>,
    /// The tariffs the account may choose, cheapest first.
    pub comparison: Vec<TariffOption>,
}

/// One 15-minute point of a load curve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoadPoint {
    /// Local start, `HH:MM`.
    pub time: String,
    /// Average demand (kW).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kw: Decimal,
}

/// A day's load curve of an interval-metered account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoadCurve {
    /// The day.
    pub day: NaiveDate,
    /// The points, in time order.
    pub points: Vec<LoadPoint>,
    /// Energy of the day (kWh).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub kwh: Decimal,
    /// The highest demand and when.
    pub max_demand: Option<(Decimal, String)>,
    /// The day's power factor.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub power_factor: Option<Decimal>,
}

/// One account in an organisation's billing table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgBillRow {
    /// The account.
    pub account_no: String,
    /// Its supply address.
    pub supply_address: String,
    /// Its latest bill, if any.
    pub bill: Option<BillSummary>,
}

/// An organisation's accounts with their latest bills and the totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgBills {
    /// One row per account.
    pub rows: Vec<OrgBillRow>,
    /// Energy of the latest bills (kWh).
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub energy_kwh: Decimal,
    /// Their amounts.
    pub total: Money,
    /// Still to pay.
    pub outstanding: Money,
}

/// Issues a token for one of the utility's systems (the metering system posting readings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewIntegrationToken {
    /// What it is for ("用电信息采集系统").
    pub name: String,
    /// The supply station whose meters it may post readings for; none for all.
    #[serde(default)]
    pub region: Option<String>,
    /// Days until it expires, 1 to 366.
    pub expires_in_days: u32,
}

/// An integration token as listed (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntegrationTokenInfo {
    /// Its number.
    pub id: i64,
    /// What it is for.
    pub name: String,
    /// Its first characters, to recognise it.
    pub prefix: String,
    /// The supply station it is limited to.
    pub region: Option<String>,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
    /// When it was revoked.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it was last used.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A new integration token: the secret is shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedIntegrationToken {
    /// The secret, for `Authorization: Bearer gint_…`.
    pub token: String,
    /// The token as listed.
    pub info: IntegrationTokenInfo,
}

/// Parses a `YYYY-MM` period.
pub fn parse_period(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d")
        .ok()
        .filter(|d| (2000..2100).contains(&chrono::Datelike::year(d)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readings_are_plain_decimals_to_the_thousandth() {
        assert_eq!(parse_reading("1234.5"), Ok(1_234_500));
        assert_eq!(parse_reading(" 0 "), Ok(0));
        assert_eq!(parse_reading("12.345"), Ok(12_345));
        assert_eq!(parse_reading("12.3450"), Ok(12_345));
        assert_eq!(parse_reading("-3"), Err(RejectReason::Negative));
        for bad in ["1e400", "NaN", "inf", "", "12,5", "0x10", "12.3456", "1000000000000", "1e3"] {
            assert_eq!(parse_reading(bad), Err(RejectReason::BadNumber), "{bad}");
        }
        assert_eq!(from_milli(1_234_500), Decimal::new(12345, 1));
    }

    #[test]
    fn days_periods_and_quarter_hours() {
        assert_eq!(parse_period("2026-10"), NaiveDate::from_ymd_opt(2026, 10, 1));
        assert_eq!(parse_period("2026-13"), None);
        assert_eq!(parse_day("2026/10/05"), NaiveDate::from_ymd_opt(2026, 10, 5));
        assert!(parse_interval_start("2026-10-05T10:15").is_some());
        assert!(parse_interval_start("2026-10-05 10:15:00").is_some());
        assert!(parse_interval_start("2026-10-05T10:10").is_none());
    }
}
