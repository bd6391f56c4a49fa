//! `/api/v1/auth/*` and `/api/v1/me`: registering, confirming, logging in and out,
//! passwords, and the logged-in person's profile.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shared::api::ApiError;
use shared::api::auth::{
    Accepted, ChangePasswordRequest, ConfirmRequest, ForgotPasswordRequest, LoginRequest, LogoutRequest, Me,
    RegisterRequest, ResetPasswordRequest, UpdateProfileRequest,
};
use shared::i18n::Locale;

use super::auth::{Caller, cleared_session_cookie, session_cookie, with_cookie};
use super::error::AppError;
use super::extract::ApiJson;
use crate::services::identity;
use crate::state::AppState;

fn accepted(locale: Locale, zh: &str, en: &str) -> Response {
    let message = if locale == Locale::Zh { zh } else { en };
    (StatusCode::ACCEPTED, Json(Accepted { message: message.to_owned() })).into_response()
}

/// Registers a residential customer and emails a confirmation link.
///
/// Answers 202 whether or not the address already has a login (its owner is told by
/// email), so the answer does not reveal who is registered.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "identity", request_body = RegisterRequest,
    responses(
        (status = 202, description = "A confirmation email is on its way", body = Accepted),
        (status = 422, description = "A field is wrong (address, name, mobile, password too short or too common)", body = ApiError),
        (status = 429, description = "Too many registrations from this address; see Retry-After", body = ApiError),
    ))]
pub async fn register(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<RegisterRequest>,
) -> Result<Response, AppError> {
    identity::register(&state, &caller.actor, &request, caller.locale).await?;
    Ok(accepted(
        caller.locale,
        "我们已向您的邮箱发送验证邮件，请点击邮件中的链接完成注册。",
        "We have sent you an email: open its link to finish registering.",
    ))
}

/// Confirms an email address with the token from the emailed link.
#[utoipa::path(post, path = "/api/v1/auth/confirm", tag = "identity", request_body = ConfirmRequest,
    responses(
        (status = 204, description = "The address is confirmed; the person may log in"),
        (status = 410, description = "The link was already used, has expired or is unknown", body = ApiError),
    ))]
pub async fn confirm(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<ConfirmRequest>,
) -> Result<StatusCode, AppError> {
    identity::confirm(&state, &caller.actor, &request.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Logs in: sets the `gridhall_session` cookie (a new token at every login).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "identity", request_body = LoginRequest,
    responses(
        (status = 200, description = "Logged in; the session cookie is set", body = Me),
        (status = 401, description = "The email address or password is wrong (`invalid_credentials`), or a second-factor code is needed (`second_factor_required`) or wrong or used (`second_factor_invalid`)", body = ApiError),
        (status = 403, description = "The address is not confirmed (a new link is sent), the login is disabled, or staff must set up their authenticator first (`second_factor_enrolment_required`)", body = ApiError),
        (status = 429, description = "Too many attempts; see Retry-After", body = ApiError),
    ))]
pub async fn login(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<LoginRequest>,
) -> Result<Response, AppError> {
    let session = identity::login(
        &state,
        &caller.actor,
        &request.email,
        &request.password,
        &caller.user_agent,
        caller.session_token.as_deref(),
        request.code.as_deref(),
    )
    .await?;
    let user = crate::services::sessions::lookup(&state, &session.token)
        .await?
        .ok_or_else(|| AppError::internal(&"a new session cannot be found"))?;
    let me = identity::me(&user);
    let cookie = session_cookie(&state, &session.token, session.expires_at)?;
    Ok(with_cookie(Json(me).into_response(), cookie))
}

/// Logs out this device, or (with `everywhere`) every device.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "identity", request_body = LogoutRequest,
    responses(
        (status = 204, description = "Logged out; the cookie is removed"),
        (status = 401, description = "Not logged in", body = ApiError),
    ))]
pub async fn logout(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<LogoutRequest>,
) -> Result<Response, AppError> {
    let user = caller.user()?;
    identity::logout(&state, &caller.actor, user, request.everywhere).await?;
    Ok(with_cookie(StatusCode::NO_CONTENT.into_response(), cleared_session_cookie(&state.config)))
}

/// Emails a password reset link if the address is a login (the answer is the same
/// either way).
#[utoipa::path(post, path = "/api/v1/auth/password/forgot", tag = "identity", request_body = ForgotPasswordRequest,
    responses(
        (status = 202, description = "If the address is a login, a link is on its way", body = Accepted),
        (status = 422, description = "Not an email address", body = ApiError),
        (status = 429, description = "Too many requests; see Retry-After", body = ApiError),
    ))]
pub async fn forgot_password(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<ForgotPasswordRequest>,
) -> Result<Response, AppError> {
    identity::forgot_password(&state, &caller.actor, &request.email).await?;
    Ok(accepted(
        caller.locale,
        "如果该邮箱已注册，您将在几分钟内收到重设密码的邮件。",
        "If this address has a login, an email with a reset link will arrive within minutes.",
    ))
}

/// Sets a new password with a reset link or an invitation; every session of the person
/// ends.
#[utoipa::path(post, path = "/api/v1/auth/password/reset", tag = "identity", request_body = ResetPasswordRequest,
    responses(
        (status = 204, description = "The password is set; log in with it"),
        (status = 410, description = "The link was already used, has expired or is unknown", body = ApiError),
        (status = 422, description = "The password is too short or too common", body = ApiError),
    ))]
pub async fn reset_password(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<ResetPasswordRequest>,
) -> Result<StatusCode, AppError> {
    identity::reset_password(&state, &caller.actor, &request.token, &request.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who is logged in.
#[utoipa::path(get, path = "/api/v1/me", tag = "identity",
    responses(
        (status = 200, description = "The logged-in person", body = Me),
        (status = 401, description = "Not logged in", body = ApiError),
    ))]
pub async fn me(caller: Caller) -> Result<Json<Me>, AppError> {
    let user = caller.user()?;
    Ok(Json(identity::me(user)))
}

/// Changes the profile: name, mobile, language, email notices.
#[utoipa::path(patch, path = "/api/v1/me", tag = "identity", request_body = UpdateProfileRequest,
    responses(
        (status = 200, description = "The profile as it is now", body = Me),
        (status = 401, description = "Not logged in", body = ApiError),
        (status = 422, description = "A field is wrong", body = ApiError),
    ))]
pub async fn update_me(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<UpdateProfileRequest>,
) -> Result<Json<Me>, AppError> {
    let user = caller.user()?;
    let change = request.validate().map_err(AppError::validation)?;
    Ok(Json(identity::update_profile(&state, &caller.actor, user, &change).await?))
}

/// Changes the password: other sessions end, this one continues with a new token.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "identity", request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Changed; the session cookie is renewed"),
        (status = 401, description = "Not logged in", body = ApiError),
        (status = 422, description = "The current password is wrong or the new one is too weak", body = ApiError),
        (status = 429, description = "Too many attempts; see Retry-After", body = ApiError),
    ))]
pub async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<ChangePasswordRequest>,
) -> Result<Response, AppError> {
    let user = caller.user()?;
    let session = identity::change_password(
        &state,
        &caller.actor,
        user,
        &request.current_password,
        &request.new_password,
        &caller.user_agent,
    )
    .await?;
    let cookie = session_cookie(&state, &session.token, session.expires_at)?;
    Ok(with_cookie(StatusCode::NO_CONTENT.into_response(), cookie))
}
