//! Registration, confirmation, login, logout and passwords (`/api/v1/auth/*`), and the
//! logged-in person's own profile (`/api/v1/me`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::i18n::Locale;
use crate::roles::{Notice, OrgRole, StaffRole, UserKind};
use crate::validation::{self as v, Checks, FieldError};

/// The cookie that carries a session token on a plain-http portal (development).
pub const SESSION_COOKIE: &str = "gridhall_session";

/// The cookie that carries a session token on an https portal: browsers accept a
/// `__Host-` cookie only with `Secure`, `Path=/` and no `Domain`.
pub const SECURE_SESSION_COOKIE: &str = "__Host-gridhall_session";

/// Whether a raw `Cookie` header carries a (non-empty) session cookie of either name. A
/// request without one is certainly anonymous, which lets a server render skip asking the
/// API who it is (the API itself reads only the name the portal uses).
pub fn has_session_cookie(cookie_header: &str) -> bool {
    cookie_header.split(';').any(|pair| {
        pair.split_once('=').is_some_and(|(name, value)| {
            matches!(name.trim(), SESSION_COOKIE | SECURE_SESSION_COOKIE) && !value.trim().is_empty()
        })
    })
}

/// `POST /api/v1/auth/register`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegisterRequest {
    /// The login and where the confirmation link goes.
    pub email: String,
    /// Optional mainland mobile number.
    #[serde(default)]
    pub mobile: Option<String>,
    /// How the portal addresses the customer.
    pub display_name: String,
    /// At least 10 characters and not easy to guess.
    pub password: String,
    /// The language of emails and pages; the request's language when absent.
    #[serde(default)]
    pub language: Option<Locale>,
}

/// A registration that passed the field checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    /// Normalised address.
    pub email: String,
    /// Normalised mobile number.
    pub mobile: Option<String>,
    /// Trimmed name.
    pub display_name: String,
}

impl RegisterRequest {
    /// The field checks both the browser and the server run.
    pub fn validate(&self) -> Result<Registration, Vec<FieldError>> {
        let mut checks = Checks::new();
        let email = checks.check("email", v::email(&self.email));
        let mobile = match self.mobile.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
            Some(text) => checks.check("mobile", v::mobile(text)).map(Some),
            None => Some(None),
        };
        let display_name = checks.check("display_name", v::required_text(&self.display_name, v::NAME_MAX_CHARS));
        checks.check("password", v::password_length(&self.password));
        let value = match (email, mobile, display_name) {
            (Some(email), Some(mobile), Some(display_name)) => Some(Registration { email, mobile, display_name }),
            _ => None,
        };
        checks.finish(value)
    }
}

/// `POST /api/v1/auth/confirm`: the token from the emailed link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConfirmRequest {
    /// The `token` parameter of the link.
    pub token: String,
}

/// `POST /api/v1/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    /// The login.
    pub email: String,
    /// The password.
    pub password: String,
    /// With a second factor: the authenticator app's six-digit code, or one of the
    /// recovery codes (each works once). Staff always need one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// `POST /api/v1/auth/second-factor/setup`'s answer: a new authenticator secret, waiting
/// for its first code. It is shown this once; after the enrolment nobody can read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorSetup {
    /// The secret in base32, for typing into an authenticator app.
    pub secret: String,
    /// The `otpauth://totp/…` address the QR code holds.
    pub otpauth_uri: String,
    /// The QR code of that address, as an SVG document.
    pub qr_svg: String,
}

/// `POST /api/v1/auth/second-factor/confirm`'s answer: the enrolment is done, the person
/// is logged in, and here are their recovery codes (shown this once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorEnrolled {
    /// One-time codes for when the authenticator is lost; each works once.
    pub recovery_codes: Vec<String>,
    /// Who is now logged in.
    pub me: Me,
}

/// A code from the authenticator app (or a recovery code): `POST /api/v1/me/second-factor/verify`
/// and `/disable`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SecondFactorCode {
    /// Six digits, or a recovery code.
    pub code: String,
}

/// `POST /api/v1/auth/logout`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogoutRequest {
    /// Ends every session of this login, not only this device's.
    #[serde(default)]
    pub everywhere: bool,
}

/// `POST /api/v1/auth/password/forgot`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ForgotPasswordRequest {
    /// Where the reset link goes, if it is a login.
    pub email: String,
}

/// `POST /api/v1/auth/password/reset`: a reset link's or an invitation's token and the
/// new password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResetPasswordRequest {
    /// The `token` parameter of the link.
    pub token: String,
    /// The new password.
    pub password: String,
}

/// `POST /api/v1/me/password`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePasswordRequest {
    /// The password in use now.
    pub current_password: String,
    /// The new one.
    pub new_password: String,
}

/// An answer that only says the request was taken (the outcome arrives by email).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Accepted {
    /// What happens next, in the request's language.
    pub message: String,
}

