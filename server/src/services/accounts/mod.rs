//! Electricity accounts a login may see, and linking an account to a login with a proof:
//! the holder's name and the last bill amount, or a code sent to the address on file.
//! Wrong proofs are limited per login, per account and per address, and logged.

pub mod energise;

use serde_json::json;
use shared::api::ErrorCode;
use shared::api::accounts::{AccountLogin, AccountSummary, CheckedProof, email_hint, may_remove_link};
use shared::roles::UserKind;
use sqlx::Row;
use sqlx::any::AnyRow;

use super::sessions::{SessionUser, TokenCaller};
use super::{Actor, Fail, Outcome, audit, notices, rate_limit, secrets, utc};
use crate::context::Ctx;
use crate::mail::templates::{self, Template};
use crate::mail::{self};

/// How a link proved by the holder's name and last bill is stored (`account_links.proof`).
const BILL_PROOF: &str = "bill_amount";

const ACCOUNT_COLUMNS: &str =
    "a.id, a.account_no, a.holder_name, a.supply_address, a.region, a.customer_class, a.payment_mode";

fn summary_from_row(row: &AnyRow, linked: bool) -> Result<AccountSummary, sqlx::Error> {
    Ok(AccountSummary {
        account_no: row.try_get("account_no")?,
        holder_name: row.try_get("holder_name")?,
        supply_address: row.try_get("supply_address")?,
        region: row.try_get("region")?,
        customer_class: row.try_get("customer_class")?,
        payment_mode: row.try_get("payment_mode")?,
        linked_at: if linked { Some(utc(row.try_get("linked_at")?)) } else { None },
    })
}

/// The accounts a logged-in person may see: linked ones for a customer, the
/// organisation's for an enterprise user.
pub async fn for_user(ctx: &Ctx, user: &SessionUser) -> Outcome<Vec<AccountSummary>> {
    match (user.kind, user.org) {
        (UserKind::Enterprise, Some((org_id, _))) => for_org(ctx, org_id).await,
        (UserKind::Customer, _) => {
            let sql = format!(
                "SELECT {ACCOUNT_COLUMNS}, l.linked_at FROM account_links l JOIN electricity_accounts a ON a.id = l.account_id
                  WHERE l.user_id = $1 ORDER BY l.linked_at, a.account_no"
            );
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user.user_id).fetch_all(ctx.db.pool()).await?;
            Ok(rows.iter().map(|r| summary_from_row(r, true)).collect::<Result<_, _>>()?)
        }
        _ => Ok(Vec::new()),
    }
}

/// An organisation's accounts (for its users and its API tokens).
pub async fn for_org(ctx: &Ctx, org_id: i64) -> Outcome<Vec<AccountSummary>> {
    let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM electricity_accounts a WHERE a.org_id = $1 ORDER BY a.account_no");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org_id).fetch_all(ctx.db.pool()).await?;
    Ok(rows.iter().map(|r| summary_from_row(r, false)).collect::<Result<_, _>>()?)
}

/// The accounts an API token may see.
pub async fn for_token(ctx: &Ctx, token: &TokenCaller) -> Outcome<Vec<AccountSummary>> {
    for_org(ctx, token.org_id).await
}

struct Account {
    id: i64,
    holder_name: String,
    last_bill_fen: Option<i64>,
    email_on_file: Option<String>,
}

async fn find_account(ctx: &Ctx, account_no: &str) -> Outcome<Option<Account>> {
    let row = sqlx::query(
        // The proof is the newest issued bill's total; an account billed before Gridhall
        // (none issued here yet) keeps the amount it was migrated with.
        "SELECT a.id, a.holder_name, a.email_on_file,
                COALESCE((SELECT b.total_fen FROM bills b WHERE b.account_id = a.id AND b.status = 'issued'
                           ORDER BY b.period_to DESC, b.id DESC LIMIT 1), a.last_bill_fen) AS last_bill_fen
           FROM electricity_accounts a WHERE a.account_no = $1 AND a.org_id IS NULL",
    )
    .bind(account_no)
    .fetch_optional(ctx.db.pool())
    .await?;
    row.map(|row| {
        Ok(Account {
            id: row.try_get("id")?,
            holder_name: row.try_get("holder_name")?,
            last_bill_fen: row.try_get("last_bill_fen")?,
            email_on_file: row.try_get("email_on_file")?,
        })
    })
    .transpose()
}

