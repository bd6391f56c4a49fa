//! Who may call what: one table, one check. Every API route has a rule here; a request to
//! a route without one is refused (and logged as a bug), and a test fails for any route in
//! the OpenAPI document that lacks one. Record-level checks (whose account, which
//! organisation) are made by the services on top of this.

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use shared::api::ErrorCode;
use shared::roles::{OrgRole, StaffRole, TokenScope, UserKind, may_apply, stations};

use super::auth::{Principal, has_metrics_token};
use super::error::AppError;
use crate::state::AppState;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Anyone.
    Public,
    /// Operators: staff admins and auditors, or a collector with the metrics token.
    Operator,
    /// Any logged-in person.
    LoggedIn,
    /// A logged-in residential customer.
    Customer,
    /// Whoever has accounts: a customer, an enterprise user, or an enterprise's API token.
    AccountHolder,
    /// A logged-in customer or enterprise user (not staff, not a token).
    AccountHolderUser,
    /// Who acts on connection applications: a customer, or an enterprise user whose role
    /// allows it (`shared::roles::may_apply`: the admin; payers and viewers only read).
    Applicant,
    /// An applicant (as `Applicant`), or staff holding one of these roles.
    ApplicantOrStaff(&'static [StaffRole]),
    /// Any user of an enterprise.
    OrgMember,
    /// An enterprise's admin.
    OrgAdmin,
    /// Staff holding one of these roles.
    Staff(&'static [StaffRole]),
    /// Staff holding one of these roles and every supply station: a change that reaches
    /// every station (a billing run, a tariff, the calendar, the time limits) is not for
    /// someone limited to some (`shared::roles::stations::covers_every`).
    StaffEverywhere(&'static [StaffRole]),
    /// Whoever has accounts (as `AccountHolder`), or staff holding one of these roles.
    AccountHolderOrStaff(&'static [StaffRole]),
    /// One of the utility's systems with an integration token.
    Integration,
}

use shared::roles::can;

/// Staff who read connection applications.
const CONNECTION_READERS: &[StaffRole] = can::READ_APPLICATIONS;
/// Staff who work them.
const CONNECTION_WORKERS: &[StaffRole] = can::WORK_APPLICATIONS;
/// Staff who read bills.
const BILL_READERS: &[StaffRole] = can::READ_BILLS;
/// Staff who import readings, run billing and correct bills.
const BILL_OPERATORS: &[StaffRole] = can::OPERATE_BILLING;
/// Staff who follow billing runs and imports.
const BILL_WATCHERS: &[StaffRole] = can::WATCH_BILLING;
/// Staff who read the configuration and the audit log.
const ADMIN_READERS: &[StaffRole] = can::READ_ADMINISTRATION;
/// Staff who change it.
const ADMINS: &[StaffRole] = can::ADMINISTER;

/// Routes whose body is a file (`application/octet-stream`) rather than JSON. A
/// cross-site form cannot send that type either, and the same-origin check still applies.
pub const UPLOAD_ROUTES: &[&str] = &["/api/v1/applications/{id}/documents", "/api/v1/staff/readings/file"];

/// The rule of every route, by method and path template.
pub const RULES: &[(Method, &str, Rule)] = &[
    (Method::GET, "/api/v1/commitments", Rule::Public),
    (Method::PUT, "/api/v1/preferences/language", Rule::Public),
    (Method::GET, "/api/v1/openapi.json", Rule::Public),
    (Method::GET, "/api/v1/docs", Rule::Public),
    (Method::GET, "/healthz", Rule::Public),
    (Method::GET, "/readyz", Rule::Public),
    (Method::GET, "/metrics", Rule::Operator),
    (Method::POST, "/api/v1/auth/register", Rule::Public),
    (Method::POST, "/api/v1/auth/confirm", Rule::Public),
    (Method::POST, "/api/v1/auth/login", Rule::Public),
    (Method::POST, "/api/v1/auth/logout", Rule::LoggedIn),
    (Method::POST, "/api/v1/auth/password/forgot", Rule::Public),
    (Method::POST, "/api/v1/auth/password/reset", Rule::Public),
    (Method::GET, "/api/v1/me", Rule::LoggedIn),
    (Method::PATCH, "/api/v1/me", Rule::LoggedIn),
    (Method::POST, "/api/v1/me/password", Rule::LoggedIn),
    (Method::POST, "/api/v1/auth/second-factor/setup", Rule::Public),
    (Method::POST, "/api/v1/auth/second-factor/confirm", Rule::Public),
    (Method::POST, "/api/v1/me/second-factor/verify", Rule::LoggedIn),
    (Method::POST, "/api/v1/me/second-factor/disable", Rule::AccountHolderUser),
    (Method::GET, "/api/v1/me/accounts", Rule::AccountHolder),
    (Method::POST, "/api/v1/me/accounts", Rule::Customer),
    (Method::POST, "/api/v1/me/accounts/code", Rule::Customer),
    (Method::GET, "/api/v1/me/accounts/{account_no}/logins", Rule::Customer),
    (Method::DELETE, "/api/v1/me/accounts/{account_no}/logins/{user_id}", Rule::Customer),
    (Method::GET, "/api/v1/org/members", Rule::OrgMember),
    (Method::POST, "/api/v1/org/members", Rule::OrgAdmin),
    (Method::PATCH, "/api/v1/org/members/{user_id}", Rule::OrgAdmin),
    (Method::DELETE, "/api/v1/org/members/{user_id}", Rule::OrgAdmin),
    (Method::DELETE, "/api/v1/org/invitations/{invitation_id}", Rule::OrgAdmin),
    (Method::GET, "/api/v1/org/tokens", Rule::OrgAdmin),
    (Method::POST, "/api/v1/org/tokens", Rule::OrgAdmin),
    (Method::DELETE, "/api/v1/org/tokens/{token_id}", Rule::OrgAdmin),
    (Method::GET, "/api/v1/staff/users", Rule::Staff(ADMIN_READERS)),
    (Method::POST, "/api/v1/staff/users", Rule::Staff(ADMINS)),
    (Method::PATCH, "/api/v1/staff/users/{user_id}", Rule::Staff(ADMINS)),
    (Method::GET, "/api/v1/staff/regions", Rule::Staff(StaffRole::ALL)),
    (Method::GET, "/api/v1/audit", Rule::Staff(ADMIN_READERS)),
    (Method::GET, "/api/v1/applications", Rule::AccountHolderUser),
    (Method::POST, "/api/v1/applications", Rule::Applicant),
    (Method::GET, "/api/v1/applications/{id}", Rule::LoggedIn),
    (Method::PUT, "/api/v1/applications/{id}", Rule::Applicant),
    (Method::POST, "/api/v1/applications/{id}/actions", Rule::Applicant),
    (Method::POST, "/api/v1/applications/{id}/documents", Rule::ApplicantOrStaff(CONNECTION_WORKERS)),
    (Method::GET, "/api/v1/applications/{id}/documents/{document_id}", Rule::LoggedIn),
    (Method::GET, "/api/v1/staff/applications", Rule::Staff(CONNECTION_READERS)),
    (Method::GET, "/api/v1/staff/applications/dashboard", Rule::Staff(CONNECTION_READERS)),
    (Method::POST, "/api/v1/staff/applications/{id}/assign", Rule::Staff(CONNECTION_WORKERS)),
    (Method::GET, "/api/v1/staff/handlers", Rule::Staff(CONNECTION_WORKERS)),
    (Method::POST, "/api/v1/staff/applications/{id}/actions", Rule::Staff(CONNECTION_WORKERS)),
    (Method::POST, "/api/v1/staff/applications/{id}/follow-up", Rule::Staff(CONNECTION_WORKERS)),
    (Method::GET, "/api/v1/statistics/connections", Rule::Public),
    (Method::GET, "/api/v1/calendar", Rule::Public),
    (Method::GET, "/api/v1/regions", Rule::Public),
    (Method::PUT, "/api/v1/staff/calendar/{year}", Rule::StaffEverywhere(ADMINS)),
    (Method::POST, "/api/v1/staff/commitments", Rule::StaffEverywhere(ADMINS)),
    (Method::GET, "/api/v1/me/notices", Rule::LoggedIn),
    (Method::POST, "/api/v1/me/notices/read", Rule::LoggedIn),
    (Method::GET, "/api/v1/accounts/{account_no}/bills", Rule::AccountHolderOrStaff(BILL_READERS)),
    (Method::GET, "/api/v1/bills/{id}", Rule::AccountHolderOrStaff(BILL_READERS)),
    (Method::GET, "/api/v1/bills/{id}/lines.csv", Rule::AccountHolderOrStaff(BILL_READERS)),
    (Method::GET, "/api/v1/bills/{id}/pdf", Rule::AccountHolderOrStaff(BILL_READERS)),
    (Method::GET, "/api/v1/accounts/{account_no}/usage", Rule::AccountHolderOrStaff(BILL_READERS)),
    (Method::GET, "/api/v1/accounts/{account_no}/load", Rule::AccountHolderOrStaff(BILL_READERS)),
    (Method::GET, "/api/v1/org/bills", Rule::OrgMember),
    (Method::GET, "/api/v1/org/bills.csv", Rule::OrgMember),
    (Method::GET, "/api/v1/tariffs", Rule::Public),
    (Method::POST, "/api/v1/staff/tariffs", Rule::StaffEverywhere(ADMINS)),
    (Method::POST, "/api/v1/staff/tariffs/{code}/versions", Rule::StaffEverywhere(ADMINS)),
    (Method::PUT, "/api/v1/staff/accounts/{account_no}/billing", Rule::Staff(BILL_OPERATORS)),
    (Method::PUT, "/api/v1/staff/accounts/{account_no}/hold", Rule::Staff(BILL_OPERATORS)),
    (Method::POST, "/api/v1/staff/readings", Rule::Staff(BILL_OPERATORS)),
    (Method::POST, "/api/v1/staff/readings/file", Rule::Staff(BILL_OPERATORS)),
    (Method::GET, "/api/v1/staff/readings/imports", Rule::Staff(BILL_WATCHERS)),
    (Method::GET, "/api/v1/staff/readings/imports/{import_id}", Rule::Staff(BILL_WATCHERS)),
    (Method::POST, "/api/v1/staff/meters/{meter_no}/changes", Rule::Staff(BILL_OPERATORS)),
    (Method::GET, "/api/v1/staff/billing/runs", Rule::Staff(BILL_WATCHERS)),
    (Method::POST, "/api/v1/staff/billing/runs", Rule::StaffEverywhere(BILL_OPERATORS)),
    (Method::GET, "/api/v1/staff/billing/runs/{id}", Rule::Staff(BILL_WATCHERS)),
    (Method::POST, "/api/v1/staff/billing/runs/{id}/exceptions/{account_no}/bill", Rule::Staff(BILL_OPERATORS)),
    (Method::POST, "/api/v1/staff/bills/{id}/actions", Rule::Staff(BILL_OPERATORS)),
    (Method::POST, "/api/v1/staff/adjustments", Rule::Staff(BILL_OPERATORS)),
    (Method::GET, "/api/v1/staff/adjustments/pending", Rule::Staff(BILL_OPERATORS)),
    (Method::POST, "/api/v1/staff/adjustments/{id}/decision", Rule::Staff(BILL_OPERATORS)),
    (Method::GET, "/api/v1/staff/integration-tokens", Rule::Staff(ADMIN_READERS)),
    (Method::POST, "/api/v1/staff/integration-tokens", Rule::Staff(ADMINS)),
    (Method::DELETE, "/api/v1/staff/integration-tokens/{token_id}", Rule::Staff(ADMINS)),
    (Method::POST, "/api/v1/integration/readings", Rule::Integration),
    // Any other path under /api answers a JSON 404.
    (Method::GET, "/api/{*rest}", Rule::Public),
    (Method::POST, "/api/{*rest}", Rule::Public),
    (Method::PUT, "/api/{*rest}", Rule::Public),
    (Method::PATCH, "/api/{*rest}", Rule::Public),
    (Method::DELETE, "/api/{*rest}", Rule::Public),
];

/// Changes that need a second-factor check within the last ten minutes of the session
/// (`services::second_factor::FRESH_SECS`): money (adjustments and refunds), tariffs,
/// service time limits, and staff roles and invitations.
pub const FRESH_SECOND_FACTOR: &[(Method, &str)] = &[
    (Method::POST, "/api/v1/staff/adjustments"),
    (Method::POST, "/api/v1/staff/tariffs"),
    (Method::POST, "/api/v1/staff/tariffs/{code}/versions"),
    (Method::POST, "/api/v1/staff/commitments"),
    (Method::POST, "/api/v1/staff/users"),
    (Method::PATCH, "/api/v1/staff/users/{user_id}"),
];

/// Whether a route needs a fresh second-factor check.
pub fn needs_fresh_second_factor(method: &Method, path: &str) -> bool {
    FRESH_SECOND_FACTOR.iter().any(|(m, p)| m == method && *p == path)
}

/// The rule for a route, if it has one.
pub fn rule_for(method: &Method, path: &str) -> Option<Rule> {
    // HEAD is answered by the GET handler and follows its rule.
    let method = if method == Method::HEAD { &Method::GET } else { method };
    RULES.iter().find(|(m, p, _)| m == method && *p == path).map(|&(_, _, rule)| rule)
}

/// Whether any method of a path has a rule (else the path itself is unknown to the policy).
fn path_has_rules(path: &str) -> bool {
    RULES.iter().any(|(_, p, _)| *p == path)
}

/// The decision for a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Go on.
    Allow,
    /// 401: log in first.
    LogIn,
    /// 403: not for this caller.
    Deny,
    /// 403: the caller holds the role but not every station the route reaches.
    DenyStations,
}

/// Applies a rule to a caller. `writes` is whether the request changes anything (any
/// method but GET and HEAD).
pub fn decide(rule: Rule, principal: &Principal, metrics_token: bool, writes: bool) -> Decision {
    // A read-only API token never writes, whatever the route's rule says.
    if let Principal::Token(token) = principal
        && writes
        && token.scope == TokenScope::Read
    {
        return Decision::Deny;
    }
    let allowed = match (rule, principal) {
        (Rule::Public, _) => true,
        (Rule::Operator, _) if metrics_token => true,
        (Rule::Operator, Principal::User(user)) => user.holds(ADMIN_READERS),
        (Rule::LoggedIn, Principal::User(_)) => true,
        (Rule::Customer, Principal::User(user)) => user.kind == UserKind::Customer,
        (Rule::AccountHolder, Principal::User(user)) => matches!(user.kind, UserKind::Customer | UserKind::Enterprise),
        (Rule::AccountHolder, Principal::Token(_)) => true,
        (Rule::AccountHolderUser, Principal::User(user)) => {
            matches!(user.kind, UserKind::Customer | UserKind::Enterprise)
        }
        (Rule::Applicant, Principal::User(user)) => may_apply(user.kind, user.org.map(|(_, role)| role)),
        (Rule::ApplicantOrStaff(roles), Principal::User(user)) => {
            may_apply(user.kind, user.org.map(|(_, role)| role)) || user.holds(roles)
        }
        (Rule::OrgMember, Principal::User(user)) => user.kind == UserKind::Enterprise && user.org.is_some(),
        (Rule::OrgAdmin, Principal::User(user)) => matches!(user.org, Some((_, OrgRole::Admin))),
        (Rule::Staff(roles), Principal::User(user)) => user.holds(roles),
        (Rule::StaffEverywhere(roles), Principal::User(user)) if user.holds(roles) => {
            if !stations::covers_every(&user.regions) {
                return Decision::DenyStations;
            }
            true
        }
        (Rule::AccountHolderOrStaff(_), Principal::Token(_)) => true,
        (Rule::Integration, Principal::Integration(_)) => true,
        (Rule::AccountHolderOrStaff(roles), Principal::User(user)) => {
            matches!(user.kind, UserKind::Customer | UserKind::Enterprise) || user.holds(roles)
        }
        _ => false,
    };
    match (allowed, principal) {
        (true, _) => Decision::Allow,
        (false, Principal::Anonymous) => Decision::LogIn,
        (false, _) => Decision::Deny,
    }
}

/// The policy check, run on every matched route after authentication: cross-site request
/// forgery first (`csrf`), then the route's rule.
pub async fn authorize(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let path = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_default();
    let Some(rule) = rule_for(request.method(), &path) else {
        if path_has_rules(&path) {
            // A method the route does not have: let the router answer 405.
            return next.run(request).await;
        }
        tracing::error!(%path, method = %request.method(), "a route without an access rule was called; refused");
        return AppError::new(ErrorCode::Forbidden).into_response();
    };
    // Unknown API paths answer 404 whatever the method and body.
    if path != "/api/{*rest}"
        && let Err(refusal) =
            super::csrf::check(&state, request.method(), request.headers(), UPLOAD_ROUTES.contains(&path.as_str()))
    {
        return refusal.into_response();
    }
    let principal = request.extensions().get::<Principal>().cloned().unwrap_or(Principal::Anonymous);
    let metrics_token = rule == Rule::Operator && has_metrics_token(&state.config, request.headers());
    let writes = !matches!(*request.method(), Method::GET | Method::HEAD);
    match decide(rule, &principal, metrics_token, writes) {
        Decision::Allow => {
            // A session that may make the change, but has not shown its second factor lately.
            if let Principal::User(user) = &principal
                && needs_fresh_second_factor(request.method(), &path)
                && !crate::services::second_factor::is_fresh(&state, user)
            {
                return AppError::new(ErrorCode::SecondFactorRequired).into_response();
            }
            next.run(request).await
        }
        Decision::LogIn => AppError::new(ErrorCode::Unauthenticated).into_response(),
        Decision::Deny => AppError::new(ErrorCode::Forbidden).into_response(),
        Decision::DenyStations => AppError::new(ErrorCode::StationNotHeld).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_of_the_document_has_a_rule() {
        let (_, document) = super::super::openapi::routes().split_for_parts();
        for (path, item) in &document.paths.paths {
            let template = path.as_str();
            for (method, present) in [
                (Method::GET, item.get.is_some()),
                (Method::POST, item.post.is_some()),
                (Method::PUT, item.put.is_some()),
                (Method::PATCH, item.patch.is_some()),
                (Method::DELETE, item.delete.is_some()),
            ] {
                if present {
                    assert!(rule_for(&method, template).is_some(), "no access rule for {method} {template}");
                }
            }
        }
    }

    #[test]
    fn anonymous_callers_are_asked_to_log_in_and_others_refused() {
        assert_eq!(decide(Rule::Customer, &Principal::Anonymous, false, false), Decision::LogIn);
        assert_eq!(decide(Rule::Public, &Principal::Anonymous, false, false), Decision::Allow);
        assert_eq!(decide(Rule::Operator, &Principal::Anonymous, true, false), Decision::Allow);
    }

    #[test]
    fn a_read_only_token_never_writes_whatever_the_rule() {
        let token = |scope| {
            Principal::Token(std::sync::Arc::new(crate::services::sessions::TokenCaller {
                token_id: 1,
                org_id: 1,
                scope,
                prefix: "ghall_x".into(),
            }))
        };
        for rule in [Rule::Public, Rule::AccountHolder, Rule::AccountHolderOrStaff(&[])] {
            assert_eq!(decide(rule, &token(TokenScope::Read), false, true), Decision::Deny, "{rule:?}");
            assert_eq!(decide(rule, &token(TokenScope::Read), false, false), Decision::Allow, "{rule:?}");
            assert_eq!(decide(rule, &token(TokenScope::ReadWrite), false, true), Decision::Allow, "{rule:?}");
        }
    }
}