/// The enterprise a user belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Membership {
    /// The organisation's id.
    pub org_id: i64,
    /// Its name.
    pub org_name: String,
    /// The user's role there.
    pub role: OrgRole,
}

/// `GET /api/v1/me`: who is logged in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    /// The user's id.
    pub id: i64,
    /// Customer, enterprise user or staff.
    pub kind: UserKind,
    /// The login.
    pub email: String,
    /// The mobile number, if given.
    pub mobile: Option<String>,
    /// How the portal addresses them.
    pub display_name: String,
    /// Interface and email language.
    pub language: Locale,
    /// Notices they get by email.
    pub email_notices: Vec<Notice>,
    /// The organisation, for enterprise users.
    pub membership: Option<Membership>,
    /// Staff roles (empty for others).
    pub staff_roles: Vec<StaffRole>,
    /// Regions a staff member is limited to (empty: all).
    pub regions: Vec<String>,
    /// When this session ends at the latest.
    pub session_expires_at: DateTime<Utc>,
    /// Whether logging in asks for a second factor (always for staff once enrolled).
    #[serde(default)]
    pub second_factor: bool,
}

/// `PATCH /api/v1/me`: only the fields present change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UpdateProfileRequest {
    /// A new name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// A new mobile number; an empty string removes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile: Option<String>,
    /// A new language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<Locale>,
    /// The notices to get by email, replacing the current choice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_notices: Option<Vec<Notice>>,
}

/// A profile change that passed the checks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileChange {
    /// New name.
    pub display_name: Option<String>,
    /// New mobile: `Some(None)` removes it.
    pub mobile: Option<Option<String>>,
    /// New language.
    pub language: Option<Locale>,
    /// New notices.
    pub email_notices: Option<Vec<Notice>>,
}

impl UpdateProfileRequest {
    /// The field checks both sides run.
    pub fn validate(&self) -> Result<ProfileChange, Vec<FieldError>> {
        let mut checks = Checks::new();
        let display_name = match &self.display_name {
            Some(name) => checks.check("display_name", v::required_text(name, v::NAME_MAX_CHARS)).map(Some),
            None => Some(None),
        };
        let mobile = match self.mobile.as_deref().map(str::trim) {
            Some("") => Some(Some(None)),
            Some(text) => checks.check("mobile", v::mobile(text)).map(|m| Some(Some(m))),
            None => Some(None),
        };
        let value = display_name.zip(mobile).map(|(display_name, mobile)| ProfileChange {
            display_name,
            mobile,
            language: self.language,
            email_notices: self.email_notices.clone(),
        });
        checks.finish(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validation::Problem;

    fn registration() -> RegisterRequest {
        RegisterRequest {
            email: "Wang.Fang@Example.com".into(),
            mobile: Some("138 0013 8000".into()),
            display_name: " 王芳 ".into(),
            password: "a long enough secret".into(),
            language: None,
        }
    }

    #[test]
    fn finds_the_session_cookie_among_others() {
        assert!(has_session_cookie("gridhall_lang=en; gridhall_session=abc"));
        assert!(!has_session_cookie("gridhall_session=; gridhall_lang=en"));
        assert!(!has_session_cookie("xgridhall_session=abc"));
        assert!(has_session_cookie("__Host-gridhall_session=abc"));
        assert!(!has_session_cookie(""));
    }

    #[test]
    fn a_good_registration_is_normalised() {
        let valid = registration().validate().expect("valid");
        assert_eq!(valid.email, "wang.fang@example.com");
        assert_eq!(valid.mobile.as_deref(), Some("13800138000"));
        assert_eq!(valid.display_name, "王芳");
    }

    #[test]
    fn every_bad_field_is_named() {
        let request = RegisterRequest {
            email: "nope".into(),
            mobile: Some("123".into()),
            display_name: "  ".into(),
            password: "short".into(),
            language: None,
        };
        let problems: Vec<_> = request.validate().expect_err("invalid").into_iter().map(|e| e.field).collect();
        assert_eq!(problems, ["email", "mobile", "display_name", "password"]);
    }

    #[test]
    fn an_empty_mobile_is_no_mobile() {
        let request = RegisterRequest { mobile: Some(" ".into()), ..registration() };
        assert_eq!(request.validate().expect("valid").mobile, None);
    }

    #[test]
    fn profile_changes_touch_only_what_is_sent() {
        let change = UpdateProfileRequest { mobile: Some(String::new()), ..Default::default() }.validate();
        assert_eq!(change, Ok(ProfileChange { mobile: Some(None), ..Default::default() }));
        let bad = UpdateProfileRequest { display_name: Some(String::new()), ..Default::default() }.validate();
        assert_eq!(bad, Err(vec![FieldError::new("display_name", Problem::Required)]));
    }
}
