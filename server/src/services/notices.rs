//! Notices (domain brief §9): every event a person should know of appears in the portal
//! and, when they chose it (or it concerns their work as staff), by email. Both are
//! written in the transaction of the event, in the recipient's language; the email goes
//! through the outbox, so sending never blocks the request.

use shared::Locale;
use shared::api::applications::{Notice, NoticeList};
use shared::roles::Notice as NoticeKind;
use sqlx::{AnyConnection, Row};

use super::{Outcome, utc};
use crate::context::Ctx;
use crate::mail::{self, templates};

/// Whether an email goes with the notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Email {
    /// When the person chose this kind of notice by email.
    IfChosen(NoticeKind),
    /// Always (work for staff; notices the law requires).
    Always,
}

/// Notifies a person. `compose` writes the title and text in a language; `link` is a path
/// in the portal.
pub async fn notify(
    ctx: &Ctx,
    conn: &mut AnyConnection,
    user_id: i64,
    subject: &str,
    email: Email,
    link: &str,
    compose: impl Fn(Locale) -> (String, String),
) -> Result<(), sqlx::Error> {
    let Some(row) = sqlx::query(
        "SELECT email, display_name, language, email_notices, email_confirmed_at, disabled_at FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(());
    };
    let locale: Locale = crate::db::decode::column(&row, "users", "id", "language")?;
    let (title, body) = compose(locale);
    sqlx::query(
        "INSERT INTO notices (user_id, subject, title, body, link, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(user_id)
    .bind(subject)
    .bind(&title)
    .bind(&body)
    .bind(link)
    .bind(ctx.now())
    .execute(&mut *conn)
    .await?;
    let chosen: String = row.try_get("email_notices")?;
    let wants_email = match email {
        Email::Always => true,
        Email::IfChosen(kind) => NoticeKind::parse_list(&chosen).contains(&kind),
    };
    let disabled: Option<i64> = row.try_get("disabled_at")?;
    // Only to an address its owner has confirmed (an invited person who has not accepted
    // yet may not be who the address belongs to); the notice itself is in the portal.
    let confirmed: Option<i64> = row.try_get("email_confirmed_at")?;
    if wants_email && disabled.is_none() && confirmed.is_some() {
        let address: String = row.try_get("email")?;
        let name: String = row.try_get("display_name")?;
        let url = format!("{}{link}", ctx.public_url().trim_end_matches('/'));
        let message = templates::render(
            &address,
            &templates::Template::Notice { name: &name, title: &title, body: &body, link: &url },
            locale,
        );
        mail::enqueue(ctx, conn, &message).await?;
    }
    Ok(())
}

/// A person's newest notices.
pub async fn list(ctx: &Ctx, user_id: i64) -> Outcome<NoticeList> {
    let rows = sqlx::query(
        "SELECT id, title, body, link, created_at, read_at FROM notices WHERE user_id = $1 ORDER BY id DESC LIMIT 100",
    )
    .bind(user_id)
    .fetch_all(ctx.db.pool())
    .await?;
    let items = rows
        .iter()
        .map(|row| {
            Ok(Notice {
                id: row.try_get("id")?,
                title: row.try_get("title")?,
                body: row.try_get("body")?,
                link: row.try_get("link")?,
                created_at: utc(row.try_get("created_at")?),
                read: row.try_get::<Option<i64>, _>("read_at")?.is_some(),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let unread: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notices WHERE user_id = $1 AND read_at IS NULL")
        .bind(user_id)
        .fetch_one(ctx.db.pool())
        .await?;
    Ok(NoticeList { items, unread: u32::try_from(unread).unwrap_or(u32::MAX) })
}

/// Marks every notice of a person read.
pub async fn mark_read(ctx: &Ctx, user_id: i64) -> Outcome<()> {
    sqlx::query("UPDATE notices SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
        .bind(ctx.now())
        .bind(user_id)
        .execute(ctx.db.pool())
        .await?;
    Ok(())
}
