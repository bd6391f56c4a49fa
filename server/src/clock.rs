//! The only time services read (`Ctx::now`): deadlines, working days, warnings, sessions,
//! rate limits, audit rows, the outbox. It is the system clock plus an offset that tests
//! move forward, so a test shows a week passing without sleeping, and everything moves
//! with it.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

/// A clock that can be moved forward.
#[derive(Debug, Default)]
pub struct Clock {
    offset_seconds: AtomicI64,
}

impl Clock {
    /// Now, as this clock tells it.
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + chrono::Duration::seconds(self.offset_seconds.load(Ordering::Relaxed))
    }

    /// Now, in Unix seconds.
    pub fn seconds(&self) -> i64 {
        self.now().timestamp()
    }

    /// Today in a time zone.
    pub fn today(&self, zone: Tz) -> NaiveDate {
        self.now().with_timezone(&zone).date_naive()
    }

    /// Moves the clock forward (tests, and a demo that shows overdue work).
    pub fn advance(&self, by: chrono::Duration) {
        self.offset_seconds.fetch_add(by.num_seconds(), Ordering::Relaxed);
    }

    /// How far this clock is from the system clock, in seconds (to put it back later).
    pub fn offset(&self) -> i64 {
        self.offset_seconds.load(Ordering::Relaxed)
    }

    /// Sets how far this clock is from the system clock.
    pub fn set_offset(&self, seconds: i64) {
        self.offset_seconds.store(seconds, Ordering::Relaxed);
    }

    /// Sets this clock to a Unix time (the demo dates its history so).
    pub fn set(&self, seconds: i64) {
        self.set_offset(seconds - Utc::now().timestamp());
    }
}

/// The day in a time zone of a Unix time.
pub fn day_of(seconds: i64, zone: Tz) -> NaiveDate {
    DateTime::from_timestamp(seconds, 0).unwrap_or_default().with_timezone(&zone).date_naive()
}
