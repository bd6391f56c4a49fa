//! Housekeeping: forgets ended sessions, rate-limit windows and old sent email, hourly.

use std::time::Duration;

use tokio::sync::watch;

use super::pause;
use crate::context::Ctx;
use crate::services::{rate_limit, sessions};

/// Runs until told to stop; sent email is kept `outbox_keep_days` of the configuration.
pub async fn run(ctx: Ctx, mut stopped: watch::Receiver<bool>) {
    let keep_secs = i64::from(ctx.config.outbox_keep_days) * 86_400;
    loop {
        match (sessions::prune(&ctx).await, rate_limit::prune(&ctx).await, super::outbox::prune(&ctx, keep_secs).await)
        {
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
