//! `/api/v1/staff/…` for billing: tariffs (administrators), readings (files, batches,
//! meter changes), billing runs, and corrections of bills (billing operators of the region).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use shared::api::billing::{
    AccountBilling, AccountHold, AdjustmentView, BillAction, BillSummary, CreatedIntegrationToken, DecideAdjustment,
    ImportDetail, ImportResult, ImportSummary, IntegrationTokenInfo, MeterChange, NewAdjustment, NewIntegrationToken,
    NewTariff, NewTariffVersion, ReadingBatch, ReadingSource, RunDetail, RunView, StartRun, TariffVersionView,
    TariffView,
};
use shared::api::{ApiError, ErrorCode};
use shared::validation::{FieldError, Problem};

use super::auth::Caller;
use super::error::AppError;
use super::extract::{ApiJson, LimitedBody};
use crate::services::billing::readings::{self, Lines, Source};
use crate::services::billing::readings_file::MAX_FILE_BYTES;
use crate::services::billing::{accounts, adjustments, bills, imports, integration, regions_of, run, tariffs};
use crate::state::AppState;

/// Every tariff with its versions: published prices, for anyone.
#[utoipa::path(get, path = "/api/v1/tariffs", tag = "billing",
    responses((status = 200, description = "The tariffs", body = Vec<TariffView>)))]
pub async fn list_tariffs(State(state): State<AppState>) -> Result<Json<Vec<TariffView>>, AppError> {
    Ok(Json(tariffs::list(&state).await?))
}

/// Adds a tariff; its numbers come as versions.
#[utoipa::path(post, path = "/api/v1/staff/tariffs", tag = "billing", request_body = NewTariff,
    responses(
        (status = 201, description = "Added"),
        (status = 409, description = "The code is taken", body = ApiError),
        (status = 422, description = "A field is wrong", body = ApiError),
    ))]
pub async fn create_tariff(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(new): ApiJson<NewTariff>,
) -> Result<StatusCode, AppError> {
    tariffs::create(&state, &caller.actor, &new).await?;
    Ok(StatusCode::CREATED)
}

/// Publishes a version of a tariff from today or a later day (closing the open-ended latest
/// the day before); prices are never back-dated.
#[utoipa::path(post, path = "/api/v1/staff/tariffs/{code}/versions", tag = "billing", request_body = NewTariffVersion,
    params(("code" = String, Path, description = "The tariff")),
    responses(
        (status = 201, description = "Published", body = TariffVersionView),
        (status = 404, description = "No such tariff", body = ApiError),
        (status = 422, description = "Tiers, prices or days are wrong, it starts before today, or it overlaps a version", body = ApiError),
    ))]
pub async fn add_version(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<String>,
    ApiJson(new): ApiJson<NewTariffVersion>,
) -> Result<(StatusCode, Json<TariffVersionView>), AppError> {
    let version = tariffs::add_version(&state, &caller.actor, &code, &new).await?;
    Ok((StatusCode::CREATED, Json(version)))
}

/// Sets an account's tariff and reading day.
#[utoipa::path(put, path = "/api/v1/staff/accounts/{account_no}/billing", tag = "billing", request_body = AccountBilling,
    params(("account_no" = String, Path, description = "The account")),
    responses(
        (status = 204, description = "Set"),
        (status = 404, description = "No such account in the caller's regions", body = ApiError),
        (status = 422, description = "Unknown tariff or reading day", body = ApiError),
    ))]
pub async fn set_account_billing(
    State(state): State<AppState>,
    caller: Caller,
    Path(account_no): Path<String>,
    ApiJson(new): ApiJson<AccountBilling>,
) -> Result<StatusCode, AppError> {
    let user = caller.user()?;
    accounts::set_billing(&state, &caller.actor, user, &account_no, &new).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Holds an account's next bills for review (with a reason), or releases the hold.
#[utoipa::path(put, path = "/api/v1/staff/accounts/{account_no}/hold", tag = "billing", request_body = AccountHold,
    params(("account_no" = String, Path, description = "The account")),
    responses(
        (status = 204, description = "Held or released"),
        (status = 404, description = "No such account in the caller's regions", body = ApiError),
    ))]
