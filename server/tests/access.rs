//! Who may see and change what, through the real server on SQLite and PostgreSQL: linking
//! accounts with proofs, guessing other people's ids, enterprise members and API tokens,
//! staff administration and the audit log.

mod common;

use std::time::Duration;

use common::TestServer;
use common::client::{As, demo};
use reqwest::{Method, StatusCode};
use serde_json::json;

on_both_backends!(
    a_customer_links_an_account_with_the_last_bill,
    a_customer_links_an_account_with_an_emailed_code,
    wrong_proofs_are_refused_logged_and_limited,
    other_peoples_accounts_cannot_be_seen_or_changed,
    an_enterprise_admin_manages_colleagues,
    api_tokens_are_shown_once_scoped_and_revocable,
    a_staff_admin_invites_changes_and_disables_staff,
    the_audit_log_is_searchable_and_append_only,
    link_code_requests_answer_alike_and_are_limited_per_recipient,
);

const PASSWORD: &str = "Lantern-orchard-47-tide";
const WAIT: Duration = Duration::from_secs(15);

async fn a_customer_links_an_account_with_the_last_bill(server: TestServer) {
    server.demo_logins().await;
    let me = server.new_customer("he@example.com", "何", PASSWORD).await;
    assert_eq!(server.read(&me, "/api/v1/me/accounts").await.body["accounts"], json!([]));
    let linked = server
        .post(
            &me,
            "/api/v1/me/accounts",
            json!({"account_no": "31000 12346", "proof": {"method": "bill_amount", "holder_name": " 李 娜", "last_bill_amount": "¥86.4"}}),
        )
        .await;
    assert_eq!(linked.status, StatusCode::CREATED, "{:?}", linked.body);
    assert_eq!(linked.body["account_no"], demo::LI_NA_ACCOUNT);
    assert_eq!(linked.body["payment_mode"], "prepaid");
    let accounts = server.read(&me, "/api/v1/me/accounts").await.body;
    assert_eq!(accounts["accounts"].as_array().expect("list").len(), 1);
    let logins = server.read(&me, &format!("/api/v1/me/accounts/{}/logins", demo::LI_NA_ACCOUNT)).await;
    assert_eq!(logins.status, StatusCode::OK);
    assert_eq!(logins.body["logins"][0]["email_hint"], "h***@example.com");
    assert_eq!(logins.body["logins"][0]["is_you"], true);
}

async fn a_customer_links_an_account_with_an_emailed_code(server: TestServer) {
    server.demo_logins().await;
    let me = server.new_customer("lv@example.com", "吕", PASSWORD).await;
    let sent = server.post(&me, "/api/v1/me/accounts/code", json!({"account_no": demo::LI_NA_ACCOUNT})).await;
    assert_eq!(sent.status, StatusCode::ACCEPTED, "{:?}", sent.body);
    // The code goes to the address on file of the account, not to the person asking.
    let mail = server.mail.wait_for("li.na@demo.gridhall.example", "3100012346", WAIT).await;
    let code = mail.code().expect("six digits");
    let wrong = if code == "000000" { "000001" } else { "000000" };
    let refused = server
        .post(
            &me,
            "/api/v1/me/accounts",
            json!({"account_no": demo::LI_NA_ACCOUNT, "proof": {"method": "email_code", "code": wrong}}),
        )
        .await;
    assert_eq!((refused.status, refused.code()), (StatusCode::UNPROCESSABLE_ENTITY, "proof_mismatch"));
    let linked = server
        .post(
            &me,
            "/api/v1/me/accounts",
            json!({"account_no": demo::LI_NA_ACCOUNT, "proof": {"method": "email_code", "code": code}}),
        )
        .await;
    assert_eq!(linked.status, StatusCode::CREATED, "{:?}", linked.body);
    // A code works once, and only for the login it was sent for.
    let other = server.new_customer("shi@example.com", "施", PASSWORD).await;
    let reused = server
        .post(
            &other,
            "/api/v1/me/accounts",
            json!({"account_no": demo::LI_NA_ACCOUNT, "proof": {"method": "email_code", "code": code}}),
        )
        .await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = server.post(&me, "/api/v1/me/accounts/code", json!({"account_no": "3999999999"})).await;
    assert_eq!(unknown.status, StatusCode::ACCEPTED, "the same answer as for a real account");
    let malformed = server.post(&me, "/api/v1/me/accounts/code", json!({"account_no": "12"})).await;
    assert_eq!(malformed.status, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn wrong_proofs_are_refused_logged_and_limited(server: TestServer) {
    server.demo_logins().await;
    let me = server.new_customer("kong@example.com", "孔", PASSWORD).await;
    let guess = |amount: String| json!({"account_no": demo::LI_NA_ACCOUNT, "proof": {"method": "bill_amount", "holder_name": "李娜", "last_bill_amount": amount}});
    let mut statuses = Vec::new();
    for cents in 0..11 {
        statuses.push(server.post(&me, "/api/v1/me/accounts", guess(format!("80.{cents:02}"))).await.status);
    }
    assert!(statuses[..10].iter().all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY), "{statuses:?}");
    assert_eq!(statuses[10], StatusCode::TOO_MANY_REQUESTS);
    let right = server.post(&me, "/api/v1/me/accounts", guess("86.40".into())).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS, "the limit holds even for the right proof");
    let failures: i64 =
        sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'account.link_failed'")
            .fetch_one(server.state.db.pool())
            .await
            .expect("count");
    assert_eq!(failures, 10);
    assert_eq!(server.read(&me, "/api/v1/me/accounts").await.body["accounts"], json!([]));
}

