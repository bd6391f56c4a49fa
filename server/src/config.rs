//! Configuration from flags and the environment. Every value is checked when it is read, so
//! a bad one stops the program with one clear line instead of failing later.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

use clap::{Args, ValueEnum};

/// How the server is set up. Its `Debug` hides the SMTP credentials and the metrics token.
#[derive(Clone, Args)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "GRIDHALL_LISTEN", default_value = "127.0.0.1:3000", global = true)]
    pub listen: SocketAddr,

    /// Database: `sqlite://path/to/file.db` (created if missing) or `postgres://user@host/db`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/gridhall.db", global = true)]
    pub database_url: DatabaseUrl,

    /// Largest number of pooled database connections.
    #[arg(long, env = "GRIDHALL_DB_MAX_CONNECTIONS", default_value_t = 16,
          value_parser = clap::value_parser!(u32).range(1..=1000), global = true)]
    pub db_max_connections: u32,

    /// The portal's public address, used in links sent by email (e.g. `https://95598.example.cn`).
    /// Defaults to `http://<listen>`.
    #[arg(long, env = "GRIDHALL_PUBLIC_URL", value_parser = parse_public_url, global = true)]
    pub public_url: Option<String>,

    /// Log format.
    #[arg(long, env = "GRIDHALL_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text, global = true)]
    pub log_format: LogFormat,

    /// Log filter, in `tracing` syntax: a level (`info`) or per-module (`gridhall=debug,sqlx=warn`).
    #[arg(long, env = "GRIDHALL_LOG", default_value = "info", value_parser = parse_log_filter, global = true)]
    pub log_level: String,

    /// Folder with the built site (the Wasm, JS and CSS under `pkg/`), written by cargo-leptos.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site", global = true)]
    pub site_root: PathBuf,

    /// The utility's time zone, for "today" and deadlines.
    #[arg(long, env = "GRIDHALL_TIME_ZONE", default_value = "Asia/Shanghai", global = true)]
    pub time_zone: chrono_tz::Tz,

    /// Longest time a request may take, in seconds, before it is answered with 408.
    #[arg(long, env = "GRIDHALL_REQUEST_TIMEOUT_SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600), global = true)]
    pub request_timeout_secs: u64,

    /// Largest request body accepted, in bytes.
    #[arg(long, env = "GRIDHALL_BODY_LIMIT_BYTES", default_value_t = 1024 * 1024,
          value_parser = clap::value_parser!(u64).range(1024..=1024 * 1024 * 1024), global = true)]
    pub body_limit_bytes: u64,

    /// SMTP server for email: `smtps://user:password@host:465` (TLS from the start),
    /// `smtp://user:password@host:587?tls=required` (STARTTLS), or `smtp://host:25`
    /// (unencrypted: a relay on the same host only). Without it, email is written to
    /// `--mail-dir` instead of being sent.
    #[arg(long, env = "GRIDHALL_SMTP_URL", value_parser = parse_smtp_url, global = true)]
    pub smtp_url: Option<String>,

    /// The sender of the portal's email.
    #[arg(long, env = "GRIDHALL_MAIL_FROM", default_value = "Gridhall <no-reply@gridhall.localhost>",
          value_parser = parse_mailbox, global = true)]
    pub mail_from: String,

    /// Folder that receives email as `.eml` files when no SMTP server is configured.
    #[arg(long, env = "GRIDHALL_MAIL_DIR", default_value = "data/mail", global = true)]
    pub mail_dir: PathBuf,

    /// Folder that keeps the documents customers upload (outside the web root; never
    /// served directly).
    #[arg(long, env = "GRIDHALL_DOCUMENT_DIR", default_value = "data/documents", global = true)]
    pub document_dir: PathBuf,

    /// How many proxies in front of the portal append to `X-Forwarded-For`: the client is
    /// the address that many entries from the end (0: the connection's own peer; set it
    /// only to the number of proxies that really write the header).
    #[arg(long, env = "GRIDHALL_TRUST_PROXY_HOPS", default_value_t = 0,
          value_parser = clap::value_parser!(u8).range(0..=10), global = true)]
    pub trust_proxy_hops: u8,

    /// Serve plain http on an address other than loopback (the public URL is `http://`).
    /// Without it the server refuses to start that way: logins and sessions would cross
    /// the network in clear.
    #[arg(long, env = "GRIDHALL_INSECURE_HTTP", default_value_t = false, global = true)]
    pub insecure_http: bool,

    /// Days a sent email stays in the outbox (for the operators' record) before it is
    /// deleted; its body is emptied as soon as it is sent.
    #[arg(long, env = "GRIDHALL_OUTBOX_KEEP_DAYS", default_value_t = 7,
          value_parser = clap::value_parser!(u32).range(1..=3650), global = true)]
    pub outbox_keep_days: u32,

    /// A bearer token that lets a metrics collector read `/metrics` (staff admins and
    /// auditors may read it with their session anyway).
    #[arg(long, env = "GRIDHALL_METRICS_TOKEN", global = true)]
    pub metrics_token: Option<String>,

    /// Minutes without a request after which a session ends.
    #[arg(long, env = "GRIDHALL_SESSION_IDLE_MINUTES", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=1440), global = true)]
    pub session_idle_minutes: u32,

    /// Hours after login at which a session ends whatever the activity.
    #[arg(long, env = "GRIDHALL_SESSION_MAX_HOURS", default_value_t = 12,
          value_parser = clap::value_parser!(u32).range(1..=720), global = true)]
    pub session_max_hours: u32,

    /// A reading is rejected as an abnormal jump when the daily usage it implies is more
    /// than this many times the meter's recent daily average.
    #[arg(long, env = "GRIDHALL_READING_JUMP_FACTOR", default_value_t = 5,
          value_parser = clap::value_parser!(u32).range(2..=1000), global = true)]
    pub reading_jump_factor: u32,

    /// A bill is held for review when its total is more than this many times last
    /// period's, or less than last period's divided by it.
    #[arg(long, env = "GRIDHALL_BILL_CHANGE_FACTOR", default_value_t = 3,
          value_parser = clap::value_parser!(u32).range(2..=1000), global = true)]
    pub bill_change_factor: u32,

    /// Days from issue to a bill's due date.
    #[arg(long, env = "GRIDHALL_BILL_DUE_DAYS", default_value_t = 15,
          value_parser = clap::value_parser!(u32).range(1..=90), global = true)]
    pub bill_due_days: u32,

    /// Refunds and back-billing above this many yuan (either way) wait for a second
    /// billing operator's approval before a bill carries them (four eyes); 0 sends every
    /// one for approval.
    #[arg(long, env = "GRIDHALL_ADJUSTMENT_APPROVAL_ABOVE", default_value_t = 1000,
          value_parser = clap::value_parser!(u32).range(0..=10_000_000), global = true)]
    pub adjustment_approval_above: u32,

    /// Accounts a billing run bills per transaction.
    #[arg(long, env = "GRIDHALL_BILLING_CHUNK", default_value_t = 500,
          value_parser = clap::value_parser!(u32).range(1..=10_000), global = true)]
    pub billing_chunk: u32,

    /// Start each month's billing runs by the schedule: the day after each reading day,
    /// for the period that reading closes. Operators can always start a run by hand.
    #[arg(long, env = "GRIDHALL_BILLING_SCHEDULE", default_value_t = true, action = clap::ArgAction::Set, global = true)]
    pub billing_schedule: bool,

    /// Seconds between a server's looks for billing runs to work (an operator's start is
    /// worked at once).
    #[arg(long, env = "GRIDHALL_BILLING_INTERVAL_SECS", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(1..=86_400), global = true)]
    pub billing_interval_secs: u64,

    /// Lines of a readings file imported per transaction: a login waits for the database
    /// no longer than one chunk takes (on SQLite, one writer at a time).
    #[arg(long, env = "GRIDHALL_IMPORT_CHUNK_LINES", default_value_t = 2_000,
          value_parser = clap::value_parser!(u64).range(1..=100_000), global = true)]
    pub import_chunk_lines: u64,

    /// Seconds between a server's looks for readings imports no worker holds (an upload is
    /// worked at once; this takes over the import of a server that died).
    #[arg(long, env = "GRIDHALL_IMPORT_INTERVAL_SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=86_400), global = true)]
    pub import_interval_secs: u64,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hidden = |set: bool| if set { "<set>" } else { "<none>" };
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("database_url", &self.database_url.backend())
            .field("public_url", &self.public_url)
            .field("site_root", &self.site_root)
            .field("time_zone", &self.time_zone)
            .field("smtp_url", &hidden(self.smtp_url.is_some()))
            .field("mail_dir", &self.mail_dir)
            .field("document_dir", &self.document_dir)
            .field("metrics_token", &hidden(self.metrics_token.is_some()))
            .finish_non_exhaustive()
    }
}

