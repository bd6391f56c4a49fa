//! Who may see and change what, through the real server on SQLite and PostgreSQL: linking
//! accounts with proofs, guessing other people's ids, enterprise members and API tokens,
//! staff administration and the audit log.

use std::time::Duration;

use crate::common::TestServer;
use crate::common::client::{As, demo};
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
    an_admin_of_one_station_grants_and_reads_only_there,
    a_read_only_token_never_writes_and_tokens_end_with_their_admin,
    a_link_by_name_and_bill_is_told_and_cannot_remove_the_others,
    inviting_answers_alike_whether_or_not_the_address_has_a_login,
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
    assert_eq!(invited.status, StatusCode::ACCEPTED, "{:?}", invited.body);
    assert_eq!(invited.body["email"], "ma.li@huadong.example");
    let listed = server.read(&payer, "/api/v1/org/members").await.body;
    assert_eq!(listed["invitations"][0]["display_name"], "马丽", "{listed}");
    assert_eq!(listed["invitations"][0]["expired"], false);

    let mail = server.mail.wait_for("ma.li@huadong.example", "华东精密制造有限公司", WAIT).await;
    let token = mail.token(&server.url("/welcome")).expect("invitation link");
    let set =
        server.post(&As::Anonymous, "/api/v1/auth/password/reset", json!({"token": token, "password": PASSWORD})).await;
    assert_eq!(set.status, StatusCode::NO_CONTENT, "{:?}", set.body);
    let again =
        server.post(&As::Anonymous, "/api/v1/auth/password/reset", json!({"token": token, "password": PASSWORD})).await;
    assert_eq!(again.code(), "link_expired", "one link makes one login");
    let viewer = server.login("ma.li@huadong.example", PASSWORD).await;
    let me = server.read(&viewer, "/api/v1/me").await.body;
    assert_eq!(me["membership"]["role"], "viewer");
    let user_id = me["id"].as_i64().expect("id");
    let listed = server.read(&admin, "/api/v1/org/members").await.body;
    assert_eq!(listed["invitations"], json!([]), "an accepted invitation is a member now");
    assert_eq!(listed["members"].as_array().expect("members").len(), 3);
    let member = server.post(&admin, "/api/v1/org/members", invite).await;
    assert_eq!((member.status, member.code()), (StatusCode::CONFLICT, "email_taken"), "already a member here");
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

