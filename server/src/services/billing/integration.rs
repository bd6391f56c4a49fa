//! Tokens of the utility's own systems: the metering system (用电信息采集系统) posts
//! readings with `Authorization: Bearer gint_…`. Administrators issue them (the secret is
//! shown once; the database keeps its SHA-256), limit them to a supply station, and revoke
//! them; every use is traced to the token in the import's record.

use serde_json::json;
use shared::api::ErrorCode;
use shared::api::billing::{CreatedIntegrationToken, IntegrationTokenInfo, NewIntegrationToken};
use shared::validation::{FieldError, Problem};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::context::Ctx;
use crate::services::{Actor, Fail, Outcome, audit, secrets, utc};

/// How an integration token starts, to tell it from an enterprise's.
pub const PREFIX: &str = "gint_";

/// A system calling with an integration token.
#[derive(Debug, Clone)]
pub struct IntegrationCaller {
    /// The token's id.
    pub token_id: i64,
    /// Its first characters.
    pub prefix: String,
    /// The supply station it is limited to.
    pub region: Option<String>,
}

/// The caller behind an integration token, if it is live.
pub async fn lookup(ctx: &Ctx, token: &str) -> Outcome<Option<IntegrationCaller>> {
    let now = ctx.now();
    let row = sqlx::query(
        "SELECT id, prefix, region FROM integration_tokens WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2",
    )
    .bind(secrets::hash(token))
    .bind(now)
    .fetch_optional(ctx.db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let token_id: i64 = row.try_get("id")?;
    sqlx::query("UPDATE integration_tokens SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(token_id)
        .execute(ctx.db.pool())
        .await?;
    Ok(Some(IntegrationCaller { token_id, prefix: row.try_get("prefix")?, region: row.try_get("region")? }))
}

fn info(row: &AnyRow) -> Result<IntegrationTokenInfo, sqlx::Error> {
    Ok(IntegrationTokenInfo {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        prefix: row.try_get("prefix")?,
        region: row.try_get("region")?,
        expires_at: utc(row.try_get("expires_at")?),
        revoked_at: row.try_get::<Option<i64>, _>("revoked_at")?.map(utc),
        last_used_at: row.try_get::<Option<i64>, _>("last_used_at")?.map(utc),
    })
}

const COLUMNS: &str = "id, name, prefix, region, expires_at, revoked_at, last_used_at";

/// Every integration token within the caller's stations (`regions`, empty for every
/// station; a token for every station is beyond someone limited), newest first.
pub async fn list(ctx: &Ctx, regions: &[String]) -> Outcome<Vec<IntegrationTokenInfo>> {
    let sql = format!("SELECT {COLUMNS} FROM integration_tokens ORDER BY id DESC");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(ctx.db.pool()).await?;
    let mut tokens = rows.iter().map(info).collect::<Result<Vec<_>, _>>()?;
    tokens.retain(|t| within(regions, t.region.as_deref()));
    Ok(tokens)
}

/// Whether a token limited to `region` (`None`: every station) is within `regions`.
fn within(regions: &[String], region: Option<&str>) -> bool {
    shared::roles::stations::reaches(regions, region)
}

/// Issues a token; the secret is in the answer and nowhere else.
/// Nobody issues a token for a station they do not hold: someone limited to stations names
/// one of theirs.
pub async fn issue(
    ctx: &Ctx,
    actor: &Actor,
    regions: &[String],
    request: &NewIntegrationToken,
) -> Outcome<CreatedIntegrationToken> {
    let name = request.name.trim();
    let mut fields = Vec::new();
    if name.is_empty() {
        fields.push(FieldError::new("name", Problem::Required));
    } else if name.chars().count() > 100 {
        fields.push(FieldError::new("name", Problem::TooLong));
    }
    if !(1..=366).contains(&request.expires_in_days) {
        fields.push(FieldError::new("expires_in_days", Problem::OutOfRange));
    }
    let region = request.region.as_deref().map(str::trim).filter(|r| !r.is_empty());
    let mut tx = ctx.db.begin().await?;
    if let Some(region) = region {
        let known: Option<String> = sqlx::query_scalar("SELECT code FROM regions WHERE code = $1")
            .bind(region)
            .fetch_optional(&mut *tx)
            .await?;
        if known.is_none() {
            fields.push(FieldError::new("region", Problem::UnknownRegion));
        }
    }
    if !fields.is_empty() {
        return Err(Fail::Fields(fields));
    }
    if !within(regions, region) {
        return Err(Fail::Code(ErrorCode::StationNotHeld));
    }
    let secret = secrets::token().map_err(|e| Fail::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    let token = format!("{PREFIX}{secret}");
    let prefix: String = token.chars().take(PREFIX.len() + 6).collect();
    let now = ctx.now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO integration_tokens (name, token_hash, prefix, region, created_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(name)
    .bind(secrets::hash(&token))
    .bind(&prefix)
    .bind(region)
    .bind(actor.user_id.ok_or(Fail::Code(ErrorCode::Forbidden))?)
    .bind(now)
    .bind(now + i64::from(request.expires_in_days) * 86_400)
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        ctx,
        &mut tx,
        actor,
        "integration_token.issued",
        audit::Subject::IntegrationToken(id),
        json!({ "name": name, "region": region, "prefix": prefix }),
    )
    .await?;
    let sql = format!("SELECT {COLUMNS} FROM integration_tokens WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&mut *tx).await?;
    let info = info(&row)?;
    tx.commit().await?;
    Ok(CreatedIntegrationToken { token, info })
}

/// Revokes a token within the caller's stations (others are not found).
pub async fn revoke(ctx: &Ctx, actor: &Actor, regions: &[String], id: i64) -> Outcome<()> {
    let mut tx = ctx.db.begin().await?;
    let region: Option<Option<String>> = sqlx::query_scalar("SELECT region FROM integration_tokens WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    if !region.is_some_and(|region| within(regions, region.as_deref())) {
        return Err(Fail::Code(ErrorCode::NotFound));
    }
    let revoked = sqlx::query("UPDATE integration_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(ctx.now())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if revoked == 0 {
        return Err(Fail::Code(ErrorCode::NotFound));
    }
    audit::record(ctx, &mut tx, actor, "integration_token.revoked", audit::Subject::IntegrationToken(id), json!({}))
        .await?;
    tx.commit().await?;
    Ok(())
}
