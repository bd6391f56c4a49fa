//! The billing worker every server runs: it starts the runs the monthly schedule calls for
//! and works any run whose lease is free. Runs are claimed through the database, so any
//! number of servers can run it side by side; a run a dead server held is taken over when
//! its lease expires.

use std::time::Duration;

use tokio::sync::watch;

use super::{lease_owner, pause};
use crate::context::Ctx;
use crate::services::billing::run::{self, Settings};

/// How often it asks the schedule for new runs, in rounds of the worker's interval.
const SCHEDULE_EVERY: u32 = 12;

/// Works runs until none is free.
async fn work(ctx: &Ctx) {
    loop {
        match run::work_one(ctx, lease_owner(), &Settings::default()).await {
            Ok(true) => continue,
            Ok(false) => break,
            Err(error) => {
                tracing::warn!(?error, "billing run failed; it resumes when its lease expires");
                break;
            }
        }
    }
}

/// Starts working at once (after an operator started a run) rather than at the next round.
pub fn kick(ctx: &Ctx) {
    let ctx = ctx.clone();
    tokio::spawn(async move { work(&ctx).await });
}

/// The worker's loop.
pub async fn run(ctx: Ctx, mut stopped: watch::Receiver<bool>) {
    let mut round = 0u32;
    loop {
        if ctx.config.billing_schedule && round.is_multiple_of(SCHEDULE_EVERY) {
            match run::schedule(&ctx).await {
                Ok(0) => {}
                Ok(created) => tracing::info!(created, "billing runs started by the schedule"),
                Err(error) => tracing::warn!(?error, "billing schedule failed; will retry"),
            }
        }
        round = round.wrapping_add(1);
        work(&ctx).await;
        if !pause(&mut stopped, Duration::from_secs(ctx.config.billing_interval_secs)).await {
            break;
        }
    }
}
