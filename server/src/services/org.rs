//! An enterprise's colleagues and API tokens, managed by its admins.

use serde_json::json;
use shared::api::ErrorCode;
use shared::api::org::{
    ApiTokenInfo, CreateTokenRequest, CreatedToken, Invitation, InviteMemberRequest, Member, MembersResponse,
};
use shared::i18n::Locale;
use shared::roles::{Notice, OrgRole};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::one_time_links;
use super::sessions::{self, SessionUser};
use super::{Actor, Fail, Outcome, audit, rate_limit, secrets, utc};
use crate::context::Ctx;
use crate::mail::templates::{self, Template};
use crate::mail::{self};

/// The prefix that marks Gridhall API tokens (so secret scanners can recognise them).
pub const TOKEN_PREFIX: &str = "ghall_";

/// The organisation's name, members and open invitations.
pub async fn members(ctx: &Ctx, org_id: i64) -> Outcome<MembersResponse> {
    let org_name: String = sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
        .bind(org_id)
        .fetch_one(ctx.db.pool())
        .await?;
    let rows = sqlx::query(
        "SELECT u.id, u.display_name, u.email, m.role, CASE WHEN u.password_hash IS NULL THEN 1 ELSE 0 END AS pending
           FROM org_members m JOIN users u ON u.id = m.user_id
          WHERE m.org_id = $1 ORDER BY u.display_name, u.id",
    )
    .bind(org_id)
    .fetch_all(ctx.db.pool())
    .await?;
    let members = rows
        .iter()
        .map(|row| {
            Ok(Member {
                user_id: row.try_get("id")?,
                display_name: row.try_get("display_name")?,
                email: row.try_get("email")?,
                role: crate::db::decode::column(row, "org_members", "user_id", "role")?,
                invitation_pending: row.try_get::<i64, _>("pending")? == 1,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    let rows = sqlx::query(
        "SELECT id, email, display_name, role, created_at, expires_at FROM org_invitations
          WHERE org_id = $1 AND accepted_at IS NULL AND withdrawn_at IS NULL ORDER BY id DESC",
    )
    .bind(org_id)
    .fetch_all(ctx.db.pool())
    .await?;
    let now = ctx.now();
    let invitations = rows.iter().map(|row| invitation_from_row(row, now)).collect::<Result<_, _>>()?;
    Ok(MembersResponse { org_name, members, invitations })
}

fn invitation_from_row(row: &AnyRow, now: i64) -> Result<Invitation, sqlx::Error> {
    let expires_at: i64 = row.try_get("expires_at")?;
    Ok(Invitation {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        role: crate::db::decode::column(row, "org_invitations", "id", "role")?,
        created_at: utc(row.try_get("created_at")?),
        expires_at: utc(expires_at),
        expired: expires_at <= now,
    })
}

/// Invites a colleague: an invitation kept by address, and an email. No login is made
/// until the link is used, and the answer, the records and the work are the same whether
/// or not the address already has a login (so inviting does not reveal who has one): a
/// free address gets the link; an address with a login gets, in its owner's language, a
/// note that it cannot join. Inviting an address again replaces the earlier invitation.
/// Only an address that is already this organisation's member is refused (the admin sees
/// the members anyway).
pub async fn invite(
    ctx: &Ctx,
    actor: &Actor,
    org_id: i64,
    request: &InviteMemberRequest,
    locale: Locale,
) -> Outcome<Invitation> {
    let (email, name) = request.validate().map_err(Fail::Fields)?;
    rate_limit::hit(ctx, rate_limit::INVITE_PER_RECIPIENT, &email).await?;
    let token = secrets::token().map_err(|e| Fail::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    let mut tx = ctx.db.begin().await?;
    let existing = sqlx::query(
        "SELECT u.display_name, u.language, m.org_id FROM users u LEFT JOIN org_members m ON m.user_id = u.id
          WHERE u.email = $1",
    )
    .bind(&email)
    .fetch_optional(&mut *tx)
    .await?;
    let existing = match existing {
        Some(row) if row.try_get::<Option<i64>, _>("org_id")? == Some(org_id) => {
            return Err(Fail::Code(ErrorCode::EmailTaken));
        }
        Some(row) => Some((row.try_get::<String, _>("display_name")?, row.try_get::<String, _>("language")?)),
        None => None,
    };
    let org_name: String =
        sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1").bind(org_id).fetch_one(&mut *tx).await?;
    let now = ctx.now();
    sqlx::query(
        "UPDATE org_invitations SET withdrawn_at = $1
          WHERE org_id = $2 AND email = $3 AND accepted_at IS NULL AND withdrawn_at IS NULL",
    )
    .bind(now)
    .bind(org_id)
    .bind(&email)
    .execute(&mut *tx)
    .await?;
    let row = sqlx::query(
        "INSERT INTO org_invitations
                (org_id, email, display_name, role, language, token_hash, invited_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         RETURNING id, email, display_name, role, created_at, expires_at",
    )
    .bind(org_id)
    .bind(&email)
    .bind(&name)
    .bind(request.role.as_str())
    .bind(locale.tag())
    .bind(secrets::hash(&token))
    .bind(actor.user_id)
    .bind(now)
    .bind(now + templates::INVITATION_HOURS * 3600)
    .fetch_one(&mut *tx)
    .await?;
    let invitation = invitation_from_row(&row, now)?;
    let link = one_time_links::link(&ctx.config, "/welcome", &token);
    let message = match &existing {
        None => {
            templates::render(&email, &Template::Invitation { name: &name, inviter: &org_name, link: &link }, locale)
        }
        Some((their_name, language)) => templates::render(
            &email,
            &Template::InvitationForExistingLogin { name: their_name, inviter: &org_name },
            crate::db::decode::code("users", &email, "language", language)?,
        ),
    };
    mail::enqueue(ctx, &mut tx, &message).await?;
    audit::record(
        ctx,
        &mut tx,
        actor,
        "org.member_invited",
        audit::Subject::Invitation(invitation.id),
        json!({"org": org_id, "role": request.role}),
    )
    .await?;
    tx.commit().await?;
    Ok(invitation)
}

/// Withdraws an open invitation: its link stops working.
pub async fn withdraw_invitation(ctx: &Ctx, actor: &Actor, org_id: i64, invitation_id: i64) -> Outcome<()> {
    let mut tx = ctx.db.begin().await?;
    let withdrawn = sqlx::query(
        "UPDATE org_invitations SET withdrawn_at = $1
          WHERE id = $2 AND org_id = $3 AND accepted_at IS NULL AND withdrawn_at IS NULL",
    )
    .bind(ctx.now())
    .bind(invitation_id)
    .bind(org_id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if withdrawn == 0 {
        return Err(Fail::Code(ErrorCode::NotFound));
    }
    audit::record(
        ctx,
        &mut tx,
        actor,
        "org.invitation_withdrawn",
        audit::Subject::Invitation(invitation_id),
        json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The name and address an open invitation link was sent for, if the token is one (the
/// password page checks the password against them before the slow hash).
pub async fn open_invitation(ctx: &Ctx, token: &str) -> Outcome<Option<(String, String)>> {
    let row = sqlx::query(
        "SELECT email, display_name FROM org_invitations
          WHERE token_hash = $1 AND accepted_at IS NULL AND withdrawn_at IS NULL AND expires_at > $2",
    )
    .bind(secrets::hash(token.trim()))
    .bind(ctx.now())
    .fetch_optional(ctx.db.pool())
    .await?;
    Ok(row.map(|row| Ok::<_, sqlx::Error>((row.try_get("email")?, row.try_get("display_name")?))).transpose()?)
}

/// The login an accepted invitation made.
#[derive(Debug)]
pub struct AcceptedInvitation {
    /// The new login.
    pub user_id: i64,
    /// The invitation it came from.
    pub invitation_id: i64,
    /// Its address.
    pub email: String,
}

/// Accepts an invitation with the password its holder chose: the login is made now, with
/// the invited role, and the address counts as confirmed (the link came to it). The
/// invitation is used up by a conditional update, so one link makes one login.
pub async fn accept_invitation(
    ctx: &Ctx,
    conn: &mut AnyConnection,
    token: &str,
    password_hash: &str,
) -> Outcome<AcceptedInvitation> {
    let now = ctx.now();
    let row = sqlx::query(
        "UPDATE org_invitations SET accepted_at = $1
          WHERE token_hash = $2 AND accepted_at IS NULL AND withdrawn_at IS NULL AND expires_at > $1
          RETURNING id, org_id, email, display_name, role, language",
    )
    .bind(now)
    .bind(secrets::hash(token.trim()))
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Err(Fail::Code(ErrorCode::LinkExpired)) };
    let email: String = row.try_get("email")?;
    let invitation_id: i64 = row.try_get("id")?;
    // The address may have registered since the invitation was sent; its holder is the
    // one using the link, so telling them is no leak.
    one_time_links::refuse_taken_email(&mut *conn, &email).await?;
    let user_id: i64 = sqlx::query(
        "INSERT INTO users (kind, email, display_name, password_hash, email_confirmed_at, language, email_notices, created_at)
         VALUES ('enterprise', $1, $2, $3, $4, $5, $6, $4) RETURNING id",
    )
    .bind(&email)
    .bind(row.try_get::<String, _>("display_name")?)
    .bind(password_hash)
    .bind(now)
    .bind(row.try_get::<String, _>("language")?)
    .bind(Notice::write_list(Notice::ALL))
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")?;
    sqlx::query("INSERT INTO org_members (user_id, org_id, role, created_at) VALUES ($1, $2, $3, $4)")
        .bind(user_id)
        .bind(row.try_get::<i64, _>("org_id")?)
        .bind(row.try_get::<String, _>("role")?)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(AcceptedInvitation { user_id, invitation_id, email })
}

/// The role of a member of this organisation; `NotFound` for anyone else.
async fn member_role(conn: &mut AnyConnection, org_id: i64, user_id: i64) -> Outcome<OrgRole> {
    let role: Option<String> = sqlx::query_scalar("SELECT role FROM org_members WHERE org_id = $1 AND user_id = $2")
        .bind(org_id)
        .bind(user_id)
        .fetch_optional(conn)
        .await?;
    role.and_then(|r| r.parse().ok()).ok_or(Fail::Code(ErrorCode::NotFound))
}

/// Refuses a change that would leave the organisation without an admin.
async fn keep_an_admin(conn: &mut AnyConnection, org_id: i64, user_id: i64) -> Outcome<()> {
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
pub async fn change_role(ctx: &Ctx, actor: &Actor, org_id: i64, user_id: i64, role: OrgRole) -> Outcome<()> {
    let mut tx = ctx.db.begin().await?;
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
    sessions::revoke_all(ctx, &mut tx, user_id, None).await?;
    audit::record(
        ctx,
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
pub async fn remove(ctx: &Ctx, actor: &Actor, org_id: i64, user_id: i64) -> Outcome<()> {
    let mut tx = ctx.db.begin().await?;
    let current = member_role(&mut tx, org_id, user_id).await?;
    if current == OrgRole::Admin {
        keep_an_admin(&mut tx, org_id, user_id).await?;
    }
    sqlx::query("DELETE FROM org_members WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
    sqlx::query("UPDATE users SET disabled_at = $1 WHERE id = $2")
        .bind(ctx.now())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sessions::revoke_all(ctx, &mut tx, user_id, None).await?;
    audit::record(ctx, &mut tx, actor, "org.member_removed", audit::Subject::User(user_id), json!({"org": org_id}))
        .await?;
    tx.commit().await?;
    Ok(())
}

fn token_from_row(row: &AnyRow) -> Result<ApiTokenInfo, sqlx::Error> {
    Ok(ApiTokenInfo {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        prefix: row.try_get("prefix")?,
        scope: crate::db::decode::column(row, "api_tokens", "id", "scope")?,
        created_at: utc(row.try_get("created_at")?),
        expires_at: utc(row.try_get("expires_at")?),
        revoked_at: row.try_get::<Option<i64>, _>("revoked_at")?.map(utc),
        last_used_at: row.try_get::<Option<i64>, _>("last_used_at")?.map(utc),
    })
}

/// The organisation's API tokens, newest first.
pub async fn tokens(ctx: &Ctx, org_id: i64) -> Outcome<Vec<ApiTokenInfo>> {
    let rows = sqlx::query(
        "SELECT id, name, prefix, scope, created_at, expires_at, revoked_at, last_used_at FROM api_tokens
          WHERE org_id = $1 ORDER BY id DESC",
    )
    .bind(org_id)
    .fetch_all(ctx.db.pool())
    .await?;
    Ok(rows.iter().map(token_from_row).collect::<Result<_, _>>()?)
}

/// Issues a token; the secret is in the answer and nowhere else.
pub async fn issue_token(
    ctx: &Ctx,
    actor: &Actor,
    user: &SessionUser,
    org_id: i64,
    request: &CreateTokenRequest,
) -> Outcome<CreatedToken> {
    let name = request.validate().map_err(Fail::Fields)?;
    let secret = secrets::token().map_err(|e| Fail::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    let token = format!("{TOKEN_PREFIX}{secret}");
    let prefix: String = token.chars().take(TOKEN_PREFIX.len() + 6).collect();
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
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
        ctx,
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
    .fetch_one(ctx.db.pool())
    .await?;
    Ok(CreatedToken { token, info: token_from_row(&row)? })
}

/// Revokes one of the organisation's tokens; another organisation's is `NotFound`.
pub async fn revoke_token(ctx: &Ctx, actor: &Actor, org_id: i64, token_id: i64) -> Outcome<()> {
    let mut tx = ctx.db.begin().await?;
    let updated =
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND org_id = $3 AND revoked_at IS NULL")
            .bind(ctx.now())
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
    audit::record(ctx, &mut tx, actor, "token.revoked", audit::Subject::Token(token_id), json!({"org": org_id}))
        .await?;
    tx.commit().await?;
    Ok(())
}
