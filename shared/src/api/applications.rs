//! Connection applications (`/api/v1/applications`, `/api/v1/staff/applications`): the
//! form, the timeline, the actions of each party, the staff queue and the figures.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::connection::{
    ApplicationKind, ApplicationStatus, CustomerClass, HistoryAction, Limits, Step, StepState, Voltage, Waiting,
};
use crate::validation::{self as v, Checks, FieldError, Problem};

/// The longest supply address, in characters.
pub const ADDRESS_MAX_CHARS: usize = 200;
/// The longest free text (use, findings, reasons), in characters.
pub const TEXT_MAX_CHARS: usize = 2000;
/// The longest scheme or contract text, in characters.
pub const OFFER_MAX_CHARS: usize = 20_000;
/// The most capacity one application may ask for, in kVA.
pub const CAPACITY_MAX_KVA: u32 = 100_000;
/// The most a residential application may ask for, in kVA.
pub const RESIDENTIAL_MAX_KVA: u32 = 100;
/// The largest document accepted, in bytes.
pub const DOCUMENT_MAX_BYTES: usize = 10 * 1024 * 1024;

/// What the customer writes. Every field is text as typed, so that a draft can be saved
/// half-filled; [`ApplicationForm::validate`] checks it for submission.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ApplicationForm {
    /// The supply station (region) code.
    pub region: String,
    /// Where the supply is wanted.
    pub supply_address: String,
    /// What the electricity is for (住宅, 商铺, 厂房 …).
    pub usage: String,
    /// Requested capacity in kVA (the new total for a change of capacity).
    pub capacity_kva: String,
    /// `220v`, `380v`, `10kv`, `35kv` or `110kv`.
    pub voltage: String,
    /// High voltage only: a dual supply.
    pub dual_supply: bool,
    /// The day the customer would like power, `YYYY-MM-DD`.
    pub wanted_date: String,
    /// Temporary supply: the last day, `YYYY-MM-DD`.
    pub until_date: String,
    /// Who to contact.
    pub contact_name: String,
    /// Their mobile number.
    pub contact_mobile: String,
    /// The existing account, for a change of capacity or name.
    pub account_no: String,
    /// Change of name: the new holder.
    pub new_holder_name: String,
}

/// A form that passed [`ApplicationForm::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedForm {
    /// The region code.
    pub region: String,
    /// The supply address (empty when the kind concerns an existing account).
    pub supply_address: String,
    /// The capacity in kVA, when the kind asks for it.
    pub capacity_kva: Option<u32>,
    /// The voltage, when the kind asks for it.
    pub voltage: Option<Voltage>,
    /// The existing account, when the kind needs one.
    pub account_no: Option<String>,
    /// Dual supply (high voltage only).
    pub dual_supply: bool,
}

fn optional<T>(text: &str, parse: impl FnOnce(&str) -> Result<T, Problem>) -> Result<Option<T>, Problem> {
    if text.trim().is_empty() { Ok(None) } else { parse(text).map(Some) }
}

fn capacity(text: &str, class: CustomerClass) -> Result<u32, Problem> {
    if text.trim().is_empty() {
        return Err(Problem::Required);
    }
    let value: u32 = text.trim().parse().map_err(|_| Problem::InvalidValue)?;
    let max = if class == CustomerClass::Residential { RESIDENTIAL_MAX_KVA } else { CAPACITY_MAX_KVA };
    if value == 0 || value > max { Err(Problem::OutOfRange) } else { Ok(value) }
}

fn voltage(text: &str, class: CustomerClass) -> Result<Voltage, Problem> {
    if text.trim().is_empty() {
        return Err(Problem::Required);
    }
    let voltage: Voltage = text.trim().parse().map_err(|_| Problem::InvalidValue)?;
    if voltage.fits(class) { Ok(voltage) } else { Err(Problem::OutOfRange) }
}

fn future_day(text: &str, today: NaiveDate) -> Result<NaiveDate, Problem> {
    if text.trim().is_empty() {
        return Err(Problem::Required);
    }
    let day = v::parse_day(text.trim()).ok_or(Problem::InvalidDate)?;
    if day < today || day > today + chrono::Duration::days(3 * 366) { Err(Problem::OutOfRange) } else { Ok(day) }
}

fn bounded(text: &str, max: usize) -> Result<(), Problem> {
    if text.chars().count() > max { Err(Problem::TooLong) } else { Ok(()) }
}

