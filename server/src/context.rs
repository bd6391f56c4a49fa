//! The one context every service takes: the database, the clock, the configuration, and the
//! configuration rows every page reads (the service commitments and the working-day
//! calendar), cached.
//!
//! Why one context: a service that reads the wall clock, or loads the calendar itself, is
//! a service a test cannot move through time. Every time a service writes or compares
//! (deadlines, sessions, rate limits, audit rows) comes from [`Ctx::now`], so a test that
//! moves the clock moves everything.
//!
//! Why a cache with an expiry: the commitments and the calendar change a few times a year
//! and every page shows them. Each server keeps a copy for [`CACHE_TTL`]; a change made
//! through this server is seen at once (the writer calls `forget`), one made through
//! another server within `CACHE_TTL`. Both caches keep the same rule.

use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use chrono_tz::Tz;
use shared::Commitment;
use shared::calendar::WorkingCalendar;

use crate::clock::Clock;
use crate::config::Config;
use crate::db::{self, Db};

/// How long a server answers from its copy of the commitments and the calendar.
pub const CACHE_TTL: Duration = Duration::from_secs(30);

/// What every service reads: cheap to clone (a few `Arc`s).
#[derive(Clone, Debug)]
pub struct Ctx {
    /// The database.
    pub db: Db,
    /// The only clock services read (moved forward by tests and the demo).
    pub clock: Arc<Clock>,
    /// The configuration the server was started with.
    pub config: Arc<Config>,
    commitments: Arc<Cached<Vec<Commitment>>>,
    calendar: Arc<Cached<WorkingCalendar>>,
}

impl Ctx {
    /// The context around an opened database.
    pub fn new(config: Config, db: Db) -> Ctx {
        Ctx {
            db,
            clock: Arc::new(Clock::default()),
            config: Arc::new(config),
            commitments: Arc::default(),
            calendar: Arc::default(),
        }
    }

    /// Now, in the Unix seconds every table stores.
    pub fn now(&self) -> i64 {
        self.clock.seconds()
    }

    /// The utility's time zone.
    pub fn zone(&self) -> Tz {
        self.config.time_zone
    }

    /// Today in the utility's time zone: limits change at local midnight, not UTC's.
    pub fn today(&self) -> NaiveDate {
        self.clock.today(self.config.time_zone)
    }

    /// The portal's public URL, for links in emails.
    pub fn public_url(&self) -> String {
        self.config.public_url()
    }

    /// Every version of every service commitment.
    pub async fn commitments(&self) -> Result<Arc<Vec<Commitment>>, sqlx::Error> {
        self.commitments.get(|| db::commitments::all_versions(&self.db)).await
    }

    /// The working-day calendar over every year entered.
    pub async fn calendar(&self) -> Result<Arc<WorkingCalendar>, sqlx::Error> {
        self.calendar.get(|| async { Ok(WorkingCalendar::new(&db::calendar::years(&self.db).await?)) }).await
    }

    /// Forgets the cached commitments after a change, so this server answers with it at once.
    pub fn forget_commitments(&self) {
        self.commitments.forget();
    }

    /// Forgets the cached calendar after a change.
    pub fn forget_calendar(&self) {
        self.calendar.forget();
    }
}

/// A value read from the database, kept for [`CACHE_TTL`].
#[derive(Debug)]
struct Cached<T> {
    loaded: RwLock<Option<(Instant, Arc<T>)>>,
}

impl<T> Default for Cached<T> {
    fn default() -> Self {
        Cached { loaded: RwLock::new(None) }
    }
}

impl<T> Cached<T> {
    /// The kept value, or a fresh one from `load` when it is missing or older than the TTL.
    async fn get<F, Fut>(&self, load: F) -> Result<Arc<T>, sqlx::Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, sqlx::Error>>,
    {
        let fresh = self
            .loaded
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .filter(|(at, _)| at.elapsed() < CACHE_TTL)
            .map(|(_, value)| value.clone());
        if let Some(value) = fresh {
            return Ok(value);
        }
        let value = Arc::new(load().await?);
        *self.loaded.write().unwrap_or_else(PoisonError::into_inner) = Some((Instant::now(), value.clone()));
        Ok(value)
    }

    fn forget(&self) {
        *self.loaded.write().unwrap_or_else(PoisonError::into_inner) = None;
    }
}
