//! `/api/v1/org/*`: an enterprise's colleagues and API tokens.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use shared::api::ApiError;
use shared::api::org::{
    ChangeMemberRequest, CreateTokenRequest, CreatedToken, Invitation, InviteMemberRequest, MembersResponse,
    TokensResponse,
};

use super::auth::Caller;
use super::error::AppError;
use super::extract::ApiJson;
use crate::services::org;
use crate::state::AppState;

/// The caller's organisation, its members and its open invitations.
#[utoipa::path(get, path = "/api/v1/org/members", tag = "enterprise",
    responses(
        (status = 200, description = "The members", body = MembersResponse),
        (status = 403, description = "Not an enterprise user", body = ApiError),
    ))]
pub async fn members(State(state): State<AppState>, caller: Caller) -> Result<Json<MembersResponse>, AppError> {
    Ok(Json(org::members(&state, caller.org_id()?).await?))
}

/// Invites a colleague by email with a role. The answer is the same whether or not the
/// address already has a login elsewhere (its owner is told by email that it cannot join).
#[utoipa::path(post, path = "/api/v1/org/members", tag = "enterprise", request_body = InviteMemberRequest,
    responses(
        (status = 202, description = "Invited; the email is on its way", body = Invitation),
        (status = 403, description = "Not the organisation's admin", body = ApiError),
        (status = 409, description = "The address is already a member of this organisation", body = ApiError),
        (status = 422, description = "A field is wrong", body = ApiError),
        (status = 429, description = "Too many invitations to this address; try later", body = ApiError),
    ))]
pub async fn invite(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<InviteMemberRequest>,
) -> Result<(StatusCode, Json<Invitation>), AppError> {
    let org_id = caller.org_id()?;
    let invitation = org::invite(&state, &caller.actor, org_id, &request, caller.locale).await?;
    Ok((StatusCode::ACCEPTED, Json(invitation)))
}

/// Withdraws an open invitation: its link stops working.
#[utoipa::path(delete, path = "/api/v1/org/invitations/{invitation_id}", tag = "enterprise",
    params(("invitation_id" = i64, Path, description = "The invitation")),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 403, description = "Not the organisation's admin", body = ApiError),
        (status = 404, description = "No open invitation of the caller's organisation", body = ApiError),
    ))]
pub async fn withdraw_invitation(
    State(state): State<AppState>,
    caller: Caller,
    Path(invitation_id): Path<i64>,
) -> Result<StatusCode, AppError> {
    org::withdraw_invitation(&state, &caller.actor, caller.org_id()?, invitation_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Changes a member's role (their sessions end).
#[utoipa::path(patch, path = "/api/v1/org/members/{user_id}", tag = "enterprise", request_body = ChangeMemberRequest,
    params(("user_id" = i64, Path, description = "The member")),
    responses(
        (status = 204, description = "Changed"),
        (status = 404, description = "Not a member of the caller's organisation", body = ApiError),
        (status = 409, description = "The organisation would have no admin left", body = ApiError),
    ))]
pub async fn change_member(
    State(state): State<AppState>,
    caller: Caller,
    Path(user_id): Path<i64>,
    ApiJson(request): ApiJson<ChangeMemberRequest>,
) -> Result<StatusCode, AppError> {
    org::change_role(&state, &caller.actor, caller.org_id()?, user_id, request.role).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a member: their login is disabled.
#[utoipa::path(delete, path = "/api/v1/org/members/{user_id}", tag = "enterprise",
    params(("user_id" = i64, Path, description = "The member")),
    responses(
        (status = 204, description = "Removed"),
        (status = 404, description = "Not a member of the caller's organisation", body = ApiError),
        (status = 409, description = "The organisation would have no admin left", body = ApiError),
    ))]
pub async fn remove_member(
    State(state): State<AppState>,
    caller: Caller,
    Path(user_id): Path<i64>,
) -> Result<StatusCode, AppError> {
    org::remove(&state, &caller.actor, caller.org_id()?, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The organisation's API tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/org/tokens", tag = "enterprise",
    responses(
        (status = 200, description = "Every token, newest first", body = TokensResponse),
        (status = 403, description = "Not the organisation's admin", body = ApiError),
    ))]
pub async fn tokens(State(state): State<AppState>, caller: Caller) -> Result<Json<TokensResponse>, AppError> {
    let tokens = org::tokens(&state, caller.org_id()?).await?;
    Ok(Json(TokensResponse { tokens }))
}

/// Issues an API token; the answer holds the secret, shown this once.
#[utoipa::path(post, path = "/api/v1/org/tokens", tag = "enterprise", request_body = CreateTokenRequest,
    responses(
        (status = 201, description = "Issued", body = CreatedToken),
        (status = 403, description = "Not the organisation's admin", body = ApiError),
        (status = 422, description = "A field is wrong", body = ApiError),
    ))]
pub async fn issue_token(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<CreateTokenRequest>,
) -> Result<(StatusCode, Json<CreatedToken>), AppError> {
    let user = caller.user()?;
    let created = org::issue_token(&state, &caller.actor, user, caller.org_id()?, &request).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Revokes an API token at once.
#[utoipa::path(delete, path = "/api/v1/org/tokens/{token_id}", tag = "enterprise",
    params(("token_id" = i64, Path, description = "The token")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "Not one of the organisation's tokens", body = ApiError),
    ))]
pub async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(token_id): Path<i64>,
) -> Result<StatusCode, AppError> {
    org::revoke_token(&state, &caller.actor, caller.org_id()?, token_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
