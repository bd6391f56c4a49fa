//! The typed API client: the one way the app reads and writes data.
//!
//! In the browser it calls the REST API with `fetch`. During server-side rendering the very
//! same calls go to the same axum router in-process (no socket), with the page request's
//! cookies and language forwarded, so there is one auth path and one validation path.

use std::future::Future;

use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::api::accounts::{
    AccountLoginsResponse, AccountSummary, AccountsResponse, LinkAccountRequest, LinkCodeRequest,
};
#[cfg(feature = "hydrate")]
use shared::api::applications::DocumentView;
use shared::api::applications::{
    ApplicationDetail, ApplicationList, AssignRequest, CalendarResponse, CustomerAction, Dashboard, FollowUpRequest,
    HandlersResponse, NewApplication, NewCommitmentVersion, NoticeList, PublicStatistics, QueuePage, QueueQuery,
    SaveDraft, StaffAction,
};
use shared::api::auth::RegisterRequest;
use shared::api::auth::{
    Accepted, ChangePasswordRequest, ConfirmRequest, ForgotPasswordRequest, LoginRequest, LogoutRequest, Me,
    ResetPasswordRequest, UpdateProfileRequest,
};
use shared::api::billing::{
    AccountHold, AdjustmentDecision, AdjustmentView, DecideAdjustment, ImportDetail, ImportResult, NewAdjustment,
    ReadingBatch,
};
use shared::api::billing::{
    BillAction, BillDetail, BillSummary, LoadCurve, NewTariff, NewTariffVersion, OrgBills, RunDetail, RunView,
    StartRun, TariffVersionView, TariffView, UsageView,
};
use shared::api::org::{
    ChangeMemberRequest, CreateTokenRequest, CreatedToken, Invitation, InviteMemberRequest, MembersResponse,
    TokensResponse,
};
use shared::api::staff::{
    AuditPage, AuditQuery, CreateStaffRequest, RegionsResponse, StaffUsersResponse, UpdateStaffRequest,
};
use shared::api::{
    ApiError, CommitmentsQuery, CommitmentsResponse, ErrorCode, LanguagePreference, LanguageRequest, paths,
};
use shared::calendar::YearCalendar;
use shared::i18n::Locale;
use shared::roles::OrgRole;

#[cfg(feature = "ssr")]
pub use transport::{Forwarded, InProcessApi};

/// The service commitments in force (`GET /api/v1/commitments`).
pub fn commitments(
    query: CommitmentsQuery,
) -> impl Future<Output = Result<CommitmentsResponse, ApiError>> + Send + 'static {
    let query_string = serde_urlencoded::to_string(&query).unwrap_or_default();
    let path = if query_string.is_empty() {
        paths::COMMITMENTS.to_owned()
    } else {
        format!("{}?{query_string}", paths::COMMITMENTS)
    };
    call(Method::Get, path, None::<()>)
}

/// Keeps the visitor's language choice (`PUT /api/v1/preferences/language`).
pub fn set_language(language: Locale) -> impl Future<Output = Result<LanguagePreference, ApiError>> + Send + 'static {
    call(Method::Put, paths::LANGUAGE.to_owned(), Some(LanguageRequest { language: language.tag().to_owned() }))
}

/// The HTTP methods the client uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Get,
    Put,
    Post,
    Patch,
    Delete,
}

impl Method {
    #[cfg_attr(not(feature = "ssr"), allow(dead_code))]
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

/// A future answer of the API.
pub type Answer<T> = std::pin::Pin<Box<dyn Future<Output = Result<T, ApiError>> + Send + 'static>>;

fn get<T: DeserializeOwned + 'static>(path: String) -> Answer<T> {
    Box::pin(call(Method::Get, path, None::<()>))
}

fn send<B: Serialize, T: DeserializeOwned + 'static>(method: Method, path: String, body: &B) -> Answer<T> {
    Box::pin(call(method, path, Some(body)))
}

/// `POST /api/v1/auth/register`.
pub fn register(request: &RegisterRequest) -> Answer<Accepted> {
    send(Method::Post, paths::REGISTER.into(), request)
}

