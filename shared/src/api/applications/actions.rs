//! What each party does to an application: the customer's and the staff's actions,
//! assigning, the follow-up visit.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::form::{bounded, future_day};
use super::*;
use crate::connection::Step;
use crate::validation::{self as v, Checks, FieldError, Problem};

/// `POST /api/v1/applications/{id}/actions`: what a customer does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CustomerAction {
    /// Send the draft (its form must be complete).
    Submit,
    /// Withdraw the application (not once energised).
    Cancel {
        /// Why, optional.
        #[serde(default)]
        reason: String,
    },
    /// The documents staff asked for are uploaded.
    ProvideDocuments {
        /// The step that asked.
        step: Step,
    },
    /// The design is handed in, or the works or repairs are ready for inspection.
    Ready {
        /// The step.
        step: Step,
        /// A note for the handler.
        #[serde(default)]
        note: String,
    },
    /// Accept the scheme or the contract, naming the version read.
    AcceptOffer {
        /// `supply_scheme` or `contract`.
        step: Step,
        /// The version read.
        version: u32,
    },
}

/// `POST /api/v1/staff/applications/{id}/actions`: what a handler does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum StaffAction {
    /// Accept the application.
    Accept,
    /// Refuse it, with the reason the customer will read.
    Reject {
        /// Why.
        reason: String,
    },
    /// Ask for documents; the clock passes to the customer.
    RequestDocuments {
        /// The step asking.
        step: Step,
        /// What is missing.
        note: String,
    },
    /// Offer the customer a survey appointment.
    ScheduleSurvey {
        /// The day, `YYYY-MM-DD`.
        day: String,
        /// `morning` or `afternoon`.
        slot: String,
    },
    /// The survey is done.
    CompleteSurvey {
        /// What was found.
        findings: String,
    },
    /// Issue (or reissue) the supply scheme or the contract.
    IssueOffer {
        /// `supply_scheme` or `contract`.
        step: Step,
        /// The text.
        body: String,
        /// The fee, in yuan (scheme only).
        #[serde(default)]
        fee: String,
    },
    /// Result of the design review or an inspection.
    Review {
        /// `design_review`, `mid_inspection` or `completion_inspection`.
        step: Step,
        /// Passed.
        passed: bool,
        /// Defects or remarks.
        #[serde(default)]
        note: String,
    },
    /// The meter is installed and the supply energised.
    Energise {
        /// The meter's number.
        meter_no: String,
    },
    /// Supervisor: put the application in the green channel.
    GreenChannel {
        /// Why.
        reason: String,
    },
}

/// Survey appointment slots.
pub const SURVEY_SLOTS: [&str; 2] = ["morning", "afternoon"];

impl StaffAction {
    /// Checks the free text and numbers of the action.
    pub fn validate(&self, today: NaiveDate) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::new();
        match self {
            StaffAction::Accept => {}
            StaffAction::Reject { reason } | StaffAction::GreenChannel { reason } => {
                checks.check("reason", v::required_text(reason, TEXT_MAX_CHARS));
            }
            StaffAction::RequestDocuments { note, .. } => {
                checks.check("note", v::required_text(note, TEXT_MAX_CHARS));
            }
            StaffAction::ScheduleSurvey { day, slot } => {
                checks.check("day", future_day(day, today));
                if !SURVEY_SLOTS.contains(&slot.as_str()) {
                    checks.fail("slot", Problem::InvalidValue);
                }
            }
            StaffAction::CompleteSurvey { findings } => {
                checks.check("findings", v::required_text(findings, TEXT_MAX_CHARS));
            }
            StaffAction::IssueOffer { step, body, fee } => {
                checks.check("body", v::required_text(body, OFFER_MAX_CHARS));
                if *step == Step::SupplyScheme {
                    checks.check("fee", v::yuan_amount(fee));
                } else if !fee.trim().is_empty() {
                    checks.fail("fee", Problem::InvalidValue);
                }
            }
            StaffAction::Review { note, passed, .. } => {
                if *passed {
                    checks.check("note", bounded(note, TEXT_MAX_CHARS));
                } else {
                    checks.check("note", v::required_text(note, TEXT_MAX_CHARS));
                }
            }
            StaffAction::Energise { meter_no } => {
                checks.check("meter_no", meter_number(meter_no));
            }
        }
        checks.finish(Some(()))
    }
}

/// A meter number: 6 to 22 letters and digits.
pub fn meter_number(text: &str) -> Result<String, Problem> {
    let text = text.trim();
    if text.is_empty() {
        Err(Problem::Required)
    } else if (6..=22).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(text.to_ascii_uppercase())
    } else {
        Err(Problem::InvalidValue)
    }
}

/// `POST /api/v1/staff/applications/{id}/assign`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssignRequest {
    /// The handler (a staff user's id); absent to claim it for oneself.
    #[serde(default)]
    pub handler_id: Option<i64>,
}

/// A connection handler a supervisor may assign work to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Handler {
    /// Their staff number (user id).
    pub id: i64,
    /// Their name.
    pub display_name: String,
    /// The supply stations they cover (empty: all).
    pub regions: Vec<String>,
}

/// `GET /api/v1/staff/handlers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandlersResponse {
    /// Active connection handlers, by name.
    pub handlers: Vec<Handler>,
}

/// `POST /api/v1/staff/applications/{id}/follow-up`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUpRequest {
    /// 1 to 5.
    pub score: u8,
    /// What the customer said.
    #[serde(default)]
    pub comment: String,
}

impl FollowUpRequest {
    /// Checks the score and the comment's length.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::new();
        if !(1..=5).contains(&self.score) {
            checks.fail("score", Problem::OutOfRange);
        }
        checks.check("comment", bounded(&self.comment, TEXT_MAX_CHARS));
        checks.finish(Some(()))
    }
}
