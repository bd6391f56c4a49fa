//! An enterprise's colleagues and API tokens (`/api/v1/org/*`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::roles::{OrgRole, TokenScope};
use crate::validation::{self as v, Checks, FieldError, Problem};

/// A colleague in the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    /// The user's id.
    pub user_id: i64,
    /// Their name.
    pub display_name: String,
    /// Their login.
    pub email: String,
    /// Their role.
    pub role: OrgRole,
    /// Whether they have yet to accept the invitation.
    pub invitation_pending: bool,
}

/// `GET /api/v1/org/members`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MembersResponse {
    /// The organisation's name.
    pub org_name: String,
    /// Everyone in it.
    pub members: Vec<Member>,
    /// Invitations not yet accepted or withdrawn, newest first (expired ones included, so
    /// the admin sees that they lapsed).
    pub invitations: Vec<Invitation>,
}

/// An invitation to join the organisation, kept by address until it is accepted. The
/// answer to an invitation is the same whether or not the address already has a login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    /// The invitation's id.
    pub id: i64,
    /// Where it went.
    pub email: String,
    /// The invited person's name.
    pub display_name: String,
    /// The role they get on accepting.
    pub role: OrgRole,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// When its link stops working.
    pub expires_at: DateTime<Utc>,
    /// Whether that time has passed (by the portal's clock): invite the address again.
    pub expired: bool,
}

/// `POST /api/v1/org/members`: invite a colleague by email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InviteMemberRequest {
    /// Where the invitation goes; becomes their login.
    pub email: String,
    /// Their name.
    pub display_name: String,
    /// Their role.
    pub role: OrgRole,
}

impl InviteMemberRequest {
    /// The field checks both sides run: normalised email and name.
    pub fn validate(&self) -> Result<(String, String), Vec<FieldError>> {
        let mut checks = Checks::new();
        let email = checks.check("email", v::email(&self.email));
        let name = checks.check("display_name", v::required_text(&self.display_name, v::NAME_MAX_CHARS));
        checks.finish(email.zip(name))
    }
}

/// `PATCH /api/v1/org/members/{user_id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangeMemberRequest {
    /// The new role.
    pub role: OrgRole,
}

/// An API token as listed (the secret itself is shown only once, at creation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiTokenInfo {
    /// The token's id.
    pub id: i64,
    /// What it is for.
    pub name: String,
    /// Its first characters, to recognise it.
    pub prefix: String,
    /// What it may do.
    pub scope: TokenScope,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it was last used.
    pub last_used_at: Option<DateTime<Utc>>,
}

/// `GET /api/v1/org/tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokensResponse {
    /// Every token, newest first.
    pub tokens: Vec<ApiTokenInfo>,
}

/// The longest life of an API token, in days.
pub const TOKEN_MAX_DAYS: u32 = 366;

/// `POST /api/v1/org/tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateTokenRequest {
    /// What it is for ("ERP nightly import").
    pub name: String,
    /// What it may do.
    pub scope: TokenScope,
    /// Days until it expires, 1 to 366.
    pub expires_in_days: u32,
}

impl CreateTokenRequest {
    /// The field checks both sides run: the trimmed name.
    pub fn validate(&self) -> Result<String, Vec<FieldError>> {
        let mut checks = Checks::new();
        let name = checks.check("name", v::required_text(&self.name, v::NAME_MAX_CHARS));
        if !(1..=TOKEN_MAX_DAYS).contains(&self.expires_in_days) {
            checks.fail("expires_in_days", Problem::OutOfRange);
        }
        checks.finish(name)
    }
}

/// The answer to `POST /api/v1/org/tokens`: the secret, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedToken {
    /// Send as `Authorization: Bearer <token>`. Not stored: copy it now.
    pub token: String,
    /// The token as it will be listed.
    pub info: ApiTokenInfo,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_lifetimes_are_bounded() {
        let request = |days| CreateTokenRequest { name: "ERP".into(), scope: TokenScope::Read, expires_in_days: days };
        assert_eq!(request(30).validate(), Ok("ERP".into()));
        assert_eq!(request(0).validate(), Err(vec![FieldError::new("expires_in_days", Problem::OutOfRange)]));
        assert!(request(367).validate().is_err());
    }
}
