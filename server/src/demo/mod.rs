//! The demo data set, loaded by `gridhall demo`. Loading it twice adds nothing the second
//! time.
//!
//! It holds the people of `people` (customers, an enterprise, staff; with passwords new
//! at every load) and a published change to the service
//! commitments that takes effect on 1 January 2027 (the high-voltage limits tighten, as
//! grid companies' yearly "获得电力" commitments do), so the versioning of the commitments
//! can be seen through `GET /api/v1/commitments?at=2027-01-01`.

pub mod applications;
pub mod billing;
pub mod people;

use chrono::NaiveDate;
use shared::commitments::codes;
use shared::{LimitUnit, ServiceArea};

use crate::context::Ctx;
use crate::db::commitments::{self, NewVersion};

/// What a load did.
#[derive(Debug, Clone)]
pub struct DemoReport {
    /// Commitment versions added by this load (0 when they were there already).
    pub added: usize,
    /// The demo logins with the passwords this load gave them.
    pub logins: Vec<people::DemoLogin>,
}

/// Loads the demo data set, skipping what is already there.
pub async fn load(ctx: &Ctx) -> anyhow::Result<DemoReport> {
    let db = &ctx.db;
    let from = NaiveDate::from_ymd_opt(2027, 1, 1).ok_or_else(|| anyhow::anyhow!("bad demo date"))?;
    let changes = [
        (codes::CONNECTION_TOTAL_HV_SINGLE, 20),
        (codes::CONNECTION_TOTAL_HV_DUAL, 30),
        (codes::SCHEME_REPLY_HV_SINGLE, 12),
    ];
    let mut added = 0;
    for (code, limit) in changes {
        if commitments::version_exists(db, code, from, limit).await? {
            continue;
        }
        let mut tx = db.begin().await?;
        commitments::add_version(
            &mut tx,
            &NewVersion {
                code,
                area: ServiceArea::Connection,
                limit,
                unit: LimitUnit::WorkingDays,
                effective_from: from,
                source: "demo: 2027 commitments",
            },
            ctx.now(),
        )
        .await?;
        tx.commit().await?;
        added += 1;
    }
    let logins = people::load(ctx).await?;
    Ok(DemoReport { added, logins })
}
