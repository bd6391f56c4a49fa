//! The working-day calendar as stored: one row a year. The official years ship in
//! `shared::calendar::official_years` and are written at start-up when missing; an
//! administrator adds later years (and may correct one), each change audited.

use serde_json::json;
use shared::calendar::{WorkingCalendar, YearCalendar};
use sqlx::Row;

use super::{Actor, Fail, Outcome, audit, now};
use crate::db::Db;

/// Writes the official years that the table lacks (an administrator's later edit wins).
pub async fn ensure_official(db: &Db) -> Result<(), sqlx::Error> {
    for year in shared::calendar::official_years() {
        let body = serde_json::to_string(&year).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        sqlx::query(
            "INSERT INTO calendar_years (year, body, source, updated_at, updated_by)
             VALUES ($1, $2, 'State Council notice', $3, 'gridhall') ON CONFLICT (year) DO NOTHING",
        )
        .bind(i64::from(year.year))
        .bind(body)
        .bind(now())
        .execute(db.pool())
        .await?;
    }
    Ok(())
}

/// Every year entered, in order.
pub async fn years(db: &Db) -> Outcome<Vec<YearCalendar>> {
    let rows = sqlx::query("SELECT body FROM calendar_years ORDER BY year").fetch_all(db.pool()).await?;
    rows.iter()
        .map(|row| {
            let body: String = row.try_get("body")?;
            serde_json::from_str(&body).map_err(|e| Fail::Internal(anyhow::anyhow!("calendar row: {e}")))
        })
        .collect()
}

/// The calendar over every year entered. A few rows: read per use, so every server agrees
/// at once after an administrator's change.
pub async fn load(db: &Db) -> Outcome<WorkingCalendar> {
    Ok(WorkingCalendar::new(&years(db).await?))
}

/// Enters or replaces a year.
pub async fn put_year(db: &Db, actor: &Actor, year: &YearCalendar) -> Outcome<()> {
    year.validate().map_err(Fail::Fields)?;
    let body = serde_json::to_string(year).map_err(|e| Fail::Internal(e.into()))?;
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO calendar_years (year, body, source, updated_at, updated_by) VALUES ($1, $2, 'administrator', $3, $4)
         ON CONFLICT (year) DO UPDATE SET body = excluded.body, source = excluded.source,
                                          updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(i64::from(year.year))
    .bind(&body)
    .bind(now())
    .bind(&actor.label)
    .execute(&mut *tx)
    .await?;
    audit::record(&mut tx, actor, "calendar.year_set", audit::Subject::Calendar(year.year), json!({"body": year}))
        .await?;
    tx.commit().await?;
    Ok(())
}
