//! Sessions kept in the database, so that any server can answer any request.
//!
//! The browser holds a random 256-bit token in an `HttpOnly` cookie; the table holds its
//! SHA-256. A session ends after `session_idle_minutes` without a request, after
//! `session_max_hours` whatever the activity, at logout, and when the person's password
//! or privileges change.

use shared::roles::{OrgRole, StaffRole, TokenScope, UserKind};
use sqlx::{AnyConnection, Row};

use super::{Outcome, secrets};
use crate::context::Ctx;

/// `last_seen_at` is written at most this often per session (not on every request).
const TOUCH_EVERY_SECS: i64 = 60;

/// A logged-in person, as every request sees them.
#[derive(Debug, Clone)]
pub struct SessionUser {
    /// Their id.
    pub user_id: i64,
    /// Customer, enterprise user or staff.
    pub kind: UserKind,
    /// Their login.
    pub email: String,
    /// Their organisation and role there (enterprise users).
    pub org: Option<(i64, OrgRole)>,
    /// Their staff roles.
    pub staff_roles: Vec<StaffRole>,
    /// Regions a staff member is limited to (empty: all).
    pub regions: Vec<String>,
    /// The stored hash of this session's token.
    pub session_hash: String,
    /// When the session ends at the latest.
    pub expires_at: i64,
    /// When this session last passed a second-factor check (trade clock), if ever.
    pub second_factor_at: Option<i64>,
    /// What `/me` shows of them, read with the session.
    pub profile: Profile,
}

/// A person's profile as read with their session.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// Their name.
    pub display_name: String,
    /// Their mobile number, if given.
    pub mobile: Option<String>,
    /// Their language.
    pub language: shared::Locale,
    /// The notices they want by email, as stored.
    pub email_notices: String,
    /// Their organisation's name (enterprise users).
    pub org_name: Option<String>,
    /// Whether they have an authenticator in use.
    pub second_factor: bool,
}

impl SessionUser {
    /// Whether this person's supply stations reach something of `station`
    /// (`shared::roles::stations::reaches`).
    pub fn reaches(&self, station: Option<&str>) -> bool {
        shared::roles::stations::reaches(&self.regions, station)
    }

    /// Whether this is staff holding a capability (a set of `shared::roles::can`).
    pub fn holds(&self, capability: &[StaffRole]) -> bool {
        self.kind == UserKind::Staff && shared::roles::can::any(&self.staff_roles, capability)
    }
}

/// An enterprise system calling with an API token.
#[derive(Debug, Clone)]
pub struct TokenCaller {
    /// The token's id.
    pub token_id: i64,
    /// The organisation it acts for.
    pub org_id: i64,
    /// What it may do.
    pub scope: TokenScope,
    /// Its visible prefix, for the audit log.
    pub prefix: String,
}

/// A new session for a user: the token to put in the cookie, and its absolute expiry.
pub async fn create(
    ctx: &Ctx,
    conn: &mut AnyConnection,
    user_id: i64,
    ip: &str,
    user_agent: &str,
) -> Outcome<(String, i64)> {
    let token = secrets::token().map_err(|e| super::Fail::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    let now = ctx.now();
    let expires_at = now + i64::from(ctx.config.session_max_hours) * 3600;
    let user_agent: String = user_agent.chars().take(200).collect();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
         VALUES ($1, $2, $3, $3, $4, $5, $6)",
    )
    .bind(secrets::hash(&token))
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .bind(ip)
    .bind(user_agent)
    .execute(conn)
    .await?;
    Ok((token, expires_at))
}

/// The person behind a session token, if the session is live; refreshes its idle clock.
pub async fn lookup(ctx: &Ctx, token: &str) -> Outcome<Option<SessionUser>> {
    lookup_hash(ctx, secrets::hash(token)).await
}

