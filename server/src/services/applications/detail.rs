//! The one view of an application that applicant and staff both read (`ApplicationDetail`):
//! its summary, steps with their clocks, documents, offers, history and follow-up. A read
//! model of its own, so the applicant's and the staff's services both use it and neither
//! imports the other.

use shared::Money;
use shared::api::applications::{
    Acceptance, ApplicationDetail, DocumentView, FollowUp, HistoryEntry, OfferView, StepView,
};
use shared::roles::UserKind;
use shared::validation::parse_day;
use sqlx::{AnyConnection, Row};

use super::{SUMMARY_COLUMNS, load_visible, summary_from_row};
use crate::context::Ctx;
use crate::services::audit::{self, Subject};
use crate::services::sessions::SessionUser;
use crate::services::{Actor, Outcome, utc};

fn money(fen: Option<i64>) -> Option<Money> {
    fen.map(Money::from_fen)
}

/// One application as `user` may see it; a read by staff is audited.
pub async fn read(ctx: &Ctx, actor: &Actor, user: &SessionUser, id: i64) -> Outcome<ApplicationDetail> {
    let mut conn = ctx.db.pool().acquire().await?;
    let detail = detail(&mut conn, user, id).await?;
    drop(conn);
    audit::staff_read(ctx, actor, Some(user), "application.read", Subject::Application(id)).await?;
    Ok(detail)
}

/// Everything about one application, as a person may see it.
pub async fn detail(conn: &mut AnyConnection, user: &SessionUser, id: i64) -> Outcome<ApplicationDetail> {
    let app = load_visible(conn, user, id).await?;
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, a.total_due_day, a.utility_days AS used_utility, a.customer_days AS used_customer,
                a.fee_fen, a.created_account, a.meter_no, a.intake_warnings, a.follow_up_score, a.follow_up_comment,
                a.followed_up_at
           FROM applications a JOIN users u ON u.id = a.applicant_id LEFT JOIN users h ON h.id = a.handler_id
          WHERE a.id = $1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&mut *conn).await?;
    let summary = summary_from_row(&row)?;
    let effective = app.limits.as_ref().map(|l| if app.process.green_channel { l.halved() } else { l.clone() });
    let owners: Vec<(i64, String)> = sqlx::query(
        "SELECT DISTINCT u.id, u.display_name FROM application_steps s JOIN users u ON u.id = s.owner_id WHERE s.application_id = $1",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("display_name")?)))
    .collect::<Result<_, sqlx::Error>>()?;
    let steps = app
        .steps
        .iter()
        .map(|s| StepView {
            step: s.status.step,
            state: s.status.state,
            waiting: s.status.waiting,
            owner: s.owner_id.and_then(|o| owners.iter().find(|(id, _)| *id == o).map(|(_, n)| n.clone())),
            started_at: s.started_at.map(utc),
            due_day: s.due_day.as_deref().and_then(parse_day),
            finished_at: s.finished_at.map(utc),
            limit_days: effective.as_ref().map(|l| l.of(s.status.step)),
            utility_days: u32::try_from(s.utility_days).unwrap_or(0),
            customer_days: u32::try_from(s.customer_days).unwrap_or(0),
            note: s.outcome.clone(),
            offer_version: s.status.offer_version,
        })
        .collect();
    let offers = sqlx::query(
        "SELECT o.step, o.version, o.body, o.fee_fen, o.issued_at, o.accepted_at, o.accepted_ip, o.body_sha256,
                u.display_name AS accepted_name,
                (SELECT MAX(version) FROM application_offers x WHERE x.application_id = o.application_id AND x.step = o.step) AS latest
           FROM application_offers o LEFT JOIN users u ON u.id = o.accepted_by
          WHERE o.application_id = $1 ORDER BY o.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        let version: i64 = r.try_get("version")?;
        let latest: i64 = r.try_get("latest")?;
        let accepted_at: Option<i64> = r.try_get("accepted_at")?;
        Ok(OfferView {
            step: super::parse(&r.try_get::<String, _>("step")?)?,
            version: u32::try_from(version).unwrap_or(0),
            body: r.try_get("body")?,
            fee: money(r.try_get("fee_fen")?),
            issued_at: utc(r.try_get("issued_at")?),
            superseded: version < latest,
            accepted: match accepted_at {
                Some(at) => Some(Acceptance {
                    by: r.try_get::<Option<String>, _>("accepted_name")?.unwrap_or_default(),
                    at: utc(at),
                    ip: r.try_get::<Option<String>, _>("accepted_ip")?.unwrap_or_default(),
                    sha256: r.try_get("body_sha256")?,
                }),
                None => None,
            },
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let documents = sqlx::query(
        "SELECT id, kind, file_name, content_type, size_bytes, uploaded_at FROM application_documents
          WHERE application_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(DocumentView {
            id: r.try_get("id")?,
            kind: crate::db::decode::column(r, "application_documents", "id", "kind")?,
            file_name: r.try_get("file_name")?,
            content_type: r.try_get("content_type")?,
            size_bytes: r.try_get("size_bytes")?,
            uploaded_at: utc(r.try_get("uploaded_at")?),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let history = sqlx::query(
        "SELECT h.at, h.actor_id, h.actor_label, h.action, h.step, h.status_to, h.note, u.display_name, u.kind
           FROM application_history h LEFT JOIN users u ON u.id = h.actor_id
          WHERE h.application_id = $1 ORDER BY h.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        let step: Option<String> = r.try_get("step")?;
        let name: Option<String> = r.try_get("display_name")?;
        let label: String = r.try_get("actor_label")?;
        Ok(HistoryEntry {
            at: utc(r.try_get("at")?),
            actor: name.unwrap_or(label),
            action: crate::db::decode::column(r, "application_history", "id", "action")?,
            step: step.map(|s| super::parse(&s)).transpose()?,
            status: super::parse(&r.try_get::<String, _>("status_to")?)?,
            note: r.try_get("note")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let warnings: String = row.try_get("intake_warnings")?;
    let intake_warnings = if user.kind == UserKind::Staff {
        serde_json::from_str(&warnings)
            .map_err(|e| crate::db::decode::bad_value("applications", id, "intake_warnings", e))?
    } else {
        Vec::new()
    };
    let score: Option<i64> = row.try_get("follow_up_score")?;
    let follow_up = match (score, row.try_get::<Option<i64>, _>("followed_up_at")?) {
        (Some(score), Some(at)) => Some(FollowUp {
            score: u8::try_from(score).unwrap_or(0),
            comment: row.try_get::<Option<String>, _>("follow_up_comment")?.unwrap_or_default(),
            at: utc(at),
        }),
        _ => None,
    };
    let total_due: Option<String> = row.try_get("total_due_day")?;
    Ok(ApplicationDetail {
        summary,
        form: app.form.clone(),
        steps,
        limits: effective,
        total_due_day: total_due.as_deref().and_then(parse_day),
        utility_days: u32::try_from(row.try_get::<i64, _>("used_utility")?).unwrap_or(0),
        customer_days: u32::try_from(row.try_get::<i64, _>("used_customer")?).unwrap_or(0),
        fee: money(row.try_get("fee_fen")?),
        offers,
        documents,
        history,
        intake_warnings,
        created_account: row.try_get("created_account")?,
        meter_no: row.try_get("meter_no")?,
        follow_up,
    })
}
