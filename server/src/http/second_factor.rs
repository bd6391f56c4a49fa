//! The second factor (TOTP, RFC 6238): setting up an authenticator (at a staff member's
//! first login, or a customer opting in), the fresh check before money, tariff, limit and
//! role changes, and a customer turning it off. The rules are in
//! `services::second_factor`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shared::api::ApiError;
use shared::api::auth::{LoginRequest, SecondFactorCode, SecondFactorEnrolled, SecondFactorSetup};

use super::auth::{Caller, session_cookie, with_cookie};
use super::error::AppError;
use super::extract::ApiJson;
use crate::services::{identity, second_factor, sessions};
use crate::state::AppState;

/// Starts setting up an authenticator app: answers a new secret, its `otpauth://` address
/// and that address as a QR code (SVG). Needs the email address and password; the secret
/// is shown only until the first code confirms it.
#[utoipa::path(post, path = "/api/v1/auth/second-factor/setup", tag = "identity", request_body = LoginRequest,
    responses(
        (status = 200, description = "A new secret waiting for its first code", body = SecondFactorSetup),
        (status = 401, description = "The email address or password is wrong", body = ApiError),
        (status = 403, description = "The address is not confirmed or the login is disabled", body = ApiError),
        (status = 409, description = "An authenticator is already in use (its secret is never shown again)", body = ApiError),
        (status = 429, description = "Too many attempts; see Retry-After", body = ApiError),
    ))]
pub async fn setup(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Json<SecondFactorSetup>, AppError> {
    Ok(Json(second_factor::setup(&state, &caller.actor, &request.email, &request.password).await?))
}

/// Confirms the authenticator with its first code: logs in (the session cookie is set;
/// other sessions end) and answers ten one-time recovery codes, shown this once.
#[utoipa::path(post, path = "/api/v1/auth/second-factor/confirm", tag = "identity", request_body = LoginRequest,
    responses(
        (status = 200, description = "Set up and logged in; keep the recovery codes", body = SecondFactorEnrolled),
        (status = 401, description = "The password is wrong, or the code is wrong or used (`second_factor_invalid`)", body = ApiError),
        (status = 403, description = "The address is not confirmed or the login is disabled", body = ApiError),
        (status = 409, description = "An authenticator is already in use", body = ApiError),
        (status = 422, description = "A field is missing", body = ApiError),
        (status = 429, description = "Too many attempts; see Retry-After", body = ApiError),
    ))]
pub async fn confirm(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Response, AppError> {
    let Some(code) = request.code.as_deref() else {
        return Err(AppError::validation(vec![shared::validation::FieldError::new(
            "code",
            shared::validation::Problem::Required,
        )]));
    };
    let (session, recovery_codes) =
        second_factor::confirm(&state, &caller.actor, (&request.email, &request.password, code), &caller.user_agent)
            .await?;
    let user = sessions::lookup(&state, &session.token)
        .await?
        .ok_or_else(|| AppError::internal(&"a new session cannot be found"))?;
    let me = identity::me(&user);
    let cookie = session_cookie(&state, &session.token, session.expires_at)?;
    Ok(with_cookie(Json(SecondFactorEnrolled { recovery_codes, me }).into_response(), cookie))
}

/// A fresh second-factor check for this session: money, tariff, limit and role changes
/// answer `second_factor_required` without one in the last 10 minutes.
#[utoipa::path(post, path = "/api/v1/me/second-factor/verify", tag = "identity", request_body = SecondFactorCode,
    responses(
        (status = 204, description = "Checked; changes are open for 10 minutes"),
        (status = 401, description = "Not logged in, or the code is wrong or used (`second_factor_invalid`)", body = ApiError),
        (status = 403, description = "This login has no authenticator (`second_factor_enrolment_required`)", body = ApiError),
        (status = 429, description = "Too many attempts; see Retry-After", body = ApiError),
    ))]
pub async fn verify(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<SecondFactorCode>,
) -> Result<StatusCode, AppError> {
    let user = caller.user()?;
    second_factor::verify(&state, &caller.actor, user, &request.code).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Turns the second factor off (customers and enterprise users; staff must keep theirs),
/// with a code.
#[utoipa::path(post, path = "/api/v1/me/second-factor/disable", tag = "identity", request_body = SecondFactorCode,
    responses(
        (status = 204, description = "Off: logging in needs only the password"),
        (status = 401, description = "Not logged in, or the code is wrong or used (`second_factor_invalid`)", body = ApiError),
        (status = 403, description = "Staff cannot turn it off", body = ApiError),
        (status = 409, description = "It is not on", body = ApiError),
        (status = 429, description = "Too many attempts; see Retry-After", body = ApiError),
    ))]
pub async fn disable(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<SecondFactorCode>,
) -> Result<StatusCode, AppError> {
    let user = caller.user()?;
    second_factor::disable(&state, &caller.actor, user, &request.code).await?;
    Ok(StatusCode::NO_CONTENT)
}