impl ApplicationForm {
    /// The checks a draft must pass: every field within its length, and what is filled in
    /// well-formed. Nothing is required yet.
    pub fn validate_draft(&self, class: CustomerClass) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::new();
        for (field, text, max) in [
            ("region", &self.region, 16),
            ("supply_address", &self.supply_address, ADDRESS_MAX_CHARS),
            ("usage", &self.usage, 200),
            ("contact_name", &self.contact_name, v::NAME_MAX_CHARS),
            ("new_holder_name", &self.new_holder_name, v::NAME_MAX_CHARS),
            ("capacity_kva", &self.capacity_kva, 16),
            ("voltage", &self.voltage, 16),
            ("wanted_date", &self.wanted_date, 16),
            ("until_date", &self.until_date, 16),
            ("contact_mobile", &self.contact_mobile, 20),
            ("account_no", &self.account_no, 20),
        ] {
            checks.check(field, bounded(text, max));
        }
        checks.check("capacity_kva", optional(&self.capacity_kva, |t| capacity(t, class)));
        checks.check("voltage", optional(&self.voltage, |t| voltage(t, class)));
        checks.check("contact_mobile", optional(&self.contact_mobile, v::mobile));
        checks.check("account_no", optional(&self.account_no, v::account_number));
        checks.finish(Some(()))
    }

    /// The checks for submission: what the kind needs is filled in and right. `today` is
    /// the utility's day (wanted dates may not be in the past).
    pub fn validate(
        &self,
        kind: ApplicationKind,
        class: CustomerClass,
        today: NaiveDate,
    ) -> Result<CheckedForm, Vec<FieldError>> {
        let draft_errors = self.validate_draft(class).err().unwrap_or_default();
        let mut checks = Checks::new();
        let region = checks.check("region", v::required_text(&self.region, 16));
        checks.check("contact_name", v::required_text(&self.contact_name, v::NAME_MAX_CHARS));
        checks.check("contact_mobile", v::mobile(&self.contact_mobile));
        let supply_address = if kind.asks_address() {
            checks.check("usage", v::required_text(&self.usage, 200));
            checks.check("supply_address", v::required_text(&self.supply_address, ADDRESS_MAX_CHARS))
        } else {
            Some(String::new())
        };
        let (capacity_kva, voltage) = if kind.asks_capacity() {
            let kva = checks.check("capacity_kva", capacity(&self.capacity_kva, class));
            let volts = checks.check("voltage", voltage(&self.voltage, class));
            let wanted = checks.check("wanted_date", future_day(&self.wanted_date, today));
            if kind == ApplicationKind::Temporary
                && let (Some(until), Some(from)) =
                    (checks.check("until_date", future_day(&self.until_date, today)), wanted)
                && until <= from
            {
                checks.fail("until_date", Problem::OutOfRange);
            }
            (kva, volts)
        } else {
            (None, None)
        };
        let account_no = if kind.needs_existing_account() {
            let account = if self.account_no.trim().is_empty() {
                Err(Problem::Required)
            } else {
                v::account_number(&self.account_no)
            };
            checks.check("account_no", account).map(Some)
        } else {
            Some(None)
        };
        if kind == ApplicationKind::ChangeOfName {
            checks.check("new_holder_name", v::required_text(&self.new_holder_name, v::NAME_MAX_CHARS));
        }
        let checked = match (region, supply_address, account_no) {
            (Some(region), Some(supply_address), Some(account_no)) => Some(CheckedForm {
                region,
                supply_address,
                capacity_kva,
                voltage,
                account_no,
                dual_supply: class == CustomerClass::HighVoltage && self.dual_supply,
            }),
            _ => None,
        };
        match checks.finish(checked) {
            Ok(checked) if draft_errors.is_empty() => Ok(checked),
            Ok(_) => Err(draft_errors),
            Err(errors) => {
                // A field the draft check refused is named once, with the draft's reason.
                let mut all = draft_errors;
                let extra: Vec<FieldError> =
                    errors.into_iter().filter(|e| !all.iter().any(|d| d.field == e.field)).collect();
                all.extend(extra);
                Err(all)
            }
        }
    }
}

/// `POST /api/v1/applications`: a new draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewApplication {
    /// What is asked for.
    pub kind: ApplicationKind,
    /// The customer class.
    pub customer_class: CustomerClass,
    /// The form as far as it is filled in.
    #[serde(default)]
    pub form: ApplicationForm,
}

/// `PUT /api/v1/applications/{id}`: the draft's form, saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveDraft {
    /// The form.
    pub form: ApplicationForm,
}

/// A line of an application list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationSummary {
    /// Its number.
    pub id: i64,
    /// The reference shown to people, e.g. `YK00000042`.
    pub reference: String,
    /// What is asked for.
    pub kind: ApplicationKind,
    /// The class.
    pub customer_class: CustomerClass,
    /// Where it stands.
    pub status: ApplicationStatus,
    /// The step being worked (the earliest, when several run in parallel).
    pub current_step: Option<Step>,
    /// Whether the customer must act.
    pub waiting_for_customer: bool,
    /// The next deadline of the utility, `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub due_day: Option<NaiveDate>,
    /// The region.
    pub region: Option<String>,
    /// The supply address or account.
    pub place: String,
    /// The applicant's name.
    pub applicant: String,
    /// The handler, if assigned.
    pub handler: Option<String>,
    /// Green channel.
    pub green_channel: bool,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// The reference shown for an application number.
