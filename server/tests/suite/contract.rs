//! The published contract: the OpenAPI document describes the wire exactly. Every closed
//! set of names in it is spelled as serde spells it, and every answer the API gives to
//! the callers below is one the document lists for that route, errors in the `ApiError`
//! shape. `scripts/fuzz-api` checks the same from generated requests.

use std::collections::BTreeSet;

use crate::common::TestServer;
use crate::common::client::{As, demo};
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, ORIGIN};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use shared::api::ErrorCode;
use shared::api::applications::{DocumentKind, IntakeWarningCode, Timeliness};
use shared::api::billing::{
    AdjustmentDecision, AdjustmentStatus, BillStatus, ExceptionKind, ImportStatus, RejectReason, RunStatus,
};
use shared::connection::{
    ApplicationKind, ApplicationStatus, CustomerClass, HistoryAction, Party, Step, StepState, Voltage, Waiting,
};
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
        E::OwnRequest,
        E::UnsupportedFile,
        E::SecondFactorRequired,
        E::SecondFactorInvalid,
        E::SecondFactorEnrolmentRequired,
        E::StationNotHeld,
        E::RoleNotHeld,
        E::WeakLinkCannotUnlink,
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
        names!(HistoryAction, HistoryAction::ALL),
        names!(DocumentKind, DocumentKind::ALL),
        names!(IntakeWarningCode, IntakeWarningCode::ALL),
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
        names!(AdjustmentStatus, AdjustmentStatus::ALL),
        names!(AdjustmentDecision, AdjustmentDecision::ALL),
        names!(RunStatus, RunStatus::ALL),
        names!(ImportStatus, ImportStatus::ALL),
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
            .unwrap_or_else(|| panic!("enum schema {name} is not in the registry of tests/suite/contract.rs: add it"));
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
    // (A struct of the same name must not take one's place: `Notice` once did.)
    for name in [
        "UserKind",
        "StaffRole",
        "CustomerClass",
        "BillStatus",
        "TariffKind",
        "Step",
        "RunStatus",
        "ErrorCode",
        "Notice",
    ] {
        assert!(schemas.get(name).and_then(enum_values).is_some(), "{name} is not an enum schema of the document");
    }
    assert!(checked >= 15, "only {checked} enum schemas found");
}

/// Where a JSON value breaks a schema of the document (`type`, `enum`, `properties` and
/// `required`, `items` and `prefixItems`, `$ref`, `oneOf`/`anyOf`/`allOf`): a small
/// validator for the keywords utoipa writes.
fn violations(value: &Value, schema: &Value, document: &Value, at: &str) -> Vec<String> {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.trim_start_matches("#/components/schemas/");
        return violations(value, &document["components"]["schemas"][name], document, at);
    }
    let mut found = Vec::new();
    for (keyword, all) in [("oneOf", false), ("anyOf", false), ("allOf", true)] {
        if let Some(branches) = schema[keyword].as_array() {
            let failing: Vec<Vec<String>> =
                branches.iter().map(|b| violations(value, b, document, at)).filter(|v| !v.is_empty()).collect();
            if (all && !failing.is_empty()) || (!all && failing.len() == branches.len()) {
                found.push(format!("{at}: {value} fits no branch of {keyword}: {failing:?}"));
            }
        }
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(one) => vec![one.as_str()],
        Value::Array(many) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let type_of = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    let fits = types.is_empty() || types.contains(&type_of) || (type_of == "integer" && types.contains(&"number"));
    if !fits {
        found.push(format!("{at}: {value} is not of type {types:?}"));
        return found;
    }
    if let Some(names) = schema["enum"].as_array()
        && !names.contains(value)
    {
        found.push(format!("{at}: {value} is not one of {names:?}"));
    }
    match value {
        Value::Object(fields) => {
            for required in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
                if !fields.contains_key(required) {
                    found.push(format!("{at}: {required} is missing"));
                }
            }
            for (name, property) in schema["properties"].as_object().into_iter().flatten() {
                if let Some(field) = fields.get(name) {
                    found.extend(violations(field, property, document, &format!("{at}.{name}")));
                }
            }
        }
        Value::Array(items) => {
            let prefix = schema["prefixItems"].as_array().cloned().unwrap_or_default();
            for (i, item) in items.iter().enumerate() {
                let item_schema = prefix.get(i).unwrap_or(&schema["items"]);
                if item_schema.is_object() {
                    found.extend(violations(item, item_schema, document, &format!("{at}[{i}]")));
                }
            }
        }
        _ => {}
    }
    found
}

