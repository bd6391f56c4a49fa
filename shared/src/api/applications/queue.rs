//! The staff queue, the figures (dashboard and public statistics), notices, the calendar
//! and the commitments' publication.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::form::future_day;
use super::*;
use crate::connection::{CustomerClass, Step};
use crate::validation::{self as v, Checks, FieldError, Problem};

/// On time, due within a working day, or overdue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Timeliness {
    /// More than a working day left.
    OnTime,
    /// Due today or on the next working day.
    DueSoon,
    /// Past its last day.
    Overdue,
}

/// `GET /api/v1/staff/applications` query.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
#[serde(default)]
pub struct QueueQuery {
    /// Only this class.
    pub class: Option<CustomerClass>,
    /// Only applications at this step.
    pub step: Option<Step>,
    /// Only this region (within the caller's).
    pub region: Option<String>,
    /// Only on time, due soon or overdue.
    pub timeliness: Option<Timeliness>,
    /// Only those of this handler (`me` for oneself is `mine=true`).
    pub mine: Option<bool>,
    /// Also finished ones (default: open only).
    pub closed: Option<bool>,
    /// Sort by due day descending instead of ascending.
    pub desc: Option<bool>,
    /// Page, from 0.
    pub page: Option<u32>,
}

/// How many queue lines a page holds.
pub const QUEUE_PAGE_SIZE: u32 = 50;

/// `GET /api/v1/staff/applications`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueuePage {
    /// Sorted by due day.
    pub items: Vec<ApplicationSummary>,
    /// Whether there is a next page.
    pub more: bool,
    /// The day the timeliness was judged on.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub today: NaiveDate,
}

/// One figure per class (and step) for dashboards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClassFigures {
    /// The class.
    pub customer_class: CustomerClass,
    /// Applications finished in the period.
    pub finished: u32,
    /// Of those, finished within the limit.
    pub within_limit: u32,
    /// Average working days used by the utility (one decimal).
    pub average_days: Option<f64>,
}

/// Open applications at a step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenCount {
    /// The class.
    pub customer_class: CustomerClass,
    /// The step (absent: waiting for acceptance).
    pub step: Option<Step>,
    /// How many.
    pub count: u32,
    /// Of those, overdue.
    pub overdue: u32,
}

/// Average working days a step took, by class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepAverage {
    /// The class.
    pub customer_class: CustomerClass,
    /// The step.
    pub step: Step,
    /// Finished steps counted.
    pub finished: u32,
    /// Average utility working days (one decimal).
    pub average_days: f64,
}

/// `GET /api/v1/staff/applications/dashboard`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    /// Open applications by class and step.
    pub open: Vec<OpenCount>,
    /// Finished in the last 12 months, by class.
    pub classes: Vec<ClassFigures>,
    /// Average days per step, by class.
    pub steps: Vec<StepAverage>,
    /// The overdue applications, most overdue first (at most 50).
    pub overdue: Vec<ApplicationSummary>,
}

/// `GET /api/v1/statistics/connections`: the published figures (no login).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicStatistics {
    /// The first day counted.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub from: NaiveDate,
    /// The last day counted.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub to: NaiveDate,
    /// By class.
    pub classes: Vec<ClassFigures>,
}

/// A notice in the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
// Documented as `AppNotice`: the schema `Notice` is `roles::Notice`, the email notices a
// person chooses; with one name for both, the document described one by the other.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = AppNotice))]
pub struct Notice {
    /// Its number.
    pub id: i64,
    /// The headline.
    pub title: String,
    /// The text.
    pub body: String,
    /// Where to look (a path in the portal).
    pub link: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Whether it was read.
    pub read: bool,
}

/// `GET /api/v1/me/notices`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeList {
    /// Newest first (at most 100).
    pub items: Vec<Notice>,
    /// How many are unread.
    pub unread: u32,
}

/// `GET /api/v1/calendar`: every year of the working-day calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarResponse {
    /// In order.
    pub years: Vec<crate::calendar::YearCalendar>,
}

/// `POST /api/v1/staff/commitments`: a new version of a time limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewCommitmentVersion {
    /// The commitment's code.
    pub code: String,
    /// The new limit (in the commitment's unit).
    pub limit: u32,
    /// The first day it applies, `YYYY-MM-DD` (today or later).
    pub effective_from: String,
    /// Where the change comes from.
    pub source: String,
}

impl NewCommitmentVersion {
    /// Checks the request; answers the day it takes effect.
    pub fn validate(&self, today: NaiveDate) -> Result<NaiveDate, Vec<FieldError>> {
        let mut checks = Checks::new();
        checks.check("code", v::required_text(&self.code, 64));
        if self.limit == 0 || self.limit > 1000 {
            checks.fail("limit", Problem::OutOfRange);
        }
        checks.check("source", v::required_text(&self.source, 200));
        let day = checks.check("effective_from", future_day(&self.effective_from, today));
        checks.finish(day)
    }
}