pub fn reference(id: i64) -> String {
    format!("YK{id:08}")
}

/// `GET /api/v1/applications`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationList {
    /// Newest first.
    pub items: Vec<ApplicationSummary>,
}

/// One step on the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepView {
    /// Which step.
    pub step: Step,
    /// Where it is.
    pub state: StepState,
    /// What the customer must do, while it is with them.
    pub waiting: Option<Waiting>,
    /// The named handler who owns it.
    pub owner: Option<String>,
    /// When it started.
    pub started_at: Option<DateTime<Utc>>,
    /// The last day of the utility's limit (while the utility's clock runs).
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub due_day: Option<NaiveDate>,
    /// When it finished.
    pub finished_at: Option<DateTime<Utc>>,
    /// The limit in working days.
    pub limit_days: Option<u32>,
    /// Working days the utility has used.
    pub utility_days: u32,
    /// Working days the step spent with the customer.
    pub customer_days: u32,
    /// The outcome or the latest note (findings, defects, schedule).
    pub note: Option<String>,
    /// The scheme or contract version on offer.
    pub offer_version: Option<u32>,
}

/// A row of the append-only history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (a name, or "customer").
    pub actor: String,
    /// What was done.
    pub action: HistoryAction,
    /// The step it concerned.
    pub step: Option<Step>,
    /// The status after it.
    pub status: ApplicationStatus,
    /// Why, or what was found.
    pub note: Option<String>,
}

/// An uploaded document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentView {
    /// Its number.
    pub id: i64,
    /// `id_or_licence`, `property_proof`, `project_approval`, `other`, `scheme_attachment`.
    pub kind: String,
    /// The name it was uploaded with.
    pub file_name: String,
    /// Its type, judged by content.
    pub content_type: String,
    /// Its size.
    pub size_bytes: i64,
    /// When.
    pub uploaded_at: DateTime<Utc>,
}

/// The kinds of documents a customer uploads.
pub const DOCUMENT_KINDS: [&str; 4] = ["id_or_licence", "property_proof", "project_approval", "other"];
/// The kinds of documents staff attach (the scheme's drawings, anything else).
pub const STAFF_DOCUMENT_KINDS: [&str; 2] = ["scheme_attachment", "other"];

/// A supply scheme or contract, as offered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferView {
    /// `supply_scheme` or `contract`.
    pub step: Step,
    /// Its version.
    pub version: u32,
    /// The text.
    pub body: String,
    /// The fee quoted with a scheme, in yuan.
    pub fee: Option<crate::Money>,
    /// When it was issued.
    pub issued_at: DateTime<Utc>,
    /// Whether a newer version replaced it.
    pub superseded: bool,
    /// The acceptance, if accepted.
    pub accepted: Option<Acceptance>,
}

/// Who accepted an offer, when, from where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Acceptance {
    /// The login's name.
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The client address it came from.
    pub ip: String,
    /// SHA-256 of the exact text accepted.
    pub sha256: String,
}

/// A warning for the handler at intake, with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IntakeWarning {
    /// `address_has_account`, `permanent_supply_exists`, `project_approval_missing`.
    pub code: String,
    /// What was found (an account number and address, a missing document kind).
    pub evidence: String,
}

/// The follow-up visit after energising.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowUp {
    /// Satisfaction, 1 (poor) to 5 (very good).
    pub score: u8,
    /// What the customer said.
    pub comment: String,
    /// When it was recorded.
    pub at: DateTime<Utc>,
}

