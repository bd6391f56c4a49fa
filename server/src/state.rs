//! What every request handler shares: the services' context, plus what only the HTTP layer
//! needs (the Leptos options and the request metrics).

use std::ops::Deref;
use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::{Env, LeptosOptions};

use crate::config::Config;
use crate::context::Ctx;
use crate::db::Db;
use crate::telemetry::Metrics;

/// The application's shared state: cheap to clone.
///
/// It dereferences to the services' [`Ctx`], so a handler hands `&state` to a service and
/// reads `state.db` or `state.clock` as the services do; services never see the rest.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The services' context: database, clock, configuration, cached configuration rows.
    pub ctx: Ctx,
    /// Where the built site is and how the pages load it.
    pub leptos_options: LeptosOptions,
    /// Request metrics.
    pub metrics: Arc<Metrics>,
}

impl Deref for AppState {
    type Target = Ctx;

    fn deref(&self) -> &Ctx {
        &self.ctx
    }
}

impl AppState {
    /// Opens and prepares the database and everything a request needs.
    pub async fn init(config: Config) -> anyhow::Result<AppState> {
        let db = Db::connect(&config).await?;
        crate::startup::prepare_database(&db).await?;
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
        AppState { ctx: Ctx::new(config, db), leptos_options, metrics: Arc::new(Metrics::new()) }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