/// `POST /api/v1/auth/confirm`.
pub fn confirm(token: String) -> Answer<()> {
    send(Method::Post, paths::CONFIRM.into(), &ConfirmRequest { token })
}

/// `POST /api/v1/auth/login`.
pub fn login(request: &LoginRequest) -> Answer<Me> {
    send(Method::Post, paths::LOGIN.into(), request)
}

/// `POST /api/v1/auth/second-factor/setup`: a new authenticator secret and its QR code.
pub fn second_factor_setup(request: &LoginRequest) -> Answer<shared::api::auth::SecondFactorSetup> {
    send(Method::Post, paths::SECOND_FACTOR_SETUP.into(), request)
}

/// `POST /api/v1/auth/second-factor/confirm`: the first code; logs in, answers the recovery codes.
pub fn second_factor_confirm(request: &LoginRequest) -> Answer<shared::api::auth::SecondFactorEnrolled> {
    send(Method::Post, paths::SECOND_FACTOR_CONFIRM.into(), request)
}

/// `POST /api/v1/me/second-factor/verify`: a fresh check before a sensitive change.
pub fn verify_second_factor(code: String) -> Answer<()> {
    send(Method::Post, paths::SECOND_FACTOR_VERIFY.into(), &shared::api::auth::SecondFactorCode { code })
}

/// `POST /api/v1/me/second-factor/disable`.
pub fn disable_second_factor(code: String) -> Answer<()> {
    send(Method::Post, paths::SECOND_FACTOR_DISABLE.into(), &shared::api::auth::SecondFactorCode { code })
}

/// `POST /api/v1/auth/logout`.
pub fn logout(everywhere: bool) -> Answer<()> {
    send(Method::Post, paths::LOGOUT.into(), &LogoutRequest { everywhere })
}

/// `POST /api/v1/auth/password/forgot`.
pub fn forgot_password(email: String) -> Answer<Accepted> {
    send(Method::Post, paths::FORGOT_PASSWORD.into(), &ForgotPasswordRequest { email })
}

/// `POST /api/v1/auth/password/reset`.
pub fn reset_password(token: String, password: String) -> Answer<()> {
    send(Method::Post, paths::RESET_PASSWORD.into(), &ResetPasswordRequest { token, password })
}

/// `GET /api/v1/me`.
pub fn me() -> Answer<Me> {
    get(paths::ME.into())
}

/// `PATCH /api/v1/me`.
pub fn update_me(request: &UpdateProfileRequest) -> Answer<Me> {
    send(Method::Patch, paths::ME.into(), request)
}

/// `POST /api/v1/me/password`.
pub fn change_password(request: &ChangePasswordRequest) -> Answer<()> {
    send(Method::Post, paths::CHANGE_PASSWORD.into(), request)
}

/// `GET /api/v1/me/accounts`.
pub fn my_accounts() -> Answer<AccountsResponse> {
    get(paths::MY_ACCOUNTS.into())
}

/// `POST /api/v1/me/accounts`.
pub fn link_account(request: &LinkAccountRequest) -> Answer<AccountSummary> {
    send(Method::Post, paths::MY_ACCOUNTS.into(), request)
}

/// `POST /api/v1/me/accounts/code`.
pub fn send_link_code(account_no: String) -> Answer<()> {
    send(Method::Post, paths::LINK_CODE.into(), &LinkCodeRequest { account_no })
}

/// `GET /api/v1/me/accounts/{account_no}/logins`.
pub fn account_logins(account_no: &str) -> Answer<AccountLoginsResponse> {
    get(format!("{}/{account_no}/logins", paths::MY_ACCOUNTS))
}

/// `DELETE /api/v1/me/accounts/{account_no}/logins/{user_id}`.
pub fn unlink(account_no: &str, user_id: i64) -> Answer<()> {
    send(Method::Delete, format!("{}/{account_no}/logins/{user_id}", paths::MY_ACCOUNTS), &())
}

/// `GET /api/v1/org/members`.
pub fn org_members() -> Answer<MembersResponse> {
    get(paths::ORG_MEMBERS.into())
}

