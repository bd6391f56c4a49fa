//! The outbox worker: takes due messages one at a time under a lease (a conditional
//! update, so two servers never take the same one), sends each through the mailer, and
//! marks it sent, or schedules a retry with exponential backoff. Each claim is its own
//! lease (the attempt number it took): a worker whose lease ran out and was taken over
//! changes nothing (the row count says so), and both sent the same Message-ID, so the
//! receiving server keeps one. A sent message's body is emptied at once (its links and
//! codes must not outlive the sending in the database) and the row deleted after
//! `--outbox-keep-days`.

use std::sync::Arc;
use std::time::Duration;

use sqlx::Row;
use sqlx::any::AnyRow;
use tokio::sync::watch;

use super::pause;
use crate::context::Ctx;
use crate::mail::{Email, Mailer};

/// How the worker paces itself.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// How often to look for due messages when there were none.
    pub poll: Duration,
    /// How long a claimed message is reserved for this worker.
    pub lease_secs: i64,
    /// First retry delay; doubled on each failure.
    pub first_retry_secs: i64,
    /// Longest retry delay.
    pub max_retry_secs: i64,
    /// Attempts after which a message is given up on (and logged as an error).
    pub max_attempts: i64,
}

impl Default for Settings {
    fn default() -> Self {
        // 25 attempts with delays capped at an hour span about a day of SMTP outage.
        Settings {
            poll: Duration::from_secs(1),
            lease_secs: 120,
            first_retry_secs: 5,
            max_retry_secs: 3600,
            max_attempts: 25,
        }
    }
}

/// A message taken from the outbox.
#[derive(Debug)]
struct Claimed {
    id: i64,
    /// The attempt this claim made: the lease it holds.
    attempts: i64,
    created_at: i64,
    email: Email,
}

/// Runs until told to stop.
pub async fn run(ctx: Ctx, mailer: Arc<Mailer>, settings: Settings, mut stopped: watch::Receiver<bool>) {
    loop {
        match claim(&ctx, settings.lease_secs).await {
            Ok(Some(message)) => {
                deliver(&ctx, &mailer, &settings, message).await;
                continue;
            }
            Ok(None) => {}
            Err(error) => tracing::warn!(%error, "outbox: cannot read the outbox; will retry"),
        }
        if !pause(&mut stopped, settings.poll).await {
            break;
        }
    }
}

async fn deliver(ctx: &Ctx, mailer: &Mailer, settings: &Settings, message: Claimed) {
    // The same Message-ID on every attempt, from any server, lets a receiving server drop
    // a duplicate.
    let message_id = mailer.message_id(message.id, message.created_at);
    match mailer.send(&message_id, &message.email).await {
        Ok(()) => match mark_sent(ctx, message.id, message.attempts).await {
            Ok(true) => tracing::info!(id = message.id, "outbox: message sent"),
            Ok(false) => {
                tracing::warn!(id = message.id, "outbox: sent after the lease ran out; another server took it");
            }
            Err(error) => tracing::error!(id = message.id, %error, "outbox: sent but cannot mark as sent"),
        },
        Err(error) => {
            let gave_up = message.attempts >= settings.max_attempts;
            let delay = retry_delay(settings, message.attempts);
            if gave_up {
                tracing::error!(
                    id = message.id,
                    attempts = message.attempts,
                    error = format!("{error:#}"),
                    "outbox: giving up"
                );
            } else {
                tracing::warn!(
                    id = message.id,
                    attempts = message.attempts,
                    retry_in_secs = delay,
                    error = format!("{error:#}"),
                    "outbox: not sent"
                );
            }
            match mark_failed(ctx, &message, &format!("{error:#}"), delay, gave_up).await {
                Ok(true) => {}
                Ok(false) => tracing::warn!(id = message.id, "outbox: the lease ran out; another server took it"),
                Err(error) => tracing::error!(id = message.id, %error, "outbox: cannot record the failure"),
            }
        }
    }
}

