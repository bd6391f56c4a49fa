//! The migrations, embedded in the binary: one folder per backend with the same numbered
//! files (`migrations/sqlite`, `migrations/postgres`). Landed files are never edited.

use std::borrow::Cow;

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

use crate::config::Backend;

/// `(version, description, SQLite, PostgreSQL)` for every migration, in order.
const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "service commitments",
        include_str!("../../../migrations/sqlite/0001_service_commitments.sql"),
        include_str!("../../../migrations/postgres/0001_service_commitments.sql"),
    ),
    (
        2,
        "identity and access",
        include_str!("../../../migrations/sqlite/0002_identity.sql"),
        include_str!("../../../migrations/postgres/0002_identity.sql"),
    ),
    (
        3,
        "connection applications",
        include_str!("../../../migrations/sqlite/0003_connections.sql"),
        include_str!("../../../migrations/postgres/0003_connections.sql"),
    ),
    (
        4,
        "readings, tariffs and billing",
        include_str!("../../../migrations/sqlite/0004_billing.sql"),
        include_str!("../../../migrations/postgres/0004_billing.sql"),
    ),
    (
        5,
        "issued records never change; adjustments above a threshold need a second operator",
        include_str!("../../../migrations/sqlite/0005_records.sql"),
        include_str!("../../../migrations/postgres/0005_records.sql"),
    ),
    (
        6,
        "billing exceptions by account",
        include_str!("../../../migrations/sqlite/0006_billing_exceptions_by_account.sql"),
        include_str!("../../../migrations/postgres/0006_billing_exceptions_by_account.sql"),
    ),
    (
        7,
        "supply-station limits on staff reads",
        include_str!("../../../migrations/sqlite/0007_station_limits.sql"),
        include_str!("../../../migrations/postgres/0007_station_limits.sql"),
    ),
    (
        9,
        "second factor (TOTP and recovery codes)",
        include_str!("../../../migrations/sqlite/0009_second_factor.sql"),
        include_str!("../../../migrations/postgres/0009_second_factor.sql"),
    ),
    (
        10,
        "organisation invitations kept by address",
        include_str!("../../../migrations/sqlite/0010_org_invitations.sql"),
        include_str!("../../../migrations/postgres/0010_org_invitations.sql"),
    ),
    (
        11,
        "readings files imported in the background",
        include_str!("../../../migrations/sqlite/0011_background_imports.sql"),
        include_str!("../../../migrations/postgres/0011_background_imports.sql"),
    ),
];

/// The migrator for a backend.
pub(super) fn migrator(backend: Backend) -> Migrator {
    Migrator::with_migrations(
        MIGRATIONS
            .iter()
            .map(|&(version, description, sqlite, postgres)| {
                let sql = match backend {
                    Backend::Sqlite => sqlite,
                    Backend::Postgres => postgres,
                };
                Migration::new(version, Cow::Borrowed(description), MigrationType::Simple, sql.into_sql_str(), false)
            })
            .collect(),
    )
}

/// The versions this binary knows.
pub(super) fn versions() -> impl Iterator<Item = i64> {
    MIGRATIONS.iter().map(|m| m.0)
}

#[cfg(test)]
mod tests {
    use super::MIGRATIONS;

    /// A file added to a migrations folder but not to the list above would silently never
    /// run; so would one added for one backend only.
    #[test]
    fn every_migration_file_is_embedded_for_both_backends() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../migrations");
        for backend in ["sqlite", "postgres"] {
            let mut files: Vec<String> = std::fs::read_dir(format!("{root}/{backend}"))
                .expect("migrations folder")
                .map(|entry| entry.expect("entry").file_name().to_string_lossy().into_owned())
                .filter(|name| name.ends_with(".sql"))
                .collect();
            files.sort();
            let versions: Vec<i64> = files
                .iter()
                .map(|name| name.split('_').next().and_then(|n| n.parse().ok()).expect("numbered file"))
                .collect();
            let embedded: Vec<i64> = MIGRATIONS.iter().map(|m| m.0).collect();
            assert_eq!(versions, embedded, "{backend}");
        }
    }
}