/// `POST /api/v1/org/members`.
pub fn invite_member(request: &InviteMemberRequest) -> Answer<Invitation> {
    send(Method::Post, paths::ORG_MEMBERS.into(), request)
}

/// `DELETE /api/v1/org/invitations/{invitation_id}`.
pub fn withdraw_invitation(invitation_id: i64) -> Answer<()> {
    send(Method::Delete, format!("{}/{invitation_id}", paths::ORG_INVITATIONS), &())
}

/// `PATCH /api/v1/org/members/{user_id}`.
pub fn change_member(user_id: i64, role: OrgRole) -> Answer<()> {
    send(Method::Patch, format!("{}/{user_id}", paths::ORG_MEMBERS), &ChangeMemberRequest { role })
}

/// `DELETE /api/v1/org/members/{user_id}`.
pub fn remove_member(user_id: i64) -> Answer<()> {
    send(Method::Delete, format!("{}/{user_id}", paths::ORG_MEMBERS), &())
}

/// `GET /api/v1/org/tokens`.
pub fn org_tokens() -> Answer<TokensResponse> {
    get(paths::ORG_TOKENS.into())
}

/// `POST /api/v1/org/tokens`.
pub fn issue_token(request: &CreateTokenRequest) -> Answer<CreatedToken> {
    send(Method::Post, paths::ORG_TOKENS.into(), request)
}

/// `DELETE /api/v1/org/tokens/{token_id}`.
pub fn revoke_token(token_id: i64) -> Answer<()> {
    send(Method::Delete, format!("{}/{token_id}", paths::ORG_TOKENS), &())
}

/// `GET /api/v1/staff/users`.
pub fn staff_users() -> Answer<StaffUsersResponse> {
    get(paths::STAFF_USERS.into())
}

/// `POST /api/v1/staff/users`.
pub fn create_staff(request: &CreateStaffRequest) -> Answer<StaffUsersResponse> {
    send(Method::Post, paths::STAFF_USERS.into(), request)
}

/// `PATCH /api/v1/staff/users/{user_id}`.
pub fn update_staff(user_id: i64, request: &UpdateStaffRequest) -> Answer<()> {
    send(Method::Patch, format!("{}/{user_id}", paths::STAFF_USERS), request)
}

/// `GET /api/v1/staff/regions`.
pub fn regions() -> Answer<RegionsResponse> {
    get(paths::REGIONS.into())
}

/// `GET /api/v1/audit`.
pub fn audit(query: &AuditQuery) -> Answer<AuditPage> {
    let query_string = serde_urlencoded::to_string(query).unwrap_or_default();
    get(if query_string.is_empty() { paths::AUDIT.to_owned() } else { format!("{}?{query_string}", paths::AUDIT) })
}

/// `GET /api/v1/applications`.
pub fn applications() -> Answer<ApplicationList> {
    get(paths::APPLICATIONS.into())
}

/// `POST /api/v1/applications`: a new draft.
pub fn create_application(request: &NewApplication) -> Answer<ApplicationDetail> {
    send(Method::Post, paths::APPLICATIONS.into(), request)
}

/// `GET /api/v1/applications/{id}`.
pub fn application(id: i64) -> Answer<ApplicationDetail> {
    get(format!("{}/{id}", paths::APPLICATIONS))
}

/// `PUT /api/v1/applications/{id}`: save the draft.
pub fn save_draft(id: i64, request: &SaveDraft) -> Answer<ApplicationDetail> {
    send(Method::Put, format!("{}/{id}", paths::APPLICATIONS), request)
}

/// `POST /api/v1/applications/{id}/actions`.
pub fn customer_action(id: i64, action: &CustomerAction) -> Answer<ApplicationDetail> {
    send(Method::Post, format!("{}/{id}/actions", paths::APPLICATIONS), action)
}

/// The address of a document, for a download link.
pub fn document_url(id: i64, document_id: i64) -> String {
    format!("{}/{id}/documents/{document_id}", paths::APPLICATIONS)
}