/// The delay before attempt `attempts + 1`: doubling from the first, capped.
pub fn retry_delay(settings: &Settings, attempts: i64) -> i64 {
    let exponent = u32::try_from((attempts - 1).clamp(0, 30)).unwrap_or(30);
    settings.first_retry_secs.saturating_mul(2_i64.saturating_pow(exponent)).min(settings.max_retry_secs)
}

async fn claim(ctx: &Ctx, lease_secs: i64) -> Result<Option<Claimed>, sqlx::Error> {
    let now = ctx.now();
    let row = sqlx::query(
        "UPDATE outbox SET lease_until = $1, attempts = attempts + 1
          WHERE id = (SELECT id FROM outbox
                       WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= $2
                         AND (lease_until IS NULL OR lease_until <= $2)
                       ORDER BY next_attempt_at, id LIMIT 1)
            AND sent_at IS NULL AND failed_at IS NULL AND (lease_until IS NULL OR lease_until <= $2)
          RETURNING id, attempts, created_at, recipient, subject, body_text, body_html",
    )
    .bind(now + lease_secs)
    .bind(now)
    .fetch_optional(ctx.db.pool())
    .await?;
    row.as_ref().map(claimed_from_row).transpose()
}

fn claimed_from_row(row: &AnyRow) -> Result<Claimed, sqlx::Error> {
    Ok(Claimed {
        id: row.try_get("id")?,
        attempts: row.try_get("attempts")?,
        created_at: row.try_get("created_at")?,
        email: Email {
            to: row.try_get("recipient")?,
            subject: row.try_get("subject")?,
            text: row.try_get("body_text")?,
            html: row.try_get("body_html")?,
        },
    })
}

/// Marks a message sent and empties its body, if this worker still holds the lease of
/// attempt `attempts`; answers whether it did.
async fn mark_sent(ctx: &Ctx, id: i64, attempts: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE outbox SET sent_at = $1, lease_until = NULL, last_error = NULL, body_text = '', body_html = ''
          WHERE id = $2 AND attempts = $3 AND sent_at IS NULL",
    )
    .bind(ctx.now())
    .bind(id)
    .bind(attempts)
    .execute(ctx.db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a failed attempt (a message given up on loses its body too: nobody will send
/// its link), if this worker still holds the lease; answers whether it did.
async fn mark_failed(
    ctx: &Ctx,
    message: &Claimed,
    error: &str,
    delay: i64,
    gave_up: bool,
) -> Result<bool, sqlx::Error> {
    let now = ctx.now();
    let error: String = error.chars().take(500).collect();
    let done = sqlx::query(
        "UPDATE outbox SET lease_until = NULL, last_error = $1, next_attempt_at = $2,
                failed_at = CASE WHEN $3 = 1 THEN $4 ELSE NULL END,
                body_text = CASE WHEN $3 = 1 THEN '' ELSE body_text END,
                body_html = CASE WHEN $3 = 1 THEN '' ELSE body_html END
          WHERE id = $5 AND attempts = $6 AND sent_at IS NULL",
    )
    .bind(error)
    .bind(now + delay)
    .bind(i64::from(gave_up))
    .bind(now)
    .bind(message.id)
    .bind(message.attempts)
    .execute(ctx.db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes messages sent (or given up on) more than `keep_secs` ago.
pub async fn prune(ctx: &Ctx, keep_secs: i64) -> Result<u64, sqlx::Error> {
    let before = ctx.now() - keep_secs;
    let result = sqlx::query("DELETE FROM outbox WHERE sent_at < $1 OR failed_at < $1")
        .bind(before)
        .execute(ctx.db.pool())
        .await?;
    Ok(result.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_an_hour() {
        let settings = Settings::default();
        let delays: Vec<i64> = (1..=12).map(|n| retry_delay(&settings, n)).collect();
        assert_eq!(delays[..6], [5, 10, 20, 40, 80, 160]);
        assert_eq!(delays[11], 3600);
        assert_eq!(retry_delay(&settings, 1000), 3600);
    }
}
