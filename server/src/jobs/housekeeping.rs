//! Housekeeping: forgets ended sessions and rate-limit windows, hourly.

use std::time::Duration;

use tokio::sync::watch;

use super::pause;
use crate::db::Db;
use crate::services::{rate_limit, sessions};

/// Runs until told to stop.
pub async fn run(db: Db, mut stopped: watch::Receiver<bool>) {
    loop {
        match (sessions::prune(&db).await, rate_limit::prune(&db).await) {
            (Ok(sessions), Ok(windows)) => tracing::debug!(sessions, windows, "housekeeping done"),
            (Err(error), _) | (_, Err(error)) => tracing::warn!(%error, "housekeeping failed; will retry"),
        }
        if !pause(&mut stopped, Duration::from_secs(3600)).await {
            break;
        }
    }
}