/// `GET /api/v1/staff/applications`.
pub fn work_queue(query: &QueueQuery) -> Answer<QueuePage> {
    let query_string = serde_urlencoded::to_string(query).unwrap_or_default();
    get(format!("{}?{query_string}", paths::STAFF_APPLICATIONS))
}

/// `GET /api/v1/staff/handlers`.
pub fn handlers() -> Answer<HandlersResponse> {
    get(paths::HANDLERS.into())
}

/// `GET /api/v1/calendar`.
pub fn calendar() -> Answer<CalendarResponse> {
    get(paths::CALENDAR.into())
}

/// `PUT /api/v1/staff/calendar/{year}`.
pub fn put_calendar_year(year: &YearCalendar) -> Answer<()> {
    send(Method::Put, format!("/api/v1/staff/calendar/{}", year.year), year)
}

/// `POST /api/v1/staff/commitments`: a new version of a time limit.
pub fn add_commitment_version(request: &NewCommitmentVersion) -> Answer<()> {
    send(Method::Post, paths::STAFF_COMMITMENTS.into(), request)
}

/// `GET /api/v1/staff/applications/dashboard`.
pub fn connection_dashboard() -> Answer<Dashboard> {
    get(paths::CONNECTION_DASHBOARD.into())
}

/// `GET /api/v1/statistics/connections`.
pub fn connection_statistics() -> Answer<PublicStatistics> {
    get(paths::CONNECTION_STATISTICS.into())
}

/// `POST /api/v1/staff/applications/{id}/assign`.
pub fn assign_application(id: i64, request: &AssignRequest) -> Answer<ApplicationDetail> {
    send(Method::Post, format!("{}/{id}/assign", paths::STAFF_APPLICATIONS), request)
}

/// `POST /api/v1/staff/applications/{id}/actions`.
pub fn staff_action(id: i64, action: &StaffAction) -> Answer<ApplicationDetail> {
    send(Method::Post, format!("{}/{id}/actions", paths::STAFF_APPLICATIONS), action)
}

/// `POST /api/v1/staff/applications/{id}/follow-up`.
pub fn follow_up(id: i64, request: &FollowUpRequest) -> Answer<ApplicationDetail> {
    send(Method::Post, format!("{}/{id}/follow-up", paths::STAFF_APPLICATIONS), request)
}

/// `GET /api/v1/regions`: the supply stations anyone may choose.
pub fn public_regions() -> Answer<RegionsResponse> {
    get(paths::PUBLIC_REGIONS.into())
}

/// `GET /api/v1/me/notices`.
pub fn notices() -> Answer<NoticeList> {
    get(paths::NOTICES.into())
}

/// `POST /api/v1/me/notices/read`.
pub fn read_notices() -> Answer<()> {
    send(Method::Post, paths::NOTICES_READ.into(), &())
}

/// `GET /api/v1/accounts/{account_no}/bills`.
pub fn bills(account_no: &str) -> Answer<Vec<BillSummary>> {
    get(format!("/api/v1/accounts/{}/bills", encode(account_no)))
}

/// `GET /api/v1/bills/{id}`.
pub fn bill(id: i64) -> Answer<BillDetail> {
    get(format!("/api/v1/bills/{id}"))
}

/// Where a bill's PDF and its lines as CSV are downloaded.
pub fn bill_download(id: i64, kind: &str) -> String {
    match kind {
        "pdf" => format!("/api/v1/bills/{id}/pdf"),
        _ => format!("/api/v1/bills/{id}/lines.csv"),
    }
}

/// `GET /api/v1/accounts/{account_no}/usage`.
pub fn usage(account_no: &str) -> Answer<UsageView> {
    get(format!("/api/v1/accounts/{}/usage", encode(account_no)))
}

/// `GET /api/v1/accounts/{account_no}/load?day=`.
pub fn load_curve(account_no: &str, day: chrono::NaiveDate) -> Answer<LoadCurve> {
    get(format!("/api/v1/accounts/{}/load?day={day}", encode(account_no)))
}

/// `GET /api/v1/org/bills`.
pub fn org_bills() -> Answer<OrgBills> {
    get("/api/v1/org/bills".into())
}

