//! What the database benchmarks share: a scratch PostgreSQL database on the test server,
//! created for one benchmark and dropped after it.

use sqlx::{Connection, Executor, PgConnection};

/// A database made for one benchmark on 127.0.0.1:5432 (or `GRIDHALL_TEST_POSTGRES_URL`).
pub(crate) struct ScratchDatabase {
    admin_url: String,
    name: String,
    /// Its URL.
    pub(crate) url: String,
}

impl ScratchDatabase {
    /// Creates one; `None` (said on stderr) when no PostgreSQL server answers.
    pub(crate) async fn create(bench: &str) -> Option<ScratchDatabase> {
        let admin_url = std::env::var("GRIDHALL_TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned());
        let name = format!("gridhall_bench_{}", uuid::Uuid::new_v4().simple());
        let created = async {
            let mut admin = PgConnection::connect(&admin_url).await.ok()?;
            admin.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).await.ok()
        };
        if created.await.is_none() {
            eprintln!("PostgreSQL at {admin_url} is not reachable: the PostgreSQL {bench} benchmark is skipped");
            return None;
        }
        let (base, _) = admin_url.rsplit_once('/').expect("admin URL has a database");
        let url = format!("{base}/{name}");
        Some(ScratchDatabase { admin_url, name, url })
    }

    /// Drops it, closing any connection left.
    pub(crate) async fn drop_now(self) {
        if let Ok(mut admin) = PgConnection::connect(&self.admin_url).await {
            let _ =
                admin.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name))).await;
        }
    }
}
