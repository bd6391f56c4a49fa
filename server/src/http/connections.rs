//! `/api/v1/staff/applications`: the connection work queue, each step's outcome, the
//! dashboard; `/api/v1/statistics/connections` (public figures); the working-day calendar
//! and new versions of time limits; the caller's notices.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use shared::api::ApiError;
use shared::api::applications::{
    ApplicationDetail, AssignRequest, CalendarResponse, Dashboard, FollowUpRequest, NewCommitmentVersion, NoticeList,
    PublicStatistics, QueuePage, QueueQuery, StaffAction,
};
use shared::calendar::YearCalendar;

use super::auth::Caller;
use super::error::AppError;
use super::extract::ApiJson;
use crate::services::applications::{staff, stats};
use crate::services::{calendar, notices};
use crate::state::AppState;

/// The work queue: open applications of the caller's regions, by due day.
#[utoipa::path(get, path = "/api/v1/staff/applications", tag = "connections", params(QueueQuery),
    responses(
        (status = 200, description = "A page of the queue", body = QueuePage),
        (status = 403, description = "Only connection staff", body = ApiError),
    ))]
pub async fn queue(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<QueueQuery>,
) -> Result<Json<QueuePage>, AppError> {
    let user = caller.user()?;
    Ok(Json(staff::queue(&state, user, &query).await?))
}

/// The active connection handlers, for assigning work.
#[utoipa::path(get, path = "/api/v1/staff/handlers", tag = "connections",
    responses(
        (status = 200, description = "The handlers", body = shared::api::applications::HandlersResponse),
        (status = 403, description = "Only connection staff", body = ApiError),
    ))]
pub async fn handlers(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<shared::api::applications::HandlersResponse>, AppError> {
    let user = caller.user()?;
    let handlers = crate::services::staff::everyone(&state)
        .await?
        .into_iter()
        .filter(|u| {
            !u.disabled
                && !u.invitation_pending
                && u.roles.contains(&shared::roles::StaffRole::ConnectionHandler)
                && shared::roles::stations::meet(&user.regions, &u.regions)
        })
        .map(|u| shared::api::applications::Handler { id: u.id, display_name: u.display_name, regions: u.regions })
        .collect();
    Ok(Json(shared::api::applications::HandlersResponse { handlers }))
}

/// Claims the application (no handler named) or assigns it (supervisors).
#[utoipa::path(post, path = "/api/v1/staff/applications/{id}/assign", tag = "connections", request_body = AssignRequest,
    params(("id" = i64, Path, description = "The application")),
    responses(
        (status = 200, description = "Assigned", body = ApplicationDetail),
        (status = 403, description = "Only handlers claim; only supervisors assign to others", body = ApiError),
        (status = 404, description = "No such application in the caller's regions", body = ApiError),
        (status = 422, description = "Not a connection handler of the region", body = ApiError),
    ))]
pub async fn assign(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(request): ApiJson<AssignRequest>,
) -> Result<Json<ApplicationDetail>, AppError> {
    let user = caller.user()?;
    Ok(Json(staff::assign(&state, &caller.actor, user, id, &request).await?))
}

/// Completes a step with its outcome (or asks for documents, offers a survey slot, flags
/// the green channel).
#[utoipa::path(post, path = "/api/v1/staff/applications/{id}/actions", tag = "connections", request_body = StaffAction,
    params(("id" = i64, Path, description = "The application")),
    responses(
        (status = 200, description = "Done; the application as it now is", body = ApplicationDetail),
        (status = 403, description = "Not a handler (the green channel: not a supervisor)", body = ApiError),
        (status = 404, description = "No such application in the caller's regions", body = ApiError),
        (status = 409, description = "Not possible at this step, or changed meanwhile", body = ApiError),
        (status = 422, description = "A field is wrong", body = ApiError),
    ))]
pub async fn act(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(request): ApiJson<StaffAction>,
) -> Result<Json<ApplicationDetail>, AppError> {
    let user = caller.user()?;
    Ok(Json(staff::act(&state, &caller.actor, user, id, &request).await?))
}

/// Records the follow-up visit (回访) after completion.
#[utoipa::path(post, path = "/api/v1/staff/applications/{id}/follow-up", tag = "connections", request_body = FollowUpRequest,
    params(("id" = i64, Path, description = "The application")),
    responses(
        (status = 200, description = "Recorded", body = ApplicationDetail),
        (status = 409, description = "Not completed, or already visited", body = ApiError),
        (status = 422, description = "A field is wrong", body = ApiError),
    ))]
