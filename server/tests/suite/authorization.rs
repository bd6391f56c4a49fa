//! The authorization matrix: every route of the OpenAPI document, called by every kind of
//! caller, answers as this table expects. The table is written here, apart from the
//! server's own rules, so a wrong rule on either side fails; a route the table does not
//! know fails too.

use crate::common::TestServer;
use crate::common::client::{As, demo};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_backends!(every_route_answers_every_caller_as_expected);

/// The callers of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Customer,
    OtherCustomer,
    OrgAdmin,
    OrgPayer,
    OrgViewer,
    Token,
    Agent,
    Supervisor,
    ConnectionHandler,
    BillingOperator,
    KeyAccountManager,
    StaffAdmin,
    Auditor,
    Integration,
    /// A billing operator limited to one supply station (PD01).
    StationOperator,
    /// A staff admin limited to one supply station (PD01).
    StationAdmin,
}

use Who::*;

const EVERYONE: &[Who] = &[
    Anonymous,
    Integration,
    Customer,
    OtherCustomer,
    OrgAdmin,
    OrgPayer,
    OrgViewer,
    Token,
    Agent,
    Supervisor,
    ConnectionHandler,
    BillingOperator,
    KeyAccountManager,
    StaffAdmin,
    Auditor,
    StationOperator,
    StationAdmin,
];
/// Everyone but the read-only API token, which never writes whatever the route.
const EVERYONE_WHO_WRITES: &[Who] = &[
    Anonymous,
    Integration,
    Customer,
    OtherCustomer,
    OrgAdmin,
    OrgPayer,
    OrgViewer,
    Agent,
    Supervisor,
    ConnectionHandler,
    BillingOperator,
    KeyAccountManager,
    StaffAdmin,
    Auditor,
    StationOperator,
    StationAdmin,
];
const PEOPLE: &[Who] = &[
    Customer,
    OtherCustomer,
    OrgAdmin,
    OrgPayer,
    OrgViewer,
    Agent,
    Supervisor,
    ConnectionHandler,
    BillingOperator,
    KeyAccountManager,
    StaffAdmin,
    Auditor,
    StationOperator,
    StationAdmin,
];
const CUSTOMERS: &[Who] = &[Customer, OtherCustomer];
const ACCOUNT_HOLDERS: &[Who] = &[Customer, OtherCustomer, OrgAdmin, OrgPayer, OrgViewer, Token];
const ORG_USERS: &[Who] = &[OrgAdmin, OrgPayer, OrgViewer];
const ORG_ADMINS: &[Who] = &[OrgAdmin];
const STAFF: &[Who] = &[
    Agent,
    Supervisor,
    ConnectionHandler,
    BillingOperator,
    KeyAccountManager,
    StaffAdmin,
    Auditor,
    StationOperator,
    StationAdmin,
];
const ADMIN_AUDITOR: &[Who] = &[StaffAdmin, Auditor, StationAdmin];
const ADMIN: &[Who] = &[StaffAdmin, StationAdmin];
/// A change that reaches every supply station (a tariff, the calendar, the time limits): an
/// admin limited to some stations is refused.
const ADMIN_OF_EVERY_STATION: &[Who] = &[StaffAdmin];
/// People who may turn their own second factor off (staff must keep theirs).
const NOT_STAFF: &[Who] = &[Customer, OtherCustomer, OrgAdmin, OrgPayer, OrgViewer];
const APPLICANTS: &[Who] = &[Customer, OtherCustomer, OrgAdmin, OrgPayer, OrgViewer];
/// Who may start, change, submit, cancel or accept offers on an application: customers for
/// themselves, and of an enterprise only its admin (payers and viewers read).
const APPLICATION_WRITERS: &[Who] = &[Customer, OtherCustomer, OrgAdmin];
/// Who may add a document: the applicants who may act, and the staff who work applications.
const DOCUMENT_WRITERS: &[Who] = &[Customer, OtherCustomer, OrgAdmin, Supervisor, ConnectionHandler];
const CONNECTION_READERS: &[Who] =
    &[Supervisor, ConnectionHandler, KeyAccountManager, StaffAdmin, Auditor, StationAdmin];