pub async fn hold_account(
    State(state): State<AppState>,
    caller: Caller,
    Path(account_no): Path<String>,
    ApiJson(hold): ApiJson<AccountHold>,
) -> Result<StatusCode, AppError> {
    let user = caller.user()?;
    accounts::hold(&state, &caller.actor, user, &account_no, &hold).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Register readings and interval data typed in or posted as JSON; numbered from 1,
/// readings first. Each line is stored or rejected with its reason.
#[utoipa::path(post, path = "/api/v1/staff/readings", tag = "billing", request_body = ReadingBatch,
    responses(
        (status = 200, description = "What was stored and what was rejected, line by line", body = ImportResult),
        (status = 413, description = "Larger than the body limit: send smaller batches", body = ApiError),
    ))]
pub async fn post_readings(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(batch): ApiJson<ReadingBatch>,
) -> Result<Json<ImportResult>, AppError> {
    let user = caller.user()?;
    let regions = regions_of(user);
    import_batch(&state, &caller, batch, ReadingSource::Manual, regions).await
}

/// Readings from the metering system, with an integration token (`Authorization: Bearer
/// gint_…`); a token limited to a supply station posts for its meters only. Numbered and
/// answered as for operators.
#[utoipa::path(post, path = "/api/v1/integration/readings", tag = "billing", request_body = ReadingBatch,
    responses(
        (status = 200, description = "What was stored and what was rejected, line by line", body = ImportResult),
        (status = 401, description = "No valid integration token", body = ApiError),
        (status = 413, description = "Larger than the body limit: send smaller batches", body = ApiError),
    ))]
pub async fn integration_readings(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(batch): ApiJson<ReadingBatch>,
) -> Result<Json<ImportResult>, AppError> {
    let super::auth::Principal::Integration(token) = &caller.principal else {
        return Err(AppError::new(ErrorCode::Forbidden));
    };
    let regions = token.region.iter().cloned().collect();
    import_batch(&state, &caller, batch, ReadingSource::Api, regions).await
}

/// Checks and stores a JSON batch; lines numbered from 1, readings first.
async fn import_batch(
    state: &AppState,
    caller: &Caller,
    batch: ReadingBatch,
    kind: ReadingSource,
    regions: Vec<String>,
) -> Result<Json<ImportResult>, AppError> {
    if batch.readings.is_empty() && batch.intervals.is_empty() {
        return Err(AppError::validation(vec![FieldError::new("readings", Problem::Required)]));
    }
    let offset = batch.readings.len() as u64;
    let lines = Lines {
        readings: batch.readings.into_iter().enumerate().map(|(i, r)| (i as u64 + 1, r)).collect(),
        intervals: batch.intervals.into_iter().enumerate().map(|(i, r)| (offset + i as u64 + 1, r)).collect(),
        rejected: Vec::new(),
        // Only a person who checked a jump may wave it through.
        confirm_jumps: batch.confirm_jumps && kind == ReadingSource::Manual,
    };
    let source = Source { kind, file_name: None, actor: caller.actor.clone(), regions, locale: caller.locale };
    Ok(Json(readings::import(state, source, lines).await?))
}

/// Integration tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/staff/integration-tokens", tag = "billing",
    responses((status = 200, description = "Newest first", body = Vec<IntegrationTokenInfo>)))]
pub async fn integration_tokens(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<IntegrationTokenInfo>>, AppError> {
    let user = caller.user()?;
    Ok(Json(integration::list(&state, &regions_of(user)).await?))
}

/// Issues an integration token; its secret is in this answer only.
#[utoipa::path(post, path = "/api/v1/staff/integration-tokens", tag = "billing", request_body = NewIntegrationToken,
    responses(
        (status = 201, description = "Issued", body = CreatedIntegrationToken),
        (status = 403, description = "`station_not_held`: a station beyond the caller's (or every station)", body = ApiError),
        (status = 422, description = "A field is wrong", body = ApiError),
    ))]
pub async fn issue_integration_token(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<NewIntegrationToken>,
) -> Result<(StatusCode, Json<CreatedIntegrationToken>), AppError> {
    let user = caller.user()?;
    let created = integration::issue(&state, &caller.actor, &user.regions, &request).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Revokes an integration token.
#[utoipa::path(delete, path = "/api/v1/staff/integration-tokens/{token_id}", tag = "billing",
    params(("token_id" = i64, Path, description = "The token")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "No such live token", body = ApiError),
    ))]
