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
    let region = region_of(conn, subject).await?;
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor_label, ip, action, subject, detail, region)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(now())
    .bind(actor.user_id)
    .bind(&actor.label)
    .bind(&actor.ip)
    .bind(action)
    .bind(subject)
    .bind(detail.to_string())
    .bind(region)
    .execute(conn)
    .await?;
    Ok(())
}

/// The supply station a subject belongs to, so that staff limited to stations read the
/// entries of theirs: an account's, a bill's or a meter's account's, an application's, an
/// integration token's. `None` for subjects of no one station (people, tariffs, the
/// calendar) and for anything not found.
async fn region_of(conn: &mut AnyConnection, subject: &str) -> Result<Option<String>, sqlx::Error> {
    let Some((kind, key)) = subject.split_once(':') else { return Ok(None) };
    let id = key.parse::<i64>().ok();
    let sql = match (kind, id) {
        ("account", _) => "SELECT region FROM electricity_accounts WHERE account_no = $1",
        ("meter", _) => {
            "SELECT a.region FROM meters m JOIN electricity_accounts a ON a.id = m.account_id WHERE m.meter_no = $1"
        }
        ("bill", Some(_)) => {
            "SELECT a.region FROM bills b JOIN electricity_accounts a ON a.id = b.account_id WHERE b.id = $1"
        }
        ("application", Some(_)) => "SELECT region FROM applications WHERE id = $1",
        ("integration", Some(_)) => "SELECT region FROM integration_tokens WHERE id = $1",
        _ => return Ok(None),
    };
    let query = sqlx::query_scalar::<_, Option<String>>(sql);
    let query = match id {
        Some(id) if kind != "account" && kind != "meter" => query.bind(id),
        _ => query.bind(key),
    };
    Ok(query.fetch_optional(conn).await?.flatten())
}

/// Adds an entry on its own (for events that change nothing else, such as a failed login).
pub async fn record_alone(db: &Db, actor: &Actor, action: &str, subject: &str, detail: Value) -> Outcome<()> {
    let mut conn = db.pool().acquire().await?;
    record(&mut conn, actor, action, subject, detail).await?;
    Ok(())
}

/// Who reads the log: their id and the stations they are limited to (empty: every one).
#[derive(Debug, Clone, Copy)]
pub struct Reader<'a> {
    /// Their user id.
    pub user_id: i64,
    /// Their stations.
    pub regions: &'a [String],
}

/// A page of entries, newest first, filtered as asked. A reader limited to stations reads
/// the entries of their stations and of their own actions, nothing else
/// (`shared::roles::stations`).
pub async fn search(db: &Db, reader: Reader<'_>, query: &AuditQuery) -> Outcome<AuditPage> {
    // Filters are bound parameters; an absent one is NULL and matches everything.
    let actor =
        query.actor.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| format!("%{}%", escape_like(s)));
    let action =
        query.action.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|s| format!("{}%", escape_like(s)));
    let subject = query.subject.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let within = if shared::roles::stations::covers_every(reader.regions) {
        String::new()
    } else {
        let places: Vec<String> = (7..reader.regions.len() + 7).map(|n| format!("${n}")).collect();
        format!(" AND (actor_id = $6 OR region IN ({}))", places.join(", "))
    };
    let sql = format!(
        "SELECT id, at, actor_label, ip, action, subject, detail FROM audit_log
          WHERE ($1 IS NULL OR actor_label LIKE $1 ESCAPE '\\')
            AND ($2 IS NULL OR action LIKE $2 ESCAPE '\\')
            AND ($3 IS NULL OR subject = $3)
            AND ($4 IS NULL OR id < $4){within}
          ORDER BY id DESC
          LIMIT $5"
    );
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(actor)
        .bind(action)
        .bind(subject)
        .bind(query.before)
        .bind(PAGE_SIZE + 1);
    if !within.is_empty() {
        rows = rows.bind(reader.user_id);
        for region in reader.regions {
            rows = rows.bind(region);
        }
    }
    let rows = rows.fetch_all(db.pool()).await?;
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
