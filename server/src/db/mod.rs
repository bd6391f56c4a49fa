//! The database: one pool and one SQL code path over SQLite and PostgreSQL (sqlx's `Any`
//! driver), chosen by the URL. Only the migrations differ per backend.

pub mod calendar;
pub mod commitments;
pub mod decode;
mod migrations;

use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::{AnyConnection, AnyPool, Connection, Executor};

use crate::config::{Backend, Config};

/// How long a request waits for a free connection before the server answers 503.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// A pool of connections to the configured database.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

impl Db {
    /// Opens the database named by the configuration. An SQLite file (and its folder) is
    /// created if missing and put in WAL mode.
    pub async fn connect(config: &Config) -> anyhow::Result<Db> {
        install_default_drivers();
        let backend = config.database_url.backend();
        let url = match backend {
            Backend::Sqlite => prepare_sqlite(config.database_url.as_str()).await?,
            Backend::Postgres => config.database_url.as_str().to_owned(),
        };
        let max_connections = match backend {
            // SQLite has one writer at a time; a few connections serve concurrent readers.
            Backend::Sqlite => config.db_max_connections.min(8),
            Backend::Postgres => config.db_max_connections,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .min_connections(1)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .idle_timeout(Duration::from_secs(600))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(
                            "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .with_context(|| format!("cannot open the database at {}", redact(&url)))?;
        Ok(Db { pool, backend })
    }

    /// Applies the backend's pending migrations. Start-up (`crate::startup`) then writes the
    /// data that ships in the binary.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        migrations::migrator(self.backend).run(&self.pool).await.context("cannot migrate the database")
    }

    /// The versions of the migrations this binary knows that the database lacks.
    pub async fn pending_migrations(&self) -> Result<Vec<i64>, sqlx::Error> {
        // Only `version` is read: `_sqlx_migrations` has column types `Any` cannot decode.
        let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
            .fetch_all(&self.pool)
            .await?;
        Ok(migrations::versions().filter(|v| !applied.contains(v)).collect())
    }

    /// Checks that a connection answers.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query_scalar::<_, i64>("SELECT 1").fetch_one(&self.pool).await.map(|_| ())
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and writes later fails
    /// with "database is locked" when another writer committed in between, whereas an
    /// immediate one waits its turn (`busy_timeout`).
    pub async fn begin(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// The pool, for repositories.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Which backend this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes every connection; later queries fail with `PoolClosed`.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Makes sure an SQLite database file can be created, and switches it to WAL once: the
/// journal mode is a property of the file, and changing it needs a lock that a busy pool
/// would not give.
async fn prepare_sqlite(url: &str) -> anyhow::Result<String> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path == ":memory:" {
        anyhow::bail!("DATABASE_URL must name an SQLite file, e.g. sqlite://data/gridhall.db");
    }
    if let Some(folder) = Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
        tokio::fs::create_dir_all(folder)
            .await
            .with_context(|| format!("cannot create the database folder {}", folder.display()))?;
    }
    let url = if query.split('&').any(|p| p.starts_with("mode=")) {
        url.to_owned()
    } else if query.is_empty() {
        format!("sqlite://{path}?mode=rwc")
    } else {
        format!("sqlite://{path}?{query}&mode=rwc")
    };
    let mut conn =
        AnyConnection::connect(&url).await.with_context(|| format!("cannot open the SQLite database {path}"))?;
    conn.execute("PRAGMA journal_mode = WAL").await.context("cannot switch SQLite to WAL mode")?;
    conn.close().await?;
    Ok(url)
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let credentials = &url[scheme_end + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn hides_passwords_in_messages() {
        assert_eq!(redact("postgres://app:s3cret@db:5432/gridhall"), "postgres://app:***@db:5432/gridhall");
        assert_eq!(redact("postgres://app@db/gridhall"), "postgres://app@db/gridhall");
        assert_eq!(redact("sqlite://data/gridhall.db"), "sqlite://data/gridhall.db");
    }
}
