//! The second factor: TOTP (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits, one step of
//! clock drift allowed) and ten one-time recovery codes.
//!
//! Staff must have one: their first login sets it up (a QR code and the secret as text,
//! confirmed by a first code), and every login needs a code. Customers and enterprise
//! users may turn it on for themselves. A code is accepted once: the newest accepted time
//! step is kept and only a later one passes (a conditional update, so two requests with one
//! code cannot both pass). The secret is shown only while the enrolment waits for its first
//! code; recovery codes are stored as SHA-256. Money, tariff, limit and role changes need a
//! check within the last ten minutes of the trade clock ([`FRESH_SECS`]), kept per session.

use serde_json::json;
use shared::api::ErrorCode;
use shared::api::auth::SecondFactorSetup;
use shared::roles::UserKind;
use sqlx::{AnyConnection, Row};
use totp_rs::{Builder, Secret, Totp};

use super::{Actor, Fail, Outcome, audit, passwords, rate_limit, secrets, sessions};
use crate::context::Ctx;
use crate::services::sessions::NewSession;
use crate::services::sessions::SessionUser;

/// How long a second-factor check counts as fresh for money, tariff, limit and role changes.
pub const FRESH_SECS: i64 = 10 * 60;
/// Recovery codes given at each enrolment.
pub const RECOVERY_CODES: usize = 10;
/// The name authenticator apps show beside the login.
const ISSUER: &str = "Gridhall";
/// Letters of recovery codes: no 0/o, 1/l/i to misread.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// Where a login stands.
enum Factor {
    /// No authenticator.
    None,
    /// Set up, waiting for its first code.
    Pending(String),
    /// In use.
    Active(String),
}

fn authenticator(secret: &str, account: &str) -> Outcome<Totp> {
    let secret =
        Secret::try_from_base32(secret).map_err(|e| Fail::Internal(anyhow::anyhow!("bad stored secret: {e}")))?;
    Builder::new()
        .with_secret(secret)
        .with_issuer(Some(ISSUER))
        .with_account_name(account.replace(':', ""))
        .build()
        .map_err(|e| Fail::Internal(anyhow::anyhow!("authenticator: {e}")))
}

