//! The `service_commitments` table: versioned configuration rows, never edited in place.

use chrono::{NaiveDate, SecondsFormat};
use shared::validation::{format_day, parse_day};
use shared::{Commitment, LimitUnit, ServiceArea};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::Db;

/// Every version of every commitment, in display order (then by code and version). Which
/// one is in force on a day is decided by [`shared::in_force_on`].
pub async fn all_versions(db: &Db) -> Result<Vec<Commitment>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT code, area, limit_value, unit, version, effective_from
           FROM service_commitments
          ORDER BY sort_order, code, version",
    )
    .fetch_all(db.pool())
    .await?;
    rows.iter().map(commitment_from_row).collect()
}

/// A new version of a commitment, taking effect on `effective_from`.
#[derive(Debug, Clone)]
pub struct NewVersion<'a> {
    /// Which commitment.
    pub code: &'a str,
    /// Its area.
    pub area: ServiceArea,
    /// The new limit.
    pub limit: u32,
    /// Its unit.
    pub unit: LimitUnit,
    /// The first day it applies.
    pub effective_from: NaiveDate,
    /// Where the change comes from (a notice, a decision), for the record.
    pub source: &'a str,
}

/// Adds a version of a commitment (numbered after the last one) and returns its number.
/// Earlier versions stay, so answers for past days do not change.
pub async fn add_version(conn: &mut AnyConnection, new: &NewVersion<'_>, now: i64) -> Result<u32, sqlx::Error> {
    let (version, sort_order): (i64, i64) = {
        let row = sqlx::query(
            "SELECT CAST(COALESCE(MAX(version), 0) + 1 AS BIGINT) AS next_version,
                    CAST(COALESCE(MAX(sort_order), (SELECT COALESCE(MAX(sort_order), 0) + 10 FROM service_commitments)) AS BIGINT) AS sort_order
               FROM service_commitments WHERE code = $1",
        )
        .bind(new.code)
        .fetch_one(&mut *conn)
        .await?;
        (row.try_get("next_version")?, row.try_get("sort_order")?)
    };
    sqlx::query(
        "INSERT INTO service_commitments
             (code, area, limit_value, unit, version, effective_from, sort_order, source, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(new.code)
    .bind(new.area.as_str())
    .bind(i64::from(new.limit))
    .bind(new.unit.as_str())
    .bind(version)
    .bind(format_day(new.effective_from))
    .bind(sort_order)
    .bind(new.source)
    .bind(chrono::DateTime::from_timestamp(now, 0).unwrap_or_default().to_rfc3339_opts(SecondsFormat::Secs, true))
    .execute(&mut *conn)
    .await?;
    u32::try_from(version).map_err(|e| sqlx::Error::Decode(Box::new(e)))
}

/// Whether a version of `code` taking effect on `effective_from` with this limit exists.
pub async fn version_exists(db: &Db, code: &str, effective_from: NaiveDate, limit: u32) -> Result<bool, sqlx::Error> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM service_commitments WHERE code = $1 AND effective_from = $2 AND limit_value = $3",
    )
    .bind(code)
    .bind(format_day(effective_from))
    .bind(i64::from(limit))
    .fetch_one(db.pool())
    .await?;
    Ok(count > 0)
}

/// Maps a row to the domain type: the one place this table's columns are interpreted.
fn commitment_from_row(row: &AnyRow) -> Result<Commitment, sqlx::Error> {
    let bad = |column: &str, value: &dyn std::fmt::Display| sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: format!("unexpected value {value}").into(),
    };
    let code: String = row.try_get("code")?;
    let area: String = row.try_get("area")?;
    let unit: String = row.try_get("unit")?;
    let limit: i64 = row.try_get("limit_value")?;
    let version: i64 = row.try_get("version")?;
    let effective_from: String = row.try_get("effective_from")?;
    Ok(Commitment {
        code: code.parse().map_err(|_| bad("code", &code))?,
        area: area.parse().map_err(|_| bad("area", &area))?,
        limit: u32::try_from(limit).map_err(|_| bad("limit_value", &limit))?,
        unit: unit.parse().map_err(|_| bad("unit", &unit))?,
        version: u32::try_from(version).map_err(|_| bad("version", &version))?,
        effective_from: parse_day(&effective_from).ok_or_else(|| bad("effective_from", &effective_from))?,
    })
}