/// `POST /api/v1/staff/readings`.
pub fn post_readings(batch: &ReadingBatch) -> Answer<ImportResult> {
    send(Method::Post, "/api/v1/staff/readings".into(), batch)
}

/// `PUT /api/v1/staff/accounts/{account_no}/hold`.
pub fn hold_account(account_no: &str, hold: &AccountHold) -> Answer<()> {
    send(Method::Put, format!("/api/v1/staff/accounts/{}/hold", encode(account_no)), hold)
}

/// `POST /api/v1/staff/adjustments`.
pub fn adjust(request: &NewAdjustment) -> Answer<AdjustmentView> {
    send(Method::Post, "/api/v1/staff/adjustments".into(), request)
}

/// `GET /api/v1/staff/adjustments/pending`.
pub fn pending_adjustments() -> Answer<Vec<AdjustmentView>> {
    get("/api/v1/staff/adjustments/pending".into())
}

/// `POST /api/v1/staff/adjustments/{id}/decision`.
pub fn decide_adjustment(id: i64, decision: AdjustmentDecision) -> Answer<AdjustmentView> {
    send(Method::Post, format!("/api/v1/staff/adjustments/{id}/decision"), &DecideAdjustment { decision })
}

/// `GET /api/v1/tariffs`.
pub fn tariffs() -> Answer<Vec<TariffView>> {
    get("/api/v1/tariffs".into())
}

/// `POST /api/v1/staff/tariffs`.
pub fn create_tariff(request: &NewTariff) -> Answer<()> {
    send(Method::Post, "/api/v1/staff/tariffs".into(), request)
}

/// `POST /api/v1/staff/tariffs/{code}/versions`.
pub fn add_tariff_version(code: &str, request: &NewTariffVersion) -> Answer<TariffVersionView> {
    send(Method::Post, format!("/api/v1/staff/tariffs/{}/versions", encode(code)), request)
}

/// `GET /api/v1/staff/billing/runs`.
pub fn billing_runs() -> Answer<Vec<RunView>> {
    get("/api/v1/staff/billing/runs".into())
}

/// `POST /api/v1/staff/billing/runs`.
pub fn start_run(request: &StartRun) -> Answer<RunView> {
    send(Method::Post, "/api/v1/staff/billing/runs".into(), request)
}

/// `GET /api/v1/staff/billing/runs/{id}`.
pub fn billing_run(id: i64) -> Answer<RunDetail> {
    get(format!("/api/v1/staff/billing/runs/{id}"))
}

/// `POST /api/v1/staff/billing/runs/{id}/exceptions/{account_no}/bill`: bills an account the
/// run listed with no reading, once its reading has come in.
pub fn bill_exception(run_id: i64, account_no: &str) -> Answer<BillSummary> {
    let path = format!("/api/v1/staff/billing/runs/{run_id}/exceptions/{}/bill", encode(account_no));
    send(Method::Post, path, &serde_json::json!({}))
}

/// `GET /api/v1/staff/readings/imports/{import_id}`: an import's progress and refused lines.
pub fn import_detail(import_id: i64) -> Answer<ImportDetail> {
    get(format!("/api/v1/staff/readings/imports/{import_id}"))
}

/// `POST /api/v1/staff/bills/{id}/actions`.
pub fn bill_action(id: i64, action: &BillAction) -> Answer<BillSummary> {
    send(Method::Post, format!("/api/v1/staff/bills/{id}/actions"), action)
}

/// A path segment, escaped.
fn encode(segment: &str) -> String {
    serde_urlencoded::to_string([("", segment)]).map(|s| s.trim_start_matches('=').to_owned()).unwrap_or_default()
}

/// Uploads a readings file the operator picked (`POST /api/v1/staff/readings/file`).
#[cfg(feature = "hydrate")]
pub async fn upload_readings(file: web_sys::File) -> Result<shared::api::billing::ImportSummary, ApiError> {
    let name: String =
        percent_encoding::utf8_percent_encode(&file.name(), percent_encoding::NON_ALPHANUMERIC).to_string();
    upload_file(format!("/api/v1/staff/readings/file?name={name}"), file).await
}

