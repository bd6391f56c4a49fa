//! Service commitments: which limits are in force on a day.

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use shared::api::{CommitmentsFilter, CommitmentsResponse};

use crate::db::{Db, commitments};

/// Today in the utility's time zone: a limit changes at local midnight, not UTC's.
pub fn today(time_zone: Tz) -> NaiveDate {
    Utc::now().with_timezone(&time_zone).date_naive()
}

/// The commitments in force on the filter's day (default: today), optionally of one area.
pub async fn in_force(db: &Db, time_zone: Tz, filter: CommitmentsFilter) -> Result<CommitmentsResponse, sqlx::Error> {
    let as_of = filter.at.unwrap_or_else(|| today(time_zone));
    let items = commitments::in_force(db, as_of, filter.area).await?;
    Ok(CommitmentsResponse { as_of, area: filter.area, items })
}
