//! Figures: the supervisor's dashboard (open work by class and step, share finished within
//! the limit, average working days by class and step, the overdue list) and the published
//! statistics (业扩时限达标率, 平均接电时间) anyone may read.

use crate::context::Ctx;
use shared::api::applications::{
    ClassFigures, Dashboard, OpenCount, PublicStatistics, QueueQuery, StepAverage, Timeliness,
};
use shared::connection::CustomerClass;
use shared::validation::format_day;
use sqlx::Row;

use super::parse;
use crate::clock::day_of;
use crate::services::Outcome;
use crate::services::sessions::SessionUser;

/// How far back the finished figures look.
const YEAR_SECONDS: i64 = 365 * 24 * 3600;

fn average(total: i64, count: i64) -> Option<f64> {
    // One decimal, as published.
    if count == 0 { None } else { Some((total as f64 / count as f64 * 10.0).round() / 10.0) }
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Finished applications since `since`, by class (optionally within regions).
async fn class_figures(ctx: &Ctx, since: i64, regions: Option<String>) -> Outcome<Vec<ClassFigures>> {
    let rows = sqlx::query(
        "SELECT customer_class, COUNT(*) AS finished, CAST(COALESCE(SUM(within_limit), 0) AS BIGINT) AS within_limit,
                CAST(COALESCE(SUM(utility_days), 0) AS BIGINT) AS days
           FROM applications
          WHERE status = 'completed' AND finished_at >= $1
            AND ($2 IS NULL OR ',' || $2 || ',' LIKE '%,' || region || ',%')
          GROUP BY customer_class",
    )
    .bind(since)
    .bind(regions)
    .fetch_all(ctx.db.pool())
    .await?;
    let mut figures = Vec::new();
    for class in CustomerClass::ALL {
        let row =
            rows.iter().find(|r| r.try_get::<String, _>("customer_class").ok().as_deref() == Some(class.as_str()));
        let (finished, within, days) = match row {
            Some(r) => {
                (r.try_get::<i64, _>("finished")?, r.try_get::<i64, _>("within_limit")?, r.try_get::<i64, _>("days")?)
            }
            None => (0, 0, 0),
        };
        figures.push(ClassFigures {
            customer_class: *class,
            finished: count(finished),
            within_limit: count(within),
            average_days: average(days, finished),
        });
    }
    Ok(figures)
}

/// The published figures for the last 12 months.
pub async fn public(ctx: &Ctx) -> Outcome<PublicStatistics> {
    let since = ctx.now() - YEAR_SECONDS;
    Ok(PublicStatistics {
        from: day_of(since, ctx.zone()),
        to: ctx.today(),
        classes: class_figures(ctx, since, None).await?,
    })
}

/// The dashboard, limited to the caller's regions.
pub async fn dashboard(ctx: &Ctx, user: &SessionUser) -> Outcome<Dashboard> {
    let regions = if user.regions.is_empty() { None } else { Some(user.regions.join(",")) };
    let today = format_day(ctx.today());
    let since = ctx.now() - YEAR_SECONDS;
    let open = sqlx::query(
        "SELECT customer_class, current_step, COUNT(*) AS n,
                CAST(COALESCE(SUM(CASE WHEN due_day < $1 THEN 1 ELSE 0 END), 0) AS BIGINT) AS overdue
           FROM applications
          WHERE status IN ('submitted', 'in_progress')
            AND ($2 IS NULL OR ',' || $2 || ',' LIKE '%,' || region || ',%')
          GROUP BY customer_class, current_step
          ORDER BY customer_class, current_step",
    )
    .bind(&today)
    .bind(regions.clone())
    .fetch_all(ctx.db.pool())
    .await?
    .iter()
    .map(|r| {
        let step: Option<String> = r.try_get("current_step")?;
        Ok(OpenCount {
            customer_class: parse(&r.try_get::<String, _>("customer_class")?)?,
            step: step.map(|s| parse(&s)).transpose()?,
            count: count(r.try_get("n")?),
            overdue: count(r.try_get("overdue")?),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let steps = sqlx::query(
        "SELECT a.customer_class, s.step, COUNT(*) AS n, CAST(COALESCE(SUM(s.utility_days), 0) AS BIGINT) AS days
           FROM application_steps s JOIN applications a ON a.id = s.application_id
          WHERE s.state = 'done' AND s.finished_at >= $1
            AND ($2 IS NULL OR ',' || $2 || ',' LIKE '%,' || a.region || ',%')
          GROUP BY a.customer_class, s.step
          ORDER BY a.customer_class, s.step",
    )
    .bind(since)
    .bind(regions.clone())
    .fetch_all(ctx.db.pool())
    .await?
    .iter()
    .map(|r| {
        let n: i64 = r.try_get("n")?;
        Ok(StepAverage {
            customer_class: parse(&r.try_get::<String, _>("customer_class")?)?,
            step: parse(&r.try_get::<String, _>("step")?)?,
            finished: count(n),
            average_days: average(r.try_get("days")?, n).unwrap_or(0.0),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let overdue =
        super::staff::queue(ctx, user, &QueueQuery { timeliness: Some(Timeliness::Overdue), ..QueueQuery::default() })
            .await?
            .items;
    Ok(Dashboard { open, classes: class_figures(ctx, since, regions).await?, steps, overdue })
}
