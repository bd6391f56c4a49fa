//! `GET /api/v1/commitments`.

use axum::Json;
use axum::extract::{Query, State};
use shared::api::{ApiError, CommitmentsQuery, CommitmentsResponse, ErrorCode};

use super::error::AppError;
use crate::services;
use crate::state::AppState;

/// The service commitments in force.
///
/// Lists the utility's published time limits (connections, complaints, meter tests,
/// reconnection, outage notices, repair) in the version in force on the given day.
/// Public: no login needed.
#[utoipa::path(
    get,
    path = "/api/v1/commitments",
    tag = "commitments",
    params(CommitmentsQuery),
    responses(
        (status = 200, description = "The commitments in force, in display order", body = CommitmentsResponse),
        (status = 400, description = "The query string cannot be read", body = ApiError),
        (status = 422, description = "An unknown area or an invalid day", body = ApiError),
        (status = 503, description = "The database cannot be reached", body = ApiError),
    )
)]
pub async fn list(
    State(state): State<AppState>,
    query: Result<Query<CommitmentsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<CommitmentsResponse>, AppError> {
    let Query(query) = query.map_err(|_| AppError::new(ErrorCode::BadRequest))?;
    let filter = query.validate().map_err(AppError::validation)?;
    let response = services::commitments::in_force(&state, filter).await?;
    Ok(Json(response))
}
