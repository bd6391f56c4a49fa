//! `/api/v1/staff/*` and `/api/v1/audit`: staff users, supply stations, the audit log.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use shared::api::staff::{
    AuditPage, AuditQuery, CreateStaffRequest, RegionsResponse, StaffUsersResponse, UpdateStaffRequest,
};
use shared::api::{ApiError, ErrorCode};

use super::auth::Caller;
use super::error::AppError;
use super::extract::ApiJson;
use crate::services::{audit, staff};
use crate::state::AppState;

/// Every staff user.
#[utoipa::path(get, path = "/api/v1/staff/users", tag = "staff",
    responses(
        (status = 200, description = "Staff users", body = StaffUsersResponse),
        (status = 403, description = "Only admins and auditors", body = ApiError),
    ))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<StaffUsersResponse>, AppError> {
    let user = caller.user()?;
    Ok(Json(StaffUsersResponse { users: staff::list(&state, user).await? }))
}

/// Creates a staff user and emails them an invitation to choose a password.
#[utoipa::path(post, path = "/api/v1/staff/users", tag = "staff", request_body = CreateStaffRequest,
    responses(
        (status = 201, description = "Created; the invitation is on its way", body = StaffUsersResponse),
        (status = 403, description = "Only admins; `station_not_held`: stations beyond the admin's", body = ApiError),
        (status = 409, description = "The address already has a login", body = ApiError),
        (status = 422, description = "A field is wrong", body = ApiError),
    ))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<CreateStaffRequest>,
) -> Result<(StatusCode, Json<StaffUsersResponse>), AppError> {
    let user = caller.user()?;
    let (user_id, _link) = staff::invite(&state, &caller.actor, Some(user), &request, caller.locale).await?;
    let users = staff::list(&state, user).await?.into_iter().filter(|u| u.id == user_id).collect();
    Ok((StatusCode::CREATED, Json(StaffUsersResponse { users })))
}

/// Changes a staff user's roles, regions, or disables them (their sessions end).
#[utoipa::path(patch, path = "/api/v1/staff/users/{user_id}", tag = "staff", request_body = UpdateStaffRequest,
    params(("user_id" = i64, Path, description = "The staff user")),
    responses(
        (status = 204, description = "Changed"),
        (status = 403, description = "Only admins; `station_not_held`: stations beyond the admin's; `role_not_held`: a role the admin gives themselves", body = ApiError),
        (status = 404, description = "No such staff user within the admin's stations", body = ApiError),
        (status = 409, description = "Admins cannot disable themselves or drop their own admin role", body = ApiError),
        (status = 422, description = "A field is wrong", body = ApiError),
    ))]
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(user_id): Path<i64>,
    ApiJson(request): ApiJson<UpdateStaffRequest>,
) -> Result<StatusCode, AppError> {
    let user = caller.user()?;
    staff::update(&state, &caller.actor, user, user_id, &request).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every supply station.
#[utoipa::path(get, path = "/api/v1/staff/regions", tag = "staff",
    responses(
        (status = 200, description = "Supply stations", body = RegionsResponse),
        (status = 403, description = "Only staff", body = ApiError),
    ))]
pub async fn regions(State(state): State<AppState>) -> Result<Json<RegionsResponse>, AppError> {
    Ok(Json(RegionsResponse { regions: staff::regions(&state).await? }))
}

/// The audit log, newest first, 50 a page.
#[utoipa::path(get, path = "/api/v1/audit", tag = "staff", params(AuditQuery),
    responses(
        (status = 200, description = "A page of entries", body = AuditPage),
        (status = 400, description = "A bad query string", body = ApiError),
        (status = 403, description = "Only admins and auditors", body = ApiError),
    ))]
pub async fn audit_log(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<AuditPage>, AppError> {
    let Query(query) = query.map_err(|_| AppError::new(ErrorCode::BadRequest))?;
    let user = caller.user()?;
    let reader = audit::Reader { user_id: user.user_id, regions: &user.regions };
    Ok(Json(audit::search(&state, reader, &query).await?))
}