/// The documented answers of an operation, by status.
fn documented(operation: &Value) -> Vec<(String, Value)> {
    operation["responses"].as_object().expect("responses").iter().map(|(s, r)| (s.clone(), r.clone())).collect()
}

/// Calls every operation of the document as anonymous, a customer, an enterprise admin,
/// an enterprise token and a staff admin: with a path id that does not exist and (reads)
/// with the caller's own account and bill; state-changing ones with an empty JSON body, a
/// body that is not JSON, and a body declared as text. Every answer must be one the
/// document lists for that operation, an error must be documented as `ApiError` and be
/// one, and a JSON answer must fit its documented schema.
async fn every_answer_is_one_the_document_lists(server: TestServer) {
    let logins = server.demo_logins().await;
    gridhall::demo::billing::load(&server.state).await.expect("demo bills");
    let customer = server.demo_login(&logins, demo::CUSTOMER).await;
    let org_admin = server.demo_login(&logins, demo::ORG_ADMIN).await;
    let staff_admin = server.demo_login(&logins, demo::ADMIN).await;
    let issued = server
        .post(&org_admin, "/api/v1/org/tokens", json!({"name": "contract", "scope": "read", "expires_in_days": 1}))
        .await;
    let token = As::Bearer(issued.body["token"].as_str().expect("token").to_owned());
    let bill_of =
        |answer: crate::common::client::Answer| answer.body[0]["id"].as_i64().expect("a demo bill").to_string();
    let customer_bill =
        bill_of(server.read(&customer, &format!("/api/v1/accounts/{}/bills", demo::CUSTOMER_ACCOUNT)).await);
    let enterprise_account = "3200000001";
    let enterprise_bill =
        bill_of(server.read(&org_admin, &format!("/api/v1/accounts/{enterprise_account}/bills")).await);
    // Who calls, with the account and bill of their own that reads are also tried with.
    let callers = [
        ("anonymous", As::Anonymous, demo::CUSTOMER_ACCOUNT, customer_bill.as_str()),
        ("customer", customer, demo::CUSTOMER_ACCOUNT, customer_bill.as_str()),
        ("enterprise admin", org_admin, enterprise_account, enterprise_bill.as_str()),
        ("token", token, enterprise_account, enterprise_bill.as_str()),
        ("staff admin", staff_admin, enterprise_account, enterprise_bill.as_str()),
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
            let unknown = template
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
            for (who, caller, account, bill) in &callers {
                let mut paths = vec![unknown.clone()];
                if method == Method::GET && template.contains('{') {
                    paths.push(template.replace("{account_no}", account).replace("{id}", bill));
                }
                for (path, body) in paths.iter().flat_map(|p| bodies.iter().map(move |b| (p, b))) {
                    let mut request = server.client.request(method.clone(), server.url(path));
                    match caller {
                        As::Anonymous => {}
                        As::Session(session) => {
                            request = request.header("cookie", format!("gridhall_session={session}"));
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
                    let json = response
                        .headers()
                        .get(CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .is_some_and(|v| v.starts_with("application/json"));
                    let text = response.text().await.expect("body");
                    checked += 1;
                    let sent = body.as_ref().map(|(t, b)| format!(" [{t}: {b}]")).unwrap_or_default();
                    let Some((_, answer)) = listed.iter().find(|(s, _)| *s == status.as_str()) else {
                        undocumented.insert(format!("{method} {template} as {who}{sent}: {status} is not documented"));
                        continue;
                    };
                    let schema = &answer["content"]["application/json"]["schema"];
                    if status.is_client_error() || status.is_server_error() {
                        if schema["$ref"] != "#/components/schemas/ApiError"
                            || serde_json::from_str::<shared::api::ApiError>(&text).is_err()
                        {
                            undocumented
                                .insert(format!("{method} {template} as {who}{sent}: {status} is not ApiError"));
                        }
                    } else if json && schema.is_object() {
                        let value: Value = serde_json::from_str(&text).expect("JSON answer");
                        for wrong in violations(&value, schema, &document, "body") {
                            undocumented.insert(format!("{method} {path} as {who}: {status}: {wrong}"));
                        }
                    }
                    assert!(!status.is_server_error(), "{method} {path} as {who}: {status} {text}");
                }
            }
        }
    }
    assert!(
        undocumented.is_empty(),
        "{} answers are not as the document says:\n{}",
        undocumented.len(),
        undocumented.into_iter().collect::<Vec<_>>().join("\n")
    );
    assert!(checked > 500, "only {checked} calls");
}