/// A new secret: 160 random bits (RFC 4226's recommended length), in base32.
pub fn new_secret() -> Outcome<String> {
    let mut bytes = [0_u8; 20];
    getrandom::fill(&mut bytes).map_err(|e| Fail::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    Ok(Secret::from(bytes.to_vec()).to_base32())
}

fn recovery_code() -> Outcome<String> {
    let mut bytes = [0_u8; 10];
    getrandom::fill(&mut bytes).map_err(|e| Fail::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    // 31 letters; a byte modulo 31 is near enough uniform for a one-time code of 10 letters.
    let letters: String =
        bytes.iter().map(|b| char::from(RECOVERY_ALPHABET[usize::from(*b) % RECOVERY_ALPHABET.len()])).collect();
    Ok(format!("{}-{}", &letters[..5], &letters[5..]))
}

/// A recovery code as typed: case, spaces and dashes do not matter.
fn normalise_recovery(code: &str) -> String {
    code.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

async fn factor(conn: &mut AnyConnection, user_id: i64) -> Outcome<Factor> {
    let row = sqlx::query("SELECT secret, confirmed_at FROM second_factors WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await?;
    let Some(row) = row else { return Ok(Factor::None) };
    let secret: String = row.try_get("secret")?;
    Ok(if row.try_get::<Option<i64>, _>("confirmed_at")?.is_some() {
        Factor::Active(secret)
    } else {
        Factor::Pending(secret)
    })
}

/// Accepts a six-digit code once: its time step must be later than any accepted before.
async fn accept_totp(ctx: &Ctx, conn: &mut AnyConnection, user_id: i64, secret: &str, code: &str) -> Outcome<bool> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(false);
    }
    let Some(step) = authenticator(secret, "")?.check(&code, u64::try_from(ctx.now()).unwrap_or_default()) else {
        return Ok(false);
    };
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    let claimed = sqlx::query("UPDATE second_factors SET last_step = $1 WHERE user_id = $2 AND last_step < $1")
        .bind(step)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(claimed.rows_affected() == 1)
}

/// Accepts a code of an active authenticator, or an unused recovery code (used up).
async fn accept(ctx: &Ctx, conn: &mut AnyConnection, user_id: i64, secret: &str, code: &str) -> Outcome<bool> {
    if accept_totp(ctx, &mut *conn, user_id, secret, code).await? {
        return Ok(true);
    }
    let recovery = normalise_recovery(code);
    if recovery.len() != 10 {
        return Ok(false);
    }
    let used =
        sqlx::query("UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL")
            .bind(ctx.now())
            .bind(user_id)
            .bind(secrets::hash(&recovery))
            .execute(conn)
            .await?;
    Ok(used.rows_affected() == 1)
}

/// The second step of a login, after the right password: answers whether a second factor
/// was checked. Staff without an authenticator must set one up first; anyone with one
/// must give a code.
pub async fn at_login(
    ctx: &Ctx,
    conn: &mut AnyConnection,
    user_id: i64,
    kind: UserKind,
    code: Option<&str>,
) -> Outcome<bool> {
    match factor(&mut *conn, user_id).await? {
        Factor::Active(secret) => {
            let Some(code) = code.filter(|c| !c.trim().is_empty()) else {
                return Err(Fail::Code(ErrorCode::SecondFactorRequired));
            };
            if accept(ctx, conn, user_id, &secret, code).await? {
                Ok(true)
            } else {
                Err(Fail::Code(ErrorCode::SecondFactorInvalid))
            }
        }
        Factor::None | Factor::Pending(_) if kind == UserKind::Staff => {
            Err(Fail::Code(ErrorCode::SecondFactorEnrolmentRequired))
        }
        Factor::None | Factor::Pending(_) => Ok(false),
    }
}

/// Notes a passed check on a session, on the trade clock (which tests move).
pub async fn mark_fresh(ctx: &Ctx, conn: &mut AnyConnection, session_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET second_factor_at = $1 WHERE token_hash = $2")
        .bind(ctx.now())
        .bind(session_hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// Whether a session passed a check within [`FRESH_SECS`].
pub fn is_fresh(ctx: &Ctx, user: &SessionUser) -> bool {
    user.second_factor_at.is_some_and(|at| (ctx.now() - at) <= FRESH_SECS)
}

/// Gates an attempt like a login's (`rate_limit::before_login_check`): a wrong code is a
/// wrong guess at the login, counted by [`count_failure`].
async fn count_attempt(ctx: &Ctx, email: &str, actor: &Actor) -> Outcome<()> {
    rate_limit::before_login_check(ctx, email, &actor.ip).await
}

/// A wrong password or code, counted as a failed login.
async fn count_failure(ctx: &Ctx, email: &str, actor: &Actor) -> Outcome<()> {
    rate_limit::login_failed(ctx, email, &actor.ip).await
}

/// The login behind an email and password (counted as a login attempt); answers its id,
/// kind and login.
async fn by_password(ctx: &Ctx, actor: &Actor, email: &str, password: &str) -> Outcome<(i64, UserKind, String)> {
    let email = email.trim().to_lowercase();
    count_attempt(ctx, &email, actor).await?;
    let row =
        sqlx::query("SELECT id, kind, password_hash, email_confirmed_at, disabled_at FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(ctx.db.pool())
            .await?;
    let stored: Option<String> = row.as_ref().map(|r| r.try_get("password_hash")).transpose()?.flatten();
    let matches = passwords::verify(password.to_owned(), stored).await.map_err(Fail::Internal)?;
    let Some(row) = row.filter(|_| matches) else {
        count_failure(ctx, &email, actor).await?;
        let hint = shared::api::accounts::email_hint(&email);
        let subject = audit::Subject::EmailHint(&hint);
        audit::record_alone(ctx, actor, "login.failed", subject, json!({"second_factor_setup": true})).await?;
        return Err(Fail::Code(ErrorCode::InvalidCredentials));
    };
    if row.try_get::<Option<i64>, _>("disabled_at")?.is_some() {
        return Err(Fail::Code(ErrorCode::AccountDisabled));
    }
    if row.try_get::<Option<i64>, _>("email_confirmed_at")?.is_none() {
        return Err(Fail::Code(ErrorCode::EmailUnconfirmed));
    }
    Ok((row.try_get("id")?, crate::db::decode::column(&row, "users", "id", "kind")?, email))
}

/// Starts an enrolment (a staff member's first login, or anyone opting in): a new secret,
/// shown this once. Refused once an authenticator is in use, so a known password cannot
/// replace it.
pub async fn setup(ctx: &Ctx, actor: &Actor, email: &str, password: &str) -> Outcome<SecondFactorSetup> {
    let (user_id, _, email) = by_password(ctx, actor, email, password).await?;
    let secret = new_secret()?;
    let mut tx = ctx.db.begin().await?;
    if matches!(factor(&mut tx, user_id).await?, Factor::Active(_)) {
        return Err(Fail::Code(ErrorCode::Conflict));
    }
    sqlx::query(
        "INSERT INTO second_factors (user_id, secret, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at
          WHERE second_factors.confirmed_at IS NULL",
    )
    .bind(user_id)
    .bind(&secret)
    .bind(ctx.now())
    .execute(&mut *tx)
    .await?;
    let actor = Actor { user_id: Some(user_id), label: email.clone(), ip: actor.ip.clone() };
    audit::record(ctx, &mut tx, &actor, "second_factor.setup", audit::Subject::User(user_id), json!({})).await?;
    tx.commit().await?;
    let otpauth_uri =
        authenticator(&secret, &email)?.to_url().map_err(|e| Fail::Internal(anyhow::anyhow!("otpauth: {e}")))?;
    let qr_svg = qr_svg(&otpauth_uri)?;
    Ok(SecondFactorSetup { secret, otpauth_uri, qr_svg })
}

/// The QR code of an address, as a small SVG document drawn on the server.
fn qr_svg(text: &str) -> Outcome<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|e| Fail::Internal(anyhow::anyhow!("QR code: {e}")))?;
    Ok(code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build())
}

/// Confirms an enrolment with its first code: the authenticator is in use, every other
/// session of the person ends, a new one starts (the check counts as fresh), and ten
/// recovery codes are answered (shown this once).
pub async fn confirm(
    ctx: &Ctx,
    actor: &Actor,
    request: (&str, &str, &str),
    user_agent: &str,
) -> Outcome<(NewSession, Vec<String>)> {
    let (email, password, code) = request;
    let (user_id, _, email) = by_password(ctx, actor, email, password).await?;
    let actor = Actor { user_id: Some(user_id), label: email, ip: actor.ip.clone() };
    let subject = audit::Subject::User(user_id);
    let mut tx = ctx.db.begin().await?;
    let secret = match factor(&mut tx, user_id).await? {
        Factor::Pending(secret) => secret,
        Factor::Active(_) => return Err(Fail::Code(ErrorCode::Conflict)),
        Factor::None => return Err(Fail::Code(ErrorCode::SecondFactorInvalid)),
    };
    if !accept_totp(ctx, &mut tx, user_id, &secret, code).await? {
        drop(tx);
        count_failure(ctx, &actor.label, &actor).await?;
        audit::record_alone(ctx, &actor, "second_factor.failed", subject, json!({"step": "enrolment"})).await?;
        return Err(Fail::Code(ErrorCode::SecondFactorInvalid));
    }
    let now = ctx.now();
    sqlx::query("UPDATE second_factors SET confirmed_at = $1 WHERE user_id = $2")
        .bind(now)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    for _ in 0..RECOVERY_CODES {
        let code = recovery_code()?;
        sqlx::query("INSERT INTO recovery_codes (code_hash, user_id, created_at) VALUES ($1, $2, $3)")
            .bind(secrets::hash(&normalise_recovery(&code)))
            .bind(user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        codes.push(code);
    }
    sessions::revoke_all(ctx, &mut tx, user_id, None).await?;
    let (token, expires_at) = sessions::create(ctx, &mut tx, user_id, &actor.ip, user_agent).await?;
    mark_fresh(ctx, &mut tx, &secrets::hash(&token)).await?;
    audit::record(ctx, &mut tx, &actor, "second_factor.enrolled", subject, json!({"recovery_codes": RECOVERY_CODES}))
        .await?;
    audit::record(ctx, &mut tx, &actor, "login", subject, json!({"second_factor": true})).await?;
    tx.commit().await?;
    Ok((NewSession { token, expires_at }, codes))
}

/// A fresh check for this session (before money, tariff, limit and role changes).
pub async fn verify(ctx: &Ctx, actor: &Actor, user: &SessionUser, code: &str) -> Outcome<()> {
    count_attempt(ctx, &user.email, actor).await?;
    let subject = audit::Subject::User(user.user_id);
    let mut tx = ctx.db.begin().await?;
    let Factor::Active(secret) = factor(&mut tx, user.user_id).await? else {
        return Err(Fail::Code(ErrorCode::SecondFactorEnrolmentRequired));
    };
    if !accept(ctx, &mut tx, user.user_id, &secret, code).await? {
        drop(tx);
        count_failure(ctx, &user.email, actor).await?;
        audit::record_alone(ctx, actor, "second_factor.failed", subject, json!({"step": "fresh_check"})).await?;
        return Err(Fail::Code(ErrorCode::SecondFactorInvalid));
    }
    mark_fresh(ctx, &mut tx, &user.session_hash).await?;
    audit::record(ctx, &mut tx, actor, "second_factor.verified", subject, json!({})).await?;
    tx.commit().await?;
    Ok(())
}

/// A customer or enterprise user turns their second factor off, with a code.
pub async fn disable(ctx: &Ctx, actor: &Actor, user: &SessionUser, code: &str) -> Outcome<()> {
    if user.kind == UserKind::Staff {
        return Err(Fail::Code(ErrorCode::Forbidden));
    }
    count_attempt(ctx, &user.email, actor).await?;
    let subject = audit::Subject::User(user.user_id);
    let mut tx = ctx.db.begin().await?;
    let Factor::Active(secret) = factor(&mut tx, user.user_id).await? else {
        return Err(Fail::Code(ErrorCode::Conflict));
    };
    if !accept(ctx, &mut tx, user.user_id, &secret, code).await? {
        drop(tx);
        count_failure(ctx, &user.email, actor).await?;
        audit::record_alone(ctx, actor, "second_factor.failed", subject, json!({"step": "disable"})).await?;
        return Err(Fail::Code(ErrorCode::SecondFactorInvalid));
    }
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user.user_id).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM second_factors WHERE user_id = $1").bind(user.user_id).execute(&mut *tx).await?;
    audit::record(ctx, &mut tx, actor, "second_factor.disabled", subject, json!({})).await?;
    tx.commit().await?;
    Ok(())
}

/// Gives a login (the demo's staff) an authenticator in use with a new secret; answers it.
pub async fn enrol_directly(ctx: &Ctx, conn: &mut AnyConnection, user_id: i64) -> Outcome<String> {
    let secret = new_secret()?;
    let now = ctx.now();
    sqlx::query(
        "INSERT INTO second_factors (user_id, secret, created_at, confirmed_at) VALUES ($1, $2, $3, $3)
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at,
             confirmed_at = excluded.confirmed_at",
    )
    .bind(user_id)
    .bind(&secret)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_160_bits_of_base32() {
        let a = new_secret().expect("secret");
        assert_eq!(a.len(), 32);
        assert_ne!(a, new_secret().expect("secret"));
        assert!(authenticator(&a, "x@example.com").is_ok());
    }

    #[test]
    fn recovery_codes_read_back_however_typed() {
        let code = recovery_code().expect("code");
        assert_eq!(code.len(), 11);
        assert_eq!(normalise_recovery(&code.to_uppercase().replace('-', " ")), code.replace('-', ""));
    }

    #[test]
    fn the_qr_code_is_a_small_svg() {
        let svg =
            qr_svg("otpauth://totp/Gridhall:a%40b.example?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Gridhall")
                .expect("svg");
        assert!(svg.contains("<svg") && svg.len() < 40_000, "{}", svg.len());
    }
}
