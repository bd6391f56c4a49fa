//! Logins: registration, email confirmation, login and logout, forgotten and changed
//! passwords, the profile. Every change is one transaction with its audit entry and email.

use serde_json::json;
use shared::api::ErrorCode;
use shared::api::auth::{Me, Membership, ProfileChange, RegisterRequest};
use shared::i18n::Locale;
use shared::roles::{Notice, UserKind};
use shared::validation::{FieldError, Problem};
use sqlx::Row;

use super::one_time_links::{Purpose, issue_token, link, use_token};
use super::sessions::NewSession;
use super::{Actor, Fail, Outcome, audit, org, passwords, rate_limit, second_factor, secrets, sessions, utc};
use crate::context::Ctx;
use crate::mail::templates::{self, Template};
use crate::mail::{self};
use crate::services::sessions::SessionUser;

/// Registers a customer. Answers the same whether or not the address already had a login
/// (the owner of an existing login is told by email instead), so the answer does not
/// reveal who has an account.
pub async fn register(ctx: &Ctx, actor: &Actor, request: &RegisterRequest, locale: Locale) -> Outcome<()> {
    let valid = request.validate().map_err(Fail::Fields)?;
    passwords::check_strength(&request.password, &[&valid.email, &valid.display_name])
        .map_err(|problem| Fail::Fields(vec![FieldError::new("password", problem)]))?;
    rate_limit::hit_all(
        ctx,
        &[
            (rate_limit::REGISTER_PER_IP, &rate_limit::client_key(&actor.ip)),
            (rate_limit::REGISTER_PER_EMAIL, &valid.email),
        ],
    )
    .await?;
    let language = request.language.unwrap_or(locale);
    let hash = passwords::hash(request.password.clone()).await.map_err(Fail::Internal)?;

    let mut tx = ctx.db.begin().await?;
    let existing = sqlx::query("SELECT id, display_name, language FROM users WHERE email = $1")
        .bind(&valid.email)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(row) = existing {
        let name: String = row.try_get("display_name")?;
        let language: Locale = crate::db::decode::column(&row, "users", "id", "language")?;
        let email = templates::render(
            &valid.email,
            &Template::AlreadyRegistered {
                name: &name,
                login_link: &format!("{}/login", ctx.config.public_url()),
                reset_link: &format!("{}/password/forgot", ctx.config.public_url()),
            },
            language,
        );
        mail::enqueue(ctx, &mut tx, &email).await?;
        audit::record(
            ctx,
            &mut tx,
            actor,
            "register.existing_address",
            audit::Subject::User(row.try_get::<i64, _>("id")?),
            json!({}),
        )
        .await?;
        tx.commit().await?;
        return Ok(());
    }
    let user_id: i64 = sqlx::query(
        "INSERT INTO users (kind, email, mobile, display_name, password_hash, language, email_notices, created_at)
         VALUES ('customer', $1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(&valid.email)
    .bind(&valid.mobile)
    .bind(&valid.display_name)
    .bind(&hash)
    .bind(language.tag())
    .bind(Notice::write_list(Notice::ALL))
    .bind(ctx.now())
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    let token = issue_token(ctx, &mut tx, user_id, Purpose::ConfirmEmail).await?;
    let email = templates::render(
        &valid.email,
        &Template::ConfirmEmail { name: &valid.display_name, link: &link(&ctx.config, "/confirm", &token) },
        language,
    );
    mail::enqueue(ctx, &mut tx, &email).await?;
    let actor = Actor { user_id: Some(user_id), label: valid.email.clone(), ip: actor.ip.clone() };
    audit::record(ctx, &mut tx, &actor, "register", audit::Subject::User(user_id), json!({"kind": "customer"})).await?;
    tx.commit().await?;
    Ok(())
}

/// Confirms an address from the emailed link.
pub async fn confirm(ctx: &Ctx, actor: &Actor, token: &str) -> Outcome<()> {
    let mut tx = ctx.db.begin().await?;
    let (user_id, _) = use_token(ctx, &mut tx, token, &[Purpose::ConfirmEmail]).await?;
    sqlx::query("UPDATE users SET email_confirmed_at = $1 WHERE id = $2 AND email_confirmed_at IS NULL")
        .bind(ctx.now())
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    audit::record(ctx, &mut tx, actor, "email.confirmed", audit::Subject::User(user_id), json!({})).await?;
    tx.commit().await?;
    Ok(())
}

/// Logs in. Ends the session the browser came with, if any (a new token at every login:
/// no session fixation). A wrong password and an unknown address answer alike. With a
/// second factor (`services::second_factor`), `code` must be a fresh code or an unused
/// recovery code; the check counts as fresh on the new session (on `clock`).
#[allow(clippy::too_many_arguments)]
pub async fn login(
    ctx: &Ctx,
    actor: &Actor,
    email: &str,
    password: &str,
    user_agent: &str,
    previous_session: Option<&str>,
    code: Option<&str>,
) -> Outcome<NewSession> {
    let email = email.trim().to_lowercase();
    // Failures count per (address, client): a guesser is refused from their own client only,
    // and past the limit for the address every answer is slowed down, never refused.
    rate_limit::before_login_check(ctx, &email, &actor.ip).await?;
    let row = sqlx::query(
        "SELECT id, kind, display_name, password_hash, email_confirmed_at, disabled_at, language FROM users WHERE email = $1",
    )
    .bind(&email)
    .fetch_optional(ctx.db.pool())
    .await?;
    let stored: Option<String> = row.as_ref().map(|r| r.try_get("password_hash")).transpose()?.flatten();
    let matches = passwords::verify(password.to_owned(), stored).await.map_err(Fail::Internal)?;
    let Some(row) = row.filter(|_| matches) else {
        rate_limit::login_failed(ctx, &email, &actor.ip).await?;
        let hint = shared::api::accounts::email_hint(&email);
        let subject = audit::Subject::EmailHint(&hint);
        audit::record_alone(ctx, actor, "login.failed", subject, json!({})).await?;
        return Err(Fail::Code(ErrorCode::InvalidCredentials));
    };
    let user_id: i64 = row.try_get("id")?;
    let actor = Actor { user_id: Some(user_id), label: email.clone(), ip: actor.ip.clone() };
    let subject = audit::Subject::User(user_id);
    if row.try_get::<Option<i64>, _>("disabled_at")?.is_some() {
        audit::record_alone(ctx, &actor, "login.refused_disabled", subject, json!({})).await?;
        return Err(Fail::Code(ErrorCode::AccountDisabled));
    }
    let mut tx = ctx.db.begin().await?;
    if row.try_get::<Option<i64>, _>("email_confirmed_at")?.is_none() {
        // The right password proves the person; send them a fresh link.
        let token = issue_token(ctx, &mut tx, user_id, Purpose::ConfirmEmail).await?;
        let name: String = row.try_get("display_name")?;
        let language: Locale = crate::db::decode::column(&row, "users", "id", "language")?;
        let message = templates::render(
            &email,
            &Template::ConfirmEmail { name: &name, link: &link(&ctx.config, "/confirm", &token) },
            language,
        );
        mail::enqueue(ctx, &mut tx, &message).await?;
        audit::record(ctx, &mut tx, &actor, "login.refused_unconfirmed", subject, json!({})).await?;
        tx.commit().await?;
        return Err(Fail::Code(ErrorCode::EmailUnconfirmed));
    }
    let kind: UserKind = crate::db::decode::column(&row, "users", "id", "kind")?;
    let checked = match second_factor::at_login(ctx, &mut tx, user_id, kind, code).await {
        Ok(checked) => checked,
        Err(fail) => {
            drop(tx);
            if matches!(fail, Fail::Code(ErrorCode::SecondFactorInvalid)) {
                rate_limit::login_failed(ctx, &email, &actor.ip).await?;
                audit::record_alone(ctx, &actor, "login.second_factor_failed", subject, json!({})).await?;
            }
            return Err(fail);
        }
    };
    if let Some(previous) = previous_session {
        sessions::revoke(ctx, &mut tx, &secrets::hash(previous)).await?;
    }
    let (token, expires_at) = sessions::create(ctx, &mut tx, user_id, &actor.ip, user_agent).await?;
    if checked {
        second_factor::mark_fresh(ctx, &mut tx, &secrets::hash(&token)).await?;
    }
    audit::record(ctx, &mut tx, &actor, "login", subject, json!({ "second_factor": checked })).await?;
    tx.commit().await?;
    Ok(NewSession { token, expires_at })
}

/// Logs out this session, or every session of the person.
pub async fn logout(ctx: &Ctx, actor: &Actor, user: &SessionUser, everywhere: bool) -> Outcome<()> {
    let mut tx = ctx.db.begin().await?;
    let subject = audit::Subject::User(user.user_id);
    if everywhere {
        let ended = sessions::revoke_all(ctx, &mut tx, user.user_id, None).await?;
        audit::record(ctx, &mut tx, actor, "logout.everywhere", subject, json!({"sessions": ended})).await?;
    } else {
        sessions::revoke(ctx, &mut tx, &user.session_hash).await?;
        audit::record(ctx, &mut tx, actor, "logout", subject, json!({})).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Sends a reset link if the address is a login; answers alike either way.
pub async fn forgot_password(ctx: &Ctx, actor: &Actor, email: &str) -> Outcome<()> {
    let email = shared::validation::email(email).map_err(|p| Fail::Fields(vec![FieldError::new("email", p)]))?;
    let client = rate_limit::client_key(&actor.ip);
    rate_limit::hit_all(ctx, &[(rate_limit::RESET_PER_EMAIL, &email), (rate_limit::RESET_PER_IP, &client)]).await?;
    let mut tx = ctx.db.begin().await?;
    let row = sqlx::query("SELECT id, display_name, language FROM users WHERE email = $1 AND disabled_at IS NULL")
        .bind(&email)
        .fetch_optional(&mut *tx)
        .await?;
    // The same work either way (a token, a rendered message, an audit entry), so neither
    // the answer nor its time tells whether the address has a login; only the mail differs.
    if let Some(row) = row {
        let user_id: i64 = row.try_get("id")?;
        let name: String = row.try_get("display_name")?;
        let language: Locale = crate::db::decode::column(&row, "users", "id", "language")?;
        let token = issue_token(ctx, &mut tx, user_id, Purpose::ResetPassword).await?;
        let message = templates::render(
            &email,
            &Template::ResetPassword { name: &name, link: &link(&ctx.config, "/password/reset", &token) },
            language,
        );
        mail::enqueue(ctx, &mut tx, &message).await?;
        audit::record(ctx, &mut tx, actor, "password.reset_requested", audit::Subject::User(user_id), json!({}))
            .await?;
    } else {
        let token = secrets::token().map_err(|e| Fail::Internal(anyhow::anyhow!("no randomness: {e}")))?;
        let _discarded = templates::render(
            &email,
            &Template::ResetPassword { name: "", link: &link(&ctx.config, "/password/reset", &token) },
            Locale::default(),
        );
        let hint = shared::api::accounts::email_hint(&email);
        audit::record(
            ctx,
            &mut tx,
            actor,
            "password.reset_requested",
            audit::Subject::EmailHint(&hint),
            json!({"login": false}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Sets a password from a reset link or an invitation. Every session of the person ends;
/// an invitation also confirms the address (the link arrived there). An organisation's
/// invitation makes its login now.
pub async fn reset_password(ctx: &Ctx, actor: &Actor, token: &str, password: &str) -> Outcome<()> {
    shared::validation::password_length(password).map_err(|p| Fail::Fields(vec![FieldError::new("password", p)]))?;
    if let Some((email, name)) = org::open_invitation(ctx, token).await? {
        return accept_org_invitation(ctx, actor, token, password, &email, &name).await;
    }
    // Check the link before the (slow) hash, without using it up.
    let probe = sqlx::query(
        "SELECT u.email, u.display_name FROM one_time_tokens t JOIN users u ON u.id = t.user_id
          WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > $2 AND t.purpose IN ('reset_password', 'invitation')",
    )
    .bind(secrets::hash(token.trim()))
    .bind(ctx.now())
    .fetch_optional(ctx.db.pool())
    .await?;
    let Some(probe) = probe else { return Err(Fail::Code(ErrorCode::LinkExpired)) };
    let email: String = probe.try_get("email")?;
    let name: String = probe.try_get("display_name")?;
    let hash = strong_hash(password, &email, &name).await?;

    let mut tx = ctx.db.begin().await?;
    let (user_id, purpose) = use_token(ctx, &mut tx, token, &[Purpose::ResetPassword, Purpose::Invitation]).await?;
    sqlx::query(
        "UPDATE users SET password_hash = $1,
                email_confirmed_at = CASE WHEN $2 = 1 THEN COALESCE(email_confirmed_at, $3) ELSE email_confirmed_at END
          WHERE id = $4",
    )
    .bind(&hash)
    .bind(i64::from(purpose == Purpose::Invitation))
    .bind(ctx.now())
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    sessions::revoke_all(ctx, &mut tx, user_id, None).await?;
    let action = if purpose == Purpose::Invitation { "invitation.accepted" } else { "password.reset" };
    let actor = Actor { user_id: Some(user_id), label: email, ip: actor.ip.clone() };
    audit::record(ctx, &mut tx, &actor, action, audit::Subject::User(user_id), json!({})).await?;
    tx.commit().await?;
    Ok(())
}

/// Checks a new password against the person's address and name, then hashes it.
async fn strong_hash(password: &str, email: &str, name: &str) -> Outcome<String> {
    passwords::check_strength(password, &[email, name])
        .map_err(|problem| Fail::Fields(vec![FieldError::new("password", problem)]))?;
    passwords::hash(password.to_owned()).await.map_err(Fail::Internal)
}

/// Accepts an organisation's invitation: its login is made with the chosen password.
async fn accept_org_invitation(
    ctx: &Ctx,
    actor: &Actor,
    token: &str,
    password: &str,
    email: &str,
    name: &str,
) -> Outcome<()> {
    let hash = strong_hash(password, email, name).await?;
    let mut tx = ctx.db.begin().await?;
    let accepted = org::accept_invitation(ctx, &mut tx, token, &hash).await?;
    let actor = Actor { user_id: Some(accepted.user_id), label: accepted.email, ip: actor.ip.clone() };
    audit::record(
        ctx,
        &mut tx,
        &actor,
        "invitation.accepted",
        audit::Subject::User(accepted.user_id),
        json!({"invitation": accepted.invitation_id}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the password of a logged-in person: the current one must be right. Other
/// sessions end and this one gets a new token.
pub async fn change_password(
    ctx: &Ctx,
    actor: &Actor,
    user: &SessionUser,
    current: &str,
    new: &str,
    user_agent: &str,
) -> Outcome<NewSession> {
    let row = sqlx::query("SELECT password_hash, display_name, language FROM users WHERE id = $1")
        .bind(user.user_id)
        .fetch_one(ctx.db.pool())
        .await?;
    let stored: Option<String> = row.try_get("password_hash")?;
    let name: String = row.try_get("display_name")?;
    let mut problems = Vec::new();
    rate_limit::hit(ctx, rate_limit::PASSWORD_CHANGE_PER_USER, &user.user_id.to_string()).await?;
    if !passwords::verify(current.to_owned(), stored).await.map_err(Fail::Internal)? {
        problems.push(FieldError::new("current_password", Problem::WrongPassword));
    }
    if let Err(problem) = passwords::check_strength(new, &[&user.email, &name]) {
        problems.push(FieldError::new("new_password", problem));
    }
    if !problems.is_empty() {
        return Err(Fail::Fields(problems));
    }
    let hash = passwords::hash(new.to_owned()).await.map_err(Fail::Internal)?;
    let mut tx = ctx.db.begin().await?;
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(&hash)
        .bind(user.user_id)
        .execute(&mut *tx)
        .await?;
    sessions::revoke_all(ctx, &mut tx, user.user_id, None).await?;
    let (token, expires_at) = sessions::create(ctx, &mut tx, user.user_id, &actor.ip, user_agent).await?;
    let language: Locale = crate::db::decode::column(&row, "users", "id", "language")?;
    let message = templates::render(&user.email, &Template::PasswordChanged { name: &name }, language);
    mail::enqueue(ctx, &mut tx, &message).await?;
    audit::record(ctx, &mut tx, actor, "password.changed", audit::Subject::User(user.user_id), json!({})).await?;
    tx.commit().await?;
    Ok(NewSession { token, expires_at })
}

/// The logged-in person's profile.
pub fn me(user: &SessionUser) -> Me {
    let profile = &user.profile;
    Me {
        id: user.user_id,
        kind: user.kind,
        email: user.email.clone(),
        mobile: profile.mobile.clone(),
        display_name: profile.display_name.clone(),
        language: profile.language,
        email_notices: Notice::parse_list(&profile.email_notices),
        membership: user.org.map(|(org_id, role)| Membership {
            org_id,
            org_name: profile.org_name.clone().unwrap_or_default(),
            role,
        }),
        staff_roles: if user.kind == UserKind::Staff { user.staff_roles.clone() } else { Vec::new() },
        regions: user.regions.clone(),
        session_expires_at: utc(user.expires_at),
        second_factor: profile.second_factor,
    }
}

/// Changes the profile fields present in the request.
pub async fn update_profile(ctx: &Ctx, actor: &Actor, user: &SessionUser, change: &ProfileChange) -> Outcome<Me> {
    let mut tx = ctx.db.begin().await?;
    let mut changed = Vec::new();
    if let Some(name) = &change.display_name {
        sqlx::query("UPDATE users SET display_name = $1 WHERE id = $2")
            .bind(name)
            .bind(user.user_id)
            .execute(&mut *tx)
            .await?;
        changed.push("display_name");
    }
    if let Some(mobile) = &change.mobile {
        sqlx::query("UPDATE users SET mobile = $1 WHERE id = $2")
            .bind(mobile)
            .bind(user.user_id)
            .execute(&mut *tx)
            .await?;
        changed.push("mobile");
    }
    if let Some(language) = change.language {
        sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
            .bind(language.tag())
            .bind(user.user_id)
            .execute(&mut *tx)
            .await?;
        changed.push("language");
    }
    if let Some(notices) = &change.email_notices {
        sqlx::query("UPDATE users SET email_notices = $1 WHERE id = $2")
            .bind(Notice::write_list(notices))
            .bind(user.user_id)
            .execute(&mut *tx)
            .await?;
        changed.push("email_notices");
    }
    audit::record(
        ctx,
        &mut tx,
        actor,
        "profile.changed",
        audit::Subject::User(user.user_id),
        json!({ "fields": changed }),
    )
    .await?;
    tx.commit().await?;
    let fresh =
        sessions::lookup_hash(ctx, user.session_hash.clone()).await?.ok_or(Fail::Code(ErrorCode::Unauthenticated))?;
    Ok(me(&fresh))
}
