//! What a process does with a database before it serves: migrate it, then write the data
//! that ships in the binary (the official working-day calendars, which are data in
//! `shared`, not SQL). Every entry point (`serve`, the CLI, tests, benches) comes here.

use anyhow::Context as _;

use crate::db::Db;

/// Migrates the database and writes the official calendar years it lacks.
pub async fn prepare_database(db: &Db) -> anyhow::Result<()> {
    db.migrate().await?;
    crate::db::calendar::ensure_official(db, chrono::Utc::now().timestamp())
        .await
        .context("cannot write the official calendars")
}
