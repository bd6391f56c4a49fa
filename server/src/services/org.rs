//! An enterprise's colleagues and API tokens, managed by its admins.

use serde_json::json;
use shared::api::ErrorCode;
use shared::api::org::{ApiTokenInfo, CreateTokenRequest, CreatedToken, InviteMemberRequest, Member};
use shared::i18n::Locale;
use shared::roles::{Notice, OrgRole, TokenScope};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::identity::{self, Purpose};
use super::sessions::{self, SessionUser};
use super::{Actor, Fail, Outcome, audit, now, secrets, utc};
use crate::config::Config;
use crate::db::Db;
use crate::mail::templates::{self, Template};
use crate::mail::{self};

/// The prefix that marks Gridhall API tokens (so secret scanners can recognise them).
pub const TOKEN_PREFIX: &str = "ghall_";

/// The organisation's name and members.
pub async fn members(db: &Db, org_id: i64) -> Outcome<(String, Vec<Member>)> {
    let name: String =
        sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1").bind(org_id).fetch_one(db.pool()).await?;
    let rows = sqlx::query(
        "SELECT u.id, u.display_name, u.email, m.role, CASE WHEN u.password_hash IS NULL THEN 1 ELSE 0 END AS pending
           FROM org_members m JOIN users u ON u.id = m.user_id
          WHERE m.org_id = $1 ORDER BY u.display_name, u.id",
    )
    .bind(org_id)
    .fetch_all(db.pool())
    .await?;
    let members = rows
        .iter()
        .map(|row| {
            let role: String = row.try_get("role")?;
            Ok(Member {
                user_id: row.try_get("id")?,
                display_name: row.try_get("display_name")?,
                email: row.try_get("email")?,
                role: role.parse().unwrap_or(OrgRole::Viewer),
                invitation_pending: row.try_get::<i64, _>("pending")? == 1,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    Ok((name, members))
}

/// Invites a colleague: a new enterprise login without a password, and an email with a
/// link to choose one.
pub async fn invite(
    db: &Db,
    config: &Config,
    actor: &Actor,
    org_id: i64,
    request: &InviteMemberRequest,
    locale: Locale,
) -> Outcome<Member> {
    let (email, name) = request.validate().map_err(Fail::Fields)?;
    let mut tx = db.begin().await?;
    identity::refuse_taken_email(&mut tx, &email).await?;
    let org_name: String =
        sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1").bind(org_id).fetch_one(&mut *tx).await?;
    let now = now();
    let user_id: i64 = sqlx::query(
        "INSERT INTO users (kind, email, display_name, language, email_notices, created_at)
         VALUES ('enterprise', $1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(&email)
    .bind(&name)
    .bind(locale.tag())
    .bind(Notice::write_list(Notice::ALL))
    .bind(now)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    sqlx::query("INSERT INTO org_members (user_id, org_id, role, created_at) VALUES ($1, $2, $3, $4)")
        .bind(user_id)
        .bind(org_id)
        .bind(request.role.as_str())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    let token = identity::issue_token(&mut tx, user_id, Purpose::Invitation).await?;
    let message = templates::render(
        &email,
        &Template::Invitation { name: &name, inviter: &org_name, link: &identity::link(config, "/welcome", &token) },
        locale,
    );
    mail::enqueue(&mut tx, &message).await?;
    audit::record(
        &mut tx,
        actor,
        "org.member_invited",
        audit::Subject::User(user_id),
        json!({"org": org_id, "role": request.role}),
    )
    .await?;
    tx.commit().await?;
    Ok(Member { user_id, display_name: name, email, role: request.role, invitation_pending: true })
}

/// The role of a member of this organisation; `NotFound` for anyone else.
async fn member_role(conn: &mut sqlx::AnyConnection, org_id: i64, user_id: i64) -> Outcome<OrgRole> {
    let role: Option<String> = sqlx::query_scalar("SELECT role FROM org_members WHERE org_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .fetch_optional(conn)
        .await?;
    role.and_then(|r| r.parse().ok()).ok_or(Fail::Code(ErrorCode::NotFound))
}

/// Refuses a change that would leave the organisation without an admin.
async fn keep_an_admin(conn: &mut sqlx::AnyConnection, org_id: i64, user_id: i64) -> Outcome<()> {
    let others: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM org_members WHERE org_id = $1 AND role = 'admin' AND user_id <> $2",
    )
    .bind(org_id)
    .bind(user_id)
    .fetch_one(conn)
    .await?;
    if others == 0 { Err(Fail::Code(ErrorCode::Conflict)) } else { Ok(()) }
}

/// Changes a member's role; their sessions end (privileges changed).
pub async fn change_role(db: &Db, actor: &Actor, org_id: i64, user_id: i64, role: OrgRole) -> Outcome<()> {
    let mut tx = db.begin().await?;
    let current = member_role(&mut tx, org_id, user_id).await?;
    if current == role {
        return Ok(());
    }
    if current == OrgRole::Admin {
        keep_an_admin(&mut tx, org_id, user_id).await?;
    }
    sqlx::query("UPDATE org_members SET role = $1 WHERE user_id = $2")
        .bind(role.as_str())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sessions::revoke_all(&mut tx, user_id, None).await?;
    audit::record(
        &mut tx,
        actor,
        "org.role_changed",
        audit::Subject::User(user_id),
        json!({"from": current, "to": role}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a member: their login is disabled and their sessions end.
pub async fn remove(db: &Db, actor: &Actor, org_id: i64, user_id: i64) -> Outcome<()> {
    let mut tx = db.begin().await?;
    let current = member_role(&mut tx, org_id, user_id).await?;
    if current == OrgRole::Admin {
        keep_an_admin(&mut tx, org_id, user_id).await?;
    }
    sqlx::query("DELETE FROM org_members WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
    sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2").bind(now()).bind(user_id).execute(&mut *tx).await?;
    sessions::revoke_all(&mut tx, user_id, None).await?;
    audit::record(&mut tx, actor, "org.member_removed", audit::Subject::User(user_id), json!({"org": org_id})).await?;
    tx.commit().await?;
    Ok(())
}

fn token_from_row(row: &AnyRow) -> Result<ApiTokenInfo, sqlx::Error> {
    let scope: String = row.try_get("scope")?;
    Ok(ApiTokenInfo {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        prefix: row.try_get("prefix")?,
        scope: scope.parse().unwrap_or(TokenScope::Read),
        created_at: utc(row.try_get("created_at")?),
        expires_at: utc(row.try_get("expires_at")?),
        revoked_at: row.try_get::<Option<i64>, _>("revoked_at")?.map(utc),
        last_used_at: row.try_get::<Option<i64>, _>("last_used_at")?.map(utc),
    })
}

/// The organisation's API tokens, newest first.
pub async fn tokens(db: &Db, org_id: i64) -> Outcome<Vec<ApiTokenInfo>> {
    let rows = sqlx::query(
        "SELECT id, name, prefix, scope, created_at, expires_at, revoked_at, last_used_at FROM api_tokens
          WHERE org_id = $1 ORDER BY id DESC",
    )
    .bind(org_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.iter().map(token_from_row).collect::<Result<_, _>>()?)
}

/// Issues a token; the secret is in the answer and nowhere else.
pub async fn issue_token(
    db: &Db,
    actor: &Actor,
    user: &SessionUser,
    org_id: i64,
    request: &CreateTokenRequest,
) -> Outcome<CreatedToken> {
    let name = request.validate().map_err(Fail::Fields)?;
    let secret = secrets::token().map_err(|e| Fail::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    let token = format!("{TOKEN_PREFIX}{secret}");
    let prefix: String = token.chars().take(TOKEN_PREFIX.len() + 6).collect();
    let now = now();
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO api_tokens (org_id, name, token_hash, prefix, scope, created_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(org_id)
    .bind(&name)
    .bind(secrets::hash(&token))
    .bind(&prefix)
    .bind(request.scope.as_str())
    .bind(user.user_id)
    .bind(now)
    .bind(now + i64::from(request.expires_in_days) * 86_400)
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    audit::record(
        &mut tx,
        actor,
        "token.issued",
        audit::Subject::Token(id),
        json!({"org": org_id, "scope": request.scope, "prefix": prefix}),
    )
    .await?;
    tx.commit().await?;
    let row = sqlx::query(
        "SELECT id, name, prefix, scope, created_at, expires_at, revoked_at, last_used_at FROM api_tokens WHERE id = $1",
    )
    .bind(id)
    .fetch_one(db.pool())
    .await?;
    Ok(CreatedToken { token, info: token_from_row(&row)? })
}

/// Revokes one of the organisation's tokens; another organisation's is `NotFound`.
pub async fn revoke_token(db: &Db, actor: &Actor, org_id: i64, token_id: i64) -> Outcome<()> {
    let mut tx = db.begin().await?;
    let updated =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND org_id = $3 AND revoked_at IS NULL")
            .bind(now())
            .bind(token_id)
            .bind(org_id)
            .execute(&mut *tx)
            .await?;
    if updated.rows_affected() == 0 {
        let exists: Option<i64> = sqlx::query_scalar("SELECT id FROM api_tokens WHERE id = $1 AND org_id = $2")
            .bind(token_id)
            .bind(org_id)
            .fetch_optional(&mut *tx)
            .await?;
        // Revoking twice is fine; someone else's token does not exist for this caller.
        return if exists.is_some() { Ok(()) } else { Err(Fail::Code(ErrorCode::NotFound)) };
    }
    audit::record(&mut tx, actor, "token.revoked", audit::Subject::Token(token_id), json!({"org": org_id})).await?;
    tx.commit().await?;
    Ok(())
}
