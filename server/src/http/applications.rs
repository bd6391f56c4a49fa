//! `/api/v1/applications`: connection applications as their applicants see them, and their
//! documents (which staff read too).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shared::api::ApiError;
use shared::api::applications::{
    ApplicationDetail, ApplicationList, CustomerAction, DOCUMENT_MAX_BYTES, DocumentView, NewApplication, SaveDraft,
};

use super::auth::Caller;
use super::error::AppError;
use super::extract::{ApiJson, LimitedBody};
use crate::services::applications::{customer, detail, documents};
use crate::services::audit::{self, Subject};
use crate::state::AppState;

/// The caller's applications (an enterprise user: their organisation's), newest first.
#[utoipa::path(get, path = "/api/v1/applications", tag = "applications",
    responses(
        (status = 200, description = "The applications", body = ApplicationList),
        (status = 401, description = "Not logged in", body = ApiError),
        (status = 403, description = "Staff use the work queue", body = ApiError),
    ))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Json<ApplicationList>, AppError> {
    let user = caller.user()?;
    Ok(Json(customer::list(&state, user).await?))
}

/// Starts a draft of any kind; the form may be incomplete.
#[utoipa::path(post, path = "/api/v1/applications", tag = "applications", request_body = NewApplication,
    responses(
        (status = 201, description = "The draft", body = ApplicationDetail),
        (status = 422, description = "A field is malformed or too long", body = ApiError),
    ))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<NewApplication>,
) -> Result<(StatusCode, Json<ApplicationDetail>), AppError> {
    let user = caller.user()?;
    let detail = customer::create(&state, &caller.actor, user, &request).await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

/// One application: its form, timeline, offers, documents and history.
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "applications",
    params(("id" = i64, Path, description = "The application")),
    responses(
        (status = 200, description = "The application", body = ApplicationDetail),
        (status = 404, description = "No such application, or not the caller's", body = ApiError),
    ))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<ApplicationDetail>, AppError> {
    let user = caller.user()?;
    Ok(Json(detail::read(&state, &caller.actor, user, id).await?))
}

/// Saves a draft's form.
#[utoipa::path(put, path = "/api/v1/applications/{id}", tag = "applications", request_body = SaveDraft,
    params(("id" = i64, Path, description = "The application")),
    responses(
        (status = 200, description = "Saved", body = ApplicationDetail),
        (status = 404, description = "No such application, or not the caller's", body = ApiError),
        (status = 409, description = "No longer a draft", body = ApiError),
        (status = 422, description = "A field is malformed or too long", body = ApiError),
    ))]
pub async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(request): ApiJson<SaveDraft>,
) -> Result<Json<ApplicationDetail>, AppError> {
    let user = caller.user()?;
    Ok(Json(customer::save(&state, user, id, &request).await?))
}

/// Submits, cancels, answers a request, says the works are ready, or accepts the scheme or
/// the contract (naming the version read).
#[utoipa::path(post, path = "/api/v1/applications/{id}/actions", tag = "applications", request_body = CustomerAction,
    params(("id" = i64, Path, description = "The application")),
    responses(
        (status = 200, description = "Done; the application as it now is", body = ApplicationDetail),
        (status = 404, description = "No such application, or not the caller's", body = ApiError),
        (status = 409, description = "Not possible at this step, or a newer version is on offer", body = ApiError),
        (status = 422, description = "The form or the documents are incomplete", body = ApiError),
    ))]
pub async fn act(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(request): ApiJson<CustomerAction>,
) -> Result<Json<ApplicationDetail>, AppError> {
    let user = caller.user()?;
    Ok(Json(customer::act(&state, &caller.actor, user, id, &request).await?))
}

/// Where an uploaded document belongs.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// `id_or_licence`, `property_proof`, `project_approval`, `other` (staff: `scheme_attachment`, `other`).
    pub kind: String,
    /// The file's name.
    pub name: String,
}

/// Uploads a document: the raw bytes as `application/octet-stream`, at most 10 MiB, PDF,
/// JPEG or PNG by content.
#[utoipa::path(post, path = "/api/v1/applications/{id}/documents", tag = "applications",
    params(("id" = i64, Path, description = "The application"), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 201, description = "Stored", body = DocumentView),
        (status = 404, description = "No such application, or not the caller's", body = ApiError),
        (status = 409, description = "The application takes no documents now", body = ApiError),
        (status = 413, description = "Larger than 10 MiB", body = ApiError),
        (status = 415, description = "Not a PDF, JPEG or PNG", body = ApiError),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Query(query): Query<UploadQuery>,
    LimitedBody(bytes): LimitedBody<DOCUMENT_MAX_BYTES>,
) -> Result<(StatusCode, Json<DocumentView>), AppError> {
    let user = caller.user()?;
    let document = documents::upload(
        &state,
        &state.config.document_dir,
        &caller.actor,
        user,
        id,
        &documents::Upload { kind: &query.kind, file_name: &query.name, bytes: &bytes },
    )
    .await?;
    Ok((StatusCode::CREATED, Json(document)))
}

/// Downloads a document (the applicant, their organisation, or staff of the region).
#[utoipa::path(get, path = "/api/v1/applications/{id}/documents/{document_id}", tag = "applications",
    params(("id" = i64, Path, description = "The application"), ("document_id" = i64, Path, description = "The document")),
    responses(
        (status = 200, description = "The file, as an attachment, in the type its content was judged to be when uploaded",
            content((String = "application/pdf"), (String = "image/jpeg"), (String = "image/png"))),
        (status = 404, description = "No such document, or not the caller's", body = ApiError),
    ))]
pub async fn download(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, document_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let user = caller.user()?;
    let file = documents::download(&state, &state.config.document_dir, user, id, document_id).await?;
    let subject = Subject::Application(id);
    audit::staff_read(&state, &caller.actor, Some(&**user), "application.document_read", subject).await?;
    let name = percent_encoding::utf8_percent_encode(&file.file_name, percent_encoding::NON_ALPHANUMERIC);
    let disposition = format!("attachment; filename*=UTF-8''{name}");
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        file.bytes,
    )
        .into_response())
}