async fn other_peoples_accounts_cannot_be_seen_or_changed(server: TestServer) {
    let logins = server.demo_logins().await;
    let owner = server.demo_login(&logins, demo::CUSTOMER).await;
    let stranger = server.new_customer("yan@example.com", "严", PASSWORD).await;
    let owner_id = server.read(&owner, "/api/v1/me").await.body["id"].as_i64().expect("id");
    let path = format!("/api/v1/me/accounts/{}/logins", demo::CUSTOMER_ACCOUNT);
    // Not linked: the account does not exist for the stranger, like one that does not exist.
    assert_eq!(server.read(&stranger, &path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(server.read(&stranger, "/api/v1/me/accounts/3999999999/logins").await.status, StatusCode::NOT_FOUND);
    let unlink = server.call(&stranger, Method::DELETE, &format!("{path}/{owner_id}"), None).await;
    assert_eq!(unlink.status, StatusCode::NOT_FOUND);
    assert_eq!(server.read(&owner, &path).await.body["logins"].as_array().expect("logins").len(), 1, "nothing changed");
    // Enterprise accounts are not linked by customers, whatever the proof.
    let enterprise = server
        .post(
            &stranger,
            "/api/v1/me/accounts",
            json!({"account_no": "3200000001", "proof": {"method": "bill_amount", "holder_name": "华东精密制造有限公司", "last_bill_amount": "42865.30"}}),
        )
        .await;
    assert_eq!(enterprise.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The owner can remove their own link.
    let own = server.call(&owner, Method::DELETE, &format!("{path}/{owner_id}"), None).await;
    assert_eq!(own.status, StatusCode::NO_CONTENT);
    assert_eq!(server.read(&owner, "/api/v1/me/accounts").await.body["accounts"], json!([]));
}

async fn an_enterprise_admin_manages_colleagues(server: TestServer) {
    let logins = server.demo_logins().await;
    let admin = server.demo_login(&logins, demo::ORG_ADMIN).await;
    let payer = server.demo_login(&logins, demo::ORG_PAYER).await;
    let members = server.read(&payer, "/api/v1/org/members").await;
    assert_eq!(members.status, StatusCode::OK);
    assert_eq!(members.body["org_name"], "华东精密制造有限公司");
    assert_eq!(members.body["members"].as_array().expect("members").len(), 2);
    let accounts = server.read(&payer, "/api/v1/me/accounts").await.body;
    assert_eq!(accounts["accounts"].as_array().expect("accounts").len(), 3, "the company's service points");

    let invite = json!({"email": "ma.li@huadong.example", "display_name": "马丽", "role": "viewer"});
    assert_eq!(server.post(&payer, "/api/v1/org/members", invite.clone()).await.status, StatusCode::FORBIDDEN);
    let invited = server.post(&admin, "/api/v1/org/members", invite.clone()).await;
    assert_eq!(invited.status, StatusCode::CREATED, "{:?}", invited.body);
    assert_eq!(invited.body["invitation_pending"], true);
    let user_id = invited.body["user_id"].as_i64().expect("id");
    assert_eq!(server.post(&admin, "/api/v1/org/members", invite).await.status, StatusCode::CONFLICT);

    let mail = server.mail.wait_for("ma.li@huadong.example", "华东精密制造有限公司", WAIT).await;
    let token = mail.token(&server.url("/welcome")).expect("invitation link");
    let set =
        server.post(&As::Anonymous, "/api/v1/auth/password/reset", json!({"token": token, "password": PASSWORD})).await;
    assert_eq!(set.status, StatusCode::NO_CONTENT, "{:?}", set.body);
    let viewer = server.login("ma.li@huadong.example", PASSWORD).await;
    assert_eq!(server.read(&viewer, "/api/v1/me").await.body["membership"]["role"], "viewer");
    assert_eq!(server.read(&viewer, "/api/v1/org/tokens").await.status, StatusCode::FORBIDDEN);

    // Promotion ends the member's sessions (privileges changed).
    let promote = server
        .call(&admin, Method::PATCH, &format!("/api/v1/org/members/{user_id}"), Some(json!({"role": "payer"})))
        .await;
    assert_eq!(promote.status, StatusCode::NO_CONTENT);
    assert_eq!(server.read(&viewer, "/api/v1/me").await.status, StatusCode::UNAUTHORIZED);

    // The last admin stays; someone else's user is not a member.
    let admin_id = server.read(&admin, "/api/v1/me").await.body["id"].as_i64().expect("id");
    let demote = server
        .call(&admin, Method::PATCH, &format!("/api/v1/org/members/{admin_id}"), Some(json!({"role": "viewer"})))
        .await;
    assert_eq!(demote.status, StatusCode::CONFLICT);
    let stranger = server.new_customer("outsider@example.com", "Outsider", PASSWORD).await;
    let stranger_id = server.read(&stranger, "/api/v1/me").await.body["id"].as_i64().expect("id");
    let foreign = server.call(&admin, Method::DELETE, &format!("/api/v1/org/members/{stranger_id}"), None).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);

    let removed = server.call(&admin, Method::DELETE, &format!("/api/v1/org/members/{user_id}"), None).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let gone = server
        .post(&As::Anonymous, "/api/v1/auth/login", json!({"email": "ma.li@huadong.example", "password": PASSWORD}))
        .await;
    assert_eq!((gone.status, gone.code()), (StatusCode::FORBIDDEN, "account_disabled"));
}

async fn api_tokens_are_shown_once_scoped_and_revocable(server: TestServer) {
    let logins = server.demo_logins().await;
    let admin = server.demo_login(&logins, demo::ORG_ADMIN).await;
    let issued = server
        .post(&admin, "/api/v1/org/tokens", json!({"name": "ERP 夜间导入", "scope": "read", "expires_in_days": 90}))
        .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{:?}", issued.body);
    let token = issued.body["token"].as_str().expect("secret").to_owned();
    assert!(token.starts_with("ghall_"));
    let listed = server.read(&admin, "/api/v1/org/tokens").await.body;
    assert!(!listed.to_string().contains(&token), "the secret is never shown again");
    assert_eq!(listed["tokens"][0]["name"], "ERP 夜间导入");

    let system = As::Bearer(token.clone());
    let accounts = server.read(&system, "/api/v1/me/accounts").await;
    assert_eq!(accounts.status, StatusCode::OK);
    assert_eq!(accounts.body["accounts"].as_array().expect("accounts").len(), 3);
    assert_eq!(server.read(&system, "/api/v1/org/members").await.status, StatusCode::FORBIDDEN);
    assert_eq!(server.read(&system, "/api/v1/me").await.status, StatusCode::FORBIDDEN);
    assert_eq!(server.post(&system, "/api/v1/org/tokens", json!({})).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        server.read(&As::Bearer("ghall_made_up".into()), "/api/v1/me/accounts").await.status,
        StatusCode::UNAUTHORIZED
    );

    let bad =
        server.post(&admin, "/api/v1/org/tokens", json!({"name": " ", "scope": "read", "expires_in_days": 0})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body["fields"]["name"].is_string() && bad.body["fields"]["expires_in_days"].is_string());

    // Expired tokens stop working.
    let other = server
        .post(&admin, "/api/v1/org/tokens", json!({"name": "old", "scope": "read_write", "expires_in_days": 1}))
        .await;
    let other_secret = other.body["token"].as_str().expect("secret").to_owned();
    sqlx::query("UPDATE api_tokens SET expires_at = $1 WHERE name = 'old'")
        .bind(chrono::Utc::now().timestamp() - 1)
        .execute(server.state.db.pool())
        .await
        .expect("expire");
    assert_eq!(server.read(&As::Bearer(other_secret), "/api/v1/me/accounts").await.status, StatusCode::UNAUTHORIZED);

    let id = issued.body["info"]["id"].as_i64().expect("id");
    assert_eq!(
        server.call(&admin, Method::DELETE, &format!("/api/v1/org/tokens/{id}"), None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(server.read(&system, "/api/v1/me/accounts").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        server.call(&admin, Method::DELETE, "/api/v1/org/tokens/999999", None).await.status,
        StatusCode::NOT_FOUND
    );
}

async fn a_staff_admin_invites_changes_and_disables_staff(server: TestServer) {
    let logins = server.demo_logins().await;
    let admin = server.demo_login(&logins, demo::ADMIN).await;
    let regions = server.read(&admin, "/api/v1/staff/regions").await.body;
    assert_eq!(regions["regions"].as_array().expect("regions").len(), 3);

    let bad = server.post(&admin, "/api/v1/staff/users", json!({"email": "x", "display_name": "", "roles": []})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.body["fields"].as_object().expect("fields").len(), 3);
    let unknown_region = server
        .post(
            &admin,
            "/api/v1/staff/users",
            json!({"email": "a@gridhall.example", "display_name": "A", "roles": ["agent"], "regions": ["XX99"]}),
        )
        .await;
    assert_eq!(unknown_region.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        server.read(&admin, "/api/v1/staff/users").await.body["users"].as_array().expect("users").len(),
        7,
        "nothing created"
    );

    let created = server
        .post(
            &admin,
            "/api/v1/staff/users",
            json!({"email": "Qin.Hai@Staff.Gridhall.example", "display_name": "秦海", "roles": ["agent"], "regions": ["PD01"]}),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
    let agent_id = created.body["users"][0]["id"].as_i64().expect("id");
    let mail = server.mail.wait_for("qin.hai@staff.gridhall.example", "邀请", WAIT).await;
    let token = mail.token(&server.url("/welcome")).expect("invitation");
    assert_eq!(
        server
            .post(&As::Anonymous, "/api/v1/auth/password/reset", json!({"token": token, "password": PASSWORD}))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let agent = server.login("qin.hai@staff.gridhall.example", PASSWORD).await;
    let me = server.read(&agent, "/api/v1/me").await.body;
    assert_eq!(
        (me["kind"].clone(), me["staff_roles"].clone(), me["regions"].clone()),
        (json!("staff"), json!(["agent"]), json!(["PD01"]))
    );
    assert_eq!(server.read(&agent, "/api/v1/staff/users").await.status, StatusCode::FORBIDDEN);
    assert_eq!(server.read(&agent, "/api/v1/audit").await.status, StatusCode::FORBIDDEN);

    // A new role ends the sessions; the next login carries it.
    let path = format!("/api/v1/staff/users/{agent_id}");
    assert_eq!(
        server.call(&admin, Method::PATCH, &path, Some(json!({"roles": ["agent", "supervisor"]}))).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(server.read(&agent, "/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    let agent = server.login("qin.hai@staff.gridhall.example", PASSWORD).await;
    assert_eq!(server.read(&agent, "/api/v1/me").await.body["staff_roles"], json!(["agent", "supervisor"]));

    assert_eq!(
        server.call(&admin, Method::PATCH, &path, Some(json!({"disabled": true}))).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(server.read(&agent, "/api/v1/me").await.status, StatusCode::UNAUTHORIZED);
    let refused = server
        .post(
            &As::Anonymous,
            "/api/v1/auth/login",
            json!({"email": "qin.hai@staff.gridhall.example", "password": PASSWORD}),
        )
        .await;
    assert_eq!(refused.code(), "account_disabled");

    let admin_id = server.read(&admin, "/api/v1/me").await.body["id"].as_i64().expect("id");
    let own = format!("/api/v1/staff/users/{admin_id}");
    assert_eq!(
        server.call(&admin, Method::PATCH, &own, Some(json!({"disabled": true}))).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        server.call(&admin, Method::PATCH, &own, Some(json!({"roles": ["auditor"]}))).await.status,
        StatusCode::CONFLICT
    );
    let customer = server.demo_login(&logins, demo::CUSTOMER).await;
    let customer_id = server.read(&customer, "/api/v1/me").await.body["id"].as_i64().expect("id");
    let not_staff = server
        .call(&admin, Method::PATCH, &format!("/api/v1/staff/users/{customer_id}"), Some(json!({"roles": ["admin"]})))
        .await;
    assert_eq!(not_staff.status, StatusCode::NOT_FOUND, "a customer cannot be made staff by id");
}

async fn the_audit_log_is_searchable_and_append_only(server: TestServer) {
    let logins = server.demo_logins().await;
    let admin = server.demo_login(&logins, demo::ADMIN).await;
    let auditor = server.demo_login(&logins, demo::AUDITOR).await;
    let _ = server
        .post(&As::Anonymous, "/api/v1/auth/login", json!({"email": demo::AGENT, "password": "wrong password!"}))
        .await;
    server
        .post(
            &admin,
            "/api/v1/staff/users",
            json!({"email": "new@staff.gridhall.example", "display_name": "新人", "roles": ["auditor"]}),
        )
        .await;

    let page = server.read(&auditor, "/api/v1/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    let actions: Vec<&str> =
        page.body["entries"].as_array().expect("entries").iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions.first(), Some(&"staff.created"), "newest first: {actions:?}");
    assert!(actions.contains(&"login.failed") && actions.contains(&"login"), "{actions:?}");

    let failed = server.read(&auditor, "/api/v1/audit?action=login.failed").await.body;
    let entry = &failed["entries"][0];
    assert_eq!(entry["action"], "login.failed");
    assert_eq!(entry["ip"], "127.0.0.1");
    assert!(entry["subject"].as_str().expect("subject").contains("z***@staff.gridhall.example"));
    let by_admin = server.read(&auditor, "/api/v1/audit?actor=admin%40staff").await.body;
    assert!(by_admin["entries"].as_array().expect("entries").iter().all(|e| e["actor"] == demo::ADMIN));
    let wildcard = server.read(&auditor, "/api/v1/audit?actor=%25").await.body;
    assert_eq!(wildcard["entries"], json!([]), "a % in the filter is a literal %");
    assert_eq!(server.read(&auditor, "/api/v1/audit?before=abc").await.status, StatusCode::BAD_REQUEST);

    // The auditor reads, never writes.
    assert_eq!(server.post(&auditor, "/api/v1/staff/users", json!({})).await.status, StatusCode::FORBIDDEN);
    // The database itself refuses to change history.
    let pool = server.state.db.pool();
    assert!(sqlx::query("UPDATE audit_log SET action = 'nothing'").execute(pool).await.is_err());
    assert!(sqlx::query("DELETE FROM audit_log").execute(pool).await.is_err());
}

/// Issue 11 points 15 and 8: asking for a link code answers the same for an account with an
/// address on file, one without, and no account at all (the answer does not say which
/// accounts exist or have an address), and one address is not mailed codes over and over.
async fn link_code_requests_answer_alike_and_are_limited_per_recipient(server: TestServer) {
    server.demo_logins().await;
    let me = server.new_customer("he@example.com", "何", PASSWORD).await;
    let known = server.post(&me, "/api/v1/me/accounts/code", json!({"account_no": demo::LI_NA_ACCOUNT})).await;
    let unknown = server.post(&me, "/api/v1/me/accounts/code", json!({"account_no": "3999999999"})).await;
    assert_eq!((known.status, &known.text), (unknown.status, &unknown.text), "known and unknown answer alike");
    assert_eq!(known.status, StatusCode::ACCEPTED);
    // Both are recorded, so the same work is done either way.
    let recorded: i64 =
        sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'account.link_code_sent'")
            .fetch_one(server.state.db.pool())
            .await
            .expect("count");
    assert_eq!(recorded, 2);
    // Five codes an hour to one address on file, whoever asks.
    let other = server.new_customer("lu@example.com", "陆", PASSWORD).await;
    let mut statuses = Vec::new();
    for who in [&me, &me, &me, &other, &other] {
        statuses.push(
            server.post(who, "/api/v1/me/accounts/code", json!({"account_no": demo::LI_NA_ACCOUNT})).await.status,
        );
    }
    assert_eq!(statuses[..4], [StatusCode::ACCEPTED; 4], "{statuses:?}");
    assert_eq!(statuses[4], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
}