const CONNECTION_WORKERS: &[Who] = &[Supervisor, ConnectionHandler];
const BILL_VIEWERS: &[Who] = &[
    Customer,
    OtherCustomer,
    OrgAdmin,
    OrgPayer,
    OrgViewer,
    Token,
    Agent,
    Supervisor,
    BillingOperator,
    KeyAccountManager,
    StaffAdmin,
    Auditor,
    StationOperator,
    StationAdmin,
];
const BILL_OPERATORS: &[Who] = &[BillingOperator, StaffAdmin, StationOperator, StationAdmin];
/// A billing run bills every station: operators limited to some are refused.
const BILL_OPERATORS_OF_EVERY_STATION: &[Who] = &[BillingOperator, StaffAdmin];
const BILLING_READERS: &[Who] = &[BillingOperator, StaffAdmin, Auditor, StationOperator, StationAdmin];
const INTEGRATION: &[Who] = &[Integration];

/// Who may call each route. Bodies are empty or invalid on purpose: an allowed caller gets
/// past the access check and stops at validation, so nothing is changed by the matrix.
fn allowed(method: &Method, path: &str) -> Option<&'static [Who]> {
    Some(match (method.as_str(), path) {
        ("GET", "/api/v1/commitments") => EVERYONE,
        ("PUT", "/api/v1/preferences/language") => EVERYONE_WHO_WRITES,
        ("GET", "/api/v1/openapi.json" | "/api/v1/docs" | "/healthz" | "/readyz") => EVERYONE,
        ("GET", "/metrics") => ADMIN_AUDITOR,
        ("POST", "/api/v1/auth/register" | "/api/v1/auth/confirm" | "/api/v1/auth/login") => EVERYONE_WHO_WRITES,
        ("POST", "/api/v1/auth/password/forgot" | "/api/v1/auth/password/reset") => EVERYONE_WHO_WRITES,
        ("POST", "/api/v1/auth/logout") => PEOPLE,
        ("GET" | "PATCH", "/api/v1/me") => PEOPLE,
        ("POST", "/api/v1/me/password") => PEOPLE,
        ("POST", "/api/v1/auth/second-factor/setup" | "/api/v1/auth/second-factor/confirm") => EVERYONE_WHO_WRITES,
        ("POST", "/api/v1/me/second-factor/verify") => PEOPLE,
        ("POST", "/api/v1/me/second-factor/disable") => NOT_STAFF,
        ("GET", "/api/v1/me/accounts") => ACCOUNT_HOLDERS,
        ("POST", "/api/v1/me/accounts" | "/api/v1/me/accounts/code") => CUSTOMERS,
        ("GET", "/api/v1/me/accounts/{account_no}/logins") => CUSTOMERS,
        ("DELETE", "/api/v1/me/accounts/{account_no}/logins/{user_id}") => CUSTOMERS,
        ("GET", "/api/v1/org/members") => ORG_USERS,
        ("POST", "/api/v1/org/members") => ORG_ADMINS,
        ("PATCH" | "DELETE", "/api/v1/org/members/{user_id}") => ORG_ADMINS,
        ("DELETE", "/api/v1/org/invitations/{invitation_id}") => ORG_ADMINS,
        ("GET" | "POST", "/api/v1/org/tokens") => ORG_ADMINS,
        ("DELETE", "/api/v1/org/tokens/{token_id}") => ORG_ADMINS,
        ("GET", "/api/v1/staff/users") => ADMIN_AUDITOR,
        ("POST", "/api/v1/staff/users") => ADMIN,
        ("PATCH", "/api/v1/staff/users/{user_id}") => ADMIN,
        ("GET", "/api/v1/staff/regions") => STAFF,
        ("GET", "/api/v1/audit") => ADMIN_AUDITOR,
        ("GET", "/api/v1/applications") => APPLICANTS,
        ("POST", "/api/v1/applications") => APPLICATION_WRITERS,
        ("GET", "/api/v1/applications/{id}") => PEOPLE,
        ("PUT", "/api/v1/applications/{id}") => APPLICATION_WRITERS,
        ("POST", "/api/v1/applications/{id}/actions") => APPLICATION_WRITERS,
        ("POST", "/api/v1/applications/{id}/documents") => DOCUMENT_WRITERS,
        ("GET", "/api/v1/applications/{id}/documents/{document_id}") => PEOPLE,
        ("GET", "/api/v1/staff/applications" | "/api/v1/staff/applications/dashboard") => CONNECTION_READERS,
        ("POST", "/api/v1/staff/applications/{id}/assign") => CONNECTION_WORKERS,
        ("GET", "/api/v1/staff/handlers") => CONNECTION_WORKERS,
        ("POST", "/api/v1/staff/applications/{id}/actions" | "/api/v1/staff/applications/{id}/follow-up") => {
            CONNECTION_WORKERS
        }
        ("GET", "/api/v1/statistics/connections" | "/api/v1/calendar" | "/api/v1/regions") => EVERYONE,
        ("PUT", "/api/v1/staff/calendar/{year}") => ADMIN_OF_EVERY_STATION,
        ("POST", "/api/v1/staff/commitments") => ADMIN_OF_EVERY_STATION,
        ("GET", "/api/v1/me/notices") => PEOPLE,
        ("POST", "/api/v1/me/notices/read") => PEOPLE,
        (
            "GET",
            "/api/v1/accounts/{account_no}/bills"
            | "/api/v1/bills/{id}"
            | "/api/v1/bills/{id}/lines.csv"
            | "/api/v1/bills/{id}/pdf",
        ) => BILL_VIEWERS,
        ("GET", "/api/v1/accounts/{account_no}/usage" | "/api/v1/accounts/{account_no}/load") => BILL_VIEWERS,
        ("GET", "/api/v1/org/bills" | "/api/v1/org/bills.csv") => ORG_USERS,
        ("GET", "/api/v1/tariffs") => EVERYONE,
        ("POST", "/api/v1/staff/tariffs" | "/api/v1/staff/tariffs/{code}/versions") => ADMIN_OF_EVERY_STATION,
        ("PUT", "/api/v1/staff/accounts/{account_no}/billing" | "/api/v1/staff/accounts/{account_no}/hold") => {
            BILL_OPERATORS
        }
        (
            "POST",
            "/api/v1/staff/readings"
            | "/api/v1/staff/readings/file"
            | "/api/v1/staff/meters/{meter_no}/changes"
            | "/api/v1/staff/billing/runs/{id}/exceptions/{account_no}/bill"
            | "/api/v1/staff/bills/{id}/actions"
            | "/api/v1/staff/adjustments"
            | "/api/v1/staff/adjustments/{id}/decision",
        ) => BILL_OPERATORS,
        ("GET", "/api/v1/staff/adjustments/pending") => BILL_OPERATORS,
        ("POST", "/api/v1/staff/billing/runs") => BILL_OPERATORS_OF_EVERY_STATION,
        (
            "GET",
            "/api/v1/staff/readings/imports"
            | "/api/v1/staff/readings/imports/{import_id}"
            | "/api/v1/staff/billing/runs"
            | "/api/v1/staff/billing/runs/{id}",
        ) => BILLING_READERS,
        ("GET", "/api/v1/staff/integration-tokens") => ADMIN_AUDITOR,
        ("POST", "/api/v1/staff/integration-tokens") => ADMIN,
        ("DELETE", "/api/v1/staff/integration-tokens/{token_id}") => ADMIN,
        ("POST", "/api/v1/integration/readings") => INTEGRATION,
        _ => return None,
    })
}

