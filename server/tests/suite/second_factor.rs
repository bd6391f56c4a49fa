//! The second factor (issue 11, point 7), through the real server on SQLite and
//! PostgreSQL: TOTP codes (RFC 6238) at every staff login, enrolment at the first login
//! with one-time recovery codes, replayed codes refused, a fresh check before money,
//! tariff, limit and role changes, and customers opting in.

use std::time::Duration;

use crate::common::TestServer;
use crate::common::client::{As, demo};
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_backends!(
    staff_need_a_code_at_every_login_and_a_code_works_once,
    wrong_codes_count_toward_the_login_limit,
    staff_enrol_at_their_first_login_and_recovery_codes_work_once,
    money_tariff_limit_and_role_changes_need_a_fresh_check,
    customers_may_turn_the_second_factor_on_and_off,
);

const PASSWORD: &str = "Lantern-orchard-47-tide";
const WAIT: Duration = Duration::from_secs(15);

/// A code that is certainly not the right one: every digit of a right one moved by one.
fn wrong(code: &str) -> String {
    code.chars().map(|c| char::from_digit((c.to_digit(10).expect("digit") + 1) % 10, 10).expect("digit")).collect()
}

async fn login(server: &TestServer, email: &str, password: &str, code: Option<&str>) -> crate::common::client::Answer {
    let mut body = json!({"email": email, "password": password});
    if let Some(code) = code {
        body["code"] = json!(code);
    }
    server.post(&As::Anonymous, "/api/v1/auth/login", body).await
}

async fn count(server: &TestServer, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(server.state.db.pool())
        .await
        .expect("count")
}

async fn staff_need_a_code_at_every_login_and_a_code_works_once(server: TestServer) {
    let logins = server.demo_logins().await;
    let password = &logins[demo::ADMIN];

    let bare = login(&server, demo::ADMIN, password, None).await;
    assert_eq!((bare.status, bare.code()), (StatusCode::UNAUTHORIZED, "second_factor_required"), "{}", bare.text);
    assert_eq!(bare.session(), None, "no session without the second factor");

    let code = server.totp_code(demo::ADMIN).await.expect("the demo admin has an authenticator");
    let guessed = login(&server, demo::ADMIN, password, Some(&wrong(&code))).await;
    assert_eq!((guessed.status, guessed.code()), (StatusCode::UNAUTHORIZED, "second_factor_invalid"));
    assert_eq!(guessed.session(), None);
    // A right code with a wrong password is still a wrong password.
    let no_password = login(&server, demo::ADMIN, "not the password!", Some(&code)).await;
    assert_eq!(no_password.code(), "invalid_credentials");

    let right = login(&server, demo::ADMIN, password, Some(&code)).await;
    assert_eq!(right.status, StatusCode::OK, "{}", right.text);
    assert_eq!(right.body["second_factor"], true);
    let session = As::Session(right.session().expect("session"));
    assert_eq!(server.read(&session, "/api/v1/me").await.status, StatusCode::OK);

    // The same code again (someone who saw it over a shoulder) is refused.
    let replayed = login(&server, demo::ADMIN, password, Some(&code)).await;
    assert_eq!((replayed.status, replayed.code()), (StatusCode::UNAUTHORIZED, "second_factor_invalid"));
    assert_eq!(replayed.session(), None);

    let failures =
        count(&server, "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'login.second_factor_failed'")
            .await;
    assert_eq!(failures, 2, "the wrong and the replayed code are in the audit log");
}

async fn wrong_codes_count_toward_the_login_limit(server: TestServer) {
    let logins = server.demo_logins().await;
    let password = &logins[demo::AUDITOR];
    let mut limited = false;
    for _ in 0..12 {
        let answer = login(&server, demo::AUDITOR, password, Some("000000")).await;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            limited = true;
            break;
        }
        assert_eq!(answer.code(), "second_factor_invalid", "{}", answer.text);
    }
    assert!(limited, "guessing codes with the right password reaches the login limit");
    let code = server.totp_code(demo::AUDITOR).await.expect("code");
    let right = login(&server, demo::AUDITOR, password, Some(&code)).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS, "{}", right.text);
}

