//! The OpenAPI document, generated from the handlers' annotations, and a readable API
//! reference page rendered from it.

use std::sync::Arc;

use axum::Json;
use axum::extract::Extension;
use axum::http::Method;
use axum::response::Html;
use maud::{DOCTYPE, Markup, html};
use utoipa::OpenApi;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{Content, OpenApi as Document, Ref, RefOr, Required, ResponseBuilder};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::policy::{self, Rule};
use super::{
    accounts, applications, billing, bills, commitments, connections, identity, ops, org, preferences, second_factor,
    staff,
};
use crate::state::AppState;

/// The document's fixed parts; the paths come from the routes registered below.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Gridhall API",
        description = "The REST API of Gridhall, the online service hall of an electricity utility. \
                       Every page of the portal uses it; so can your own systems. Errors always have the \
                       shape {\"code\", \"message\", \"fields\"}; messages follow the `gridhall_lang` cookie \
                       or `Accept-Language` (zh-CN default, en)."
    ),
    modifiers(&SecuritySchemes),
    components(schemas(
        shared::api::ApiError,
        shared::api::applications::Timeliness,
        shared::connection::CustomerClass,
        shared::connection::Step,
    )),
    tags(
        (name = "commitments", description = "The utility's published service time limits"),
        (name = "preferences", description = "A visitor's interface choices"),
        (name = "identity", description = "Registering, logging in and out, passwords, the profile. A session is the \
                                           `gridhall_session` cookie; state-changing calls must be JSON and, from a browser, same-origin"),
        (name = "accounts", description = "Electricity accounts (户号) and linking them to a login"),
        (name = "enterprise", description = "An enterprise's colleagues and API tokens (`Authorization: Bearer ghall_…`)"),
        (name = "staff", description = "Staff users, supply stations and the audit log"),
        (name = "applications", description = "Connection applications (业扩报装) as applicants see them: drafts, documents, \
                                               the timeline, accepting the scheme and the contract"),
        (name = "connections", description = "The staff's connection work queue and dashboard, the published figures, \
                                              the working-day calendar and time limits"),
        (name = "bills", description = "Bills of an account: the readings, energy by tier or period, every charge line, \
                                        adjustments, the total and due date; the lines as CSV"),
        (name = "billing", description = "Tariffs and their dated versions, meter readings (files, batches, meter changes), \
                                          billing runs and their exceptions, and corrections (release, credit and rebill, adjustments)"),
        (name = "documentation", description = "This description of the API"),
        (name = "operations", description = "Liveness, readiness and metrics for operators"),
    )
)]
struct ApiDoc;

/// The two ways to call the API as someone: the browser's session cookie, or an
/// enterprise's API token.
struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, document: &mut Document) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = document.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                shared::api::auth::SESSION_COOKIE,
                "Set by POST /api/v1/auth/login; HttpOnly, SameSite=Lax. Named `__Host-gridhall_session` \
                 (Secure, Path=/) when the portal is served over https",
            ))),
        );
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An enterprise API token, `ghall_…`, issued at /enterprise"))
                    .build(),
            ),
        );
    }
}

