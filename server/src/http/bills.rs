//! `/api/v1/accounts/{account_no}/bills`, `/api/v1/bills/{id}`: bills as their account's
//! people read them (customers, the organisation's users and tokens, staff of the region).

use axum::Json;
use axum::extract::Query;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shared::api::billing::{BillDetail, BillSummary, LoadCurve, OrgBills, UsageView};
use shared::api::{ApiError, ErrorCode};

use super::auth::{Caller, Principal};
use super::error::AppError;
use crate::services::audit;
use crate::services::audit::Subject;
use crate::services::billing::{Viewer, bills, usage};
use crate::services::sessions::SessionUser;
use crate::state::AppState;

/// Who is asking, for the billing services.
pub fn viewer(caller: &Caller) -> Result<Viewer<'_>, AppError> {
    match &caller.principal {
        Principal::User(user) => Ok(Viewer::User(user)),
        Principal::Token(token) => Ok(Viewer::Token(token)),
        Principal::Integration(_) => Err(AppError::new(ErrorCode::Forbidden)),
        Principal::Anonymous => Err(AppError::new(ErrorCode::Unauthenticated)),
    }
}

/// An account's bills, newest first (held bills only for staff).
#[utoipa::path(get, path = "/api/v1/accounts/{account_no}/bills", tag = "bills",
    params(("account_no" = String, Path, description = "The account")),
    responses(
        (status = 200, description = "The bills", body = Vec<BillSummary>),
        (status = 401, description = "Not logged in", body = ApiError),
        (status = 404, description = "No such account, or not the caller's", body = ApiError),
    ))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Path(account_no): Path<String>,
) -> Result<Json<Vec<BillSummary>>, AppError> {
    let viewer = viewer(&caller)?;
    let bills = bills::for_account(&state, viewer, &account_no).await?;
    let subject = Subject::Account(&account_no);
    audit::staff_read(&state, &caller.actor, reader(&caller), "account.bills_read", subject).await?;
    Ok(Json(bills))
}

/// A bill: readings, energy by tier or period, every line, adjustments, total, due date.
#[utoipa::path(get, path = "/api/v1/bills/{id}", tag = "bills",
    params(("id" = i64, Path, description = "The bill")),
    responses(
        (status = 200, description = "The bill", body = BillDetail),
        (status = 404, description = "No such bill, or not the caller's", body = ApiError),
    ))]
pub async fn get(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<BillDetail>, AppError> {
    let viewer = viewer(&caller)?;
    let bill = bills::detail(&state, viewer, id).await?;
    audit::staff_read(&state, &caller.actor, reader(&caller), "bill.read", Subject::Bill(id)).await?;
    Ok(Json(bill))
}

/// A bill's lines as CSV, in the caller's language.
#[utoipa::path(get, path = "/api/v1/bills/{id}/lines.csv", tag = "bills",
    params(("id" = i64, Path, description = "The bill")),
    responses(
        (status = 200, description = "The lines", content_type = "text/csv"),
        (status = 404, description = "No such bill, or not the caller's", body = ApiError),
    ))]
pub async fn lines_csv(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let viewer = viewer(&caller)?;
    let bill = bills::detail(&state, viewer, id).await?;
    audit::staff_read(&state, &caller.actor, reader(&caller), "bill.read", Subject::Bill(id)).await?;
    let body = bills::lines_csv(&bill, caller.locale)?;
    let disposition = format!("attachment; filename=\"bill-{}-{}.csv\"", bill.summary.account_no, bill.summary.period);
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// A bill as PDF (A4, the Chinese text embedded as a font subset), in the caller's language.
#[utoipa::path(get, path = "/api/v1/bills/{id}/pdf", tag = "bills",
    params(("id" = i64, Path, description = "The bill")),
    responses(
        (status = 200, description = "The bill", content_type = "application/pdf"),
        (status = 404, description = "No such bill, or not the caller's", body = ApiError),
    ))]
