//! One-time links sent by email (confirm an address, reset a password, accept an
//! invitation): their tokens, stored hashed and used once, and the links that carry them.
//! Identity, staff and organisation services all send them; none of them owns them.

use shared::api::ErrorCode;
use sqlx::{AnyConnection, Row};

use super::{Fail, Outcome, secrets};
use crate::config::Config;
use crate::context::Ctx;
use crate::mail::templates;

/// What a one-time token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Confirms a new login's address.
    ConfirmEmail,
    /// Sets a new password.
    ResetPassword,
    /// Sets the first password of an invited person (and confirms their address).
    Invitation,
}

impl Purpose {
    /// The code stored in `one_time_tokens.purpose`.
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::ConfirmEmail => "confirm_email",
            Purpose::ResetPassword => "reset_password",
            Purpose::Invitation => "invitation",
        }
    }

    fn lifetime_secs(self) -> i64 {
        match self {
            Purpose::ConfirmEmail => templates::CONFIRM_HOURS * 3600,
            Purpose::ResetPassword => templates::RESET_HOURS * 3600,
            Purpose::Invitation => templates::INVITATION_HOURS * 3600,
        }
    }
}

/// Issues a one-time link token for a user; earlier unused tokens of the same purpose stop
/// working, so only the newest link in the inbox does.
pub async fn issue_token(ctx: &Ctx, conn: &mut AnyConnection, user_id: i64, purpose: Purpose) -> Outcome<String> {
    let token = secrets::token().map_err(|e| Fail::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    let now = ctx.now();
    sqlx::query("UPDATE one_time_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL")
        .bind(now)
        .bind(user_id)
        .bind(purpose.as_str())
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO one_time_tokens (token_hash, purpose, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(secrets::hash(&token))
    .bind(purpose.as_str())
    .bind(user_id)
    .bind(now)
    .bind(now + purpose.lifetime_secs())
    .execute(&mut *conn)
    .await?;
    Ok(token)
}

/// Uses a one-time token: answers its user if it was live, and marks it used (a
/// conditional update, so two requests with one link cannot both succeed).
pub async fn use_token(
    ctx: &Ctx,
    conn: &mut AnyConnection,
    token: &str,
    purposes: &[Purpose],
) -> Outcome<(i64, Purpose)> {
    let now = ctx.now();
    let row = sqlx::query(
        "UPDATE one_time_tokens SET used_at = $1
          WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
          RETURNING user_id, purpose",
    )
    .bind(now)
    .bind(secrets::hash(token.trim()))
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Err(Fail::Code(ErrorCode::LinkExpired)) };
    let purpose: String = row.try_get("purpose")?;
    let purpose = [Purpose::ConfirmEmail, Purpose::ResetPassword, Purpose::Invitation]
        .into_iter()
        .find(|p| p.as_str() == purpose && purposes.contains(p))
        .ok_or(Fail::Code(ErrorCode::LinkExpired))?;
    Ok((row.try_get("user_id")?, purpose))
}

/// Refuses an address that already has a login (invitations: the inviter is told).
pub async fn refuse_taken_email(conn: &mut AnyConnection, email: &str) -> Outcome<()> {
    let taken: Option<i64> =
        sqlx::query_scalar("SELECT id FROM users WHERE email = $1").bind(email).fetch_optional(conn).await?;
    if taken.is_some() { Err(Fail::Code(ErrorCode::EmailTaken)) } else { Ok(()) }
}

/// A link into the portal.
pub fn link(config: &Config, path: &str, token: &str) -> String {
    format!("{}{path}?token={token}", config.public_url())
}