pub async fn follow_up(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(request): ApiJson<FollowUpRequest>,
) -> Result<Json<ApplicationDetail>, AppError> {
    let user = caller.user()?;
    Ok(Json(staff::follow_up(&state, &caller.actor, user, id, &request).await?))
}

/// The connection dashboard of the caller's regions.
#[utoipa::path(get, path = "/api/v1/staff/applications/dashboard", tag = "connections",
    responses(
        (status = 200, description = "The figures", body = Dashboard),
        (status = 403, description = "Only connection staff", body = ApiError),
    ))]
pub async fn dashboard(State(state): State<AppState>, caller: Caller) -> Result<Json<Dashboard>, AppError> {
    let user = caller.user()?;
    Ok(Json(stats::dashboard(&state, user).await?))
}

/// The published figures of the last 12 months: share finished within the limit and the
/// average working days, by class.
#[utoipa::path(get, path = "/api/v1/statistics/connections", tag = "connections",
    responses((status = 200, description = "The figures", body = PublicStatistics)))]
pub async fn statistics(State(state): State<AppState>) -> Result<Json<PublicStatistics>, AppError> {
    Ok(Json(stats::public(&state).await?))
}

/// The working-day calendar.
#[utoipa::path(get, path = "/api/v1/calendar", tag = "connections",
    responses((status = 200, description = "Every year entered", body = CalendarResponse)))]
pub async fn get_calendar(State(state): State<AppState>) -> Result<Json<CalendarResponse>, AppError> {
    Ok(Json(CalendarResponse { years: calendar::years(&state).await? }))
}

/// Enters or corrects a year of the calendar (admins).
#[utoipa::path(put, path = "/api/v1/staff/calendar/{year}", tag = "connections", request_body = YearCalendar,
    params(("year" = i32, Path, description = "The year")),
    responses(
        (status = 204, description = "Stored"),
        (status = 403, description = "Only admins", body = ApiError),
        (status = 422, description = "A day is outside the year, or a makeup day is not a weekend", body = ApiError),
    ))]
pub async fn put_calendar(
    State(state): State<AppState>,
    caller: Caller,
    Path(year): Path<i32>,
    ApiJson(request): ApiJson<YearCalendar>,
) -> Result<StatusCode, AppError> {
    if request.year != year {
        return Err(AppError::validation(vec![shared::validation::FieldError::new(
            "year",
            shared::validation::Problem::InvalidValue,
        )]));
    }
    calendar::put_year(&state, &caller.actor, &request).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Publishes a new version of a connection time limit from a day on (admins). Applications
/// already accepted keep the limits they had.
#[utoipa::path(post, path = "/api/v1/staff/commitments", tag = "connections", request_body = NewCommitmentVersion,
    responses(
        (status = 201, description = "Published"),
        (status = 403, description = "Only admins", body = ApiError),
        (status = 422, description = "Unknown code, or a field is wrong", body = ApiError),
    ))]
pub async fn add_commitment(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<NewCommitmentVersion>,
) -> Result<StatusCode, AppError> {
    crate::services::commitments::publish(&state, &caller.actor, &request).await?;
    Ok(StatusCode::CREATED)
}

/// The supply stations, for the region choice of the application form.
#[utoipa::path(get, path = "/api/v1/regions", tag = "applications",
    responses((status = 200, description = "Every supply station", body = shared::api::staff::RegionsResponse)))]
pub async fn public_regions(
    State(state): State<AppState>,
) -> Result<Json<shared::api::staff::RegionsResponse>, AppError> {
    let regions = crate::services::staff::regions(&state).await?;
    Ok(Json(shared::api::staff::RegionsResponse { regions }))
}

/// The caller's notices, newest first.
#[utoipa::path(get, path = "/api/v1/me/notices", tag = "identity",
    responses((status = 200, description = "The notices", body = NoticeList)))]
pub async fn my_notices(State(state): State<AppState>, caller: Caller) -> Result<Json<NoticeList>, AppError> {
    let user = caller.user()?;
    Ok(Json(notices::list(&state, user.user_id).await?))
}

/// Marks every notice read.
#[utoipa::path(post, path = "/api/v1/me/notices/read", tag = "identity",
    responses((status = 204, description = "Read")))]
pub async fn read_notices(State(state): State<AppState>, caller: Caller) -> Result<StatusCode, AppError> {
    let user = caller.user()?;
    notices::mark_read(&state, user.user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
