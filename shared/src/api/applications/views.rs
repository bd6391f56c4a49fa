//! What an application looks like to its readers: the summary, the steps with their clocks,
//! the history, documents, offers and the whole detail.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::*;
use crate::connection::{
    ApplicationKind, ApplicationStatus, CustomerClass, HistoryAction, Limits, Step, StepState, Waiting,
};
use crate::roles::{UnknownName, named_set};
use std::fmt;
use std::str::FromStr;

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
    /// What it is.
    pub kind: DocumentKind,
    /// The name it was uploaded with.
    pub file_name: String,
    /// Its type, judged by content.
    pub content_type: String,
    /// Its size.
    pub size_bytes: i64,
    /// When.
    pub uploaded_at: DateTime<Utc>,
}

named_set! {
    /// What an uploaded document is.
    DocumentKind {
        /// An ID card or a business licence (身份证明或营业执照).
        IdOrLicence = "id_or_licence",
        /// Proof of the property (房屋产权证明).
        PropertyProof = "property_proof",
        /// The project's approval (项目批复文件).
        ProjectApproval = "project_approval",
        /// A drawing or annex of the supply scheme (staff).
        SchemeAttachment = "scheme_attachment",
        /// Anything else.
        Other = "other",
    }
}

/// The kinds of documents a customer uploads.
pub const DOCUMENT_KINDS: [DocumentKind; 4] =
    [DocumentKind::IdOrLicence, DocumentKind::PropertyProof, DocumentKind::ProjectApproval, DocumentKind::Other];
/// The kinds of documents staff attach (the scheme's drawings, anything else).
pub const STAFF_DOCUMENT_KINDS: [DocumentKind; 2] = [DocumentKind::SchemeAttachment, DocumentKind::Other];

/// The documents an application of a kind must carry before it is sent: the one list the
/// server checks at submission and the page names when one is missing.
pub fn required_documents(kind: ApplicationKind) -> &'static [DocumentKind] {
    match kind {
        ApplicationKind::NewConnection
        | ApplicationKind::CapacityIncrease
        | ApplicationKind::Temporary
        | ApplicationKind::ChangeOfName => &[DocumentKind::IdOrLicence, DocumentKind::PropertyProof],
        ApplicationKind::CapacityDecrease => &[DocumentKind::IdOrLicence],
    }
}

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
    /// What was noticed.
    pub code: IntakeWarningCode,
    /// What was found (an account number and address, a missing document kind).
    pub evidence: String,
}

named_set! {
    /// What the intake check noticed about an application as it was sent (for the handler).
    IntakeWarningCode {
        /// The supply address already has an account in use.
        AddressHasAccount = "address_has_account",
        /// A temporary supply asked where a permanent one exists.
        PermanentSupplyExists = "permanent_supply_exists",
        /// A high-voltage project without its approval.
        ProjectApprovalMissing = "project_approval_missing",
    }
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