/// The person behind a session, by the stored hash of its token: one query, whatever the
/// kind of login (every logged-in request pays it), with the profile `/me` answers.
pub async fn lookup_hash(ctx: &Ctx, hash: String) -> Outcome<Option<SessionUser>> {
    let now = ctx.now();
    let idle_limit = now - i64::from(ctx.config.session_idle_minutes) * 60;
    // Roles and stations come as comma-separated lists (no code contains a comma), and are
    // looked up for staff only: customers' requests, the most frequent, skip them.
    let list = match ctx.db.backend() {
        crate::config::Backend::Sqlite => "group_concat",
        crate::config::Backend::Postgres => "string_agg",
    };
    let sql = format!(
        "SELECT s.user_id, s.last_seen_at, s.expires_at, s.second_factor_at,
                u.kind, u.email, u.mobile, u.display_name, u.language, u.email_notices,
                m.org_id, m.role, o.name AS org_name,
                CAST(CASE WHEN EXISTS (SELECT 1 FROM second_factors f
                                        WHERE f.user_id = u.id AND f.confirmed_at IS NOT NULL)
                          THEN 1 ELSE 0 END AS BIGINT) AS second_factor,
                CASE WHEN u.kind = 'staff'
                     THEN (SELECT {list}(r.role, ',') FROM staff_roles r WHERE r.user_id = u.id) END AS staff_roles,
                CASE WHEN u.kind = 'staff'
                     THEN (SELECT {list}(g.region, ',') FROM staff_regions g WHERE g.user_id = u.id) END AS regions
           FROM sessions s JOIN users u ON u.id = s.user_id
           LEFT JOIN org_members m ON m.user_id = u.id AND u.kind = 'enterprise'
           LEFT JOIN organisations o ON o.id = m.org_id
          WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND s.last_seen_at > $3
            AND u.disabled_at IS NULL"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&hash)
        .bind(now)
        .bind(idle_limit)
        .fetch_optional(ctx.db.pool())
        .await?;
    let Some(row) = row else { return Ok(None) };
    let user_id: i64 = row.try_get("user_id")?;
    let last_seen: i64 = row.try_get("last_seen_at")?;
    if now - last_seen >= TOUCH_EVERY_SECS {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
            .bind(now)
            .bind(&hash)
            .execute(ctx.db.pool())
            .await?;
    }
    let kind: UserKind = crate::db::decode::column(&row, "users", "user_id", "kind")?;
    let org = match row.try_get::<Option<i64>, _>("org_id")? {
        Some(org_id) => Some((org_id, crate::db::decode::column(&row, "org_members", "user_id", "role")?)),
        None => None,
    };
    let listed = |column: &str| -> Result<Vec<String>, sqlx::Error> {
        let text: Option<String> = row.try_get(column)?;
        let mut items: Vec<String> =
            text.unwrap_or_default().split(',').filter(|t| !t.is_empty()).map(str::to_owned).collect();
        items.sort();
        Ok(items)
    };
    let staff_roles = listed("staff_roles")?
        .iter()
        .map(|role| crate::db::decode::code("staff_roles", user_id, "role", role))
        .collect::<Result<Vec<StaffRole>, _>>()?;
    Ok(Some(SessionUser {
        user_id,
        kind,
        email: row.try_get("email")?,
        org,
        staff_roles: if kind == UserKind::Staff { staff_roles } else { Vec::new() },
        regions: if kind == UserKind::Staff { listed("regions")? } else { Vec::new() },
        session_hash: hash,
        expires_at: row.try_get("expires_at")?,
        second_factor_at: row.try_get("second_factor_at")?,
        profile: Profile {
            display_name: row.try_get("display_name")?,
            mobile: row.try_get("mobile")?,
            language: crate::db::decode::column(&row, "users", "user_id", "language")?,
            email_notices: row.try_get("email_notices")?,
            org_name: row.try_get("org_name")?,
            second_factor: row.try_get::<i64, _>("second_factor")? == 1,
        },
    }))
}

/// A staff member's roles and regions.
pub async fn staff_grants(ctx: &Ctx, user_id: i64) -> Result<(Vec<StaffRole>, Vec<String>), sqlx::Error> {
    let roles = sqlx::query_scalar::<_, String>("SELECT role FROM staff_roles WHERE user_id = $1 ORDER BY role")
        .bind(user_id)
        .fetch_all(ctx.db.pool())
        .await?
        .iter()
        .filter_map(|r| r.parse().ok())
        .collect();
    let regions =
        sqlx::query_scalar::<_, String>("SELECT region FROM staff_regions WHERE user_id = $1 ORDER BY region")
            .bind(user_id)
            .fetch_all(ctx.db.pool())
            .await?;
    Ok((roles, regions))
}

/// The caller behind an API token, if it is live; notes when it was used. A token acts
/// with the authority of the admin who issued it: it works only while they are still an
/// admin of its organisation and their login is not disabled (removed from the
/// organisation, made payer or viewer, or disabled, their tokens stop at once).
pub async fn lookup_token(ctx: &Ctx, token: &str) -> Outcome<Option<TokenCaller>> {
    let now = ctx.now();
    let row = sqlx::query(
        "SELECT t.id, t.org_id, t.scope, t.prefix, t.last_used_at
           FROM api_tokens t
           JOIN users u ON u.id = t.created_by AND u.disabled_at IS NULL
           JOIN org_members m ON m.user_id = t.created_by AND m.org_id = t.org_id AND m.role = 'admin'
          WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2",
    )
    .bind(secrets::hash(token))
    .bind(now)
    .fetch_optional(ctx.db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let token_id: i64 = row.try_get("id")?;
    let last_used: Option<i64> = row.try_get("last_used_at")?;
    if last_used.is_none_or(|t| now - t >= TOUCH_EVERY_SECS) {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(now)
            .bind(token_id)
            .execute(ctx.db.pool())
            .await?;
    }
    Ok(Some(TokenCaller {
        token_id,
        org_id: row.try_get("org_id")?,
        scope: crate::db::decode::column(&row, "api_tokens", "id", "scope")?,
        prefix: row.try_get("prefix")?,
    }))
}

/// Ends one session.
pub async fn revoke(ctx: &Ctx, conn: &mut AnyConnection, session_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL")
        .bind(ctx.now())
        .bind(session_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of a user, except `keep` if given. Returns how many ended.
pub async fn revoke_all(
    ctx: &Ctx,
    conn: &mut AnyConnection,
    user_id: i64,
    keep: Option<&str>,
) -> Result<u64, sqlx::Error> {
    let result = sqlx::query(
        "UPDATE sessions SET revoked_at = $1
          WHERE user_id = $2 AND revoked_at IS NULL AND ($3 IS NULL OR token_hash <> $3)",
    )
    .bind(ctx.now())
    .bind(user_id)
    .bind(keep)
    .execute(conn)
    .await?;
    Ok(result.rows_affected())
}

/// Deletes sessions that ended more than a day ago.
pub async fn prune(ctx: &Ctx) -> Result<u64, sqlx::Error> {
    let cutoff = ctx.now() - 86_400;
    let result = sqlx::query("DELETE FROM sessions WHERE expires_at < $1 OR revoked_at < $1")
        .bind(cutoff)
        .execute(ctx.db.pool())
        .await?;
    Ok(result.rows_affected())
}

/// A new session: its token (for the cookie) and absolute expiry.
#[derive(Debug)]
pub struct NewSession {
    /// Goes in the cookie.
    pub token: String,
    /// Unix seconds.
    pub expires_at: i64,
}