/// Every route of the API, registered together with its OpenAPI description so that the
/// document cannot miss one.
pub fn routes() -> OpenApiRouter<AppState> {
    let mut router = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(commitments::list))
        .routes(routes!(preferences::set_language))
        .routes(routes!(openapi_json))
        .routes(routes!(docs))
        .routes(routes!(ops::healthz))
        .routes(routes!(ops::readyz))
        .routes(routes!(ops::metrics))
        .routes(routes!(identity::register))
        .routes(routes!(identity::confirm))
        .routes(routes!(identity::login))
        .routes(routes!(identity::logout))
        .routes(routes!(identity::forgot_password))
        .routes(routes!(identity::reset_password))
        .routes(routes!(identity::me, identity::update_me))
        .routes(routes!(identity::change_password))
        .routes(routes!(second_factor::setup))
        .routes(routes!(second_factor::confirm))
        .routes(routes!(second_factor::verify))
        .routes(routes!(second_factor::disable))
        .routes(routes!(accounts::list, accounts::link))
        .routes(routes!(accounts::send_code))
        .routes(routes!(accounts::logins))
        .routes(routes!(accounts::unlink))
        .routes(routes!(org::members, org::invite))
        .routes(routes!(org::change_member, org::remove_member))
        .routes(routes!(org::withdraw_invitation))
        .routes(routes!(org::tokens, org::issue_token))
        .routes(routes!(org::revoke_token))
        .routes(routes!(staff::list, staff::create))
        .routes(routes!(staff::update))
        .routes(routes!(staff::regions))
        .routes(routes!(staff::audit_log))
        .routes(routes!(applications::list, applications::create))
        .routes(routes!(applications::get, applications::save))
        .routes(routes!(applications::act))
        .routes(routes!(applications::upload))
        .routes(routes!(applications::download))
        .routes(routes!(connections::queue))
        .routes(routes!(connections::dashboard))
        .routes(routes!(connections::assign))
        .routes(routes!(connections::handlers))
        .routes(routes!(connections::act))
        .routes(routes!(connections::follow_up))
        .routes(routes!(connections::statistics))
        .routes(routes!(connections::get_calendar))
        .routes(routes!(connections::put_calendar))
        .routes(routes!(connections::add_commitment))
        .routes(routes!(connections::public_regions))
        .routes(routes!(connections::my_notices))
        .routes(routes!(connections::read_notices))
        .routes(routes!(bills::list))
        .routes(routes!(bills::get))
        .routes(routes!(bills::lines_csv))
        .routes(routes!(bills::pdf))
        .routes(routes!(bills::account_usage))
        .routes(routes!(bills::load_curve))
        .routes(routes!(bills::org_bills))
        .routes(routes!(bills::org_bills_csv))
        .routes(routes!(billing::list_tariffs))
        .routes(routes!(billing::create_tariff))
        .routes(routes!(billing::add_version))
        .routes(routes!(billing::set_account_billing))
        .routes(routes!(billing::hold_account))
        .routes(routes!(billing::post_readings))
        .routes(routes!(billing::upload_readings))
        .routes(routes!(billing::imports))
        .routes(routes!(billing::import_detail))
        .routes(routes!(billing::change_meter))
        .routes(routes!(billing::runs, billing::start_run))
        .routes(routes!(billing::get_run))
        .routes(routes!(billing::act_on_bill))
        .routes(routes!(billing::bill_exception))
        .routes(routes!(billing::adjust))
        .routes(routes!(billing::pending_adjustments))
        .routes(routes!(billing::decide_adjustment))
        .routes(routes!(billing::integration_readings))
        .routes(routes!(billing::integration_tokens, billing::issue_integration_token))
        .routes(routes!(billing::revoke_integration_token));
    document_error_answers(router.get_openapi_mut());
    router
}

/// The methods of a path item, mutable, with the method the policy table names them by.
fn operations_mut(item: &mut utoipa::openapi::PathItem) -> [(Method, Option<&mut Operation>); 5] {
    [
        (Method::GET, item.get.as_mut()),
        (Method::PUT, item.put.as_mut()),
        (Method::POST, item.post.as_mut()),
        (Method::PATCH, item.patch.as_mut()),
        (Method::DELETE, item.delete.as_mut()),
    ]
}