async fn staff_enrol_at_their_first_login_and_recovery_codes_work_once(server: TestServer) {
    let logins = server.demo_logins().await;
    let admin = server.demo_login(&logins, demo::ADMIN).await;
    let email = "qin.hai@staff.gridhall.example";
    let created = server
        .post(
            &admin,
            "/api/v1/staff/users",
            json!({"email": email, "display_name": "秦海", "roles": ["agent"], "regions": ["PD01"]}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let mail = server.mail.wait_for(email, "邀请", WAIT).await;
    let token = mail.token(&server.url("/welcome")).expect("invitation");
    let reset =
        server.post(&As::Anonymous, "/api/v1/auth/password/reset", json!({"token": token, "password": PASSWORD})).await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT);

    // The right password alone does not log a new staff member in: they set up first.
    let first = login(&server, email, PASSWORD, None).await;
    assert_eq!(
        (first.status, first.code()),
        (StatusCode::FORBIDDEN, "second_factor_enrolment_required"),
        "{}",
        first.text
    );
    assert_eq!(first.session(), None);
    let credentials = json!({"email": email, "password": PASSWORD});
    let refused = server
        .post(
            &As::Anonymous,
            "/api/v1/auth/second-factor/setup",
            json!({"email": email, "password": "not the password!"}),
        )
        .await;
    assert_eq!(refused.code(), "invalid_credentials");
    let setup = server.post(&As::Anonymous, "/api/v1/auth/second-factor/setup", credentials.clone()).await;
    assert_eq!(setup.status, StatusCode::OK, "{}", setup.text);
    let secret = setup.body["secret"].as_str().expect("secret").to_owned();
    assert_eq!(secret.len(), 32, "160 bits in base32");
    let uri = setup.body["otpauth_uri"].as_str().expect("uri");
    assert!(uri.starts_with("otpauth://totp/") && uri.contains(&format!("secret={secret}")), "{uri}");
    let svg = setup.body["qr_svg"].as_str().expect("svg");
    assert!(svg.contains("<svg") && svg.len() < 40_000, "a small SVG: {} bytes", svg.len());

    server.remember_totp_secret(email, &secret);
    let code = server.totp_code(email).await.expect("code");
    let mut confirm = credentials.clone();
    confirm["code"] = json!(wrong(&code));
    let bad = server.post(&As::Anonymous, "/api/v1/auth/second-factor/confirm", confirm.clone()).await;
    assert_eq!((bad.status, bad.code()), (StatusCode::UNAUTHORIZED, "second_factor_invalid"));
    confirm["code"] = json!(code);
    let done = server.post(&As::Anonymous, "/api/v1/auth/second-factor/confirm", confirm).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    let recovery: Vec<String> = done.body["recovery_codes"]
        .as_array()
        .expect("codes")
        .iter()
        .map(|c| c.as_str().expect("code").to_owned())
        .collect();
    assert_eq!(recovery.len(), 10);
    assert_eq!(done.body["me"]["email"], email);
    let session = As::Session(done.session().expect("logged in"));
    assert_eq!(server.read(&session, "/api/v1/me").await.body["second_factor"], true);
    let stored = count(&server, "SELECT CAST(COUNT(*) AS BIGINT) FROM recovery_codes").await;
    assert_eq!(stored, 10);
    for code in &recovery {
        let plain = count(
            &server,
            &format!(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM recovery_codes WHERE code_hash = '{}'",
                code.replace('\'', "")
            ),
        )
        .await;
        assert_eq!(plain, 0, "recovery codes are stored hashed");
    }

    // The secret is never shown again, to anyone with the password.
    let again = server.post(&As::Anonymous, "/api/v1/auth/second-factor/setup", credentials).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text);
    assert!(!again.text.contains(&secret));

    // Every later login needs a code; a recovery code works once.
    assert_eq!(login(&server, email, PASSWORD, None).await.code(), "second_factor_required");
    let recovered = login(&server, email, PASSWORD, Some(&recovery[0].to_uppercase())).await;
    assert_eq!(recovered.status, StatusCode::OK, "{}", recovered.text);
    let reused = login(&server, email, PASSWORD, Some(&recovery[0])).await;
    assert_eq!((reused.status, reused.code()), (StatusCode::UNAUTHORIZED, "second_factor_invalid"));
    // (Each of these calls counted toward the login limit: ten in all.)
    server.login(email, PASSWORD).await;
}

