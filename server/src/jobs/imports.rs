//! The readings-import worker every server runs: it imports queued readings files a chunk
//! at a time. Imports are claimed through the database, so any number of servers can run
//! it side by side; an import a dead server held is taken over when its lease expires and
//! goes on from its last committed chunk.

use std::time::Duration;

use tokio::sync::watch;

use super::{lease_owner, pause};
use crate::context::Ctx;
use crate::services::billing::imports::{self, Settings};

/// Works imports until none is free.
async fn work(ctx: &Ctx) {
    loop {
        match imports::work_one(ctx, lease_owner(), &Settings::of(&ctx.config)).await {
            Ok(true) => continue,
            Ok(false) => break,
            Err(error) => {
                tracing::warn!(?error, "readings import stopped; it resumes when its lease expires");
                break;
            }
        }
    }
}

/// Starts working at once (after an upload) rather than at the next round.
pub fn kick(ctx: &Ctx) {
    let ctx = ctx.clone();
    tokio::spawn(async move { work(&ctx).await });
}

/// The worker's loop.
pub async fn run(ctx: Ctx, mut stopped: watch::Receiver<bool>) {
    loop {
        work(&ctx).await;
        if !pause(&mut stopped, Duration::from_secs(ctx.config.import_interval_secs)).await {
            break;
        }
    }
}
