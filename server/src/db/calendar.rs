//! The `calendar_years` table: one row a year of the working-day calendar, its body the
//! JSON of `shared::calendar::YearCalendar`.

use shared::calendar::YearCalendar;
use sqlx::Row;

use super::Db;

/// Every year entered, in order. A body that does not parse is an error naming the year.
pub async fn years(db: &Db) -> Result<Vec<YearCalendar>, sqlx::Error> {
    let rows = sqlx::query("SELECT year, body FROM calendar_years ORDER BY year").fetch_all(db.pool()).await?;
    rows.iter()
        .map(|row| {
            let year: i64 = row.try_get("year")?;
            let body: String = row.try_get("body")?;
            serde_json::from_str(&body).map_err(|e| super::decode::bad_value("calendar_years", year, "body", e))
        })
        .collect()
}

/// Writes the official years (shipped in `shared::calendar::official_years`) that the table
/// lacks; an administrator's later edit of a year wins. Run at start-up.
pub async fn ensure_official(db: &Db, now: i64) -> Result<(), sqlx::Error> {
    for year in shared::calendar::official_years() {
        let body = serde_json::to_string(&year).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
        sqlx::query(
            "INSERT INTO calendar_years (year, body, source, updated_at, updated_by)
             VALUES ($1, $2, 'State Council notice', $3, 'gridhall') ON CONFLICT (year) DO NOTHING",
        )
        .bind(i64::from(year.year))
        .bind(body)
        .bind(now)
        .execute(db.pool())
        .await?;
    }
    Ok(())
}