impl Config {
    /// A configuration with every default, for the given database (tests and tools).
    pub fn with_database(database_url: DatabaseUrl) -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 3000)),
            database_url,
            db_max_connections: 16,
            public_url: None,
            log_format: LogFormat::Text,
            log_level: "info".to_owned(),
            site_root: PathBuf::from("target/site"),
            time_zone: chrono_tz::Asia::Shanghai,
            request_timeout_secs: 30,
            body_limit_bytes: 1024 * 1024,
            smtp_url: None,
            mail_from: "Gridhall <no-reply@gridhall.localhost>".to_owned(),
            mail_dir: PathBuf::from("data/mail"),
            document_dir: PathBuf::from("data/documents"),
            trust_proxy_hops: 0,
            insecure_http: false,
            outbox_keep_days: 7,
            metrics_token: None,
            session_idle_minutes: 30,
            session_max_hours: 12,
            reading_jump_factor: 5,
            bill_change_factor: 3,
            bill_due_days: 15,
            adjustment_approval_above: 1000,
            billing_chunk: 500,
            // Tests and tools start runs themselves.
            billing_schedule: false,
            billing_interval_secs: 5,
            import_chunk_lines: 2_000,
            import_interval_secs: 10,
        }
    }

    /// The amount above which an adjustment waits for a second operator.
    pub fn adjustment_approval_threshold(&self) -> shared::Money {
        shared::Money::from_yuan(self.adjustment_approval_above.into())
    }

    /// The public base URL, without a trailing slash.
    pub fn public_url(&self) -> String {
        self.public_url.clone().unwrap_or_else(|| format!("http://{}", self.listen))
    }

    /// Whether the portal is served over TLS (so cookies must be `Secure`).
    pub fn is_https(&self) -> bool {
        self.public_url().starts_with("https://")
    }

    /// The session cookie's name: `__Host-gridhall_session` over https (the browser then
    /// insists on `Secure`, `Path=/` and no `Domain`, so no neighbouring host can plant
    /// one), `gridhall_session` over plain http (where browsers refuse the prefix).
    pub fn session_cookie_name(&self) -> &'static str {
        if self.is_https() { shared::api::auth::SECURE_SESSION_COOKIE } else { shared::api::auth::SESSION_COOKIE }
    }

    /// Refuses a plain-http public URL on a listen address other than loopback, unless
    /// `--insecure-http` says so on purpose.
    pub fn check_transport(&self) -> Result<(), String> {
        if self.is_https() || self.listen.ip().is_loopback() || self.insecure_http {
            return Ok(());
        }
        Err(format!(
            "the public URL {} is plain http but the server listens on {}: set GRIDHALL_PUBLIC_URL to the \
             https:// address the portal is reached at, or pass --insecure-http",
            self.public_url(),
            self.listen
        ))
    }
}