/// Sends a file as the body of a `POST` (`application/octet-stream`).
#[cfg(feature = "hydrate")]
async fn upload_file<T: DeserializeOwned>(path: String, file: web_sys::File) -> Result<T, ApiError> {
    let network = |_| ApiError::new(ErrorCode::Network, "");
    let request = gloo_net::http::Request::post(&path)
        .header("Content-Type", "application/octet-stream")
        .body(wasm_bindgen::JsValue::from(file))
        .map_err(network)?;
    let response = request.send().await.map_err(network)?;
    let status = response.status();
    let bytes = response.binary().await.map_err(network)?;
    decode(status, &bytes)
}

/// Uploads a file the person picked (`POST /api/v1/applications/{id}/documents`): the
/// browser sends the file itself as the body.
#[cfg(feature = "hydrate")]
pub async fn upload_document(id: i64, kind: &str, file: web_sys::File) -> Result<DocumentView, ApiError> {
    let name: String =
        percent_encoding::utf8_percent_encode(&file.name(), percent_encoding::NON_ALPHANUMERIC).to_string();
    upload_file(format!("{}/{id}/documents?kind={kind}&name={name}", paths::APPLICATIONS), file).await
}

/// Sends one request and decodes the answer: the resource on success, the API's error
/// shape otherwise.
fn call<B: Serialize, T: DeserializeOwned>(
    method: Method,
    path: String,
    body: Option<B>,
) -> impl Future<Output = Result<T, ApiError>> + Send + 'static {
    // Every state-changing call is declared JSON (the server refuses others: CSRF).
    let body = body.map(|b| serde_json::to_string(&b)).or_else(|| (method != Method::Get).then(|| Ok("{}".to_owned())));
    let sent = match body {
        Some(Err(_)) => None,
        Some(Ok(json)) => Some(transport::send(method, path, Some(json))),
        None => Some(transport::send(method, path, None)),
    };
    async move {
        let Some(sent) = sent else {
            return Err(ApiError::new(ErrorCode::BadRequest, ""));
        };
        let (status, bytes) = sent.await?;
        decode(status, &bytes)
    }
}

/// Turns a status and a body into the typed result.
fn decode<T: DeserializeOwned>(status: u16, bytes: &[u8]) -> Result<T, ApiError> {
    if (200..300).contains(&status) {
        // An empty answer (204) is `null`, which is what `()` reads.
        let bytes: &[u8] = if bytes.is_empty() { b"null" } else { bytes };
        serde_json::from_slice(bytes).map_err(|_| ApiError::new(ErrorCode::Unknown, ""))
    } else {
        // Anything between us and the server (a proxy, a gateway) may answer without our shape.
        Err(serde_json::from_slice(bytes).unwrap_or_else(|_| ApiError::new(ErrorCode::for_status(status), "")))
    }
}

#[cfg(feature = "ssr")]
mod transport {
    use std::future::Future;

    use axum::body::Body;
    use http::header::{ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE};
    use shared::api::{ApiError, ErrorCode};
    use tower::ServiceExt;

    use super::Method;

    /// The largest API answer a page render reads.
    const MAX_BODY: usize = 16 * 1024 * 1024;

    /// The API router, given to each server render so the client can call it in-process.
    #[derive(Clone)]
    pub struct InProcessApi(axum::Router);

    impl InProcessApi {
        /// Wraps the router that serves `/api/v1`.
        pub fn new(router: axum::Router) -> Self {
            InProcessApi(router)
        }
    }

    /// What the page's request hands on to every API call its render makes in-process: the
    /// server puts there what it already knows of the caller, so that a page's dozen calls
    /// do not each look the session up again. Only the server can set it: a request from
    /// outside carries headers, never extensions.
    #[derive(Clone, Debug, Default)]
    pub struct Forwarded(pub http::Extensions);

