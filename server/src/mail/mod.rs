//! Email: messages are written to the `outbox` table in the transaction that causes them
//! and sent by the outbox worker (`jobs::outbox`) through lettre, over SMTP or, when no
//! SMTP server is configured, into a folder of `.eml` files.

pub mod templates;

use anyhow::Context as _;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::AnyConnection;

use crate::config::Config;
use crate::context::Ctx;

/// One email, rendered, waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// The recipient's address.
    pub to: String,
    /// The subject line.
    pub subject: String,
    /// The plain-text body.
    pub text: String,
    /// The HTML body (every interpolated value escaped).
    pub html: String,
}

/// Puts an email in the outbox, in the caller's transaction: it is sent if and only if the
/// change that caused it is committed.
pub async fn enqueue(ctx: &Ctx, conn: &mut AnyConnection, email: &Email) -> Result<(), sqlx::Error> {
    let now = ctx.now();
    sqlx::query(
        "INSERT INTO outbox (recipient, subject, body_text, body_html, created_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(&email.to)
    .bind(&email.subject)
    .bind(&email.text)
    .bind(&email.html)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Where email goes.
#[derive(Clone)]
pub enum Transport {
    /// A real SMTP server.
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// A folder of `.eml` files, for local use without SMTP.
    Folder(AsyncFileTransport<Tokio1Executor>),
}

/// Sends rendered emails from the configured sender.
#[derive(Clone)]
pub struct Mailer {
    transport: Transport,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.transport {
            Transport::Smtp(_) => "smtp",
            Transport::Folder(_) => "folder",
        };
        f.debug_struct("Mailer").field("transport", &kind).field("from", &self.from.to_string()).finish()
    }
}

impl Mailer {
    /// The mailer the configuration asks for. Without an SMTP URL, messages are written to
    /// the mail folder (created if missing).
    pub fn from_config(config: &Config) -> anyhow::Result<Mailer> {
        let from: Mailbox = config.mail_from.parse().context("GRIDHALL_MAIL_FROM is not an address")?;
        let transport = match &config.smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("GRIDHALL_SMTP_URL is not a usable SMTP URL")?
                    .timeout(Some(std::time::Duration::from_secs(20)))
                    .build(),
            ),
            None => {
                std::fs::create_dir_all(&config.mail_dir)
                    .with_context(|| format!("cannot create the mail folder {}", config.mail_dir.display()))?;
                Transport::Folder(AsyncFileTransport::new(&config.mail_dir))
            }
        };
        Ok(Mailer { transport, from })
    }

    /// The Message-ID of outbox message `id`: the same from every server and on every
    /// attempt (its domain is the sender's, not the host name of the server sending), so
    /// a receiving server recognises a message sent twice.
    pub fn message_id(&self, id: i64, created_at: i64) -> String {
        format!("<outbox-{id}.{created_at}@{}>", self.from.email.domain())
    }

    /// Sends one message; an error means it was not accepted and may be retried.
    pub async fn send(&self, message_id: &str, email: &Email) -> anyhow::Result<()> {
        let message = Message::builder()
            .from(self.from.clone())
            .to(email.to.parse().context("the recipient is not an address")?)
            .subject(&email.subject)
            .message_id(Some(message_id.to_owned()))
            .multipart(MultiPart::alternative_plain_html(email.text.clone(), email.html.clone()))
            .context("cannot build the message")?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp.send(message).await.map(drop).context("the SMTP server refused"),
            Transport::Folder(folder) => folder.send(message).await.map(drop).context("cannot write the message file"),
        }
    }
}
