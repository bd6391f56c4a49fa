//! The published contract: the OpenAPI document describes the wire exactly. Every closed
//! set of names in it is spelled as serde spells it, and every answer the API gives to
//! the callers below is one the document lists for that route, errors in the `ApiError`
//! shape. `scripts/fuzz-api` checks the same from generated requests.

mod common;

use std::collections::BTreeSet;

use common::TestServer;
use common::client::{As, demo};
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, ORIGIN};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use shared::api::ErrorCode;
use shared::api::applications::Timeliness;
use shared::api::billing::{BillStatus, ExceptionKind, RejectReason, RunStatus};
use shared::connection::{ApplicationKind, ApplicationStatus, CustomerClass, Party, Step, StepState, Voltage, Waiting};
use shared::i18n::Locale;
use shared::roles::{Notice, OrgRole, StaffRole, TokenScope, UserKind};
use shared::tariff::{PfStandard, TariffKind, TierBasis, TouPeriod};
use shared::{LimitUnit, ServiceArea};

on_both_backends!(every_enum_schema_is_spelled_as_serde_spells_it, every_answer_is_one_the_document_lists);

/// A closed set of names the document may describe: its schema name, the spelling serde
/// gives each of its values, and serde's reading of a spelling (written back, or `None`).
struct Names {
    schema: &'static str,
    spellings: BTreeSet<String>,
    round_trip: fn(&str) -> Option<String>,
}

fn spell<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value).expect("serialize") {
        Value::String(text) => text,
        other => panic!("not a string: {other}"),
    }
}

fn round_trip<T: Serialize + DeserializeOwned>(text: &str) -> Option<String> {
    serde_json::from_value::<T>(Value::String(text.to_owned())).ok().map(|value| spell(&value))
}

/// `names!(Type, every value)`: an entry of the registry.
macro_rules! names {
    ($ty:ident, $all:expr) => {
        Names { schema: stringify!($ty), spellings: $all.iter().map(spell).collect(), round_trip: round_trip::<$ty> }
    };
}

/// Every closed set of names that may appear in the document. An enum schema the registry
/// does not know fails the test below: add it here (with all its values).
fn registry() -> Vec<Names> {
    use ErrorCode as E;
    let error_codes = [
        E::BadRequest,
        E::MalformedJson,
        E::UnsupportedMediaType,
        E::ValidationFailed,
        E::Unauthenticated,
        E::Forbidden,
        E::NotFound,
        E::MethodNotAllowed,
        E::Conflict,
        E::PayloadTooLarge,
        E::RateLimited,
        E::Timeout,
        E::Internal,
        E::Unavailable,
        E::InvalidCredentials,
        E::EmailUnconfirmed,
        E::AccountDisabled,
        E::LinkExpired,
        E::ProofMismatch,
        E::EmailTaken,
        E::StepNotAllowed,
        E::OfferSuperseded,
        E::UnsupportedFile,
        E::Network,
        E::Unknown,
    ];
    vec![
        names!(UserKind, UserKind::ALL),
        names!(StaffRole, StaffRole::ALL),
        names!(OrgRole, OrgRole::ALL),
        names!(TokenScope, TokenScope::ALL),
        names!(Notice, Notice::ALL),
        names!(ApplicationKind, ApplicationKind::ALL),
        names!(CustomerClass, CustomerClass::ALL),
        names!(Voltage, Voltage::ALL),
        names!(ApplicationStatus, ApplicationStatus::ALL),
        names!(Step, Step::ALL),
        names!(StepState, StepState::ALL),
        names!(Waiting, Waiting::ALL),
        names!(Party, Party::ALL),
        names!(TouPeriod, TouPeriod::ALL),
        names!(TierBasis, TierBasis::ALL),
        names!(TariffKind, TariffKind::ALL),
        names!(PfStandard, PfStandard::ALL),
        names!(RejectReason, RejectReason::ALL),
        names!(BillStatus, BillStatus::ALL),
        names!(RunStatus, RunStatus::ALL),
        names!(ExceptionKind, ExceptionKind::ALL),
        names!(ServiceArea, ServiceArea::ALL),
        names!(LimitUnit, LimitUnit::ALL),
        names!(Locale, Locale::ALL),
        names!(Timeliness, [Timeliness::OnTime, Timeliness::DueSoon, Timeliness::Overdue]),
        names!(ErrorCode, error_codes),
    ]
}

/// The names of an enum schema, or `None` for any other schema.
fn enum_values(schema: &Value) -> Option<Vec<String>> {
    if let Some(values) = schema["enum"].as_array() {
        return Some(
            values.iter().map(|v| v.as_str().unwrap_or_else(|| panic!("not a name: {v}")).to_owned()).collect(),
        );
    }
    None
}