/// The log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One line per event, for people.
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

/// A database URL whose backend we support.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    url: String,
    backend: Backend,
}

/// The database behind a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// The embedded default.
    Sqlite,
    /// Production.
    Postgres,
}

impl DatabaseUrl {
    /// The URL as given.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// Which backend it names.
    pub fn backend(&self) -> Backend {
        self.backend
    }
}

impl FromStr for DatabaseUrl {
    type Err = String;
    fn from_str(url: &str) -> Result<Self, Self::Err> {
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err("expected sqlite://<file> or postgres://<user>@<host>/<database>".to_owned());
        };
        Ok(DatabaseUrl { url: url.to_owned(), backend })
    }
}

fn parse_smtp_url(text: &str) -> Result<String, String> {
    match lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(text) {
        Ok(_) => Ok(text.to_owned()),
        Err(error) => Err(format!("expected smtp://host:port or smtps://user:password@host:port ({error})")),
    }
}

fn parse_mailbox(text: &str) -> Result<String, String> {
    text.parse::<lettre::message::Mailbox>()
        .map(|_| text.to_owned())
        .map_err(|_| "expected an address such as `Gridhall <no-reply@example.cn>`".to_owned())
}

fn parse_public_url(text: &str) -> Result<String, String> {
    let uri: http::Uri = text.parse().map_err(|e| format!("{e}"))?;
    match (uri.scheme_str(), uri.host()) {
        (Some("http" | "https"), Some(_)) => Ok(text.trim_end_matches('/').to_owned()),
        _ => Err("expected an absolute http:// or https:// URL".to_owned()),
    }
}

