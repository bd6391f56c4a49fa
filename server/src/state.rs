//! What every request handler shares.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::{Env, LeptosOptions};

use crate::clock::Clock;
use crate::config::Config;
use crate::db::Db;
use crate::services::commitments::CommitmentCache;
use crate::telemetry::Metrics;

/// The application's shared state: cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The configuration it was started with.
    pub config: Arc<Config>,
    /// Where the built site is and how the pages load it.
    pub leptos_options: LeptosOptions,
    /// Request metrics.
    pub metrics: Arc<Metrics>,
    /// This server's copy of the service commitments.
    pub commitments: Arc<CommitmentCache>,
    /// The clock deadlines run on (moved forward by tests).
    pub clock: Arc<Clock>,
}

impl AppState {
    /// Opens and migrates the database and prepares everything a request needs.
    pub async fn init(config: Config) -> anyhow::Result<AppState> {
        let db = Db::connect(&config).await?;
        db.migrate().await?;
        Ok(AppState::with_db(config, db))
    }

    /// The state around an already opened database.
    pub fn with_db(config: Config, db: Db) -> AppState {
        let leptos_options = LeptosOptions::builder()
            // Must match `output-name` in the workspace's cargo-leptos metadata.
            .output_name("gridhall")
            .site_root(config.site_root.to_string_lossy().into_owned())
            .site_pkg_dir("pkg")
            .site_addr(config.listen)
            .env(if std::env::var("LEPTOS_ENV").is_ok_and(|e| e.eq_ignore_ascii_case("dev")) {
                Env::DEV
            } else {
                Env::PROD
            })
            .build();
        AppState {
            db,
            config: Arc::new(config),
            leptos_options,
            metrics: Arc::new(Metrics::new()),
            commitments: Arc::new(CommitmentCache::default()),
            clock: Arc::new(Clock::default()),
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
