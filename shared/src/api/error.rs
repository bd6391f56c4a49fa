//! The one error shape of the API (architecture.md, "Errors").

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What went wrong, as a stable machine-readable code. The HTTP status follows from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ErrorCode {
    /// The request is not understood (bad query string, bad header).
    BadRequest,
    /// The body is not valid JSON.
    MalformedJson,
    /// The body is not `application/json`.
    UnsupportedMediaType,
    /// The request is understood but some fields are wrong; `fields` says which.
    ValidationFailed,
    /// Not logged in.
    Unauthenticated,
    /// Logged in, but not allowed.
    Forbidden,
    /// No such resource, or not yours to see.
    NotFound,
    /// The resource exists but not with this method.
    MethodNotAllowed,
    /// The request conflicts with the current state.
    Conflict,
    /// The body is larger than the server accepts.
    PayloadTooLarge,
    /// Too many requests; wait as `Retry-After` says.
    RateLimited,
    /// The request took longer than the server allows.
    Timeout,
    /// A fault on the server; `reference` identifies it in the server's log.
    Internal,
    /// The server cannot serve now (database unreachable); try again later.
    Unavailable,
    /// The email and password do not match a login.
    InvalidCredentials,
    /// The login's address is not confirmed yet; a new link has been sent.
    EmailUnconfirmed,
    /// The login has been disabled.
    AccountDisabled,
    /// A link or code is expired, already used or unknown.
    LinkExpired,
    /// The proof does not match the account.
    ProofMismatch,
    /// The address already has a login.
    EmailTaken,
    /// The application is not at a point where this step or action can be taken.
    StepNotAllowed,
    /// The document offered for acceptance has been replaced by a newer version.
    OfferSuperseded,
    /// A request that needs a second person's approval (four eyes) was decided by the
    /// person who made it.
    OwnRequest,
    /// The file is not one of the accepted types (judged by its content, not its name).
    UnsupportedFile,
    /// A second factor is needed: at login (a code from the authenticator app or a
    /// recovery code), or a fresh check before a money, tariff, limit or role change.
    SecondFactorRequired,
    /// The second-factor code is wrong, was already used, or its time has passed.
    SecondFactorInvalid,
    /// Staff must set up their authenticator app before their first login.
    SecondFactorEnrolmentRequired,
    /// The change reaches supply stations the caller does not hold (a grant beyond their
    /// stations, or a change to every station by someone limited to some).
    StationNotHeld,
    /// A staff member tried to give themselves a role they do not hold.
    RoleNotHeld,
    /// A login linked to an account by the holder's name and last bill (known to others
    /// than the holder) may not remove the account's other logins.
    WeakLinkCannotUnlink,
    /// The browser could not reach the server at all (never sent by the server).
    Network,
    /// A code this client does not know (sent by a newer server).
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    /// The HTTP status that goes with the code.
    pub fn status(self) -> u16 {
        match self {
            ErrorCode::BadRequest | ErrorCode::MalformedJson => 400,
            ErrorCode::Unauthenticated
            | ErrorCode::InvalidCredentials
            | ErrorCode::SecondFactorRequired
            | ErrorCode::SecondFactorInvalid => 401,
            ErrorCode::Forbidden
            | ErrorCode::EmailUnconfirmed
            | ErrorCode::AccountDisabled
            | ErrorCode::SecondFactorEnrolmentRequired
            | ErrorCode::OwnRequest
            | ErrorCode::StationNotHeld
            | ErrorCode::RoleNotHeld
            | ErrorCode::WeakLinkCannotUnlink => 403,
            ErrorCode::NotFound => 404,
            ErrorCode::MethodNotAllowed => 405,
            ErrorCode::Timeout => 408,
            ErrorCode::Conflict | ErrorCode::EmailTaken | ErrorCode::StepNotAllowed | ErrorCode::OfferSuperseded => 409,
            ErrorCode::LinkExpired => 410,
            ErrorCode::PayloadTooLarge => 413,
            ErrorCode::UnsupportedMediaType | ErrorCode::UnsupportedFile => 415,
            ErrorCode::ValidationFailed | ErrorCode::ProofMismatch => 422,
            ErrorCode::RateLimited => 429,
            ErrorCode::Internal | ErrorCode::Unknown => 500,
            ErrorCode::Unavailable => 503,
            ErrorCode::Network => 0,
        }
    }

    /// The code for an HTTP error status that carried no error body of ours (a proxy's
    /// answer, or a framework's own rejection).
    pub fn for_status(status: u16) -> ErrorCode {
        match status {
            401 => ErrorCode::Unauthenticated,
            403 => ErrorCode::Forbidden,
            404 => ErrorCode::NotFound,
            405 => ErrorCode::MethodNotAllowed,
            408 => ErrorCode::Timeout,
            409 => ErrorCode::Conflict,
            410 => ErrorCode::LinkExpired,
            413 => ErrorCode::PayloadTooLarge,
            415 => ErrorCode::UnsupportedMediaType,
            422 => ErrorCode::ValidationFailed,
            429 => ErrorCode::RateLimited,
            502..=504 => ErrorCode::Unavailable,
            400..=499 => ErrorCode::BadRequest,
            _ => ErrorCode::Internal,
        }
    }
}

/// The JSON body of every error response:
/// `{ "code": "...", "message": "...", "fields": { ... } }`, plus `reference` on faults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    /// Stable machine-readable code.
    pub code: ErrorCode,
    /// What happened, in the language of the request (`gridhall_lang` cookie or
    /// `Accept-Language`).
    pub message: String,
    /// Per-field messages for validation errors, keyed by field name; empty otherwise.
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
    /// For faults (500): an opaque reference that is also written to the server's log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

impl ApiError {
    /// An error with a code and a message and nothing else.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError { code, message: message.into(), fields: BTreeMap::new(), reference: None }
    }

    /// Adds a message for one field.
    pub fn with_field(mut self, field: impl Into<String>, message: impl Into<String>) -> Self {
        self.fields.insert(field.into(), message.into());
        self
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serialises_in_the_documented_shape() {
        let error = ApiError::new(ErrorCode::ValidationFailed, "请检查").with_field("area", "未知的服务类别");
        let json = serde_json::to_value(&error).expect("json");
        assert_eq!(
            json,
            serde_json::json!({"code": "validation_failed", "message": "请检查", "fields": {"area": "未知的服务类别"}})
        );
    }

    #[test]
    fn unknown_codes_from_a_newer_server_still_parse() {
        let error: ApiError = serde_json::from_str(r#"{"code":"quota_exceeded","message":"x"}"#).expect("parse");
        assert_eq!(error.code, ErrorCode::Unknown);
        assert!(error.fields.is_empty());
    }

    #[test]
    fn status_and_code_agree() {
        for status in [400, 401, 403, 404, 405, 408, 409, 410, 413, 415, 422, 429, 500, 503] {
            assert_eq!(ErrorCode::for_status(status).status(), status, "{status}");
        }
        assert_eq!(ErrorCode::for_status(418), ErrorCode::BadRequest);
        assert_eq!(ErrorCode::for_status(504), ErrorCode::Unavailable);
    }
}