/// Writes on every operation the error answers it can give, so that the handlers'
/// annotations need only name those particular to them (a 409, a 429): from the access
/// rule of the policy table (401, 403, and who may call), from the path (404 for an id
/// that is not there or not the caller's), from the method (a state-changing call that is
/// not JSON or comes from another site: 415, 403) and from the body and parameters (400,
/// 413, 422). Every error answer is documented with the `ApiError` body, which the
/// server always sends (`middleware::error_shape` gives even axum's own rejections that
/// shape). The callers' ways of proving who they are (`security`) follow the rule too.
fn document_error_answers(document: &mut Document) {
    for (path, item) in document.paths.paths.iter_mut() {
        for (method, operation) in operations_mut(item) {
            let (Some(operation), Some(rule)) = (operation, policy::rule_for(&method, path)) else { continue };
            let changes_state = !matches!(method, Method::GET | Method::HEAD);
            let has_body = operation.request_body.is_some();
            let has_parameters = operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
            let mut answers: Vec<(&str, String)> = Vec::new();
            if rule != Rule::Public {
                answers.push(("401", unauthenticated(rule).to_owned()));
            }
            match (rule != Rule::Public, changes_state) {
                (true, true) => answers.push(("403", format!("{}; or a call from another site", forbidden(rule)))),
                (true, false) => answers.push(("403", forbidden(rule))),
                (false, true) => {
                    answers.push(("403", "A call from another site (its `Origin` is not the portal's)".to_owned()));
                }
                (false, false) => {}
            }
            if path.contains('{') {
                answers.push(("404", "Not found, or not the caller's to see".to_owned()));
            }
            if has_body || has_parameters {
                answers.push(("400", "The body is not JSON, or a parameter is malformed".to_owned()));
            }
            if changes_state {
                answers.push(("415", "The body is not declared `application/json`".to_owned()));
            }
            if has_body {
                answers.push(("413", "The body is larger than the server accepts".to_owned()));
                answers.push(("422", "A field is missing or wrong; `fields` names each".to_owned()));
            }
            let responses = &mut operation.responses.responses;
            for (status, description) in answers {
                responses.entry(status.to_owned()).or_insert_with(|| {
                    ResponseBuilder::new().description(description).content("application/json", api_error()).into()
                });
            }
            for (status, response) in responses.iter_mut() {
                if let RefOr::T(response) = response
                    && (status.starts_with('4') || status.starts_with('5'))
                    && response.content.is_empty()
                {
                    response.content.insert("application/json".to_owned(), api_error());
                }
            }
            if operation.security.is_none() {
                operation.security = security(rule);
            }
        }
    }
}

/// The `ApiError` body of an error answer.
fn api_error() -> Content {
    Content::new(Some(Ref::from_schema_name("ApiError")))
}

/// What a 401 means under a rule.
fn unauthenticated(rule: Rule) -> &'static str {
    match rule {
        Rule::Integration => "No valid integration token",
        Rule::Operator => "Not logged in, and no metrics token",
        Rule::AccountHolder | Rule::AccountHolderOrStaff(_) => "Not logged in, and no valid API token",
        _ => "Not logged in (no session, or it has ended)",
    }
}

/// Who may call under a rule, as the 403's description.
fn forbidden(rule: Rule) -> String {
    let roles = |roles: &[shared::roles::StaffRole]| roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ");
    let who = match rule {
        Rule::Public => "anyone".to_owned(),
        Rule::Operator => "staff administrators and auditors, or the metrics token".to_owned(),
        Rule::LoggedIn => "a logged-in person (not an API token)".to_owned(),
        Rule::Customer => "a residential customer".to_owned(),
        Rule::AccountHolder => "a customer, an enterprise user or an enterprise's API token".to_owned(),
        Rule::AccountHolderUser => "a customer or an enterprise user".to_owned(),
        Rule::OrgMember => "a user of an enterprise".to_owned(),
        Rule::OrgAdmin => "an enterprise's admin".to_owned(),
        Rule::Staff(staff) => format!("staff with a role of: {}", roles(staff)),
        Rule::AccountHolderOrStaff(staff) => {
            format!("a customer, an enterprise user or API token, or staff with a role of: {}", roles(staff))
        }
        Rule::Integration => "one of the utility's systems with an integration token".to_owned(),
        Rule::Applicant => "a residential customer, or an enterprise's admin".to_owned(),
        Rule::ApplicantOrStaff(staff) => {
            format!("a residential customer, an enterprise's admin, or staff with a role of: {}", roles(staff))
        }
        Rule::StaffEverywhere(staff) => {
            format!("staff with a role of: {}, holding every supply station", roles(staff))
        }
    };
    format!("Not for this caller: only {who}")
}

