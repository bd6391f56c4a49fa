//! Tariffs and their versions, an account's billing settings, meter changes.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::tariff::{Tariff, TariffKind};

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