pub async fn revoke_integration_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(token_id): Path<i64>,
) -> Result<StatusCode, AppError> {
    let user = caller.user()?;
    integration::revoke(&state, &caller.actor, &user.regions, token_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The name of an uploaded file.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FileQuery {
    /// The file's name, for the import's record.
    pub name: Option<String>,
}

/// A readings file (CSV in UTF-8 or GBK, with a header row), as `application/octet-stream`,
/// at most 64 MiB. It is checked for a header and counted, then imported in the background
/// a chunk of lines at a time: the answer is the queued import, whose progress and refused
/// lines `GET /api/v1/staff/readings/imports/{import_id}` shows. Lines are numbered as in
/// the file, the header being line 1.
#[utoipa::path(post, path = "/api/v1/staff/readings/file", tag = "billing",
    params(FileQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 202, description = "Queued: the import, to follow", body = ImportSummary),
        (status = 413, description = "Larger than 64 MiB: nothing imported", body = ApiError),
        (status = 422, description = "No header naming the columns, or no lines: nothing imported", body = ApiError),
    ))]
pub async fn upload_readings(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<FileQuery>,
    LimitedBody(bytes): LimitedBody<MAX_FILE_BYTES>,
) -> Result<(StatusCode, Json<ImportSummary>), AppError> {
    let user = caller.user()?;
    let name = query.name.map(|n| n.chars().take(200).collect());
    let source = Source {
        kind: ReadingSource::Csv,
        file_name: name,
        actor: caller.actor.clone(),
        regions: regions_of(user),
        locale: caller.locale,
    };
    let queued = imports::queue_file(&state, source, bytes.to_vec()).await?;
    crate::jobs::imports::kick(&state);
    Ok((StatusCode::ACCEPTED, Json(queued)))
}

/// Recent imports, with their progress.
#[utoipa::path(get, path = "/api/v1/staff/readings/imports", tag = "billing",
    responses((status = 200, description = "Newest first", body = Vec<ImportSummary>)))]
pub async fn imports(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<ImportSummary>>, AppError> {
    let user = caller.user()?;
    Ok(Json(imports::recent(&state, &regions_of(user)).await?))
}

/// One import: its progress (lines checked so far, stored and refused) and its first
/// refused lines, each with its reason.
#[utoipa::path(get, path = "/api/v1/staff/readings/imports/{import_id}", tag = "billing",
    params(("import_id" = i64, Path, description = "The import")),
    responses(
        (status = 200, description = "The import and its refused lines", body = ImportDetail),
        (status = 404, description = "No such import within the caller's stations", body = ApiError),
    ))]
pub async fn import_detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(import_id): Path<i64>,
) -> Result<Json<ImportDetail>, AppError> {
    let user = caller.user()?;
    Ok(Json(imports::detail(&state, &regions_of(user), import_id).await?))
}

/// Records a meter exchange or register reset, so the next reading may be lower.
#[utoipa::path(post, path = "/api/v1/staff/meters/{meter_no}/changes", tag = "billing", request_body = MeterChange,
    params(("meter_no" = String, Path, description = "The meter")),
    responses(
        (status = 201, description = "Recorded"),
        (status = 404, description = "No such meter in the caller's regions", body = ApiError),
        (status = 409, description = "A change is already recorded that day", body = ApiError),
    ))]
pub async fn change_meter(
    State(state): State<AppState>,
    caller: Caller,
    Path(meter_no): Path<String>,
    ApiJson(change): ApiJson<MeterChange>,
) -> Result<StatusCode, AppError> {
    let user = caller.user()?;
    accounts::change_meter(&state, &caller.actor, user, &meter_no, &change).await?;
    Ok(StatusCode::CREATED)
}

/// Recent billing runs with their progress.
#[utoipa::path(get, path = "/api/v1/staff/billing/runs", tag = "billing",
    responses((status = 200, description = "Newest first", body = Vec<RunView>)))]
pub async fn runs(State(state): State<AppState>) -> Result<Json<Vec<RunView>>, AppError> {
    Ok(Json(run::list(&state).await?))
}

/// Starts the billing run of a period and reading day (or answers the one already
/// started: running it again bills nothing twice).
#[utoipa::path(post, path = "/api/v1/staff/billing/runs", tag = "billing", request_body = StartRun,
    responses(
        (status = 201, description = "Started", body = RunView),
        (status = 200, description = "Already started: the run as it stands", body = RunView),
        (status = 422, description = "Not a period whose readings are taken, or not a reading day", body = ApiError),
    ))]
pub async fn start_run(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(request): ApiJson<StartRun>,
) -> Result<(StatusCode, Json<RunView>), AppError> {
    let (view, created) = run::start(&state, &caller.actor, &request).await?;
    crate::jobs::billing::kick(&state);
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(view)))
}

