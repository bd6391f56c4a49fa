//! The REST API's request and response types, shared by the server (which produces them)
//! and the app's typed client (which consumes them).

pub mod accounts;
pub mod applications;
pub mod auth;
pub mod billing;
pub mod commitments;
pub mod error;
pub mod health;
pub mod org;
pub mod preferences;
pub mod staff;

pub use commitments::{CommitmentsFilter, CommitmentsQuery, CommitmentsResponse};
pub use error::{ApiError, ErrorCode};
pub use health::{Readiness, ReadinessCheck};
pub use preferences::{LanguagePreference, LanguageRequest};

/// Where the versioned API is mounted.
pub const API_BASE: &str = "/api/v1";

/// Paths of the API's resources, relative to the site root.
pub mod paths {
    /// `GET`: the service commitments in force.
    pub const COMMITMENTS: &str = "/api/v1/commitments";
    /// `PUT`: the visitor's interface language.
    pub const LANGUAGE: &str = "/api/v1/preferences/language";
    /// The generated OpenAPI document.
    pub const OPENAPI: &str = "/api/v1/openapi.json";
    /// The human-readable API reference.
    pub const DOCS: &str = "/api/v1/docs";
    /// `POST`: a new customer login.
    pub const REGISTER: &str = "/api/v1/auth/register";
    /// `POST`: confirm an email address.
    pub const CONFIRM: &str = "/api/v1/auth/confirm";
    /// `POST`: log in.
    pub const LOGIN: &str = "/api/v1/auth/login";
    /// `POST`: log out.
    pub const LOGOUT: &str = "/api/v1/auth/logout";
    /// `POST`: ask for a password reset link.
    pub const FORGOT_PASSWORD: &str = "/api/v1/auth/password/forgot";
    /// `POST`: set a password from a reset or invitation link.
    pub const RESET_PASSWORD: &str = "/api/v1/auth/password/reset";
    /// `GET`, `PATCH`: who is logged in.
    pub const ME: &str = "/api/v1/me";
    /// `POST`: a new authenticator secret (first login of staff, or a customer opting in).
    pub const SECOND_FACTOR_SETUP: &str = "/api/v1/auth/second-factor/setup";
    /// `POST`: the first code confirms the enrolment; answers the recovery codes.
    pub const SECOND_FACTOR_CONFIRM: &str = "/api/v1/auth/second-factor/confirm";
    /// `POST`: a fresh second-factor check for this session (before money, tariff, limit
    /// and role changes).
    pub const SECOND_FACTOR_VERIFY: &str = "/api/v1/me/second-factor/verify";
    /// `POST`: a customer turns their second factor off.
    pub const SECOND_FACTOR_DISABLE: &str = "/api/v1/me/second-factor/disable";
    /// `POST`: change one's password.
    pub const CHANGE_PASSWORD: &str = "/api/v1/me/password";
    /// `GET`, `POST`: linked accounts; link one.
    pub const MY_ACCOUNTS: &str = "/api/v1/me/accounts";
    /// `POST`: email a code to an account's address on file.
    pub const LINK_CODE: &str = "/api/v1/me/accounts/code";
    /// `GET`, `POST`: the enterprise's members; invite one.
    pub const ORG_MEMBERS: &str = "/api/v1/org/members";
    /// An enterprise's open invitations (withdraw one by id).
    pub const ORG_INVITATIONS: &str = "/api/v1/org/invitations";
    /// `GET`, `POST`: the enterprise's API tokens; issue one.
    pub const ORG_TOKENS: &str = "/api/v1/org/tokens";
    /// `GET`, `POST`: staff users; invite one.
    pub const STAFF_USERS: &str = "/api/v1/staff/users";
    /// `GET`: supply stations.
    pub const REGIONS: &str = "/api/v1/staff/regions";
    /// `GET`: the audit log.
    pub const AUDIT: &str = "/api/v1/audit";
    /// `GET`, `POST`: the customer's connection applications; start a draft.
    pub const APPLICATIONS: &str = "/api/v1/applications";
    /// `GET`: the staff's connection work queue.
    pub const STAFF_APPLICATIONS: &str = "/api/v1/staff/applications";
    /// `GET`: the connection handlers (for assigning).
    pub const HANDLERS: &str = "/api/v1/staff/handlers";
    /// `GET`: the connection dashboard figures.
    pub const CONNECTION_DASHBOARD: &str = "/api/v1/staff/applications/dashboard";
    /// `GET`: the published connection figures (no login).
    pub const CONNECTION_STATISTICS: &str = "/api/v1/statistics/connections";
    /// `GET`: the supply stations (public).
    pub const PUBLIC_REGIONS: &str = "/api/v1/regions";
    /// `GET`: the caller's notices.
    pub const NOTICES: &str = "/api/v1/me/notices";
    /// `POST`: mark every notice read.
    pub const NOTICES_READ: &str = "/api/v1/me/notices/read";
    /// `GET`: the working-day calendar (every year entered).
    pub const CALENDAR: &str = "/api/v1/calendar";
    /// `POST`: a new version of a time limit (admins).
    pub const STAFF_COMMITMENTS: &str = "/api/v1/staff/commitments";
}