/// How a caller proves who they are under a rule; `None` for public routes.
fn security(rule: Rule) -> Option<Vec<SecurityRequirement>> {
    let session = || SecurityRequirement::new("session", Vec::<String>::new());
    let token = || SecurityRequirement::new("token", Vec::<String>::new());
    match rule {
        Rule::Public => None,
        Rule::AccountHolder | Rule::AccountHolderOrStaff(_) | Rule::Operator => Some(vec![session(), token()]),
        Rule::Integration => Some(vec![token()]),
        _ => Some(vec![session()]),
    }
}

/// This API's OpenAPI 3.1 document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "documentation",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
pub async fn openapi_json(Extension(document): Extension<Arc<Document>>) -> Json<Arc<Document>> {
    Json(document)
}

/// A readable reference of this API, rendered from the OpenAPI document.
#[utoipa::path(get, path = "/api/v1/docs", tag = "documentation",
    responses((status = 200, description = "The API reference as HTML", content_type = "text/html")))]
pub async fn docs(Extension(document): Extension<Arc<Document>>) -> Html<String> {
    Html(render_docs(&document).into_string())
}

/// The operations of a path, with their methods, in a fixed order.
fn operations(item: &utoipa::openapi::PathItem) -> Vec<(&'static str, &Operation)> {
    [("GET", &item.get), ("PUT", &item.put), ("POST", &item.post), ("PATCH", &item.patch), ("DELETE", &item.delete)]
        .into_iter()
        .filter_map(|(method, op)| op.as_ref().map(|op| (method, op)))
        .collect()
}

fn render_docs(document: &Document) -> Markup {
    let title = &document.info.title;
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                link rel="stylesheet" href="/pkg/gridhall.css";
            }
            body {
                main id="main" class="site-main api-docs" {
                    h1 { (title) " " small { (document.info.version) } }
                    @if let Some(description) = &document.info.description { p class="lead" { (description) } }
                    p { "Machine-readable: " a href=(shared::api::paths::OPENAPI) { "openapi.json" } }
                    @for (path, item) in &document.paths.paths {
                        @for (method, operation) in operations(item) {
                            section class="api-operation" {
                                h2 { code { (method) " " (path) } }
                                @if let Some(summary) = &operation.summary { p { strong { (summary) } } }
                                @if let Some(description) = &operation.description { p { (description) } }
                                @if let Some(parameters) = &operation.parameters {
                                    h3 { "Parameters" }
                                    ul {
                                        @for parameter in parameters {
                                            li {
                                                code { (parameter.name) }
                                                " (" (match parameter.parameter_in {
                                                    ParameterIn::Query => "query",
                                                    ParameterIn::Path => "path",
                                                    ParameterIn::Header => "header",
                                                    ParameterIn::Cookie => "cookie",
                                                })
                                                (if matches!(parameter.required, Required::True) { ", required" } else { "" })
                                                ")"
                                                @if let Some(description) = &parameter.description { ": " (description) }
                                            }
                                        }
                                    }
                                }
                                @if operation.request_body.is_some() {
                                    p { "Request body: JSON (" code { "Content-Type: application/json" } ")." }
                                }
                                h3 { "Responses" }
                                ul {
                                    @for (status, response) in &operation.responses.responses {
                                        li {
                                            code { (status) } " "
                                            @match response {
                                                RefOr::T(response) => (response.description),
                                                RefOr::Ref(reference) => (reference.ref_location),
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
