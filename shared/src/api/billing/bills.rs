//! Bills as their readers see them: the summary, the lines, the metering, credit notes.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::Money;
use crate::roles::{UnknownName, named_set};
use crate::tariff::{ChargeLine, Metered, TouPeriod};

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