async fn every_enum_schema_is_spelled_as_serde_spells_it(server: TestServer) {
    let document = server.read(&As::Anonymous, "/api/v1/openapi.json").await.body;
    let registry = registry();
    let schemas = document["components"]["schemas"].as_object().expect("schemas");
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (name, schema) in schemas {
        let Some(values) = enum_values(schema) else { continue };
        let names = registry
            .iter()
            .find(|n| n.schema == name)
            .unwrap_or_else(|| panic!("enum schema {name} is not in the registry of tests/contract.rs: add it"));
        let documented: BTreeSet<String> = values.iter().cloned().collect();
        if documented != names.spellings {
            wrong.push(format!("{name}: the document says {documented:?}, serde spells {:?}", names.spellings));
        }
        // Each documented value is one serde reads, and writes back the same way.
        for value in &values {
            if (names.round_trip)(value).as_deref() != Some(value.as_str()) {
                wrong.push(format!("{name}: serde does not read {value:?} as itself"));
            }
        }
        checked += 1;
    }
    assert!(wrong.is_empty(), "{} enum schemas differ from the wire:\n{}", wrong.len(), wrong.join("\n"));
    // The sets the API is known to use in its answers and queries are all there.
    for name in ["UserKind", "StaffRole", "CustomerClass", "BillStatus", "TariffKind", "Step", "RunStatus", "ErrorCode"]
    {
        assert!(schemas.contains_key(name), "{name} is not in the document");
    }
    assert!(checked >= 15, "only {checked} enum schemas found");
}

/// The documented answers of an operation: status → whether its JSON body is `ApiError`.
fn documented(operation: &Value) -> Vec<(String, bool)> {
    operation["responses"]
        .as_object()
        .expect("responses")
        .iter()
        .map(|(status, response)| {
            let schema = &response["content"]["application/json"]["schema"]["$ref"];
            (status.clone(), schema == "#/components/schemas/ApiError")
        })
        .collect()
}

/// Calls every operation of the document as anonymous, a customer, an enterprise admin,
/// an enterprise token and a staff admin, with a path id that does not exist, an empty
/// JSON body, a body that is not JSON, and a body declared as text; every answer must be
/// one the document lists for that operation, and an error must be documented as `ApiError`.
async fn every_answer_is_one_the_document_lists(server: TestServer) {
    let logins = server.demo_logins().await;
    let customer = server.demo_login(&logins, demo::CUSTOMER).await;
    let org_admin = server.demo_login(&logins, demo::ORG_ADMIN).await;
    let staff_admin = server.demo_login(&logins, demo::ADMIN).await;
    let issued = server
        .post(&org_admin, "/api/v1/org/tokens", json!({"name": "contract", "scope": "read", "expires_in_days": 1}))
        .await;
    let token = As::Bearer(issued.body["token"].as_str().expect("token").to_owned());
    let callers = [
        ("anonymous", As::Anonymous),
        ("customer", customer),
        ("enterprise admin", org_admin),
        ("token", token),
        ("staff admin", staff_admin),
    ];

    let document = server.read(&As::Anonymous, "/api/v1/openapi.json").await.body;
    let mut undocumented = BTreeSet::new();
    let mut checked = 0;
    for (template, item) in document["paths"].as_object().expect("paths") {
        for method in ["get", "put", "post", "patch", "delete"] {
            let Some(operation) = item.get(method) else { continue };
            // Logging out would end the callers' sessions for the calls after it.
            if template == "/api/v1/auth/logout" {
                continue;
            }
            let listed = documented(operation);
            let method: Method = method.to_uppercase().parse().expect("method");
            let path = template
                .replace("{account_no}", "0000000000")
                .replace("{year}", "1900")
                .split('/')
                .map(|segment| if segment.starts_with('{') { "999999" } else { segment })
                .collect::<Vec<_>>()
                .join("/");
            let mut bodies: Vec<Option<(&str, String)>> = vec![None];
            if method != Method::GET {
                bodies = vec![
                    Some(("application/json", "{}".to_owned())),
                    Some(("application/json", "{not json".to_owned())),
                    Some(("text/plain", "{}".to_owned())),
                ];
            }
            for (who, caller) in &callers {
                for body in &bodies {
                    let mut request = server.client.request(method.clone(), server.url(&path));
                    match caller {
                        As::Anonymous => {}
                        As::Session(session) => {
                            request = request.header("cookie", format!("gridhall_session={session}"))
                        }
                        As::Bearer(token) => request = request.bearer_auth(token),
                    }
                    if let Some((content_type, text)) = body {
                        request = request
                            .header(CONTENT_TYPE, *content_type)
                            .header(ORIGIN, server.url(""))
                            .body(text.clone());
                    }
                    let response = request.send().await.expect("request");
                    let status = response.status();
                    let text = response.text().await.expect("body");
                    checked += 1;
                    let entry = listed.iter().find(|(s, _)| *s == status.as_str());
                    let fine = match entry {
                        None => false,
                        Some((_, is_error_shape)) if status.is_client_error() || status.is_server_error() => {
                            *is_error_shape && serde_json::from_str::<shared::api::ApiError>(&text).is_ok()
                        }
                        Some(_) => true,
                    };
                    if !fine {
                        let sent = body.as_ref().map(|(t, b)| format!(" [{t}: {b}]")).unwrap_or_default();
                        undocumented.insert(format!("{method} {template} as {who}{sent}: {status} is not documented"));
                    }
                    assert!(!status.is_server_error(), "{method} {path} as {who}: {status} {text}");
                }
            }
        }
    }
    assert!(
        undocumented.is_empty(),
        "{} answers are not in the document:\n{}",
        undocumented.len(),
        undocumented.into_iter().collect::<Vec<_>>().join("\n")
    );
    assert!(checked > 500, "only {checked} calls");
}