/// Counts an attempt at an account's proof against the login, the account and the
/// client address (every attempt counts, right or wrong).
async fn count_link_attempt(ctx: &Ctx, actor: &Actor, user: &SessionUser, account_no: &str) -> Outcome<()> {
    rate_limit::hit_all(
        ctx,
        &[
            (rate_limit::LINK_PER_USER, &user.user_id.to_string()),
            (rate_limit::LINK_PER_ACCOUNT, account_no),
            (rate_limit::LINK_PER_IP, &rate_limit::client_key(&actor.ip)),
        ],
    )
    .await
}

/// Emails a six-digit code to the account's address on file. The answer, and the work
/// done, are the same for an unknown account, an enterprise account (not linked by
/// customers) and one without an address on file: only no email is sent, so the answer
/// does not tell which accounts exist or have an address.
pub async fn send_link_code(ctx: &Ctx, actor: &Actor, user: &SessionUser, account_no: &str) -> Outcome<()> {
    count_link_attempt(ctx, actor, user, account_no).await?;
    let account = find_account(ctx, account_no).await?;
    let recipient = account.as_ref().and_then(|a| a.email_on_file.clone().map(|address| (a.id, address)));
    // One address is not mailed codes over and over, whoever asks; an account without one
    // is counted under its number, so the refusal comes at the same point either way.
    let recipient_key = recipient.as_ref().map_or_else(|| format!("account:{account_no}"), |(_, a)| a.clone());
    rate_limit::hit(ctx, rate_limit::LINK_CODE_PER_RECIPIENT, &recipient_key).await?;
    let code = secrets::numeric_code().map_err(|e| Fail::Internal(anyhow::anyhow!("no randomness: {e}")))?;
    let message = templates::render(
        recipient.as_ref().map_or("nobody@invalid", |(_, a)| a.as_str()),
        &Template::LinkCode { account_no, code: &code },
        shared::Locale::Zh,
    );
    let mut tx = ctx.db.begin().await?;
    if let Some((account_id, _)) = recipient {
        store_link_code(ctx, &mut tx, user, account_id, &code).await?;
        mail::enqueue(ctx, &mut tx, &message).await?;
    }
    audit::record(ctx, &mut tx, actor, "account.link_code_sent", audit::Subject::Account(account_no), json!({}))
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Keeps the hash of a new link code; the newest code is the only one that works.
async fn store_link_code(
    ctx: &Ctx,
    conn: &mut sqlx::AnyConnection,
    user: &SessionUser,
    account_id: i64,
    code: &str,
) -> Outcome<()> {
    let now = ctx.now();
    sqlx::query(
        "UPDATE one_time_tokens SET used_at = $1 WHERE user_id = $2 AND account_id = $3 AND purpose = 'link_code' AND used_at IS NULL",
    )
    .bind(now)
    .bind(user.user_id)
    .bind(account_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO one_time_tokens (token_hash, purpose, user_id, account_id, created_at, expires_at)
         VALUES ($1, 'link_code', $2, $3, $4, $5)",
    )
    .bind(code_hash(user.user_id, account_id, code))
    .bind(user.user_id)
    .bind(account_id)
    .bind(now)
    .bind(now + templates::LINK_CODE_MINUTES * 60)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A code is bound to the login and the account it was sent for: a code for one cannot
/// link another.
fn code_hash(user_id: i64, account_id: i64, code: &str) -> String {
    secrets::hash(&format!("link:{user_id}:{account_id}:{code}"))
}

/// Links an account to the customer after checking the proof.
pub async fn link(
    ctx: &Ctx,
    public_url: &str,
    actor: &Actor,
    user: &SessionUser,
    account_no: &str,
    proof: &CheckedProof,
) -> Outcome<AccountSummary> {
    count_link_attempt(ctx, actor, user, account_no).await?;
    let subject = audit::Subject::Account(account_no);
    let Some(account) = find_account(ctx, account_no).await? else {
        audit::record_alone(ctx, actor, "account.link_failed", subject, json!({"reason": "unknown_account"})).await?;
        return Err(Fail::Code(ErrorCode::ProofMismatch));
    };
    let mut tx = ctx.db.begin().await?;
    let (proven, method) = match proof {
        CheckedProof::BillAmount { holder_name, fen } => {
            let same_name = normalise_name(holder_name) == normalise_name(&account.holder_name);
            (same_name && account.last_bill_fen == Some(*fen), BILL_PROOF)
        }
        CheckedProof::EmailCode(code) => {
            let used = sqlx::query(
                "UPDATE one_time_tokens SET used_at = $1
                  WHERE token_hash = $2 AND purpose = 'link_code' AND used_at IS NULL AND expires_at > $1",
            )
            .bind(ctx.now())
            .bind(code_hash(user.user_id, account.id, code))
            .execute(&mut *tx)
            .await?;
            (used.rows_affected() == 1, "email_code")
        }
    };
    if !proven {
        drop(tx);
        audit::record_alone(
            ctx,
            actor,
            "account.link_failed",
            subject,
            json!({"reason": "wrong_proof", "method": method}),
        )
        .await?;
        return Err(Fail::Code(ErrorCode::ProofMismatch));
    }
    let now = ctx.now();
    let inserted = sqlx::query(
        // A link proven again by the code sent to the address on file becomes a strong one.
        "INSERT INTO account_links (account_id, user_id, proof, linked_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (account_id, user_id) DO UPDATE SET proof = excluded.proof
          WHERE excluded.proof = 'email_code' AND account_links.proof <> 'email_code'",
    )
    .bind(account.id)
    .bind(user.user_id)
    .bind(method)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 1 {
        audit::record(ctx, &mut tx, actor, "account.linked", subject, json!({"method": method})).await?;
        if method == BILL_PROOF {
            tell_of_weak_link(ctx, &mut tx, public_url, &account, account_no, user).await?;
        }
    }
    tx.commit().await?;
    let sql = format!(
        "SELECT {ACCOUNT_COLUMNS}, l.linked_at FROM account_links l JOIN electricity_accounts a ON a.id = l.account_id
          WHERE l.user_id = $1 AND a.id = $2"
    );
    let row =
        sqlx::query(sqlx::AssertSqlSafe(sql)).bind(user.user_id).bind(account.id).fetch_one(ctx.db.pool()).await?;
    Ok(summary_from_row(&row, true)?)
}

/// A link by the holder's name and last bill is a weak proof (landlords, neighbours and
/// former tenants know both): the account's address on file and every other login linked
/// to it are told at once, in their language, in the transaction of the link (a notice in
/// the portal and an email through the outbox).
async fn tell_of_weak_link(
    ctx: &Ctx,
    conn: &mut sqlx::AnyConnection,
    public_url: &str,
    account: &Account,
    account_no: &str,
    user: &SessionUser,
) -> Outcome<()> {
    let who = email_hint(&user.email);
    let texts = |locale: shared::Locale| {
        let link = &locale.messages().portal.link;
        ((link.linked_by_name_title)(account_no), (link.linked_by_name_body)(account_no, &who))
    };
    let others = sqlx::query(
        "SELECT u.id, u.email FROM account_links l JOIN users u ON u.id = l.user_id
          WHERE l.account_id = $1 AND l.user_id <> $2 ORDER BY u.id",
    )
    .bind(account.id)
    .bind(user.user_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut told = Vec::new();
    for row in &others {
        let id: i64 = row.try_get("id")?;
        told.push(row.try_get::<String, _>("email")?.to_lowercase());
        let subject = format!("account:{account_no}");
        notices::notify(ctx, &mut *conn, id, &subject, notices::Email::Always, ACCOUNTS_PAGE, texts).await?;
    }
    // The address on file, unless a login told above has it (or it is the new login's).
    if let Some(address) = &account.email_on_file
        && !told.contains(&address.to_lowercase())
        && address.to_lowercase() != user.email.to_lowercase()
    {
        // Its language is that of a login with the address, else the portal's default.
        let language: Option<String> = sqlx::query_scalar("SELECT language FROM users WHERE email = $1")
            .bind(address.to_lowercase())
            .fetch_optional(&mut *conn)
            .await?;
        let locale: shared::Locale = match language {
            Some(language) => crate::db::decode::code("users", address, "language", &language)?,
            None => shared::Locale::default(),
        };
        let (title, body) = texts(locale);
        let url = format!("{}{ACCOUNTS_PAGE}", public_url.trim_end_matches('/'));
        let message = templates::render(
            address,
            &Template::Notice { name: &account.holder_name, title: &title, body: &body, link: &url },
            locale,
        );
        mail::enqueue(ctx, &mut *conn, &message).await?;
    }
    Ok(())
}

/// The page where a customer sees their accounts and who is linked to them.
const ACCOUNTS_PAGE: &str = "/account/accounts";

/// Names compare without spaces and case ("Zhang Wei" = "zhang wei" = "ZhangWei").
fn normalise_name(name: &str) -> String {
    name.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

/// The id of an account the customer is linked to; `NotFound` otherwise (the same answer
/// as for an account that does not exist, so ids cannot be probed).
async fn linked_account_id(ctx: &Ctx, user: &SessionUser, account_no: &str) -> Outcome<i64> {
    sqlx::query_scalar::<_, i64>(
        "SELECT a.id FROM electricity_accounts a JOIN account_links l ON l.account_id = a.id
          WHERE a.account_no = $1 AND l.user_id = $2",
    )
    .bind(account_no)
    .bind(user.user_id)
    .fetch_optional(ctx.db.pool())
    .await?
    .ok_or(Fail::Code(ErrorCode::NotFound))
}

/// The logins linked to an account the caller is linked to.
pub async fn logins(ctx: &Ctx, user: &SessionUser, account_no: &str) -> Outcome<Vec<AccountLogin>> {
    let account_id = linked_account_id(ctx, user, account_no).await?;
    let rows = sqlx::query(
        "SELECT u.id, u.display_name, u.email, l.linked_at, l.proof FROM account_links l JOIN users u ON u.id = l.user_id
          WHERE l.account_id = $1 ORDER BY l.linked_at, u.id",
    )
    .bind(account_id)
    .fetch_all(ctx.db.pool())
    .await?;
    let mut own_by_bill = false;
    for row in &rows {
        if row.try_get::<i64, _>("id")? == user.user_id {
            own_by_bill = row.try_get::<String, _>("proof")? == BILL_PROOF;
        }
    }
    rows.iter()
        .map(|row| {
            let id: i64 = row.try_get("id")?;
            let email: String = row.try_get("email")?;
            let is_you = id == user.user_id;
            Ok(AccountLogin {
                user_id: id,
                display_name: row.try_get("display_name")?,
                email_hint: email_hint(&email),
                linked_at: utc(row.try_get("linked_at")?),
                is_you,
                may_remove: may_remove_link(own_by_bill, is_you),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Fail::from)
}

/// Removes a login's link to an account the caller is linked to (their own, or another's).
/// A login linked by the holder's name and last bill (a proof others may know) removes
/// its own link only, never another login's.
pub async fn unlink(ctx: &Ctx, actor: &Actor, user: &SessionUser, account_no: &str, user_id: i64) -> Outcome<()> {
    let account_id = linked_account_id(ctx, user, account_no).await?;
    let mut tx = ctx.db.begin().await?;
    if user_id != user.user_id {
        // Refused only when there is another login to remove (else: not found, below).
        let proofs: Vec<(i64, String)> =
            sqlx::query("SELECT user_id, proof FROM account_links WHERE account_id = $1 AND user_id IN ($2, $3)")
                .bind(account_id)
                .bind(user.user_id)
                .bind(user_id)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|row| Ok((row.try_get("user_id")?, row.try_get("proof")?)))
                .collect::<Result<_, sqlx::Error>>()?;
        let own_by_bill = proofs.iter().any(|(id, proof)| *id == user.user_id && proof == BILL_PROOF);
        if !may_remove_link(own_by_bill, false) && proofs.iter().any(|(id, _)| *id == user_id) {
            return Err(Fail::Code(ErrorCode::WeakLinkCannotUnlink));
        }
    }
    let removed = sqlx::query("DELETE FROM account_links WHERE account_id = $1 AND user_id = $2")
        .bind(account_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    if removed.rows_affected() == 0 {
        return Err(Fail::Code(ErrorCode::NotFound));
    }
    audit::record(
        ctx,
        &mut tx,
        actor,
        "account.unlinked",
        audit::Subject::Account(account_no),
        json!({"user": user_id}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::normalise_name;

    #[test]
    fn names_compare_loosely() {
        assert_eq!(normalise_name(" Zhang  Wei "), normalise_name("zhangwei"));
        assert_eq!(normalise_name("张 伟"), normalise_name("张伟"));
        assert_ne!(normalise_name("张伟"), normalise_name("张玮"));
    }
}