async fn money_tariff_limit_and_role_changes_need_a_fresh_check(server: TestServer) {
    let logins = server.demo_logins().await;
    let admin = server.demo_login(&logins, demo::ADMIN).await;
    let operator = server.demo_login(&logins, demo::BILLING_OPERATOR).await;
    let version = "/api/v1/staff/tariffs/residential-tiered/versions";

    // The code given at login is a fresh check: an (empty) change gets past it to validation.
    let fresh = server.post(&admin, version, json!({})).await;
    assert_eq!(fresh.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", fresh.text);
    assert_eq!(
        server.post(&operator, "/api/v1/staff/adjustments", json!({})).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Eleven minutes later it is not fresh any more.
    server.state.clock.advance(chrono::Duration::minutes(11));
    let stale = server.post(&admin, version, json!({})).await;
    assert_eq!((stale.status, stale.code()), (StatusCode::UNAUTHORIZED, "second_factor_required"), "{}", stale.text);
    for (who, method, path) in [
        (&operator, Method::POST, "/api/v1/staff/adjustments"),
        (&admin, Method::POST, "/api/v1/staff/tariffs"),
        (&admin, Method::POST, "/api/v1/staff/commitments"),
        (&admin, Method::POST, "/api/v1/staff/users"),
        (&admin, Method::PATCH, "/api/v1/staff/users/999999"),
    ] {
        let answer = server.call(who, method.clone(), path, Some(json!({}))).await;
        assert_eq!(answer.code(), "second_factor_required", "{method} {path}: {}", answer.text);
    }
    // Reading is not a change: no check.
    assert_eq!(server.read(&admin, "/api/v1/staff/users").await.status, StatusCode::OK);

    let code = server.totp_code(demo::ADMIN).await.expect("code");
    let bad = server.post(&admin, "/api/v1/me/second-factor/verify", json!({"code": wrong(&code)})).await;
    assert_eq!((bad.status, bad.code()), (StatusCode::UNAUTHORIZED, "second_factor_invalid"));
    let good = server.post(&admin, "/api/v1/me/second-factor/verify", json!({"code": code})).await;
    assert_eq!(good.status, StatusCode::NO_CONTENT, "{}", good.text);
    let replayed = server.post(&admin, "/api/v1/me/second-factor/verify", json!({"code": code})).await;
    assert_eq!(replayed.code(), "second_factor_invalid");
    assert_eq!(server.post(&admin, version, json!({})).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The check is the session's own: the operator's is still stale.
    assert_eq!(server.post(&operator, "/api/v1/staff/adjustments", json!({})).await.code(), "second_factor_required");
    assert_eq!(server.verify_second_factor(&operator, demo::BILLING_OPERATOR).await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        server.post(&operator, "/api/v1/staff/adjustments", json!({})).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

async fn customers_may_turn_the_second_factor_on_and_off(server: TestServer) {
    let email = "li.hua@example.com";
    let customer = server.new_customer(email, "李华", PASSWORD).await;
    assert_eq!(server.read(&customer, "/api/v1/me").await.body["second_factor"], false);
    // Without a factor there is nothing to check.
    let nothing = server.post(&customer, "/api/v1/me/second-factor/verify", json!({"code": "123456"})).await;
    assert_eq!(nothing.code(), "second_factor_enrolment_required");

    let (session, recovery) = server.enrol_second_factor(email, PASSWORD).await;
    assert_eq!(recovery.len(), 10);
    assert_eq!(server.read(&session, "/api/v1/me").await.body["second_factor"], true);
    assert_eq!(server.read(&customer, "/api/v1/me").await.status, StatusCode::UNAUTHORIZED, "older sessions end");
    assert_eq!(login(&server, email, PASSWORD, None).await.code(), "second_factor_required");
    let session = server.login(email, PASSWORD).await;

    let bad = server.post(&session, "/api/v1/me/second-factor/disable", json!({"code": "000000"})).await;
    assert_eq!(bad.code(), "second_factor_invalid");
    let code = server.totp_code(email).await.expect("code");
    let off = server.post(&session, "/api/v1/me/second-factor/disable", json!({"code": code})).await;
    assert_eq!(off.status, StatusCode::NO_CONTENT, "{}", off.text);
    let plain = login(&server, email, PASSWORD, None).await;
    assert_eq!(plain.status, StatusCode::OK, "{}", plain.text);
    assert_eq!(plain.body["second_factor"], false);

    // Staff cannot turn theirs off.
    let logins = server.demo_logins().await;
    let admin = server.demo_login(&logins, demo::ADMIN).await;
    let code = server.totp_code(demo::ADMIN).await.expect("code");
    let refused = server.post(&admin, "/api/v1/me/second-factor/disable", json!({"code": code})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}
