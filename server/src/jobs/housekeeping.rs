//! Housekeeping: forgets ended sessions, rate-limit windows and old sent email, hourly.

use std::time::Duration;

use tokio::sync::watch;

use super::pause;
use crate::db::Db;
use crate::services::{rate_limit, sessions};

/// Runs until told to stop; sent email is kept `outbox_keep_days`.
pub async fn run(db: Db, outbox_keep_days: u32, mut stopped: watch::Receiver<bool>) {
    let keep_secs = i64::from(outbox_keep_days) * 86_400;
    loop {
        match (sessions::prune(&db).await, rate_limit::prune(&db).await, super::outbox::prune(&db, keep_secs).await) {
            (Ok(sessions), Ok(windows), Ok(mail)) => tracing::debug!(sessions, windows, mail, "housekeeping done"),
            (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => {
                tracing::warn!(%error, "housekeeping failed; will retry");
            }
        }
        if !pause(&mut stopped, Duration::from_secs(3600)).await {
            break;
        }
    }
}
