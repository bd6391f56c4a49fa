//! The OpenAPI document, generated from the handlers' annotations, and a readable API
//! reference page rendered from it.

use std::sync::Arc;

use axum::Json;
use axum::extract::Extension;
use axum::response::Html;
use maud::{DOCTYPE, Markup, html};
use utoipa::OpenApi;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::{OpenApi as Document, RefOr, Required};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{accounts, applications, billing, bills, commitments, connections, identity, ops, org, preferences, staff};
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
    OpenApiRouter::with_openapi(ApiDoc::openapi())
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
        .routes(routes!(accounts::list, accounts::link))
        .routes(routes!(accounts::send_code))
        .routes(routes!(accounts::logins))
        .routes(routes!(accounts::unlink))
        .routes(routes!(org::members, org::invite))
        .routes(routes!(org::change_member, org::remove_member))
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
        .routes(routes!(billing::change_meter))
        .routes(routes!(billing::runs, billing::start_run))
        .routes(routes!(billing::get_run))
        .routes(routes!(billing::act_on_bill))
        .routes(routes!(billing::adjust))
        .routes(routes!(billing::integration_readings))
        .routes(routes!(billing::integration_tokens, billing::issue_integration_token))
        .routes(routes!(billing::revoke_integration_token))
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