/// An admin limited to Pudong (PD01) sees and changes the staff of Pudong only, grants no
/// station beyond it (nor "every station", to others or themselves), gives themselves no
/// new role, reads the audit entries of Pudong and their own, changes nothing that reaches
/// every station, and issues and sees integration tokens of Pudong only.
async fn an_admin_of_one_station_grants_and_reads_only_there(server: TestServer) {
    let logins = server.demo_logins().await;
    gridhall::demo::billing::install(&server.state).await.expect("demo billing");
    let admin = server.demo_login(&logins, demo::ADMIN).await;
    let operator = server.demo_login(&logins, demo::BILLING_OPERATOR).await;
    let pudong = server.new_staff(&admin, "pd.admin@staff.gridhall.example", &["admin"], &["PD01"]).await;
    let pudong_id = server.read(&pudong, "/api/v1/me").await.body["id"].as_i64().expect("id");

    // Staff: only those within Pudong (the demo agent of PD01 and themselves).
    let users = server.read(&pudong, "/api/v1/staff/users").await.body;
    let mut emails: Vec<&str> =
        users["users"].as_array().expect("users").iter().filter_map(|u| u["email"].as_str()).collect();
    emails.sort_unstable();
    assert_eq!(emails, ["pd.admin@staff.gridhall.example", demo::AGENT], "staff beyond Pudong listed");
    let all = server.read(&admin, "/api/v1/staff/users").await.body;
    let id_of = |email: &str| {
        all["users"].as_array().expect("users").iter().find(|u| u["email"] == email).and_then(|u| u["id"].as_i64())
    };
    let (agent_id, handler_id, admin_id) =
        (id_of(demo::AGENT).expect("agent"), id_of(demo::CONNECTION_HANDLER).expect("handler"), id_of(demo::ADMIN));

    // Invitations: within Pudong only.
    let invite = |email: &str, regions: serde_json::Value| json!({"email": email, "display_name": "新人", "roles": ["agent"], "regions": regions});
    for regions in [json!([]), json!(["MH02"]), json!(["PD01", "MH02"])] {
        let refused =
            server.post(&pudong, "/api/v1/staff/users", invite("x@staff.gridhall.example", regions.clone())).await;
        assert_eq!(
            (refused.status, refused.code()),
            (StatusCode::FORBIDDEN, "station_not_held"),
            "invited with {regions}: {}",
            refused.body
        );
    }
    let invited =
        server.post(&pudong, "/api/v1/staff/users", invite("y@staff.gridhall.example", json!(["PD01"]))).await;
    assert_eq!(invited.status, StatusCode::CREATED, "{}", invited.body);

    // Changes: never wider, never of staff beyond Pudong, never a new role for themselves.
    let patch = |id: i64, body: serde_json::Value| {
        let path = format!("/api/v1/staff/users/{id}");
        let server = &server;
        let pudong = pudong.clone();
        async move { server.call(&pudong, Method::PATCH, &path, Some(body)).await }
    };
    let own = patch(pudong_id, json!({"regions": []})).await;
    assert_eq!((own.status, own.code()), (StatusCode::FORBIDDEN, "station_not_held"), "{}", own.body);
    let own = patch(pudong_id, json!({"regions": ["PD01", "JD03"]})).await;
    assert_eq!((own.status, own.code()), (StatusCode::FORBIDDEN, "station_not_held"), "{}", own.body);
    let own = patch(pudong_id, json!({"roles": ["admin", "billing_operator"]})).await;
    assert_eq!((own.status, own.code()), (StatusCode::FORBIDDEN, "role_not_held"), "{}", own.body);
    let wider = patch(agent_id, json!({"regions": ["PD01", "MH02"]})).await;
    assert_eq!((wider.status, wider.code()), (StatusCode::FORBIDDEN, "station_not_held"), "{}", wider.body);
    assert_eq!(patch(handler_id, json!({"disabled": true})).await.status, StatusCode::NOT_FOUND);
    assert_eq!(patch(admin_id.expect("admin"), json!({"disabled": true})).await.status, StatusCode::NOT_FOUND);
    assert_eq!(patch(agent_id, json!({"roles": ["agent", "supervisor"]})).await.status, StatusCode::NO_CONTENT);
    let me = server.read(&pudong, "/api/v1/me").await.body;
    assert_eq!((me["staff_roles"].clone(), me["regions"].clone()), (json!(["admin"]), json!(["PD01"])));

    // The audit log: Pudong's entries and their own, not Jiading's nor other people's logins.
    let hold = json!({"hold": true, "reason": "核对"});
    for account in [demo::CUSTOMER_ACCOUNT, "3100012347"] {
        let path = format!("/api/v1/staff/accounts/{account}/hold");
        assert_eq!(server.call(&operator, Method::PUT, &path, Some(hold.clone())).await.status, StatusCode::NO_CONTENT);
    }
    let page = server.read(&pudong, "/api/v1/audit").await.body;
    let subjects: Vec<&str> =
        page["entries"].as_array().expect("entries").iter().filter_map(|e| e["subject"].as_str()).collect();
    assert!(subjects.contains(&"account:3100012345"), "{subjects:?}");
    assert!(!subjects.contains(&"account:3100012347"), "Jiading's entry shown to Pudong's admin: {subjects:?}");
    let actors: Vec<&str> =
        page["entries"].as_array().expect("entries").iter().filter_map(|e| e["actor"].as_str()).collect();
    assert!(actors.contains(&"pd.admin@staff.gridhall.example"), "their own actions: {actors:?}");
    assert!(!actors.contains(&demo::ADMIN), "another admin's entries shown: {actors:?}");
    let everything = server.read(&admin, "/api/v1/audit?action=billing.hold").await.body;
    assert_eq!(everything["entries"].as_array().map(Vec::len), Some(2));

    // Changes that reach every station.
    let tariff = server
        .post(&pudong, "/api/v1/staff/tariffs", json!({"code": "pd-only", "name_zh": "浦东", "name_en": "Pudong"}))
        .await;
    assert_eq!((tariff.status, tariff.code()), (StatusCode::FORBIDDEN, "station_not_held"), "{}", tariff.body);
    let calendar = server.call(&pudong, Method::PUT, "/api/v1/staff/calendar/2027", Some(json!({}))).await;
    assert_eq!(calendar.code(), "station_not_held", "{}", calendar.body);

    // Integration tokens: of Pudong only.
    let everywhere =
        server.post(&admin, "/api/v1/staff/integration-tokens", json!({"name": "全市", "expires_in_days": 1})).await;
    assert_eq!(everywhere.status, StatusCode::CREATED, "{}", everywhere.body);
    let refused =
        server.post(&pudong, "/api/v1/staff/integration-tokens", json!({"name": "全市", "expires_in_days": 1})).await;
    assert_eq!((refused.status, refused.code()), (StatusCode::FORBIDDEN, "station_not_held"), "{}", refused.body);
    let mine = server
        .post(
            &pudong,
            "/api/v1/staff/integration-tokens",
            json!({"name": "浦东", "expires_in_days": 1, "region": "PD01"}),
        )
        .await;
    assert_eq!(mine.status, StatusCode::CREATED, "{}", mine.body);
    let listed = server.read(&pudong, "/api/v1/staff/integration-tokens").await.body;
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["region"], "PD01");
    let other = everywhere.body["info"]["id"].as_i64().expect("id");
    let path = format!("/api/v1/staff/integration-tokens/{other}");
    assert_eq!(server.call(&pudong, Method::DELETE, &path, None).await.status, StatusCode::NOT_FOUND);
}

