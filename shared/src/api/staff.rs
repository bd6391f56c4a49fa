//! Staff users, supply stations and the audit log (`/api/v1/staff/*`, `/api/v1/audit`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::roles::StaffRole;
use crate::validation::{self as v, Checks, FieldError, Problem};

/// A supply station (供电所).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Region {
    /// Its code.
    pub code: String,
    /// Its Chinese name.
    pub name_zh: String,
    /// Its English name.
    pub name_en: String,
}

/// `GET /api/v1/staff/regions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegionsResponse {
    /// Every supply station.
    pub regions: Vec<Region>,
}

/// A staff user as the admin sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffUser {
    /// Their id.
    pub id: i64,
    /// Their name.
    pub display_name: String,
    /// Their login.
    pub email: String,
    /// Their roles.
    pub roles: Vec<StaffRole>,
    /// The regions they are limited to (empty: all).
    pub regions: Vec<String>,
    /// Whether they may no longer log in.
    pub disabled: bool,
    /// Whether they have yet to accept the invitation.
    pub invitation_pending: bool,
}

/// `GET /api/v1/staff/users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffUsersResponse {
    /// Every staff user.
    pub users: Vec<StaffUser>,
}

/// `POST /api/v1/staff/users`: invite a colleague.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateStaffRequest {
    /// Their work address; the invitation goes there.
    pub email: String,
    /// Their name.
    pub display_name: String,
    /// At least one role.
    pub roles: Vec<StaffRole>,
    /// Regions to limit them to (empty: all).
    #[serde(default)]
    pub regions: Vec<String>,
}

impl CreateStaffRequest {
    /// The field checks both sides run: normalised email and name. Regions are checked
    /// against the database by the server.
    pub fn validate(&self) -> Result<(String, String), Vec<FieldError>> {
        let mut checks = Checks::new();
        let email = checks.check("email", v::email(&self.email));
        let name = checks.check("display_name", v::required_text(&self.display_name, v::NAME_MAX_CHARS));
        if self.roles.is_empty() {
            checks.fail("roles", Problem::NoneChosen);
        }
        checks.finish(email.zip(name))
    }
}

/// `PATCH /api/v1/staff/users/{id}`: only what is present changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateStaffRequest {
    /// New roles (at least one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roles: Option<Vec<StaffRole>>,
    /// New regions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<Vec<String>>,
    /// Disable (true) or enable (false) their login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
}

impl UpdateStaffRequest {
    /// The field checks both sides run.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::new();
        if self.roles.as_ref().is_some_and(Vec::is_empty) {
            checks.fail("roles", Problem::NoneChosen);
        }
        checks.finish(Some(()))
    }
}

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    /// Its id (ascending with time).
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (a login, or `system`).
    pub actor: String,
    /// From which address.
    pub ip: String,
    /// What kind of action, e.g. `login.failed`, `staff.roles_changed`.
    pub action: String,
    /// What it was done to, e.g. `user:12`.
    pub subject: String,
    /// Details as JSON text.
    pub detail: String,
}

/// `GET /api/v1/audit` query: every filter optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
pub struct AuditQuery {
    /// Entries whose actor contains this text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// Entries whose action starts with this text (`login` matches `login.failed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Entries whose subject equals this, e.g. `user:12`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Only entries older than this id (the next page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<i64>,
}

/// `GET /api/v1/audit`: newest first, 50 a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    /// The entries.
    pub entries: Vec<AuditEntry>,
    /// Pass as `before` for the next page; absent on the last.
    pub next_before: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_need_a_role() {
        let request = CreateStaffRequest {
            email: "li@gridhall.example".into(),
            display_name: "李娜".into(),
            roles: vec![],
            regions: vec![],
        };
        assert_eq!(request.validate(), Err(vec![FieldError::new("roles", Problem::NoneChosen)]));
        let update = UpdateStaffRequest { roles: Some(vec![]), ..Default::default() };
        assert!(update.validate().is_err());
        assert!(UpdateStaffRequest { disabled: Some(true), ..Default::default() }.validate().is_ok());
    }
}