pub async fn pdf(State(state): State<AppState>, caller: Caller, Path(id): Path<i64>) -> Result<Response, AppError> {
    let viewer = viewer(&caller)?;
    let bill = bills::detail(&state, viewer, id).await?;
    audit::staff_read(&state, &caller.actor, reader(&caller), "bill.read", Subject::Bill(id)).await?;
    let locale = caller.locale;
    // Setting type is CPU work: off the request threads.
    let body =
        tokio::task::spawn_blocking(move || crate::services::billing::pdf::render(&bill, locale).map(|b| (b, bill)))
            .await
            .map_err(|e| AppError::internal(&e))?;
    let (body, bill) = body?;
    let disposition = format!("attachment; filename=\"bill-{}-{}.pdf\"", bill.summary.account_no, bill.summary.period);
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// An account's usage: twelve months beside last year, ninety days, the tier position, and
/// the cost of the last twelve bills on each tariff the account may choose.
#[utoipa::path(get, path = "/api/v1/accounts/{account_no}/usage", tag = "bills",
    params(("account_no" = String, Path, description = "The account")),
    responses(
        (status = 200, description = "The usage", body = UsageView),
        (status = 404, description = "No such account, or not the caller's", body = ApiError),
    ))]
pub async fn account_usage(
    State(state): State<AppState>,
    caller: Caller,
    Path(account_no): Path<String>,
) -> Result<Json<UsageView>, AppError> {
    let viewer = viewer(&caller)?;
    let usage = usage::usage(&state, viewer, &account_no).await?;
    let subject = Subject::Account(&account_no);
    audit::staff_read(&state, &caller.actor, reader(&caller), "account.usage_read", subject).await?;
    Ok(Json(usage))
}

/// The day of a load curve.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DayQuery {
    /// `YYYY-MM-DD`.
    pub day: chrono::NaiveDate,
}

/// A day's 15-minute load curve with its maximum demand and power factor.
#[utoipa::path(get, path = "/api/v1/accounts/{account_no}/load", tag = "bills",
    params(("account_no" = String, Path, description = "The account"), DayQuery),
    responses(
        (status = 200, description = "The curve (empty without interval data)", body = LoadCurve),
        (status = 404, description = "No such account, or not the caller's", body = ApiError),
    ))]
pub async fn load_curve(
    State(state): State<AppState>,
    caller: Caller,
    Path(account_no): Path<String>,
    Query(query): Query<DayQuery>,
) -> Result<Json<LoadCurve>, AppError> {
    let viewer = viewer(&caller)?;
    let curve = usage::load_curve(&state, viewer, &account_no, query.day).await?;
    let subject = Subject::Account(&account_no);
    audit::staff_read(&state, &caller.actor, reader(&caller), "account.load_read", subject).await?;
    Ok(Json(curve))
}

/// The logged-in person reading, if any (a token reads for an organisation, not a person).
fn reader(caller: &Caller) -> Option<&SessionUser> {
    caller.user().ok().map(|user| &**user)
}

fn org_of(caller: &Caller) -> Result<i64, AppError> {
    caller.user()?.org.map(|(org, _)| org).ok_or_else(|| AppError::new(ErrorCode::Forbidden))
}

/// Every account of the caller's organisation with its latest bill, and the totals.
#[utoipa::path(get, path = "/api/v1/org/bills", tag = "bills",
    responses(
        (status = 200, description = "The table", body = OrgBills),
        (status = 403, description = "Not an enterprise user", body = ApiError),
    ))]
pub async fn org_bills(State(state): State<AppState>, caller: Caller) -> Result<Json<OrgBills>, AppError> {
    let org = org_of(&caller)?;
    Ok(Json(bills::for_org(&state, org).await?))
}

/// The same table as CSV, in the caller's language.
#[utoipa::path(get, path = "/api/v1/org/bills.csv", tag = "bills",
    responses(
        (status = 200, description = "The table", content_type = "text/csv"),
        (status = 403, description = "Not an enterprise user", body = ApiError),
    ))]
pub async fn org_bills_csv(State(state): State<AppState>, caller: Caller) -> Result<Response, AppError> {
    let org = org_of(&caller)?;
    let table = bills::for_org(&state, org).await?;
    let body = bills::org_csv(&table, caller.locale)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"bills.csv\"".to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}