/// A read-only token is refused every write, even on a route anyone may call; a
/// read-write token writes there. Tokens act with their issuing admin's authority: made a
/// viewer, or removed from the organisation (their login disabled), the admin's tokens stop
/// at once, while the other admin's keep working.
async fn a_read_only_token_never_writes_and_tokens_end_with_their_admin(server: TestServer) {
    let logins = server.demo_logins().await;
    let admin = server.demo_login(&logins, demo::ORG_ADMIN).await;
    let issue = |who: As, scope: &'static str| {
        let server = &server;
        async move {
            let issued = server
                .post(&who, "/api/v1/org/tokens", json!({"name": scope, "scope": scope, "expires_in_days": 1}))
                .await;
            assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.body);
            As::Bearer(issued.body["token"].as_str().expect("secret").to_owned())
        }
    };
    let language = json!({"language": "en"});
    let read_only = issue(admin.clone(), "read").await;
    let refused = server.call(&read_only, Method::PUT, "/api/v1/preferences/language", Some(language.clone())).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "a read-only token wrote: {}", refused.body);
    assert_eq!(server.read(&read_only, "/api/v1/me/accounts").await.status, StatusCode::OK);
    let read_write = issue(admin.clone(), "read_write").await;
    let written = server.call(&read_write, Method::PUT, "/api/v1/preferences/language", Some(language)).await;
    assert!(written.status.is_success(), "{}", written.body);

    // Two more admins, each with a token.
    let mut others = Vec::new();
    for email in ["second.admin@huadong.example", "third.admin@huadong.example"] {
        let invite = json!({"email": email, "display_name": "管理员", "role": "admin"});
        let invited = server.post(&admin, "/api/v1/org/members", invite).await;
        assert_eq!(invited.status, StatusCode::ACCEPTED, "{}", invited.body);
        let mail = server.mail.wait_for(email, "", WAIT).await;
        let token = mail.token(&server.url("/welcome")).expect("invitation link");
        let set = server
            .post(&As::Anonymous, "/api/v1/auth/password/reset", json!({"token": token, "password": PASSWORD}))
            .await;
        assert_eq!(set.status, StatusCode::NO_CONTENT, "{}", set.body);
        let other = server.login(email, PASSWORD).await;
        let other_id = server.read(&other, "/api/v1/me").await.body["id"].as_i64().expect("id");
        let token = issue(other, "read").await;
        assert_eq!(server.read(&token, "/api/v1/me/accounts").await.status, StatusCode::OK);
        others.push((other_id, token));
    }
    let (second, second_token) = &others[0];
    let (third, third_token) = &others[1];
    let demoted = server
        .call(&admin, Method::PATCH, &format!("/api/v1/org/members/{second}"), Some(json!({"role": "viewer"})))
        .await;
    assert_eq!(demoted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        server.read(second_token, "/api/v1/me/accounts").await.status,
        StatusCode::UNAUTHORIZED,
        "the token of an admin made viewer still works"
    );
    let removed = server.call(&admin, Method::DELETE, &format!("/api/v1/org/members/{third}"), None).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    assert_eq!(
        server.read(third_token, "/api/v1/me/accounts").await.status,
        StatusCode::UNAUTHORIZED,
        "the token of an admin who left still works"
    );
    assert_eq!(
        server.read(&read_only, "/api/v1/me/accounts").await.status,
        StatusCode::OK,
        "the first admin's still works"
    );
}

