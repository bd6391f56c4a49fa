//! The test harness: starts the real server on port 0 over a fresh database (an SQLite file
//! in a temporary folder, or a PostgreSQL database created for the test and dropped after).

#![allow(dead_code)]

pub(crate) mod client;
pub(crate) mod mail;

use std::net::SocketAddr;
use std::time::Duration;

use gridhall::config::{Config, DatabaseUrl};
use gridhall::{AppState, db::Db};
use sqlx::{Connection, Executor, PgConnection};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server the tests create their databases on.
pub(crate) fn postgres_admin_url() -> String {
    std::env::var("GRIDHALL_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// Whether a missing PostgreSQL server fails the run (in CI) rather than skipping.
fn postgres_required() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false")
        || std::env::var("GRIDHALL_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

/// A database made for one test; dropped (even if the test panics) when this is dropped.
pub(crate) struct PgDatabase {
    name: String,
}

impl PgDatabase {
    async fn create() -> Option<(PgDatabase, String)> {
        let admin_url = postgres_admin_url();
        let mut admin = match PgConnection::connect(&admin_url).await {
            Ok(conn) => conn,
            Err(error) if !postgres_required() => {
                eprintln!("PostgreSQL at {admin_url} is not reachable ({error}): skipping this PostgreSQL test");
                return None;
            }
            Err(error) => panic!("PostgreSQL at {admin_url} is required but not reachable: {error}"),
        };
        let name = format!("gridhall_test_{}", uuid::Uuid::new_v4().simple());
        admin.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).await.expect("create test database");
        let _ = admin.close().await;
        let (base, _) = admin_url.rsplit_once('/').expect("admin URL has a database");
        let url = format!("{base}/{name}");
        Some((PgDatabase { name }, url))
    }

    /// Drops the database at once, closing every connection to it ("the database is gone").
    pub(crate) async fn drop_now(&self) {
        drop_database(&self.name).await;
    }
}

async fn drop_database(name: &str) {
    if let Ok(mut admin) = PgConnection::connect(&postgres_admin_url()).await {
        let _ = admin.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).await;
        let _ = admin.close().await;
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs outside async; a thread with its own runtime does the cleanup.
        let _ = std::thread::spawn(move || {
            if let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                runtime.block_on(drop_database(&name));
            }
        })
        .join();
    }
}

/// A running server and what the test needs to talk to it.
pub(crate) struct TestServer {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    pub state: AppState,
    pub backend: Backend,
    shutdown: Option<oneshot::Sender<()>>,
    handle: Option<JoinHandle<anyhow::Result<()>>>,
    pub postgres: Option<PgDatabase>,
    /// The SMTP server this portal sends its email to.
    pub mail: mail::MailSink,
    _folder: tempfile::TempDir,
}

impl TestServer {
    /// Starts a server on a fresh database; `None` when PostgreSQL is asked for, is not
    /// reachable and is not required.
    pub(crate) async fn start(backend: Backend) -> Option<TestServer> {
        TestServer::start_with(backend, |_| {}).await
    }

    /// Like [`TestServer::start`], with the configuration adjusted first.
    pub(crate) async fn start_with(backend: Backend, configure: impl FnOnce(&mut Config)) -> Option<TestServer> {
        let folder = tempfile::tempdir().expect("temporary folder");
        let (url, postgres) = match backend {
            Backend::Sqlite => (format!("sqlite://{}/gridhall.db", folder.path().display()), None),
            Backend::Postgres => {
                let (database, url) = PgDatabase::create().await?;
                (url, Some(database))
            }
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind port 0");
        let addr = listener.local_addr().expect("bound address");
        let mail = mail::MailSink::start();
        let mut config = Config::with_database(url.parse::<DatabaseUrl>().expect("database URL"));
        config.log_level = "warn".to_owned();
        config.site_root = folder.path().join("site");
        config.db_max_connections = 4;
        config.public_url = Some(format!("http://{addr}"));
        config.smtp_url = Some(mail.url());
        config.document_dir = folder.path().join("documents");
        configure(&mut config);
        let db = Db::connect(&config).await.expect("open test database");
        gridhall::startup::prepare_database(&db).await.expect("migrate test database");
        let state = AppState::with_db(config, db);
        let (shutdown, stop) = oneshot::channel::<()>();
        let handle = tokio::spawn(gridhall::serve::serve(listener, state.clone(), async move {
            let _ = stop.await;
        }));
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("HTTP client");
        Some(TestServer {
            addr,
            client,
            state,
            backend,
            shutdown: Some(shutdown),
            handle: Some(handle),
            postgres,
            mail,
            _folder: folder,
        })
    }

    /// The absolute URL of a path on this server.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// `GET path`.
    pub(crate) async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request")
    }

    /// The URL of this server's database.
    pub(crate) fn database_url(&self) -> String {
        self.state.config.database_url.as_str().to_owned()
    }

    /// Makes the database unreachable, as an outage would: PostgreSQL drops it (closing
    /// every connection); for the embedded SQLite the pool is closed.
    pub(crate) async fn lose_database(&self) {
        match &self.postgres {
            Some(database) => database.drop_now().await,
            None => self.state.db.close().await,
        }
    }

    /// Asks the server to stop and waits until it has finished its requests.
    pub(crate) async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        match self.handle.take() {
            Some(handle) => handle.await.expect("server task"),
            None => Ok(()),
        }
    }
}

/// Runs each listed test function on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let server = $crate::common::TestServer::start($crate::common::Backend::Sqlite)
                        .await
                        .expect("SQLite server");
                    super::$name(server).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    if let Some(server) = $crate::common::TestServer::start($crate::common::Backend::Postgres).await {
                        super::$name(server).await;
                    }
                }
            )*
        }
    };
}
