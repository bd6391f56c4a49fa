//! Identity and access through the real server, on SQLite and PostgreSQL: registration and
//! confirmation by email (a real SMTP server on loopback), login and sessions, passwords,
//! rate limits, CSRF, the outbox surviving an SMTP outage.

use std::time::Duration;

use crate::common::TestServer;
use crate::common::client::{As, demo};
use crate::common::mail::MailSink;
use reqwest::header::{CONTENT_TYPE, COOKIE, ORIGIN, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_backends!(
    register_confirm_login_and_logout,
    registration_refuses_bad_input_in_the_visitors_language,
    registering_a_known_address_reveals_nothing,
    a_forgotten_password_is_reset_once_by_email,
    login_always_issues_a_new_session,
    expired_idle_and_revoked_sessions_are_refused,
    logging_out_everywhere_ends_every_session,
    changing_the_password_rotates_the_session,
    guessing_passwords_reaches_429,
    state_changes_need_json_from_the_portal_itself,
    profile_and_preferences_are_kept,
    metrics_are_for_operators,
    pages_render_for_the_session_they_are_asked_with,
    logging_in_leads_only_back_into_the_portal,
    sent_mail_leaves_no_live_token_in_the_outbox,
    forgot_password_answers_and_works_alike_for_any_address,
);

const PASSWORD: &str = "Lantern-orchard-47-tide";
const WAIT: Duration = Duration::from_secs(15);

async fn register_confirm_login_and_logout(server: TestServer) {
    let email = "wang.fang@example.com";
    let answer = server
        .post(
            &As::Anonymous,
            "/api/v1/auth/register",
            json!({"email": "Wang.Fang@Example.com", "display_name": "王芳", "password": PASSWORD, "mobile": "13800138000"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "{:?}", answer.body);
    let mail = server.mail.wait_for(email, "验证", WAIT).await;
    assert!(mail.text.starts_with("王芳，您好"), "{}", mail.text);
    assert!(mail.html.contains("验证邮箱"));
    let link = mail.link(&server.url("/confirm?token=")).expect("link in the email");

    // Before confirming, the right password is refused and a fresh link is sent.
    let early = server.post(&As::Anonymous, "/api/v1/auth/login", json!({"email": email, "password": PASSWORD})).await;
    assert_eq!((early.status, early.code()), (StatusCode::FORBIDDEN, "email_unconfirmed"));
    assert!(early.session().is_none());
    let second = loop {
        let all: Vec<_> = server.mail.all().into_iter().filter(|m| m.to.iter().any(|t| t == email)).collect();
        if all.len() == 2 {
            break all[1].clone();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    // Only the newest link works.
    let old_token = link.split_once("token=").expect("token").1.to_owned();
    let stale = server.post(&As::Anonymous, "/api/v1/auth/confirm", json!({"token": old_token})).await;
    assert_eq!((stale.status, stale.code()), (StatusCode::GONE, "link_expired"));
    let token = second.token(&server.url("/confirm")).expect("second link");
    let confirmed = server.post(&As::Anonymous, "/api/v1/auth/confirm", json!({"token": token})).await;
    assert_eq!(confirmed.status, StatusCode::NO_CONTENT);
    let reused = server.post(&As::Anonymous, "/api/v1/auth/confirm", json!({"token": token})).await;
    assert_eq!((reused.status, reused.code()), (StatusCode::GONE, "link_expired"));

    let login = server.post(&As::Anonymous, "/api/v1/auth/login", json!({"email": email, "password": PASSWORD})).await;
    assert_eq!(login.status, StatusCode::OK);
    assert_eq!(login.body["email"], email);
    assert_eq!(login.body["kind"], "customer");
    assert_eq!(login.body["mobile"], "13800138000");
    let cookie = login.session_cookie_header().expect("cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http in tests: {cookie}");
    let token = login.session().expect("token");
    assert!(token.len() >= 43, "256 bits");
    let me = As::Session(token.clone());
    assert_eq!(server.read(&me, "/api/v1/me").await.body["display_name"], "王芳");

    // The token itself is not in the database, only its hash.
    let stored: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM sessions WHERE token_hash = $1")
        .bind(&token)
        .fetch_one(server.state.db.pool())
        .await
        .expect("query");
    assert_eq!(stored, 0);

    let out = server.post(&me, "/api/v1/auth/logout", json!({})).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(out.session_cookie_header().expect("cleared").contains("Max-Age=0"));
    let after = server.read(&me, "/api/v1/me").await;
    assert_eq!((after.status, after.code()), (StatusCode::UNAUTHORIZED, "unauthenticated"));
}

async fn registration_refuses_bad_input_in_the_visitors_language(server: TestServer) {
    let post = |body: serde_json::Value, language: &'static str| {
        let server = &server;
        async move {
            server
                .client
                .post(server.url("/api/v1/auth/register"))
                .header(CONTENT_TYPE, "application/json")
                .header("accept-language", language)
                .body(body.to_string())
                .send()
                .await
                .expect("request")
        }
    };
    let response = post(json!({"email": "not-an-address", "display_name": "", "password": "short"}), "en").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["fields"]["email"], "Enter an email address, e.g. name@example.com");
    assert_eq!(body["fields"]["password"], "Passwords need at least 10 characters");
    assert_eq!(body["fields"]["display_name"], "Please fill this in");

    let response =
        post(json!({"email": "li@example.com", "display_name": "李", "password": "password123456"}), "zh-CN").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: serde_json::Value = response.json().await.expect("json");
    assert!(body["fields"]["password"].as_str().expect("message").contains("过于常见"), "{body}");

    let huge = "x".repeat(2 * 1024 * 1024);
    let response = post(json!({"email": "li@example.com", "display_name": huge, "password": PASSWORD}), "en").await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // Nothing was stored and nothing sent.
    let users: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM users")
        .fetch_one(server.state.db.pool())
        .await
        .expect("count");
    assert_eq!(users, 0);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(server.mail.all().is_empty());
}

async fn registering_a_known_address_reveals_nothing(server: TestServer) {
    server.new_customer("zhao@example.com", "赵", PASSWORD).await;
    let again = server
        .post(
            &As::Anonymous,
            "/api/v1/auth/register",
            json!({"email": "zhao@example.com", "display_name": "Someone", "password": "Another-long-pass-9981"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::ACCEPTED, "same answer as a new address");
    let mail = server.mail.wait_for("zhao@example.com", "已注册", WAIT).await;
    assert!(mail.text.contains("/password/forgot"));
    // The first password still works; the second never did.
    server.login("zhao@example.com", PASSWORD).await;
    let refused = server
        .post(
            &As::Anonymous,
            "/api/v1/auth/login",
            json!({"email": "zhao@example.com", "password": "Another-long-pass-9981"}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
}

async fn a_forgotten_password_is_reset_once_by_email(server: TestServer) {
    let email = "qian@example.com";
    let session = server.new_customer(email, "钱", PASSWORD).await;
    let unknown =
        server.post(&As::Anonymous, "/api/v1/auth/password/forgot", json!({"email": "nobody@example.com"})).await;
    let known = server.post(&As::Anonymous, "/api/v1/auth/password/forgot", json!({"email": email})).await;
    assert_eq!(unknown.status, StatusCode::ACCEPTED);
    assert_eq!(known.status, StatusCode::ACCEPTED);
    assert_eq!(unknown.body, known.body, "the answer does not tell who is registered");
    let mail = server.mail.wait_for(email, "重设密码", WAIT).await;
    let token = mail.token(&server.url("/password/reset")).expect("reset link");

    let weak = server
        .post(&As::Anonymous, "/api/v1/auth/password/reset", json!({"token": token, "password": "qian123456"}))
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", weak.body);
    let new_password = "Copper-kettle-river-2031";
    let reset = server
        .post(&As::Anonymous, "/api/v1/auth/password/reset", json!({"token": token, "password": new_password}))
        .await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT, "{:?}", reset.body);
    let reused = server
        .post(
            &As::Anonymous,
            "/api/v1/auth/password/reset",
            json!({"token": token, "password": "Yet-another-pass-5512"}),
        )
        .await;
    assert_eq!((reused.status, reused.code()), (StatusCode::GONE, "link_expired"));

    assert_eq!(server.read(&session, "/api/v1/me").await.status, StatusCode::UNAUTHORIZED, "sessions end at a reset");
    let old = server.post(&As::Anonymous, "/api/v1/auth/login", json!({"email": email, "password": PASSWORD})).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    server.login(email, new_password).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(server.mail.count_to("nobody@example.com"), 0);
}

async fn login_always_issues_a_new_session(server: TestServer) {
    let email = "sun@example.com";
    let first = match server.new_customer(email, "孙", PASSWORD).await {
        As::Session(token) => token,
        other => panic!("{other:?}"),
    };
    // A browser that arrives with a planted (or an old) session cookie gets a new one.
    for planted in ["attacker-chosen-value", first.as_str()] {
        let answer = server
            .client
            .post(server.url("/api/v1/auth/login"))
            .header(CONTENT_TYPE, "application/json")
            .header(ORIGIN, server.url(""))
            .header(COOKIE, format!("gridhall_session={planted}"))
            .body(json!({"email": email, "password": PASSWORD}).to_string())
            .send()
            .await
            .expect("login");
        assert_eq!(answer.status(), StatusCode::OK);
        let set = answer.headers()["set-cookie"].to_str().expect("cookie").to_owned();
        assert!(!set.contains(planted), "{set}");
    }
    // The session the browser came with has ended.
    assert_eq!(server.read(&As::Session(first), "/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        server.read(&As::Session("attacker-chosen-value".into()), "/api/v1/me").await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn expired_idle_and_revoked_sessions_are_refused(server: TestServer) {
    let email = "li.lei@example.com";
    server.new_customer(email, "李雷", PASSWORD).await;
    let pool = server.state.db.pool();
    let absolute = server.login(email, PASSWORD).await;
    let idle = server.login(email, PASSWORD).await;
    let revoked = server.login(email, PASSWORD).await;
    let live = server.login(email, PASSWORD).await;
    let hash = |who: &As| match who {
        As::Session(token) => gridhall::services::secrets::hash(token),
        _ => unreachable!(),
    };
    let now = chrono::Utc::now().timestamp();
    sqlx::query("UPDATE sessions SET expires_at = $1 WHERE token_hash = $2")
        .bind(now - 1)
        .bind(hash(&absolute))
        .execute(pool)
        .await
        .expect("expire");
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now - 31 * 60)
        .bind(hash(&idle))
        .execute(pool)
        .await
        .expect("idle");
    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2")
        .bind(now)
        .bind(hash(&revoked))
        .execute(pool)
        .await
        .expect("revoke");
    for (who, what) in [(&absolute, "past its absolute expiry"), (&idle, "idle for 31 minutes"), (&revoked, "revoked")]
    {
        let answer = server.read(who, "/api/v1/me").await;
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "a session {what}");
    }
    // A session idle for 29 minutes is still live, and the request renews it.
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now - 29 * 60)
        .bind(hash(&live))
        .execute(pool)
        .await
        .expect("idle");
    assert_eq!(server.read(&live, "/api/v1/me").await.status, StatusCode::OK);
    let seen: i64 = sqlx::query_scalar("SELECT last_seen_at FROM sessions WHERE token_hash = $1")
        .bind(hash(&live))
        .fetch_one(pool)
        .await
        .expect("seen");
    assert!(seen >= now, "the idle clock restarted");
}

async fn logging_out_everywhere_ends_every_session(server: TestServer) {
    let email = "zhou@example.com";
    let phone = server.new_customer(email, "周", PASSWORD).await;
    let laptop = server.login(email, PASSWORD).await;
    let answer = server.post(&laptop, "/api/v1/auth/logout", json!({"everywhere": true})).await;
    assert_eq!(answer.status, StatusCode::NO_CONTENT);
    assert_eq!(server.read(&phone, "/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(server.read(&laptop, "/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
}

async fn changing_the_password_rotates_the_session(server: TestServer) {
    let email = "wu@example.com";
    let phone = server.new_customer(email, "吴", PASSWORD).await;
    let laptop = server.login(email, PASSWORD).await;
    let wrong = server
        .post(
            &laptop,
            "/api/v1/me/password",
            json!({"current_password": "not-my-password", "new_password": "Granite-swallow-88-bloom"}),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body["fields"]["current_password"].is_string());
    let changed = server
        .post(
            &laptop,
            "/api/v1/me/password",
            json!({"current_password": PASSWORD, "new_password": "Granite-swallow-88-bloom"}),
        )
        .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT, "{:?}", changed.body);
    let renewed = As::Session(changed.session().expect("a new session token"));
    assert_eq!(server.read(&renewed, "/api/v1/me").await.status, StatusCode::OK);
    assert_eq!(server.read(&laptop, "/api/v1/me").await.status, StatusCode::UNAUTHORIZED, "old token rotated away");
    assert_eq!(server.read(&phone, "/api/v1/me").await.status, StatusCode::UNAUTHORIZED, "other devices logged out");
    server.mail.wait_for(email, "密码已修改", WAIT).await;
}

async fn guessing_passwords_reaches_429(server: TestServer) {
    let email = "zheng@example.com";
    server.new_customer(email, "郑", PASSWORD).await;
    let mut statuses = Vec::new();
    for attempt in 0..12 {
        let answer = server
            .post(&As::Anonymous, "/api/v1/auth/login", json!({"email": email, "password": format!("guess-{attempt}")}))
            .await;
        statuses.push(answer.status);
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            let retry: u64 = answer.headers[RETRY_AFTER].to_str().expect("header").parse().expect("seconds");
            assert!((1..=900).contains(&retry), "{retry}");
            assert_eq!(answer.code(), "rate_limited");
        }
    }
    // Failures count per address and client: ten wrong guesses from here are answered, then 429.
    assert!(statuses[..10].iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{statuses:?}");
    assert!(statuses[10..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    // Even the right password waits now, from this client.
    let right = server.post(&As::Anonymous, "/api/v1/auth/login", json!({"email": email, "password": PASSWORD})).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
    // Each failure is in the audit log.
    let failures: i64 =
        sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'login.failed'")
            .fetch_one(server.state.db.pool())
            .await
            .expect("count");
    assert_eq!(failures, 10);
}

async fn state_changes_need_json_from_the_portal_itself(server: TestServer) {
    let session = server.new_customer("feng@example.com", "冯", PASSWORD).await;
    let As::Session(token) = session.clone() else { unreachable!() };
    let send = |origin: Option<&'static str>, content_type: &'static str| {
        let server = &server;
        let token = token.clone();
        async move {
            let mut request = server
                .client
                .patch(server.url("/api/v1/me"))
                .header(COOKIE, format!("gridhall_session={token}"))
                .header(CONTENT_TYPE, content_type)
                .body(json!({"display_name": "Mallory"}).to_string());
            if let Some(origin) = origin {
                request = request.header(ORIGIN, origin);
            }
            request.send().await.expect("request").status()
        }
    };
    assert_eq!(send(Some("https://evil.example"), "application/json").await, StatusCode::FORBIDDEN);
    assert_eq!(
        send(None, "application/json").await,
        StatusCode::FORBIDDEN,
        "a cookie call must say where it comes from"
    );
    assert_eq!(send(Some("null"), "application/json").await, StatusCode::FORBIDDEN);
    let own = server.url("");
    let own: &'static str = Box::leak(own.into_boxed_str());
    assert_eq!(send(Some(own), "text/plain").await, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(send(Some(own), "application/x-www-form-urlencoded").await, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(server.read(&session, "/api/v1/me").await.body["display_name"], "冯", "nothing changed");
    assert_eq!(send(Some(own), "application/json").await, StatusCode::OK);
}

async fn profile_and_preferences_are_kept(server: TestServer) {
    let me = server.new_customer("chu@example.com", "褚", PASSWORD).await;
    let answer = server
        .call(
            &me,
            Method::PATCH,
            "/api/v1/me",
            Some(json!({"display_name": "褚明", "mobile": "+86 139 0000 1111", "language": "en", "email_notices": ["bills", "outages"]})),
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    let read = server.read(&me, "/api/v1/me").await.body;
    assert_eq!(read["display_name"], "褚明");
    assert_eq!(read["mobile"], "13900001111");
    assert_eq!(read["language"], "en");
    assert_eq!(read["email_notices"], json!(["bills", "outages"]));
    let bad =
        server.call(&me, Method::PATCH, "/api/v1/me", Some(json!({"mobile": "12345", "display_name": " "}))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(server.read(&me, "/api/v1/me").await.body["display_name"], "褚明", "a bad change changes nothing");
    let removed = server.call(&me, Method::PATCH, "/api/v1/me", Some(json!({"mobile": ""}))).await;
    assert_eq!(removed.body["mobile"], serde_json::Value::Null);
}

async fn pages_render_for_the_session_they_are_asked_with(server: TestServer) {
    let me = server.new_customer("tao@example.com", "陶然", PASSWORD).await;
    let As::Session(token) = me else { unreachable!() };
    let page = |cookie: Option<String>| {
        let server = &server;
        async move {
            let mut request = server.client.get(server.url("/account"));
            if let Some(cookie) = cookie {
                request = request.header(COOKIE, cookie);
            }
            let response = request.send().await.expect("page");
            (response.status(), response.text().await.expect("html"))
        }
    };
    // The server render calls the API with the browser's own cookie.
    let (status, html) = page(Some(format!("gridhall_lang=zh-CN; gridhall_session={token}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("陶然") && html.contains("tao@example.com"), "{html}");
    // Without a session (or with a stale one) the page asks to log in, and says so with 401.
    for cookie in [None, Some("gridhall_session=stale".to_owned())] {
        let (status, html) = page(cookie).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(html.contains("data-access=\"login-required\"") && !html.contains("陶然"), "{html}");
    }
}

/// Where the login page sends the person after logging in (`data-next` on its form,
/// which the page navigates to), for a given `next`.
async fn login_leads_to(server: &TestServer, next: &str) -> String {
    let response = server.client.get(server.url("/login")).query(&[("next", next)]).send().await.expect("page");
    assert_eq!(response.status(), StatusCode::OK, "{next:?}");
    let html = response.text().await.expect("html");
    let (_, rest) = html.split_once("data-next=\"").unwrap_or_else(|| panic!("no data-next for {next:?}: {html}"));
    rest.split('"').next().unwrap_or_default().replace("&amp;", "&")
}

async fn logging_in_leads_only_back_into_the_portal(server: TestServer) {
    assert_eq!(login_leads_to(&server, "/account/accounts").await, "/account/accounts");
    assert_eq!(login_leads_to(&server, "/staff/audit?page=2").await, "/staff/audit?page=2");
    assert_eq!(login_leads_to(&server, &server.url("/enterprise")).await, "/enterprise");
    for next in [
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        "/\t/evil.example",
        "/\n\\evil.example",
        "javascript:alert(1)",
    ] {
        assert_eq!(login_leads_to(&server, next).await, "", "{next:?} must lead home, not away");
    }
    // A page that needs a login links to the login page with its own path, encoded.
    let page = server.get("/account/accounts").await;
    assert_eq!(page.status(), StatusCode::UNAUTHORIZED);
    let html = page.text().await.expect("html");
    assert!(html.contains("href=\"/login?next=%2Faccount%2Faccounts\""), "{html}");
}

async fn metrics_are_for_operators(server: TestServer) {
    let logins = server.demo_logins().await;
    assert_eq!(server.get("/metrics").await.status(), StatusCode::UNAUTHORIZED);
    let customer = server.demo_login(&logins, demo::CUSTOMER).await;
    assert_eq!(server.read(&customer, "/metrics").await.status, StatusCode::FORBIDDEN);
    let admin = server.demo_login(&logins, demo::ADMIN).await;
    assert_eq!(server.read(&admin, "/metrics").await.status, StatusCode::OK);
}

/// A metrics collector reads `/metrics` with the configured token; a wrong one is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_collector_reads_metrics_with_its_token() {
    let server = TestServer::start_with(crate::common::Backend::Sqlite, |config| {
        config.metrics_token = Some("scrape-7f3a9c".into());
    })
    .await
    .expect("server");
    server.get("/healthz").await;
    let right = server.read(&As::Bearer("scrape-7f3a9c".into()), "/metrics").await;
    assert_eq!(right.status, StatusCode::OK);
    assert!(right.text.contains("gridhall_http_requests_total"));
    assert_eq!(server.read(&As::Bearer("scrape-7f3a9d".into()), "/metrics").await.status, StatusCode::UNAUTHORIZED);
}

/// The outbox keeps a message while the SMTP server is down, retries, and delivers it once
/// (and only once) when the server is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_waits_out_an_smtp_outage_sqlite() {
    email_waits_out_an_smtp_outage(crate::common::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn email_waits_out_an_smtp_outage_postgres() {
    email_waits_out_an_smtp_outage(crate::common::Backend::Postgres).await;
}

async fn email_waits_out_an_smtp_outage(backend: crate::common::Backend) {
    let port = MailSink::unused_port();
    let Some(server) =
        TestServer::start_with(backend, |config| config.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await
    else {
        return;
    };
    let started = std::time::Instant::now();
    let answer = server
        .post(
            &As::Anonymous,
            "/api/v1/auth/register",
            json!({"email": "outage@example.com", "display_name": "Outage", "password": PASSWORD}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::ACCEPTED, "registration does not wait on SMTP");
    assert!(started.elapsed() < Duration::from_secs(5));
    // The first attempt fails and is recorded for a retry.
    let pool = server.state.db.pool();
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let row: (i64, Option<String>) =
            sqlx::query_as("SELECT attempts, last_error FROM outbox").fetch_one(pool).await.expect("outbox row");
        if row.0 >= 1 && row.1.is_some() {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "no failed attempt recorded");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The SMTP server comes back on the same port.
    let sink = MailSink::start_on(port);
    let mail = sink.wait_for("outage@example.com", "验证", Duration::from_secs(30)).await;
    assert!(mail.text.contains("/confirm?token="));
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(sink.count_to("outage@example.com"), 1, "delivered once");
    let sent: (i64, i64) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT), CAST(SUM(CASE WHEN sent_at IS NULL THEN 0 ELSE 1 END) AS BIGINT) FROM outbox",
    )
    .fetch_one(pool)
    .await
    .expect("outbox");
    assert_eq!(sent, (1, 1));
}

/// Issue 11 point 12: an https portal tells browsers to stay on https (HSTS) and names its
/// session cookie `__Host-…` (Secure, Path=/, no Domain), which every reader of the cookie
/// follows: the API, the server render's in-process call, the CSRF check.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_https_portal_sends_hsts_and_a_host_only_cookie() {
    const PORTAL: &str = "https://95598.example.cn";
    let plain = TestServer::start(crate::common::Backend::Sqlite).await.expect("server");
    assert!(plain.get("/healthz").await.headers().get("strict-transport-security").is_none(), "not over http");
    let server =
        TestServer::start_with(crate::common::Backend::Sqlite, |config| config.public_url = Some(PORTAL.into()))
            .await
            .expect("server");
    let home = server.get("/").await;
    let hsts = home.headers().get("strict-transport-security").and_then(|v| v.to_str().ok()).unwrap_or("");
    assert!(hsts.starts_with("max-age=") && hsts.trim_start_matches("max-age=").starts_with("31536000"), "{hsts:?}");
    // A browser on the portal sends its own origin.
    let post = |path: &'static str, body: serde_json::Value, cookie: Option<String>, origin: bool| {
        let server = &server;
        async move {
            let mut request =
                server.client.post(server.url(path)).header(CONTENT_TYPE, "application/json").body(body.to_string());
            if origin {
                request = request.header(ORIGIN, PORTAL);
            }
            if let Some(cookie) = cookie {
                request = request.header(COOKIE, cookie);
            }
            request.send().await.expect("request")
        }
    };
    let email = "secure@example.com";
    let registered =
        post("/api/v1/auth/register", json!({"email": email, "display_name": "秦", "password": PASSWORD}), None, true)
            .await;
    assert_eq!(registered.status(), StatusCode::ACCEPTED);
    let mail = server.mail.wait_for(email, "", WAIT).await;
    let token = mail.token(&format!("{PORTAL}/confirm")).expect("link to the public URL");
    assert_eq!(
        post("/api/v1/auth/confirm", json!({"token": token}), None, true).await.status(),
        StatusCode::NO_CONTENT
    );
    let login = post("/api/v1/auth/login", json!({"email": email, "password": PASSWORD}), None, true).await;
    assert_eq!(login.status(), StatusCode::OK);
    let cookie = login
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.contains("gridhall_session="))
        .expect("session cookie")
        .to_owned();
    assert!(cookie.starts_with("__Host-gridhall_session="), "{cookie}");
    assert!(cookie.contains("Secure") && cookie.contains("Path=/") && !cookie.contains("Domain"), "{cookie}");
    let session = cookie.trim_start_matches("__Host-gridhall_session=").split(';').next().expect("value").to_owned();

    let me = |cookie: String| {
        let server = &server;
        async move { server.client.get(server.url("/api/v1/me")).header(COOKIE, cookie).send().await.expect("me") }
    };
    assert_eq!(me(format!("__Host-gridhall_session={session}")).await.status(), StatusCode::OK);
    // A cookie without the prefix (which a neighbouring host could have set) is not read.
    assert_eq!(me(format!("gridhall_session={session}")).await.status(), StatusCode::UNAUTHORIZED);
    // The server render calls the API in-process with the browser's cookie.
    let page = server
        .client
        .get(server.url("/account"))
        .header(COOKIE, format!("__Host-gridhall_session={session}"))
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.expect("html").contains(email));
    // The CSRF check sees the cookie: a state change with it must say where it comes from.
    let cookie = Some(format!("__Host-gridhall_session={session}"));
    assert_eq!(post("/api/v1/auth/logout", json!({}), cookie.clone(), false).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(post("/api/v1/auth/logout", json!({}), cookie, true).await.status(), StatusCode::NO_CONTENT);
}

/// Issue 11 point 10: once a message is sent, no row of the outbox holds its link or code,
/// so a copy of the database cannot use them.
async fn sent_mail_leaves_no_live_token_in_the_outbox(server: TestServer) {
    let email = "outbox@example.com";
    server.new_customer(email, "欧", PASSWORD).await;
    server.post(&As::Anonymous, "/api/v1/auth/password/forgot", json!({"email": email})).await;
    let mail = server.mail.wait_for(email, "重设密码", WAIT).await;
    let token = mail.token(&server.url("/password/reset")).expect("reset link");
    // Wait until the worker has marked everything sent.
    for _ in 0..100 {
        let unsent: i64 = sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE sent_at IS NULL")
            .fetch_one(server.state.db.pool())
            .await
            .expect("count");
        if unsent == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let pattern = format!("%{token}%");
    let holding: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE body_text LIKE $1 OR body_html LIKE $1 OR subject LIKE $1",
    )
    .bind(&pattern)
    .fetch_one(server.state.db.pool())
    .await
    .expect("count");
    assert_eq!(holding, 0, "a sent message's body still holds the reset token");
    let links: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE body_text LIKE '%token=%' OR body_html LIKE '%token=%'",
    )
    .fetch_one(server.state.db.pool())
    .await
    .expect("count");
    assert_eq!(links, 0, "no sent message keeps a confirmation or reset link");
    // Sent rows are deleted once older than the keep time (the housekeeping job's rule).
    sqlx::query("UPDATE outbox SET sent_at = sent_at - 8 * 86400 WHERE id = (SELECT MIN(id) FROM outbox)")
        .execute(server.state.db.pool())
        .await
        .expect("age one message");
    let pruned = gridhall::jobs::outbox::prune(&server.state, 7 * 86_400).await.expect("prune");
    assert_eq!(pruned, 1, "only the message sent more than a week ago");
    // The link itself still works: only the copy in the database is gone.
    let reset = server
        .post(
            &As::Anonymous,
            "/api/v1/auth/password/reset",
            json!({"token": token, "password": "Copper-kettle-river-2031"}),
        )
        .await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT, "{:?}", reset.body);
}

/// Issue 11 point 17: the Message-ID is the portal's (its sender's domain), not the host
/// name of whichever server sent it, so a message sent again by another server is the same
/// message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn message_ids_do_not_depend_on_the_host() {
    let server = TestServer::start_with(crate::common::Backend::Sqlite, |config| {
        config.mail_from = "95598 <no-reply@95598.example.cn>".into();
    })
    .await
    .expect("server");
    let email = "msgid@example.com";
    server
        .post(
            &As::Anonymous,
            "/api/v1/auth/register",
            json!({"email": email, "display_name": "Msg", "password": PASSWORD}),
        )
        .await;
    let mail = server.mail.wait_for(email, "", WAIT).await;
    assert!(mail.message_id.ends_with("@95598.example.cn"), "{:?}", mail.message_id);
}

/// Issue 11 point 15: "forgot password" answers alike for a login and for an unknown
/// address, and does the same work for both (an audit entry either way; mail only to a
/// real login).
async fn forgot_password_answers_and_works_alike_for_any_address(server: TestServer) {
    let logins = server.demo_logins().await;
    let known = server.post(&As::Anonymous, "/api/v1/auth/password/forgot", json!({"email": demo::CUSTOMER})).await;
    let unknown =
        server.post(&As::Anonymous, "/api/v1/auth/password/forgot", json!({"email": "nobody@example.com"})).await;
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body));
    let admin = server.demo_login(&logins, demo::ADMIN).await;
    let audit = server.read(&admin, "/api/v1/audit?action=password.reset_requested").await;
    assert_eq!(audit.status, StatusCode::OK, "{}", audit.text);
    let entries = audit.body["entries"].as_array().cloned().unwrap_or_default();
    assert_eq!(entries.len(), 2, "both requests are recorded: {}", audit.body);
}

/// Issue 11 point 8: guesses from one client cannot lock the owner out. Failures count per
/// (address, client): the guesser is refused, the owner at another address logs in (slowed
/// down, not refused). Registration mail to one address is limited whatever the client.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_cannot_lock_a_login_out_sqlite() {
    a_stranger_cannot_lock_a_login_out(crate::common::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stranger_cannot_lock_a_login_out_postgres() {
    a_stranger_cannot_lock_a_login_out(crate::common::Backend::Postgres).await;
}

async fn a_stranger_cannot_lock_a_login_out(backend: crate::common::Backend) {
    // Behind one proxy: the client is the last X-Forwarded-For address.
    let Some(server) = TestServer::start_with(backend, |config| config.trust_proxy_hops = 1).await else {
        return;
    };
    let email = "target@example.com";
    server.new_customer(email, "靶", PASSWORD).await;
    let from = |client: &'static str, path: &'static str, body: serde_json::Value| {
        let server = &server;
        async move {
            server
                .client
                .post(server.url(path))
                .header(CONTENT_TYPE, "application/json")
                .header("x-forwarded-for", format!("10.9.9.9, {client}"))
                .body(body.to_string())
                .send()
                .await
                .expect("request")
                .status()
        }
    };
    let mut statuses = Vec::new();
    for attempt in 0..12 {
        statuses.push(
            from("203.0.113.9", "/api/v1/auth/login", json!({"email": email, "password": format!("guess-{attempt}")}))
                .await,
        );
    }
    assert!(statuses[..10].iter().all(|s| *s == StatusCode::UNAUTHORIZED), "{statuses:?}");
    assert!(statuses[10..].iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    let started = std::time::Instant::now();
    let owner = from("198.51.100.7", "/api/v1/auth/login", json!({"email": email, "password": PASSWORD})).await;
    assert_eq!(owner, StatusCode::OK, "the owner is not locked out by a stranger's guesses");
    assert!(started.elapsed() >= Duration::from_secs(1), "past the limit the answer is slowed down");

    let flood = json!({"email": "flood@example.com", "display_name": "Flood", "password": PASSWORD});
    let mut statuses = Vec::new();
    for client in ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"] {
        statuses.push(from(client, "/api/v1/auth/register", flood.clone()).await);
    }
    assert_eq!(
        statuses,
        [StatusCode::ACCEPTED, StatusCode::ACCEPTED, StatusCode::ACCEPTED, StatusCode::TOO_MANY_REQUESTS],
        "registration mail to one address is limited per address"
    );
}
