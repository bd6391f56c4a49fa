//! The deadline scanner: warns a step's owner when it is due within one working day and
//! escalates to the region's supervisors (and the owner) once it is overdue, in the app
//! and by email. Each alert is claimed by inserting its row in `deadline_alerts` (one per
//! application, step, level and due day) in the transaction that writes the notices, so
//! with any number of servers each is sent once; a step whose due day moves (time with the
//! customer) may be warned again for its new day.

use std::time::Duration;

use shared::api::applications::reference;
use shared::connection::Step;
use shared::i18n::connection as names;
use shared::validation::format_day;
use shared::{Locale, roles::StaffRole};
use sqlx::Row;
use tokio::sync::watch;

use super::pause;
use crate::context::Ctx;
use crate::services::applications::page_link;
use crate::services::notices::{self, Email};
use crate::services::{Fail, Outcome};

/// How often each server scans.
pub const INTERVAL: Duration = Duration::from_secs(300);

/// What one scan sent.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Scan {
    /// Warnings to owners.
    pub warnings: u32,
    /// Escalations of overdue steps.
    pub escalations: u32,
}

/// Runs until told to stop.
pub async fn run(ctx: Ctx, mut stopped: watch::Receiver<bool>) {
    loop {
        match scan(&ctx).await {
            Ok(scan) if scan != Scan::default() => tracing::info!(?scan, "deadline alerts sent"),
            Ok(_) => {}
            Err(error) => tracing::warn!(?error, "deadline scan failed; will retry"),
        }
        if !pause(&mut stopped, INTERVAL).await {
            break;
        }
    }
}

struct Due {
    application_id: i64,
    step: Step,
    due_day: String,
    owner_id: Option<i64>,
    region: Option<String>,
}

/// One pass over the open steps.
pub async fn scan(ctx: &Ctx) -> Outcome<Scan> {
    let calendar = ctx.calendar().await?;
    let today = ctx.today();
    let soon = format_day(calendar.add_working_days(today, 1));
    let today = format_day(today);
    let rows = sqlx::query(
        "SELECT s.application_id, s.step, s.due_day, s.owner_id, a.region
           FROM application_steps s JOIN applications a ON a.id = s.application_id
          WHERE s.state = 'open' AND s.due_day <= $1
            AND NOT EXISTS (SELECT 1 FROM deadline_alerts d
                             WHERE d.application_id = s.application_id AND d.step = s.step AND d.due_day = s.due_day
                               AND d.level = CASE WHEN s.due_day < $2 THEN 'overdue' ELSE 'warning' END)
          ORDER BY s.due_day LIMIT 500",
    )
    .bind(&soon)
    .bind(&today)
    .fetch_all(ctx.db.pool())
    .await?;
    let mut sent = Scan::default();
    for row in rows {
        let due = Due {
            application_id: row.try_get("application_id")?,
            step: row
                .try_get::<String, _>("step")?
                .parse()
                .map_err(|_| Fail::Internal(anyhow::anyhow!("unknown step")))?,
            due_day: row.try_get("due_day")?,
            owner_id: row.try_get("owner_id")?,
            region: row.try_get("region")?,
        };
        let overdue = due.due_day < today;
        if alert(ctx, &due, overdue).await? {
            if overdue {
                sent.escalations += 1;
            } else {
                sent.warnings += 1;
            }
        }
    }
    Ok(sent)
}

/// Claims and sends one alert; answers whether this server sent it.
async fn alert(ctx: &Ctx, due: &Due, overdue: bool) -> Outcome<bool> {
    let mut tx = ctx.db.begin().await?;
    let claimed = sqlx::query(
        "INSERT INTO deadline_alerts (application_id, step, level, due_day, sent_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING",
    )
    .bind(due.application_id)
    .bind(due.step.as_str())
    .bind(if overdue { "overdue" } else { "warning" })
    .bind(&due.due_day)
    .bind(ctx.now())
    .execute(&mut *tx)
    .await?;
    if claimed.rows_affected() != 1 {
        return Ok(false);
    }
    let mut recipients: Vec<i64> = due.owner_id.into_iter().collect();
    if overdue || due.owner_id.is_none() {
        // Supervisors of the region (or of every region).
        let supervisors: Vec<i64> = sqlx::query_scalar(
            "SELECT r.user_id FROM staff_roles r JOIN users u ON u.id = r.user_id
              WHERE r.role = $1 AND u.disabled_at IS NULL
                AND (NOT EXISTS (SELECT 1 FROM staff_regions g WHERE g.user_id = r.user_id)
                     OR EXISTS (SELECT 1 FROM staff_regions g WHERE g.user_id = r.user_id AND g.region = $2))",
        )
        .bind(StaffRole::Supervisor.as_str())
        .bind(&due.region)
        .fetch_all(&mut *tx)
        .await?;
        recipients.extend(supervisors.into_iter().filter(|s| Some(*s) != due.owner_id));
    }
    let reference = reference(due.application_id);
    for recipient in recipients {
        let (reference, step, day) = (reference.clone(), due.step, due.due_day.clone());
        notices::notify(ctx,
            &mut tx,
            recipient,
            &format!("application:{}", due.application_id),
            Email::Always,
            &page_link(due.application_id, shared::connection::Party::Utility),
            move |locale| {
                let step = names::step(locale, step);
                match (overdue, locale) {
                    (true, Locale::Zh) => {
                        (format!("超期告警：{reference} {step}"), format!("业扩申请 {reference} 的“{step}”环节已超过时限（{day}），请立即处理。"))
                    }
                    (true, Locale::En) => (
                        format!("Overdue: {reference} {step}"),
                        format!("The {step} step of connection application {reference} passed its limit ({day}). Please act now."),
                    ),
                    (false, Locale::Zh) => {
                        (format!("即将到期：{reference} {step}"), format!("业扩申请 {reference} 的“{step}”环节将于 {day} 到期，请及时办理。"))
                    }
                    (false, Locale::En) => (
                        format!("Due soon: {reference} {step}"),
                        format!("The {step} step of connection application {reference} is due on {day}."),
                    ),
                }
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(true)
}
