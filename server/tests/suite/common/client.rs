//! Calling the API as a browser would: JSON bodies, the session cookie, and `Origin` on
//! state-changing calls; plus the steps every identity test needs.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, COOKIE, ORIGIN, SET_COOKIE};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use super::TestServer;

/// Who calls.
#[derive(Debug, Clone, Default)]
pub(crate) enum As {
    /// Nobody.
    #[default]
    Anonymous,
    /// A browser with this session token.
    Session(String),
    /// A system with this API token.
    Bearer(String),
}

/// An answer: status, headers, JSON body (`Null` when empty or not JSON).
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    /// The body as text.
    pub text: String,
}

impl Answer {
    /// The error code of an error answer.
    pub(crate) fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    /// The session token set by this answer, if any.
    pub(crate) fn session(&self) -> Option<String> {
        self.headers.get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|cookie| {
            let value = cookie.strip_prefix("gridhall_session=")?.split(';').next()?;
            (!value.is_empty()).then(|| value.to_owned())
        })
    }

    /// The whole `Set-Cookie` header of the session cookie.
    pub(crate) fn session_cookie_header(&self) -> Option<String> {
        self.headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("gridhall_session="))
            .map(str::to_owned)
    }
}

impl TestServer {
    /// Calls the API as `who`, with a JSON body for state-changing methods.
    pub(crate) async fn call(&self, who: &As, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut request = self.client.request(method.clone(), self.url(path));
        match who {
            As::Anonymous => {}
            As::Session(token) => request = request.header(COOKIE, format!("gridhall_session={token}")),
            As::Bearer(token) => request = request.header(AUTHORIZATION, format!("Bearer {token}")),
        }
        if method != Method::GET {
            request = request.header(CONTENT_TYPE, "application/json").header(ORIGIN, self.url(""));
            request = request.body(body.unwrap_or(json!({})).to_string());
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer { status, headers, body, text }
    }

    /// `GET` as `who`.
    pub(crate) async fn read(&self, who: &As, path: &str) -> Answer {
        self.call(who, Method::GET, path, None).await
    }

    /// `POST` as `who`.
    pub(crate) async fn post(&self, who: &As, path: &str, body: Value) -> Answer {
        self.call(who, Method::POST, path, Some(body)).await
    }

    /// Logs in; panics unless it works. With a known authenticator secret it sends a
    /// fresh code; a first staff login sets the authenticator up (and remembers it).
    pub(crate) async fn login(&self, email: &str, password: &str) -> As {
        let mut body = json!({"email": email, "password": password});
        if let Some(code) = self.totp_code(email).await {
            body["code"] = json!(code);
        }
        let answer = self.post(&As::Anonymous, "/api/v1/auth/login", body).await;
        if answer.code() == "second_factor_enrolment_required" {
            return self.enrol_second_factor(email, password).await.0;
        }
        assert_eq!(answer.status, StatusCode::OK, "login {email}: {:?}", answer.body);
        As::Session(answer.session().expect("session cookie"))
    }

    /// Sets up an authenticator for a login (staff at their first login, or a customer
    /// opting in) and remembers its secret; answers the new session and the recovery codes.
    pub(crate) async fn enrol_second_factor(&self, email: &str, password: &str) -> (As, Vec<String>) {
        let credentials = json!({"email": email, "password": password});
        let setup = self.post(&As::Anonymous, "/api/v1/auth/second-factor/setup", credentials.clone()).await;
        assert_eq!(setup.status, StatusCode::OK, "set up {email}: {:?}", setup.body);
        let secret = setup.body["secret"].as_str().expect("secret").to_owned();
        self.remember_totp_secret(email, &secret);
        let mut confirm = credentials;
        confirm["code"] = json!(self.totp_code(email).await.expect("a code"));
        let answer = self.post(&As::Anonymous, "/api/v1/auth/second-factor/confirm", confirm).await;
        assert_eq!(answer.status, StatusCode::OK, "confirm {email}: {:?}", answer.body);
        let codes = answer.body["recovery_codes"]
            .as_array()
            .expect("recovery codes")
            .iter()
            .map(|c| c.as_str().expect("code").to_owned())
            .collect();
        (As::Session(answer.session().expect("session cookie")), codes)
    }

    /// Remembers the authenticator secret (base32) of a login on this server.
    pub(crate) fn remember_totp_secret(&self, email: &str, secret: &str) {
        let mut known = TOTP.lock().expect("authenticators");
        known.insert((self.url(""), email.to_owned()), (secret.to_owned(), 0));
    }

    /// A code the server has not accepted yet for this login, as an authenticator app
    /// shows it: this time step's, else the next one's (the server allows one step of
    /// clock drift); waits for a new step when both were used. `None` without a secret.
    pub(crate) async fn totp_code(&self, email: &str) -> Option<String> {
        let key = (self.url(""), email.to_owned());
        loop {
            // The phone's time is the server's clock: a test that moves it moves both.
            let now = u64::try_from(self.state.now()).expect("time");
            let step = now / 30;
            {
                let mut known = TOTP.lock().expect("authenticators");
                let (secret, last) = known.get_mut(&key)?;
                if let Some(chosen) = [step, step + 1].into_iter().find(|s| *s > *last) {
                    *last = chosen;
                    return Some(totp(secret).generate(chosen * 30).to_string());
                }
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }

    /// A fresh second-factor check for a session (before money, tariff, limit and role changes).
    pub(crate) async fn verify_second_factor(&self, who: &As, email: &str) -> Answer {
        let code = self.totp_code(email).await.expect("an authenticator secret");
        self.post(who, "/api/v1/me/second-factor/verify", json!({"code": code})).await
    }

    /// Registers a customer, confirms the address from the email, logs in.
    pub(crate) async fn new_customer(&self, email: &str, name: &str, password: &str) -> As {
        let answer = self
            .post(
                &As::Anonymous,
                "/api/v1/auth/register",
                json!({"email": email, "display_name": name, "password": password}),
            )
            .await;
        assert_eq!(answer.status, StatusCode::ACCEPTED, "{:?}", answer.body);
        let mail = self.mail.wait_for(email, "", Duration::from_secs(15)).await;
        let token = mail.token(&self.url("/confirm")).expect("confirmation link");
        let answer = self.post(&As::Anonymous, "/api/v1/auth/confirm", json!({"token": token})).await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT, "{:?}", answer.body);
        self.login(email, password).await
    }

    /// A staff member invited by `admin` with these roles and supply stations, who has
    /// chosen their password from the invitation and logged in.
    pub(crate) async fn new_staff(&self, admin: &As, email: &str, roles: &[&str], regions: &[&str]) -> As {
        let invited = self
            .post(
                admin,
                "/api/v1/staff/users",
                json!({"email": email, "display_name": email, "roles": roles, "regions": regions}),
            )
            .await;
        assert_eq!(invited.status, StatusCode::CREATED, "{:?}", invited.body);
        let mail = self.mail.wait_for(email, "", Duration::from_secs(15)).await;
        let token = mail.token(&self.url("/welcome")).expect("invitation link");
        let password = "Lantern-orchard-47-tide";
        let answer = self
            .post(&As::Anonymous, "/api/v1/auth/password/reset", json!({"token": token, "password": password}))
            .await;
        assert_eq!(answer.status, StatusCode::NO_CONTENT, "{:?}", answer.body);
        self.login(email, password).await
    }

    /// Loads the demo data; answers the password of each demo login by email (and
    /// remembers the demo staff's authenticator secrets, so their logins send codes).
    pub(crate) async fn demo_logins(&self) -> HashMap<String, String> {
        let report = gridhall::demo::load(&self.state).await.expect("demo");
        for login in &report.logins {
            if let Some(secret) = &login.totp_secret {
                self.remember_totp_secret(&login.email, secret);
            }
        }
        report.logins.into_iter().map(|l| (l.email, l.password)).collect()
    }

    /// Logs in as a demo login.
    pub(crate) async fn demo_login(&self, logins: &HashMap<String, String>, email: &str) -> As {
        self.login(email, &logins[email]).await
    }
}

/// The authenticator secrets the tests know, by (server, login), with the newest time step
/// a code was sent for (the server refuses a step twice).
static TOTP: LazyLock<Mutex<HashMap<Login, Authenticator>>> = LazyLock::new(Default::default);

/// A login on one server: (server URL, email).
type Login = (String, String);
/// An authenticator secret (base32) and the newest time step a code was sent for.
type Authenticator = (String, u64);

/// An authenticator app for a base32 secret: RFC 6238's SHA-1, 6 digits, 30-second steps.
pub(crate) fn totp(secret: &str) -> totp_rs::Totp {
    totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).expect("base32 secret"))
        .build()
        .expect("an RFC 6238 authenticator")
}