/// A harmless body for a state-changing call: `{}` fails validation everywhere except
/// logout, which gets a wrongly typed field instead.
fn body_for(path: &str) -> Value {
    if path == "/api/v1/auth/logout" { json!({"everywhere": "not a boolean"}) } else { json!({}) }
}

async fn every_route_answers_every_caller_as_expected(server: TestServer) {
    let logins = server.demo_logins().await;
    let mut callers: Vec<(Who, As)> = vec![(Anonymous, As::Anonymous)];
    for (who, email) in [
        (Customer, demo::CUSTOMER),
        (OrgAdmin, demo::ORG_ADMIN),
        (OrgPayer, demo::ORG_PAYER),
        (Agent, demo::AGENT),
        (Supervisor, demo::SUPERVISOR),
        (ConnectionHandler, demo::CONNECTION_HANDLER),
        (BillingOperator, demo::BILLING_OPERATOR),
        (KeyAccountManager, demo::KEY_ACCOUNT_MANAGER),
        (StaffAdmin, demo::ADMIN),
        (Auditor, demo::AUDITOR),
    ] {
        callers.push((who, server.demo_login(&logins, email).await));
    }
    let password = "Lantern-orchard-47-tide";
    callers.push((OtherCustomer, server.new_customer("other@example.com", "Other", password).await));
    let org_admin = callers.iter().find(|(w, _)| *w == OrgAdmin).map(|(_, a)| a.clone()).expect("admin");
    let invited = server
        .post(
            &org_admin,
            "/api/v1/org/members",
            json!({"email": "viewer@huadong.example", "display_name": "Viewer", "role": "viewer"}),
        )
        .await;
    assert_eq!(invited.status, StatusCode::ACCEPTED);
    let mail = server.mail.wait_for("viewer@huadong.example", "", std::time::Duration::from_secs(15)).await;
    let token = mail.token(&server.url("/welcome")).expect("invitation");
    server.post(&As::Anonymous, "/api/v1/auth/password/reset", json!({"token": token, "password": password})).await;
    callers.push((OrgViewer, server.login("viewer@huadong.example", password).await));
    let issued = server
        .post(&org_admin, "/api/v1/org/tokens", json!({"name": "matrix", "scope": "read", "expires_in_days": 1}))
        .await;
    callers.push((Token, As::Bearer(issued.body["token"].as_str().expect("token").to_owned())));
    let admin = callers.iter().find(|(w, _)| *w == StaffAdmin).map(|(_, a)| a.clone()).expect("admin");
    let system = server
        .post(&admin, "/api/v1/staff/integration-tokens", json!({"name": "采集系统", "expires_in_days": 1}))
        .await;
    assert_eq!(system.status, StatusCode::CREATED, "{}", system.body);
    callers.push((Integration, As::Bearer(system.body["token"].as_str().expect("token").to_owned())));
    callers.push((
        StationOperator,
        server.new_staff(&admin, "pd.operator@staff.gridhall.example", &["billing_operator"], &["PD01"]).await,
    ));
    callers
        .push((StationAdmin, server.new_staff(&admin, "pd.admin@staff.gridhall.example", &["admin"], &["PD01"]).await));
    assert_eq!(callers.len(), EVERYONE.len());

    let document = server.read(&As::Anonymous, "/api/v1/openapi.json").await.body;
    let paths = document["paths"].as_object().expect("paths");
    let mut checked = 0;
    let mut failures = Vec::new();
    for (template, item) in paths {
        for method in ["get", "put", "post", "patch", "delete"] {
            if item.get(method).is_none() {
                continue;
            }
            let method: Method = method.to_uppercase().parse().expect("method");
            let allowed = allowed(&method, template)
                .unwrap_or_else(|| panic!("{method} {template} has no row in the authorization matrix: add one"));
            let path = template
                .replace("{account_no}", demo::CUSTOMER_ACCOUNT)
                .replace("{user_id}", "999999")
                .replace("{token_id}", "999999")
                .replace("{id}", "999999")
                .replace("{document_id}", "1")
                .replace("{year}", "2027")
                .replace("{meter_no}", "E0000000000")
                .replace("{code}", "residential-tiered");
            for (who, caller) in &callers {
                let body = (method != Method::GET).then(|| body_for(template));
                let answer = server.call(caller, method.clone(), &path, body).await;
                let ok = if allowed.contains(who) {
                    answer.status != StatusCode::UNAUTHORIZED && answer.status != StatusCode::FORBIDDEN
                } else if *who == Anonymous {
                    answer.status == StatusCode::UNAUTHORIZED
                } else {
                    answer.status == StatusCode::FORBIDDEN
                };
                if !ok {
                    failures.push(format!("{method} {template} as {who:?}: {} {}", answer.status, answer.body));
                }
                checked += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{} of {checked} calls answered wrongly:\n{}", failures.len(), failures.join("\n"));
    assert!(checked >= 77 * EVERYONE.len(), "only {checked} calls checked");
}
