//! Background work every server runs: sending the outbox, deadline alerts, billing runs, readings imports
//! and housekeeping. Work is
//! claimed through the database, so any number of servers can run these side by side.

pub mod billing;
pub mod deadlines;
pub mod housekeeping;
pub mod imports;
pub mod outbox;

use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::context::Ctx;
use crate::mail::Mailer;

/// The running background jobs; stop them with [`Jobs::stop`].
pub struct Jobs {
    stop: watch::Sender<bool>,
    handles: Vec<JoinHandle<()>>,
}

impl Jobs {
    /// Starts every job.
    pub fn start(ctx: &Ctx, mailer: Arc<Mailer>) -> Jobs {
        let (stop, stopped) = watch::channel(false);
        let handles = vec![
            tokio::spawn(outbox::run(ctx.clone(), mailer, outbox::Settings::default(), stopped.clone())),
            tokio::spawn(housekeeping::run(ctx.clone(), stopped.clone())),
            tokio::spawn(deadlines::run(ctx.clone(), stopped.clone())),
            tokio::spawn(billing::run(ctx.clone(), stopped.clone())),
            tokio::spawn(imports::run(ctx.clone(), stopped)),
        ];
        Jobs { stop, handles }
    }

    /// Asks every job to stop and waits until they have (a message being sent is finished).
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for handle in self.handles {
            let _ = handle.await;
        }
    }
}

/// This process's name as a holder of leases (billing runs, readings imports).
pub fn lease_owner() -> &'static str {
    static OWNER: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    OWNER.get_or_init(|| format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple()))
}

/// Sleeps for `duration` unless told to stop first; answers whether to go on.
pub(crate) async fn pause(stopped: &mut watch::Receiver<bool>, duration: std::time::Duration) -> bool {
    if *stopped.borrow() {
        return false;
    }
    tokio::select! {
        () = tokio::time::sleep(duration) => !*stopped.borrow(),
        changed = stopped.changed() => changed.is_ok() && !*stopped.borrow(),
    }
}