/// Demo logins.
pub(crate) mod demo {
    pub(crate) const CUSTOMER: &str = "zhang.wei@demo.gridhall.example";
    pub(crate) const ORG_ADMIN: &str = "chen.jing@demo.gridhall.example";
    pub(crate) const ORG_PAYER: &str = "liu.yang@demo.gridhall.example";
    pub(crate) const AGENT: &str = "zhao.min@staff.gridhall.example";
    pub(crate) const SUPERVISOR: &str = "sun.lei@staff.gridhall.example";
    pub(crate) const CONNECTION_HANDLER: &str = "zhou.jie@staff.gridhall.example";
    pub(crate) const BILLING_OPERATOR: &str = "wu.fang@staff.gridhall.example";
    pub(crate) const KEY_ACCOUNT_MANAGER: &str = "zheng.qiang@staff.gridhall.example";
    pub(crate) const ADMIN: &str = "admin@staff.gridhall.example";
    pub(crate) const AUDITOR: &str = "feng.xue@staff.gridhall.example";
    /// The demo customer's linked account.
    pub(crate) const CUSTOMER_ACCOUNT: &str = "3100012345";
    /// Unlinked: holder 李娜, last bill 86.40, address on file li.na@demo.gridhall.example.
    pub(crate) const LI_NA_ACCOUNT: &str = "3100012346";
}