fn parse_log_filter(text: &str) -> Result<String, String> {
    tracing_subscriber::EnvFilter::try_new(text).map(|_| text.to_owned()).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_the_two_backends() {
        let sqlite: DatabaseUrl = "sqlite://data/x.db".parse().expect("sqlite");
        assert_eq!(sqlite.backend(), Backend::Sqlite);
        let pg: DatabaseUrl = "postgresql://u@h/db".parse().expect("postgres");
        assert_eq!(pg.backend(), Backend::Postgres);
        assert!("mysql://u@h/db".parse::<DatabaseUrl>().is_err());
    }

    #[test]
    fn debug_output_hides_secrets() {
        let mut config = Config::with_database("sqlite://x.db".parse().expect("url"));
        config.smtp_url = Some("smtps://mailer:hunter2@smtp.example.cn".into());
        config.metrics_token = Some("scrape-secret".into());
        let text = format!("{config:?}");
        assert!(!text.contains("hunter2") && !text.contains("scrape-secret"), "{text}");
    }

    #[test]
    fn plain_http_off_loopback_needs_insecure_http() {
        let mut config = Config::with_database("sqlite://x.db".parse().expect("url"));
        assert_eq!(config.check_transport(), Ok(()), "loopback over http");
        config.listen = "0.0.0.0:3000".parse().expect("address");
        assert!(config.check_transport().expect_err("refused").contains("--insecure-http"));
        config.public_url = Some("http://95598.example.cn".into());
        assert!(config.check_transport().is_err());
        config.public_url = Some("https://95598.example.cn".into());
        assert_eq!(config.check_transport(), Ok(()));
        assert_eq!(config.session_cookie_name(), "__Host-gridhall_session");
        config.public_url = Some("http://95598.example.cn".into());
        config.insecure_http = true;
        assert_eq!(config.check_transport(), Ok(()));
        assert_eq!(config.session_cookie_name(), "gridhall_session");
        config.listen = "[::1]:3000".parse().expect("address");
        config.insecure_http = false;
        assert_eq!(config.check_transport(), Ok(()), "IPv6 loopback");
    }

    #[test]
    fn public_urls_must_be_absolute_http() {
        assert_eq!(parse_public_url("https://95598.example.cn/"), Ok("https://95598.example.cn".to_owned()));
        assert!(parse_public_url("ftp://x").is_err());
        assert!(parse_public_url("/relative").is_err());
    }
}