/// Linking by the holder's name and last bill (which landlords, neighbours and former
/// tenants know) tells the address on file and every other linked login at once, each in
/// their language, by a notice and an email; and a login linked that way cannot remove
/// the others (a login linked with the emailed code can).
async fn a_link_by_name_and_bill_is_told_and_cannot_remove_the_others(server: TestServer) {
    server.demo_logins().await;
    let first = server.new_customer("first@example.com", "First", PASSWORD).await;
    let sent = server.post(&first, "/api/v1/me/accounts/code", json!({"account_no": demo::LI_NA_ACCOUNT})).await;
    assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.body);
    let code = server.mail.wait_for("li.na@demo.gridhall.example", "3100012346", WAIT).await.code().expect("code");
    let proof = json!({"account_no": demo::LI_NA_ACCOUNT, "proof": {"method": "email_code", "code": code}});
    assert_eq!(server.post(&first, "/api/v1/me/accounts", proof).await.status, StatusCode::CREATED);
    let english = server.call(&first, Method::PATCH, "/api/v1/me", Some(json!({"language": "en"}))).await;
    assert!(english.status.is_success(), "{}", english.body);
    let first_id = server.read(&first, "/api/v1/me").await.body["id"].as_i64().expect("id");

    let second = server.new_customer("second@example.com", "Second", PASSWORD).await;
    let proof = json!({"account_no": demo::LI_NA_ACCOUNT, "proof": {"method": "bill_amount", "holder_name": "李娜", "last_bill_amount": "86.40"}});
    let linked = server.post(&second, "/api/v1/me/accounts", proof).await;
    assert_eq!(linked.status, StatusCode::CREATED, "{}", linked.body);
    let second_id = server.read(&second, "/api/v1/me").await.body["id"].as_i64().expect("id");

    // The other login: a notice and an email, in English, naming the newcomer (masked).
    let notices = server.read(&first, "/api/v1/me/notices").await.body;
    let title = notices["items"][0]["title"].as_str().unwrap_or("");
    assert_eq!(title, "Account 3100012346 was linked to a new login", "{notices}");
    assert!(notices["items"][0]["body"].as_str().unwrap_or("").contains("s***@example.com"), "{notices}");
    let mail = server.mail.wait_for("first@example.com", "linked to a new login", WAIT).await;
    assert!(mail.text.contains("s***@example.com"), "{}", mail.text);
    // The address on file, in the portal's default language.
    let on_file = server.mail.wait_for("li.na@demo.gridhall.example", "被新的账号绑定", WAIT).await;
    assert!(on_file.text.contains("3100012346"), "{}", on_file.text);

    // The newcomer cannot remove the first login (and is not offered to); the first can
    // remove the newcomer.
    let listed = format!("/api/v1/me/accounts/{}/logins", demo::LI_NA_ACCOUNT);
    let offered = |body: &serde_json::Value| -> Vec<(i64, bool)> {
        body["logins"]
            .as_array()
            .map(|l| l.iter().map(|x| (x["user_id"].as_i64().unwrap_or(0), x["may_remove"] == true)).collect())
            .unwrap_or_default()
    };
    let mut seen = offered(&server.read(&second, &listed).await.body);
    seen.sort_unstable();
    let mut expected = vec![(first_id, false), (second_id, true)];
    expected.sort_unstable();
    assert_eq!(seen, expected, "a link by bill may remove its own link only");
    let mut seen = offered(&server.read(&first, &listed).await.body);
    seen.sort_unstable();
    let mut expected = vec![(first_id, true), (second_id, true)];
    expected.sort_unstable();
    assert_eq!(seen, expected, "a link by emailed code may remove any");
    let path = |id: i64| format!("/api/v1/me/accounts/{}/logins/{id}", demo::LI_NA_ACCOUNT);
    let refused = server.call(&second, Method::DELETE, &path(first_id), None).await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::FORBIDDEN, "weak_link_cannot_unlink"),
        "{}",
        refused.body
    );
    let still = server.read(&first, "/api/v1/me/accounts").await.body;
    assert_eq!(still["accounts"].as_array().map(Vec::len), Some(1), "{still}");
    assert_eq!(server.call(&first, Method::DELETE, &path(second_id), None).await.status, StatusCode::NO_CONTENT);
}

