//! The audit log: who did what, when, from where. Rows are only ever added (the database
//! refuses updates and deletes), in the same transaction as the change they record.

use serde_json::Value;
use shared::api::staff::{AuditEntry, AuditPage, AuditQuery};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{Actor, Outcome, now, utc};
use crate::db::Db;

/// Entries per page of the audit log.
pub const PAGE_SIZE: i64 = 50;

/// Adds an entry. `subject` names what was acted on (`user:12`, `account:3100012345`).
pub async fn record(
    conn: &mut AnyConnection,
    actor: &Actor,
    action: &str,
    subject: &str,
    detail: Value,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor_label, ip, action, subject, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(now())
    .bind(actor.user_id)
    .bind(&actor.label)
    .bind(&actor.ip)
    .bind(action)
    .bind(subject)
    .bind(detail.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// Adds an entry on its own (for events that change nothing else, such as a failed login).
pub async fn record_alone(db: &Db, actor: &Actor, action: &str, subject: &str, detail: Value) -> Outcome<()> {
    let mut conn = db.pool().acquire().await?;
    record(&mut conn, actor, action, subject, detail).await?;
    Ok(())
}

/// A page of entries, newest first, filtered as asked.
pub async fn search(db: &Db, query: &AuditQuery) -> Outcome<AuditPage> {
    // Filters are bound parameters; an absent one is NULL and matches everything.
    let actor =
        query.actor.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| format!("%{}%", escape_like(s)));
    let action =
        query.action.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| format!("{}%", escape_like(s)));
    let subject = query.subject.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let rows = sqlx::query(
        "SELECT id, at, actor_label, ip, action, subject, detail FROM audit_log
          WHERE ($1 IS NULL OR actor_label LIKE $1 ESCAPE '\\')
            AND ($2 IS NULL OR action LIKE $2 ESCAPE '\\')
            AND ($3 IS NULL OR subject = $3)
            AND ($4 IS NULL OR id < $4)
          ORDER BY id DESC
          LIMIT $5",
    )
    .bind(actor)
    .bind(action)
    .bind(subject)
    .bind(query.before)
    .bind(PAGE_SIZE + 1)
    .fetch_all(db.pool())
    .await?;
    let mut entries = rows.iter().map(entry_from_row).collect::<Result<Vec<_>, _>>()?;
    let next_before = if entries.len() > PAGE_SIZE as usize {
        entries.truncate(PAGE_SIZE as usize);
        entries.last().map(|e| e.id)
    } else {
        None
    };
    Ok(AuditPage { entries, next_before })
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

fn entry_from_row(row: &AnyRow) -> Result<AuditEntry, sqlx::Error> {
    Ok(AuditEntry {
        id: row.try_get("id")?,
        at: utc(row.try_get("at")?),
        actor: row.try_get("actor_label")?,
        ip: row.try_get("ip")?,
        action: row.try_get("action")?,
        subject: row.try_get("subject")?,
        detail: row.try_get("detail")?,
    })
}