    pub(super) fn send(
        method: Method,
        path: String,
        body: Option<String>,
    ) -> impl Future<Output = Result<(u16, Vec<u8>), ApiError>> + Send + 'static {
        // Context is read now, while the render's owner is current; the future runs later.
        let api = leptos::prelude::use_context::<InProcessApi>();
        let parts = leptos::prelude::use_context::<http::request::Parts>();
        let forwarded: Vec<_> = parts
            .as_ref()
            .map(|parts| {
                [COOKIE, ACCEPT_LANGUAGE]
                    .into_iter()
                    .filter_map(|name| parts.headers.get(&name).cloned().map(|value| (name, value)))
                    .collect()
            })
            .unwrap_or_default();
        let extensions = parts.and_then(|parts| parts.extensions.get::<Forwarded>().map(|f| f.0.clone()));
        async move {
            let api = api.ok_or_else(|| ApiError::new(ErrorCode::Unavailable, ""))?;
            let mut request = http::Request::builder().method(method.as_str()).uri(path);
            for (name, value) in forwarded {
                request = request.header(name, value);
            }
            if body.is_some() {
                request = request.header(CONTENT_TYPE, "application/json");
            }
            let mut request = request
                .body(Body::from(body.unwrap_or_default()))
                .map_err(|_| ApiError::new(ErrorCode::BadRequest, ""))?;
            if let Some(extensions) = extensions {
                request.extensions_mut().extend(extensions);
            }
            let response = match api.0.oneshot(request).await {
                Ok(response) => response,
                Err(never) => match never {},
            };
            let status = response.status().as_u16();
            let bytes = axum::body::to_bytes(response.into_body(), MAX_BODY)
                .await
                .map_err(|_| ApiError::new(ErrorCode::Internal, ""))?;
            Ok((status, bytes.to_vec()))
        }
    }
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
mod transport {
    use std::future::Future;

    use gloo_net::http::Request;
    use shared::api::{ApiError, ErrorCode};

    use super::Method;

    pub(super) fn send(
        method: Method,
        path: String,
        body: Option<String>,
    ) -> impl Future<Output = Result<(u16, Vec<u8>), ApiError>> + Send + 'static {
        let network = |_| ApiError::new(ErrorCode::Network, "");
        // The browser's futures are not Send; they only ever run on its one thread.
        send_wrapper::SendWrapper::new(async move {
            let builder = match method {
                Method::Get => Request::get(&path),
                Method::Put => Request::put(&path),
                Method::Post => Request::post(&path),
                Method::Patch => Request::patch(&path),
                Method::Delete => Request::delete(&path),
            };
            let request = match body {
                Some(json) => builder.header("Content-Type", "application/json").body(json),
                None => builder.build(),
            }
            .map_err(network)?;
            let response = request.send().await.map_err(network)?;
            let status = response.status();
            let bytes = response.binary().await.map_err(network)?;
            Ok((status, bytes))
        })
    }
}

#[cfg(not(any(feature = "ssr", feature = "hydrate")))]
mod transport {
    use std::future::Future;

    use shared::api::{ApiError, ErrorCode};

    use super::Method;

    /// Built with neither `ssr` nor `hydrate` (e.g. a plain `cargo check`): nothing to call.
    pub(super) fn send(
        _method: Method,
        _path: String,
        _body: Option<String>,
    ) -> impl Future<Output = Result<(u16, Vec<u8>), ApiError>> + Send + 'static {
        async { Err(ApiError::new(ErrorCode::Unavailable, "")) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_success_and_error_shapes() {
        let ok: Result<LanguagePreference, _> = decode(200, br#"{"language":"en"}"#);
        assert_eq!(ok.map(|p| p.language), Ok(Locale::En));
        let err: Result<LanguagePreference, _> =
            decode(422, br#"{"code":"validation_failed","message":"x","fields":{"language":"y"}}"#);
        let err = err.expect_err("error");
        assert_eq!(err.code, ErrorCode::ValidationFailed);
        assert_eq!(err.fields.get("language").map(String::as_str), Some("y"));
    }

    #[test]
    fn a_foreign_error_page_still_becomes_our_shape() {
        let err: Result<LanguagePreference, _> = decode(502, b"<html>Bad Gateway</html>");
        assert_eq!(err.map_err(|e| e.code), Err(ErrorCode::Unavailable));
    }
}