/// An enterprise admin inviting an address learns nothing about whether it has a login
/// (issue 11, point 15): the answers have the same status and shape, the same records are
/// written, each address gets one email, and the invitation is listed either way. The
/// owner of an existing login is told, in their language, that it cannot join; its login
/// is untouched. Invitations can be withdrawn, and one link makes one login.
async fn inviting_answers_alike_whether_or_not_the_address_has_a_login(server: TestServer) {
    let logins = server.demo_logins().await;
    let admin = server.demo_login(&logins, demo::ORG_ADMIN).await;
    let customer = server.new_customer("taken@example.com", "Taken Person", PASSWORD).await;
    let english = server.call(&customer, Method::PATCH, "/api/v1/me", Some(json!({"language": "en"}))).await;
    assert!(english.status.is_success(), "{}", english.body);
    let audit_entries = || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'org.member_invited'",
        )
        .fetch_one(server.state.db.pool())
        .await
        .expect("count")
    };

    let mut answers = Vec::new();
    for email in ["taken@example.com", "free@example.com", demo::CUSTOMER, demo::AGENT] {
        let invited = server
            .post(&admin, "/api/v1/org/members", json!({"email": email, "display_name": "新同事", "role": "viewer"}))
            .await;
        assert_eq!(invited.status, StatusCode::ACCEPTED, "{email}: {}", invited.body);
        let mut shape: Vec<String> = invited.body.as_object().expect("an object").keys().cloned().collect();
        shape.sort();
        answers.push((invited.status, shape, invited.body["email"].clone(), invited.body["expired"].clone()));
    }
    for (i, answer) in answers.iter().enumerate().skip(1) {
        assert_eq!((answer.0, &answer.1, &answer.3), (answers[0].0, &answers[0].1, &answers[0].3), "answer {i}");
    }
    assert_eq!(audit_entries().await, 4, "the same record either way");
    let listed = server.read(&admin, "/api/v1/org/members").await.body;
    let listed: Vec<&str> =
        listed["invitations"].as_array().expect("invitations").iter().filter_map(|i| i["email"].as_str()).collect();
    assert_eq!(listed.len(), 4, "every invitation is listed: {listed:?}");

    // Each address got one email: the free one a link, the taken ones a note, each in the
    // owner's language.
    let free = server.mail.wait_for("free@example.com", "", WAIT).await;
    assert!(free.token(&server.url("/welcome")).is_some(), "{}", free.text);
    let taken = server.mail.wait_for("taken@example.com", "invites you", WAIT).await;
    assert!(taken.text.contains("already has a login"), "{}", taken.text);
    assert!(taken.link(&server.url("/welcome")).is_none(), "no link that would make a second login");
    let customer_note = server.mail.wait_for(demo::CUSTOMER, "", WAIT).await;
    assert!(customer_note.text.contains("无法加入"), "{}", customer_note.text);
    // (taken@example.com also got its registration's confirmation.)
    for (address, before) in [("free@example.com", 0), ("taken@example.com", 1), (demo::CUSTOMER, 0), (demo::AGENT, 0)]
    {
        server.mail.wait_for(address, "", WAIT).await;
        assert_eq!(server.mail.count_to(address), before + 1, "{address}: one invitation email");
    }
    // The existing login is as it was: not a member, still a customer.
    let me = server.read(&customer, "/api/v1/me").await.body;
    assert!(me["membership"].is_null(), "{me}");
    assert_eq!(server.read(&customer, "/api/v1/org/members").await.status, StatusCode::FORBIDDEN);

    // Inviting again replaces the earlier link; withdrawing ends it.
    let again = server
        .post(
            &admin,
            "/api/v1/org/members",
            json!({"email": "free@example.com", "display_name": "新同事", "role": "payer"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::ACCEPTED);
    let first_link = free.token(&server.url("/welcome")).expect("link");
    let replaced = server
        .post(&As::Anonymous, "/api/v1/auth/password/reset", json!({"token": first_link, "password": PASSWORD}))
        .await;
    assert_eq!(replaced.code(), "link_expired", "{}", replaced.body);
    let id = again.body["id"].as_i64().expect("id");
    let payer = server.demo_login(&logins, demo::ORG_PAYER).await;
    let path = format!("/api/v1/org/invitations/{id}");
    assert_eq!(server.call(&payer, Method::DELETE, &path, None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(server.call(&admin, Method::DELETE, &path, None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(server.call(&admin, Method::DELETE, &path, None).await.status, StatusCode::NOT_FOUND);
    let withdrawn_entries: i64 =
        sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE action = 'org.invitation_withdrawn'")
            .fetch_one(server.state.db.pool())
            .await
            .expect("count");
    assert_eq!(withdrawn_entries, 1);
    let second = server.mail.all().into_iter().rfind(|m| m.to.iter().any(|to| to == "free@example.com"));
    let second_link = second.and_then(|m| m.token(&server.url("/welcome"))).expect("second link");
    let gone = server
        .post(&As::Anonymous, "/api/v1/auth/password/reset", json!({"token": second_link, "password": PASSWORD}))
        .await;
    assert_eq!(gone.code(), "link_expired", "a withdrawn invitation makes no login");
    let no_login = server
        .post(&As::Anonymous, "/api/v1/auth/login", json!({"email": "free@example.com", "password": PASSWORD}))
        .await;
    assert_eq!(no_login.status, StatusCode::UNAUTHORIZED, "{}", no_login.body);

    // Five invitations an hour to one address, whichever organisation sends them.
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let invited = server
            .post(
                &admin,
                "/api/v1/org/members",
                json!({"email": "busy@example.com", "display_name": "忙", "role": "viewer"}),
            )
            .await;
        statuses.push(invited.status);
    }
    assert_eq!(statuses[..5], [StatusCode::ACCEPTED; 5], "{statuses:?}");
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
}
