//! The audit log: who did what, when, from where. Rows are only ever added (the database
//! refuses updates and deletes), in the same transaction as the change they record.

use std::fmt;

use serde_json::Value;
use shared::api::staff::{AuditEntry, AuditPage, AuditQuery};
use shared::roles::UserKind;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::sessions::SessionUser;
use super::{Actor, Outcome, utc};
use crate::context::Ctx;

/// Entries per page of the audit log.
pub const PAGE_SIZE: i64 = 50;

/// What an entry is about, written `kind:id` (`user:12`, `account:3100012345`, `bill:42`).
/// A typed value, so that no entry is written with a bare number or free text for a
/// subject: the log can always be searched by subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject<'a> {
    /// A login.
    User(i64),
    /// A login attempt for an address with no login: the address's hint only.
    EmailHint(&'a str),
    /// An electricity account, by its number.
    Account(&'a str),
    /// A bill.
    Bill(i64),
    /// A refund or back-billing.
    Adjustment(i64),
    /// A billing run.
    Run(i64),
    /// An import of readings.
    Import(i64),
    /// A meter, by its number.
    Meter(&'a str),
    /// A tariff, by its code.
    Tariff(&'a str),
    /// A connection application.
    Application(i64),
    /// An enterprise's API token.
    Token(i64),
    /// An invitation to join an organisation.
    Invitation(i64),
    /// An integration token of the utility's own systems.
    IntegrationToken(i64),
    /// The working-day calendar of a year.
    Calendar(i32),
    /// A published service commitment, by its code.
    Commitment(&'a str),
}

impl fmt::Display for Subject<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::User(id) => write!(f, "user:{id}"),
            Subject::EmailHint(hint) => write!(f, "email:{hint}"),
            Subject::Account(no) => write!(f, "account:{no}"),
            Subject::Bill(id) => write!(f, "bill:{id}"),
            Subject::Invitation(id) => write!(f, "invitation:{id}"),
            Subject::Adjustment(id) => write!(f, "adjustment:{id}"),
            Subject::Run(id) => write!(f, "run:{id}"),
            Subject::Import(id) => write!(f, "import:{id}"),
            Subject::Meter(no) => write!(f, "meter:{no}"),
            Subject::Tariff(code) => write!(f, "tariff:{code}"),
            Subject::Application(id) => write!(f, "application:{id}"),
            Subject::Token(id) => write!(f, "token:{id}"),
            Subject::IntegrationToken(id) => write!(f, "integration:{id}"),
            Subject::Calendar(year) => write!(f, "calendar:{year}"),
            Subject::Commitment(code) => write!(f, "commitment:{code}"),
        }
    }
}

/// Adds an entry about `subject`.
pub async fn record(
    ctx: &Ctx,
    conn: &mut AnyConnection,
    actor: &Actor,
    action: &str,
    subject: Subject<'_>,
    detail: Value,
) -> Result<(), sqlx::Error> {
    let region = region_of(conn, subject).await?;
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, actor_label, ip, action, subject, detail, region)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(ctx.now())
    .bind(actor.user_id)
    .bind(&actor.label)
    .bind(&actor.ip)
    .bind(action)
    .bind(subject.to_string())
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
async fn region_of(conn: &mut AnyConnection, subject: Subject<'_>) -> Result<Option<String>, sqlx::Error> {
    let by_id = |sql: &'static str, id: i64| sqlx::query_scalar::<_, Option<String>>(sql).bind(id);
    let by_key = |sql: &'static str, key: &str| sqlx::query_scalar::<_, Option<String>>(sql).bind(key.to_owned());
    let query = match subject {
        Subject::Account(no) => by_key("SELECT region FROM electricity_accounts WHERE account_no = $1", no),
        Subject::Meter(no) => by_key(
            "SELECT a.region FROM meters m JOIN electricity_accounts a ON a.id = m.account_id WHERE m.meter_no = $1",
            no,
        ),
        Subject::Bill(id) => {
            by_id("SELECT a.region FROM bills b JOIN electricity_accounts a ON a.id = b.account_id WHERE b.id = $1", id)
        }
        Subject::Adjustment(id) => by_id(
            "SELECT a.region FROM billing_adjustments ad JOIN electricity_accounts a ON a.id = ad.account_id
              WHERE ad.id = $1",
            id,
        ),
        Subject::Application(id) => by_id("SELECT region FROM applications WHERE id = $1", id),
        Subject::IntegrationToken(id) => by_id("SELECT region FROM integration_tokens WHERE id = $1", id),
        Subject::User(_)
        | Subject::EmailHint(_)
        | Subject::Run(_)
        | Subject::Import(_)
        | Subject::Tariff(_)
        | Subject::Token(_)
        | Subject::Invitation(_)
        | Subject::Calendar(_)
        | Subject::Commitment(_) => return Ok(None),
    };
    Ok(query.fetch_optional(conn).await?.flatten())
}

/// Adds an entry on its own (for events that change nothing else, such as a failed login).
pub async fn record_alone(ctx: &Ctx, actor: &Actor, action: &str, subject: Subject<'_>, detail: Value) -> Outcome<()> {
    let mut conn = ctx.db.pool().acquire().await?;
    record(ctx, &mut conn, actor, action, subject, detail).await?;
    Ok(())
}

/// Records a staff member's read of a customer's personal data (bills, usage, load, an
/// application and its documents); a customer's or enterprise's read of their own is not
/// recorded, nor is a token's.
pub async fn staff_read(
    ctx: &Ctx,
    actor: &Actor,
    reader: Option<&SessionUser>,
    action: &str,
    subject: Subject<'_>,
) -> Outcome<()> {
    match reader {
        Some(user) if user.kind == UserKind::Staff => record_alone(ctx, actor, action, subject, Value::Null).await,
        _ => Ok(()),
    }
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
pub async fn search(ctx: &Ctx, reader: Reader<'_>, query: &AuditQuery) -> Outcome<AuditPage> {
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
    let rows = rows.fetch_all(ctx.db.pool()).await?;
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
