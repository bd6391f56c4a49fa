//! The working-day calendar as stored: one row a year. The official years ship in
//! `shared::calendar::official_years` and are written at start-up when missing
//! (`crate::startup`); an administrator adds later years (and may correct one), each change
//! audited. Services read the calendar through the context's cache (`Ctx::calendar`).

use serde_json::json;
use shared::calendar::YearCalendar;

use super::{Actor, Fail, Outcome, audit};
use crate::context::Ctx;

/// Every year entered, in order.
pub async fn years(ctx: &Ctx) -> Outcome<Vec<YearCalendar>> {
    Ok(crate::db::calendar::years(&ctx.db).await?)
}

/// Enters or replaces a year.
pub async fn put_year(ctx: &Ctx, actor: &Actor, year: &YearCalendar) -> Outcome<()> {
    year.validate().map_err(Fail::Fields)?;
    let body = serde_json::to_string(year).map_err(|e| Fail::Internal(e.into()))?;
    let mut tx = ctx.db.begin().await?;
    sqlx::query(
        "INSERT INTO calendar_years (year, body, source, updated_at, updated_by) VALUES ($1, $2, 'administrator', $3, $4)
         ON CONFLICT (year) DO UPDATE SET body = excluded.body, source = excluded.source,
                                          updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(i64::from(year.year))
    .bind(&body)
    .bind(ctx.now())
    .bind(&actor.label)
    .execute(&mut *tx)
    .await?;
    audit::record(ctx, &mut tx, actor, "calendar.year_set", audit::Subject::Calendar(year.year), json!({"body": year}))
        .await?;
    tx.commit().await?;
    ctx.forget_calendar();
    Ok(())
}
