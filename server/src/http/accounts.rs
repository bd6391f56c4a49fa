//! `/api/v1/me/accounts`: the accounts a login may see, and linking them.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use shared::api::ApiError;
use shared::api::accounts::{
    AccountLoginsResponse, AccountSummary, AccountsResponse, LinkAccountRequest, LinkCodeRequest,
};
use shared::validation::{FieldError, account_number};

use super::auth::{Caller, Principal};
use super::error::AppError;
use super::extract::ApiJson;
use crate::services::accounts;
use crate::state::AppState;

/// The caller's accounts: linked ones (customers), the organisation's (enterprise users
/// and API tokens).
#[utoipa::path(get, path = "/api/v1/me/accounts", tag = "accounts",
    responses(
        (status = 200, description = "The accounts", body = AccountsResponse),
        (status = 401, description = "Not logged in", body = ApiError),
        (status = 403, description = "Staff have no accounts of their own", body = ApiError),
    ),
    security(("session" = []), ("token" = [])))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<AccountsResponse>, AppError> {
    let accounts = match &caller.principal {
        Principal::User(user) => accounts::for_user(&state, user).await,
        Principal::Token(token) => accounts::for_token(&state, token).await,
        Principal::Integration(_) => return Err(AppError::new(shared::api::ErrorCode::Forbidden)),
        Principal::Anonymous => return Err(AppError::new(shared::api::ErrorCode::Unauthenticated)),
    }?;
    Ok(Json(AccountsResponse { accounts }))
}

/// Links an account to the customer's login, with a proof.
#[utoipa::path(post, path = "/api/v1/me/accounts", tag = "accounts", request_body = LinkAccountRequest,
    responses(
        (status = 201, description = "Linked (or already linked)", body = AccountSummary),
        (status = 422, description = "A field is wrong, or the proof does not match the account", body = ApiError),
        (status = 429, description = "Too many attempts; see Retry-After", body = ApiError),
    ))]
pub async fn link(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<LinkAccountRequest>,
) -> Result<(StatusCode, Json<AccountSummary>), AppError> {
    let user = caller.user()?;
    let (account_no, proof) = request.validate().map_err(AppError::validation)?;
    let account = accounts::link(&state, &state.config.public_url(), &caller.actor, user, &account_no, &proof).await?;
    Ok((StatusCode::CREATED, Json(account)))
}

/// Emails a six-digit code to the address on file of an account, to prove access to it.
#[utoipa::path(post, path = "/api/v1/me/accounts/code", tag = "accounts", request_body = LinkCodeRequest,
    responses(
        (status = 202, description = "If the account has an address on file, the code is on its way there (the same answer for any account number, so it does not tell which exist)"),
        (status = 429, description = "Too many attempts; see Retry-After", body = ApiError),
    ))]
pub async fn send_code(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<LinkCodeRequest>,
) -> Result<StatusCode, AppError> {
    let user = caller.user()?;
    let account_no = account_number(&request.account_no)
        .map_err(|problem| AppError::validation(vec![FieldError::new("account_no", problem)]))?;
    accounts::send_link_code(&state, &caller.actor, user, &account_no).await?;
    Ok(StatusCode::ACCEPTED)
}

/// The logins linked to one of the caller's accounts.
#[utoipa::path(get, path = "/api/v1/me/accounts/{account_no}/logins", tag = "accounts",
    params(("account_no" = String, Path, description = "The account number")),
    responses(
        (status = 200, description = "Every login linked to the account", body = AccountLoginsResponse),
        (status = 404, description = "Not one of the caller's accounts", body = ApiError),
    ))]
pub async fn logins(
    State(state): State<AppState>,
    caller: Caller,
    Path(account_no): Path<String>,
) -> Result<Json<AccountLoginsResponse>, AppError> {
    let user = caller.user()?;
    let logins = accounts::logins(&state, user, &account_no).await?;
    Ok(Json(AccountLoginsResponse { logins }))
}

/// Removes a login's link to one of the caller's accounts (their own or another's).
#[utoipa::path(delete, path = "/api/v1/me/accounts/{account_no}/logins/{user_id}", tag = "accounts",
    params(("account_no" = String, Path, description = "The account number"), ("user_id" = i64, Path, description = "The login to unlink")),
    responses(
        (status = 204, description = "Unlinked"),
        (status = 404, description = "Not one of the caller's accounts, or that login is not linked", body = ApiError),
    ))]
pub async fn unlink(
    State(state): State<AppState>,
    caller: Caller,
    Path((account_no, user_id)): Path<(String, i64)>,
) -> Result<StatusCode, AppError> {
    let user = caller.user()?;
    accounts::unlink(&state, &caller.actor, user, &account_no, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
