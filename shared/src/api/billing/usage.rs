//! Usage: months, days, the tier position, other tariffs, the load curve; an
//! organisation's bills.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::Money;

use super::*;

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