/// A run's progress and exceptions.
#[utoipa::path(get, path = "/api/v1/staff/billing/runs/{id}", tag = "billing",
    params(("id" = i64, Path, description = "The run")),
    responses(
        (status = 200, description = "The run", body = RunDetail),
        (status = 404, description = "No such run", body = ApiError),
    ))]
pub async fn get_run(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<RunDetail>, AppError> {
    let user = caller.user()?;
    Ok(Json(run::detail(&state, id, &regions_of(user)).await?))
}

/// Bills an account the run listed with no reading, once its reading has come in.
#[utoipa::path(post, path = "/api/v1/staff/billing/runs/{id}/exceptions/{account_no}/bill", tag = "billing",
    params(("id" = i64, Path, description = "The run"), ("account_no" = String, Path, description = "The account")),
    responses(
        (status = 201, description = "The bill made (issued, or held for review as a run would)", body = BillSummary),
        (status = 404, description = "No such run, or no \"no reading\" exception of this account in it (in the caller's regions)", body = ApiError),
        (status = 409, description = "Billed already, or a later period's bill carries this energy (conflict); or still no reading (step_not_allowed)", body = ApiError),
    ))]
pub async fn bill_exception(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, account_no)): Path<(i64, String)>,
) -> Result<(StatusCode, Json<BillSummary>), AppError> {
    let user = caller.user()?;
    let bill = bills::bill_exception(&state, &caller.actor, user, id, &account_no).await?;
    Ok((StatusCode::CREATED, Json(bill)))
}

/// Releases a held bill, or cancels a bill with a credit note and computes it again.
#[utoipa::path(post, path = "/api/v1/staff/bills/{id}/actions", tag = "billing", request_body = BillAction,
    params(("id" = i64, Path, description = "The bill")),
    responses(
        (status = 200, description = "The released bill, or the rebill", body = BillSummary),
        (status = 404, description = "No such bill in the caller's regions", body = ApiError),
        (status = 409, description = "Not held (release) or already cancelled, or it cannot be computed now", body = ApiError),
    ))]
pub async fn act_on_bill(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(action): ApiJson<BillAction>,
) -> Result<Json<BillSummary>, AppError> {
    let user = caller.user()?;
    Ok(Json(bills::act(&state, &caller.actor, user, id, &action).await?))
}

/// Leaves a refund (negative) or back-billing for the account's next bill. Above the
/// approval threshold it is recorded `pending` until another billing operator approves it.
#[utoipa::path(post, path = "/api/v1/staff/adjustments", tag = "billing", request_body = NewAdjustment,
    responses(
        (status = 201, description = "Recorded: `approved` (the next bill carries it) or `pending` (waiting for a second operator)", body = AdjustmentView),
        (status = 404, description = "No such account in the caller's regions", body = ApiError),
        (status = 422, description = "Amount or reason is wrong", body = ApiError),
    ))]
pub async fn adjust(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(new): ApiJson<NewAdjustment>,
) -> Result<(StatusCode, Json<AdjustmentView>), AppError> {
    let user = caller.user()?;
    let view = bills::adjust(&state, &caller.actor, user, &new).await?;
    Ok((StatusCode::CREATED, Json(view)))
}

/// Adjustments waiting for a second operator's approval, in the caller's supply stations.
#[utoipa::path(get, path = "/api/v1/staff/adjustments/pending", tag = "billing",
    responses(
        (status = 200, description = "Pending adjustments, oldest first", body = Vec<AdjustmentView>),
    ))]
pub async fn pending_adjustments(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<AdjustmentView>>, AppError> {
    let user = caller.user()?;
    Ok(Json(adjustments::pending(&state, user).await?))
}

/// A second billing operator approves or rejects a pending adjustment (never their own).
#[utoipa::path(post, path = "/api/v1/staff/adjustments/{id}/decision", tag = "billing", request_body = DecideAdjustment,
    params(("id" = i64, Path, description = "The adjustment")),
    responses(
        (status = 200, description = "Decided", body = AdjustmentView),
        (status = 403, description = "The caller asked for it: another operator must decide (`own_request`)", body = ApiError),
        (status = 404, description = "No such adjustment in the caller's regions", body = ApiError),
        (status = 409, description = "Already decided", body = ApiError),
    ))]
pub async fn decide_adjustment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    ApiJson(request): ApiJson<DecideAdjustment>,
) -> Result<Json<AdjustmentView>, AppError> {
    let user = caller.user()?;
    let view = adjustments::decide(&state, &caller.actor, user, id, request.decision).await?;
    Ok(Json(view))
}
