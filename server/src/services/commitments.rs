//! Service commitments: which limits are in force on a day.
//!
//! The commitments are configuration that changes a few times a year and takes effect on a
//! stated day, and every page shows them; so each server keeps every version in memory for
//! [`CACHE_TTL`] and decides what is in force itself (`shared::in_force_on`). A change made
//! through this server is visible at once; one made elsewhere within `CACHE_TTL`.

use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use shared::api::{CommitmentsFilter, CommitmentsResponse};
use shared::{Commitment, in_force_on};

use crate::db::Db;
use crate::db::commitments::{self, NewVersion};

/// How long a server answers from its copy before reading the table again.
pub const CACHE_TTL: Duration = Duration::from_secs(30);

/// Every version of every commitment, as last read from the database.
#[derive(Debug, Default)]
pub struct CommitmentCache {
    loaded: RwLock<Option<(Instant, Arc<Vec<Commitment>>)>>,
}

impl CommitmentCache {
    /// The versions, read from the database when the copy is missing or older than `CACHE_TTL`.
    pub async fn all_versions(&self, db: &Db) -> Result<Arc<Vec<Commitment>>, sqlx::Error> {
        let fresh = self
            .loaded
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .filter(|(at, _)| at.elapsed() < CACHE_TTL)
            .map(|(_, versions)| versions.clone());
        if let Some(versions) = fresh {
            return Ok(versions);
        }
        let versions = Arc::new(commitments::all_versions(db).await?);
        *self.loaded.write().unwrap_or_else(PoisonError::into_inner) = Some((Instant::now(), versions.clone()));
        Ok(versions)
    }

    /// Forgets the copy, so the next request reads the table.
    pub fn invalidate(&self) {
        *self.loaded.write().unwrap_or_else(PoisonError::into_inner) = None;
    }
}

/// Today in the utility's time zone: a limit changes at local midnight, not UTC's.
pub fn today(time_zone: Tz) -> NaiveDate {
    Utc::now().with_timezone(&time_zone).date_naive()
}

/// The commitments in force on the filter's day (default: today), optionally of one area.
pub async fn in_force(
    db: &Db,
    cache: &CommitmentCache,
    time_zone: Tz,
    filter: CommitmentsFilter,
) -> Result<CommitmentsResponse, sqlx::Error> {
    let as_of = filter.at.unwrap_or_else(|| today(time_zone));
    let versions = cache.all_versions(db).await?;
    let mut items = in_force_on(&versions, as_of).into_vec();
    if let Some(area) = filter.area {
        items.retain(|c| c.area == area);
    }
    Ok(CommitmentsResponse { as_of, area: filter.area, items })
}

/// Publishes a new version of a commitment and makes this server answer with it at once.
pub async fn add_version(db: &Db, cache: &CommitmentCache, new: &NewVersion<'_>) -> Result<u32, sqlx::Error> {
    let version = commitments::add_version(db, new).await;
    cache.invalidate();
    version
}