/// `GET /api/v1/applications/{id}`: everything about one application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApplicationDetail {
    /// The list line.
    pub summary: ApplicationSummary,
    /// The form as sent.
    pub form: ApplicationForm,
    /// The steps of its class, in order.
    pub steps: Vec<StepView>,
    /// The limits it keeps (set at acceptance).
    pub limits: Option<Limits>,
    /// The last day of the whole-process limit.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub total_due_day: Option<NaiveDate>,
    /// Working days used by the utility, all steps.
    pub utility_days: u32,
    /// Working days in the customer's hands, all steps.
    pub customer_days: u32,
    /// The quoted fee, in yuan.
    pub fee: Option<crate::Money>,
    /// The schemes and contracts offered.
    pub offers: Vec<OfferView>,
    /// The documents.
    pub documents: Vec<DocumentView>,
    /// Every status change.
    pub history: Vec<HistoryEntry>,
    /// Warnings for the handler (staff only).
    pub intake_warnings: Vec<IntakeWarning>,
    /// The account created on energising.
    pub created_account: Option<String>,
    /// The meter installed.
    pub meter_no: Option<String>,
    /// The follow-up visit.
    pub follow_up: Option<FollowUp>,
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 24).expect("day")
    }

    fn residential() -> ApplicationForm {
        ApplicationForm {
            region: "PD01".into(),
            supply_address: "上海市浦东新区世纪大道100号3室".into(),
            usage: "住宅".into(),
            capacity_kva: "8".into(),
            voltage: "220v".into(),
            wanted_date: "2026-12-10".into(),
            contact_name: "张伟".into(),
            contact_mobile: "13800138000".into(),
            ..ApplicationForm::default()
        }
    }

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        errors.into_iter().map(|e| format!("{}:{:?}", e.field, e.problem)).collect()
    }

    #[test]
    fn a_complete_residential_form_passes() {
        let checked =
            residential().validate(ApplicationKind::NewConnection, CustomerClass::Residential, today()).expect("valid");
        assert_eq!(checked.capacity_kva, Some(8));
        assert_eq!(checked.voltage, Some(Voltage::V220));
    }

    #[test]
    fn refuses_absurd_capacities_addresses_and_dates() {
        for (kva, problem) in
            [("-5", "InvalidValue"), ("1000000000000", "InvalidValue"), ("0", "OutOfRange"), ("500", "OutOfRange")]
        {
            let form = ApplicationForm { capacity_kva: kva.into(), ..residential() };
            let errors = fields(
                form.validate(ApplicationKind::NewConnection, CustomerClass::Residential, today()).expect_err(kva),
            );
            assert_eq!(errors, [format!("capacity_kva:{problem}")], "{kva}");
        }
        let form = ApplicationForm { supply_address: "路".repeat(10 * 1024), ..residential() };
        let errors = fields(
            form.validate(ApplicationKind::NewConnection, CustomerClass::Residential, today()).expect_err("long"),
        );
        assert_eq!(errors, ["supply_address:TooLong"]);
        let form = ApplicationForm { wanted_date: "2026-11-01".into(), voltage: "10kv".into(), ..residential() };
        let errors = fields(
            form.validate(ApplicationKind::NewConnection, CustomerClass::Residential, today()).expect_err("past"),
        );
        assert_eq!(errors, ["voltage:OutOfRange", "wanted_date:OutOfRange"]);
    }

    #[test]
    fn each_kind_asks_only_what_it_needs() {
        let form = ApplicationForm {
            region: "PD01".into(),
            contact_name: "张伟".into(),
            contact_mobile: "13800138000".into(),
            ..ApplicationForm::default()
        };
        let errors = fields(
            form.validate(ApplicationKind::ChangeOfName, CustomerClass::Residential, today()).expect_err("no account"),
        );
        assert_eq!(errors, ["account_no:Required", "new_holder_name:Required"]);
        let errors = fields(
            form.validate(ApplicationKind::NewConnection, CustomerClass::Residential, today()).expect_err("empty"),
        );
        assert_eq!(
            errors,
            [
                "usage:Required",
                "supply_address:Required",
                "capacity_kva:Required",
                "voltage:Required",
                "wanted_date:Required"
            ]
        );
        let temporary = ApplicationForm { until_date: "2026-12-01".into(), ..residential() };
        let errors = fields(
            temporary
                .validate(ApplicationKind::Temporary, CustomerClass::Residential, today())
                .expect_err("ends before"),
        );
        assert_eq!(errors, ["until_date:OutOfRange"]);
    }

    #[test]
    fn drafts_may_be_incomplete_but_not_malformed() {
        assert!(ApplicationForm::default().validate_draft(CustomerClass::Residential).is_ok());
        let form = ApplicationForm { contact_mobile: "12345".into(), ..ApplicationForm::default() };
        assert_eq!(
            fields(form.validate_draft(CustomerClass::Residential).expect_err("mobile")),
            ["contact_mobile:InvalidMobile"]
        );
    }

    #[test]
    fn staff_actions_check_their_text() {
        let offer = StaffAction::IssueOffer { step: Step::SupplyScheme, body: "方案".into(), fee: "-3".into() };
        assert_eq!(fields(offer.validate(today()).expect_err("fee")), ["fee:InvalidAmount"]);
        let review = StaffAction::Review { step: Step::CompletionInspection, passed: false, note: " ".into() };
        assert_eq!(fields(review.validate(today()).expect_err("defects")), ["note:Required"]);
        assert_eq!(meter_number("zj-01"), Err(Problem::InvalidValue));
        assert_eq!(meter_number("zj0012345678"), Ok("ZJ0012345678".into()));
    }
}
