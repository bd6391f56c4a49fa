//! Connection applications through the API: each class's whole path, the refusals, who
//! may see what, the clock (moved, not slept) with its warnings and escalations, versioned
//! limits, the calendar, and the figures. Every test runs on SQLite and PostgreSQL.

use std::time::Duration;

use crate::common::TestServer;
use crate::common::client::{Answer, As, demo};
use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE, ORIGIN};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use shared::calendar::WorkingCalendar;
use shared::validation::format_day;

on_both_backends!(
    a_residential_connection_runs_from_draft_to_a_new_account,
    low_voltage_and_high_voltage_paths_hand_the_clock_to_the_customer,
    changes_of_name_and_capacity_change_the_account,
    bad_input_is_refused_and_changes_nothing,
    people_see_only_their_own_applications,
    only_an_enterprise_admin_acts_on_its_applications,
    deadlines_warn_once_and_escalate_once,
    limits_are_versioned_and_kept_from_acceptance,
    the_calendar_and_the_figures,
);

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];

fn today(server: &TestServer) -> chrono::NaiveDate {
    server.state.clock.today(server.state.config.time_zone)
}

fn residential_form(server: &TestServer, region: &str) -> Value {
    let wanted = today(server) + chrono::Duration::days(20);
    json!({
        "region": region,
        "supply_address": "上海市嘉定区城中路 88 号 501 室",
        "usage": "住宅",
        "capacity_kva": "8",
        "voltage": "220v",
        "wanted_date": format_day(wanted),
        "contact_name": "张伟",
        "contact_mobile": "13800138000",
    })
}

async fn upload(server: &TestServer, who: &As, id: i64, kind: &str, name: &str, bytes: Vec<u8>) -> Answer {
    let mut request = server
        .client
        .post(server.url(&format!("/api/v1/applications/{id}/documents?kind={kind}&name={name}")))
        .header(CONTENT_TYPE, "application/octet-stream")
        .header(ORIGIN, server.url(""));
    if let As::Session(token) = who {
        request = request.header(COOKIE, format!("gridhall_session={token}"));
    }
    let response = request.body(bytes).send().await.expect("upload");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap_or_default();
    Answer { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::Null), text }
}

/// Creates and submits an application of the customer; answers its id.
async fn submitted(server: &TestServer, customer: &As, kind: &str, class: &str, form: Value) -> i64 {
    let created = server
        .post(customer, "/api/v1/applications", json!({"kind": kind, "customer_class": class, "form": form}))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["summary"]["id"].as_i64().expect("id");
    for (doc_kind, bytes) in [("id_or_licence", PDF.to_vec()), ("property_proof", PNG.to_vec())] {
        let answer = upload(server, customer, id, doc_kind, "scan.pdf", bytes).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    }
    let sent = act(server, customer, id, json!({"action": "submit"})).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert_eq!(sent.body["summary"]["status"], "submitted");
    id
}

async fn act(server: &TestServer, who: &As, id: i64, action: Value) -> Answer {
    server.post(who, &format!("/api/v1/applications/{id}/actions"), action).await
}

async fn work(server: &TestServer, who: &As, id: i64, action: Value) -> Answer {
    server.post(who, &format!("/api/v1/staff/applications/{id}/actions"), action).await
}

async fn must_work(server: &TestServer, who: &As, id: i64, action: Value) -> Value {
    let answer = work(server, who, id, action.clone()).await;
    assert_eq!(answer.status, StatusCode::OK, "{action}: {}", answer.body);
    answer.body
}

async fn must_act(server: &TestServer, who: &As, id: i64, action: Value) -> Value {
    let answer = act(server, who, id, action.clone()).await;
    assert_eq!(answer.status, StatusCode::OK, "{action}: {}", answer.body);
    answer.body
}

fn step<'a>(detail: &'a Value, name: &str) -> &'a Value {
    detail["steps"].as_array().expect("steps").iter().find(|s| s["step"] == name).expect("step present")
}

fn offer_version(detail: &Value, name: &str) -> u64 {
    step(detail, name)["offer_version"].as_u64().expect("offer version")
}

struct People {
    logins: std::collections::HashMap<String, String>,
    customer: As,
    handler: As,
    supervisor: As,
}

async fn people(server: &TestServer) -> People {
    let logins = server.demo_logins().await;
    People {
        customer: server.demo_login(&logins, demo::CUSTOMER).await,
        handler: server.demo_login(&logins, demo::CONNECTION_HANDLER).await,
        supervisor: server.demo_login(&logins, demo::SUPERVISOR).await,
        logins,
    }
}

async fn a_residential_connection_runs_from_draft_to_a_new_account(server: TestServer) {
    let p = people(&server).await;
    let calendar = WorkingCalendar::official();
    // A draft may be incomplete.
    let draft = server
        .post(
            &p.customer,
            "/api/v1/applications",
            json!({"kind": "new_connection", "customer_class": "residential", "form": {"region": "JD03"}}),
        )
        .await;
    assert_eq!(draft.status, StatusCode::CREATED, "{}", draft.body);
    assert_eq!(draft.body["summary"]["status"], "draft");
    let id = draft.body["summary"]["id"].as_i64().expect("id");
    let saved = server
        .call(
            &p.customer,
            Method::PUT,
            &format!("/api/v1/applications/{id}"),
            Some(json!({"form": residential_form(&server, "JD03")})),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    // Documents come first.
    let refused = act(&server, &p.customer, id, json!({"action": "submit"})).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body["fields"]["documents.id_or_licence"].is_string(), "{}", refused.body);
    assert!(refused.body["fields"]["documents.property_proof"].is_string());
    assert_eq!(
        upload(&server, &p.customer, id, "id_or_licence", "身份证.pdf", PDF.to_vec()).await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        upload(&server, &p.customer, id, "property_proof", "房产证.png", PNG.to_vec()).await.status,
        StatusCode::CREATED
    );
    let sent = must_act(&server, &p.customer, id, json!({"action": "submit"})).await;
    assert_eq!(sent["summary"]["status"], "submitted");
    let acceptance = step(&sent, "acceptance");
    assert_eq!(acceptance["state"], "open");
    assert_eq!(acceptance["due_day"], format_day(calendar.add_working_days(today(&server), 1)));

    // The handler finds it in the queue, claims and works it.
    let queue = server.read(&p.handler, "/api/v1/staff/applications").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(queue.body["items"].as_array().expect("items").iter().any(|i| i["id"] == id), "{}", queue.body);
    let claimed = server.post(&p.handler, &format!("/api/v1/staff/applications/{id}/assign"), json!({})).await;
    assert_eq!(claimed.status, StatusCode::OK, "{}", claimed.body);
    assert_eq!(claimed.body["summary"]["handler"], "周杰");
    let accepted = must_work(&server, &p.handler, id, json!({"action": "accept"})).await;
    assert_eq!(accepted["summary"]["status"], "in_progress");
    assert_eq!(step(&accepted, "site_survey")["owner"], "周杰");
    let survey_day = format_day(today(&server) + chrono::Duration::days(3));
    must_work(&server, &p.handler, id, json!({"action": "schedule_survey", "day": survey_day, "slot": "morning"}))
        .await;
    let surveyed = must_work(
        &server,
        &p.handler,
        id,
        json!({"action": "complete_survey", "findings": "表箱位置确认，单相 8 kVA"}),
    )
    .await;
    assert_eq!(step(&surveyed, "site_survey")["state"], "done");
    // A step completed twice is refused and changes nothing.
    let twice = work(&server, &p.handler, id, json!({"action": "complete_survey", "findings": "again"})).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    assert_eq!(twice.code(), "step_not_allowed");
    // No energising before the contract is signed.
    let early = work(&server, &p.handler, id, json!({"action": "energise", "meter_no": "ZJ0012345678"})).await;
    assert_eq!(early.status, StatusCode::CONFLICT);

    must_work(
        &server,
        &p.handler,
        id,
        json!({"action": "issue_offer", "step": "contract", "body": "供用电合同 第一版"}),
    )
    .await;
    let reissued = must_work(
        &server,
        &p.handler,
        id,
        json!({"action": "issue_offer", "step": "contract", "body": "供用电合同 第二版"}),
    )
    .await;
    assert_eq!(offer_version(&reissued, "contract"), 2);
    // The customer must accept the version on offer.
    let stale =
        act(&server, &p.customer, id, json!({"action": "accept_offer", "step": "contract", "version": 1})).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert_eq!(stale.code(), "offer_superseded");
    let signed =
        must_act(&server, &p.customer, id, json!({"action": "accept_offer", "step": "contract", "version": 2})).await;
    let contract = signed["offers"].as_array().expect("offers").iter().find(|o| o["version"] == 2).expect("v2");
    assert_eq!(contract["accepted"]["by"], "张伟");
    assert_eq!(contract["accepted"]["sha256"].as_str().map(str::len), Some(64));
    assert_eq!(step(&signed, "energising")["state"], "open");

    let done = must_work(&server, &p.handler, id, json!({"action": "energise", "meter_no": "zj0012345678"})).await;
    assert_eq!(done["summary"]["status"], "completed");
    assert_eq!(done["meter_no"], "ZJ0012345678");
    let account = done["created_account"].as_str().expect("account").to_owned();
    assert_eq!(account, format!("39{id:08}"));
    // The new account is the customer's, ready for billing.
    let accounts = server.read(&p.customer, "/api/v1/me/accounts").await;
    assert!(
        accounts.body["accounts"].as_array().expect("accounts").iter().any(|a| a["account_no"] == account.as_str())
    );
    // The history holds every change, in order.
    let actions: Vec<&str> =
        done["history"].as_array().expect("history").iter().filter_map(|h| h["action"].as_str()).collect();
    assert_eq!(
        actions,
        [
            "created",
            "submit",
            "assign",
            "accept",
            "schedule_survey",
            "complete_survey",
            "issue_offer",
            "issue_offer",
            "accept_offer",
            "energise"
        ]
    );
    // The customer was told of each step, in the app and by email.
    let notices = server.read(&p.customer, "/api/v1/me/notices").await;
    assert!(notices.body["items"].as_array().expect("notices").len() >= 6, "{}", notices.body);
    server.mail.wait_for(demo::CUSTOMER, "装表送电", Duration::from_secs(15)).await;
    // The follow-up visit, once.
    let visit = server
        .post(&p.handler, &format!("/api/v1/staff/applications/{id}/follow-up"), json!({"score": 5, "comment": "很快"}))
        .await;
    assert_eq!(visit.status, StatusCode::OK, "{}", visit.body);
    assert_eq!(visit.body["follow_up"]["score"], 5);
    let again =
        server.post(&p.handler, &format!("/api/v1/staff/applications/{id}/follow-up"), json!({"score": 1})).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    // Cancelling an energised application is refused.
    let cancel = act(&server, &p.customer, id, json!({"action": "cancel"})).await;
    assert_eq!(cancel.status, StatusCode::CONFLICT);
    // Documents: the applicant and staff read them; the file is the one uploaded.
    let doc_id = done["documents"][0]["id"].as_i64().expect("document");
    let path = format!("/api/v1/applications/{id}/documents/{doc_id}");
    let token = match &p.customer {
        As::Session(t) => t.clone(),
        _ => unreachable!(),
    };
    let response = server
        .client
        .get(server.url(&path))
        .header(COOKIE, format!("gridhall_session={token}"))
        .send()
        .await
        .expect("get");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.bytes().await.expect("bytes").as_ref(), PDF);
    assert_eq!(server.read(&p.handler, &path).await.status, StatusCode::OK);
    assert_eq!(server.read(&As::Anonymous, &path).await.status, StatusCode::UNAUTHORIZED);
}

/// Runs the staff and customer actions in order, each answered 200.
async fn run_path(server: &TestServer, handler: &As, customer: &As, id: i64, steps: &[(&str, Value)]) -> Value {
    let mut last = Value::Null;
    for (who, action) in steps {
        let mut action = action.clone();
        if action["version"] == "latest" {
            action["version"] = json!(offer_version(&last, action["step"].as_str().expect("step")));
        }
        last = match *who {
            "staff" => must_work(server, handler, id, action).await,
            _ => must_act(server, customer, id, action).await,
        };
    }
    last
}

async fn low_voltage_and_high_voltage_paths_hand_the_clock_to_the_customer(server: TestServer) {
    let p = people(&server).await;
    let mut lv = residential_form(&server, "JD03");
    lv["usage"] = json!("商铺");
    lv["capacity_kva"] = json!("60");
    lv["voltage"] = json!("380v");
    let id = submitted(&server, &p.customer, "new_connection", "lv_non_residential", lv).await;
    let detail = run_path(
        &server,
        &p.handler,
        &p.customer,
        id,
        &[
            ("staff", json!({"action": "accept"})),
            ("staff", json!({"action": "issue_offer", "step": "supply_scheme", "body": "380V 接入，新装表箱", "fee": "1200.00"})),
            ("customer", json!({"action": "accept_offer", "step": "supply_scheme", "version": "latest"})),
        ],
    )
    .await;
    assert_eq!(detail["fee"], "1200.00");
    // The customer builds: the completion inspection waits for them.
    let inspection = step(&detail, "completion_inspection");
    assert_eq!((inspection["state"].as_str(), inspection["waiting"].as_str()), (Some("with_customer"), Some("works")));
    assert!(detail["summary"]["waiting_for_customer"].as_bool().expect("flag"));
    // An inspection before the customer is ready is refused.
    let early =
        work(&server, &p.handler, id, json!({"action": "review", "step": "completion_inspection", "passed": true}))
            .await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    let detail = run_path(
        &server,
        &p.handler,
        &p.customer,
        id,
        &[
            ("customer", json!({"action": "ready", "step": "completion_inspection", "note": "已完工"})),
            (
                "staff",
                json!({"action": "review", "step": "completion_inspection", "passed": false, "note": "接地电阻不合格"}),
            ),
        ],
    )
    .await;
    assert_eq!(step(&detail, "completion_inspection")["waiting"], "defect_repair");
    assert_eq!(step(&detail, "completion_inspection")["note"], "接地电阻不合格");
    let detail = run_path(
        &server,
        &p.handler,
        &p.customer,
        id,
        &[
            ("customer", json!({"action": "ready", "step": "completion_inspection"})),
            ("staff", json!({"action": "review", "step": "completion_inspection", "passed": true})),
            ("staff", json!({"action": "issue_offer", "step": "contract", "body": "低压供用电合同"})),
            ("customer", json!({"action": "accept_offer", "step": "contract", "version": "latest"})),
            ("staff", json!({"action": "energise", "meter_no": "LV00000001"})),
        ],
    )
    .await;
    assert_eq!(detail["summary"]["status"], "completed");

    // High voltage, single supply: design review, mid and completion inspections.
    let mut hv = residential_form(&server, "JD03");
    hv["usage"] = json!("厂房");
    hv["capacity_kva"] = json!("2000");
    hv["voltage"] = json!("10kv");
    let id = submitted(&server, &p.customer, "new_connection", "high_voltage", hv).await;
    let staff_view = server.read(&p.handler, &format!("/api/v1/applications/{id}")).await;
    let warnings: Vec<&str> = staff_view.body["intake_warnings"]
        .as_array()
        .expect("warnings")
        .iter()
        .filter_map(|w| w["code"].as_str())
        .collect();
    assert!(warnings.contains(&"project_approval_missing"), "{warnings:?}");
    // The applicant does not see the handler's warnings.
    let own_view = server.read(&p.customer, &format!("/api/v1/applications/{id}")).await;
    assert_eq!(own_view.body["intake_warnings"], json!([]));
    let detail = run_path(
        &server,
        &p.handler,
        &p.customer,
        id,
        &[("staff", json!({"action": "request_documents", "step": "acceptance", "note": "请补充项目批复文件"}))],
    )
    .await;
    assert_eq!(step(&detail, "acceptance")["waiting"], "documents");
    assert_eq!(
        upload(&server, &p.customer, id, "project_approval", "批复.pdf", PDF.to_vec()).await.status,
        StatusCode::CREATED
    );
    let detail = run_path(
        &server,
        &p.handler,
        &p.customer,
        id,
        &[
            ("customer", json!({"action": "provide_documents", "step": "acceptance"})),
            ("staff", json!({"action": "accept"})),
            ("staff", json!({"action": "complete_survey", "findings": "10kV 专线接入"})),
            ("staff", json!({"action": "issue_offer", "step": "supply_scheme", "body": "10kV 单电源方案", "fee": "0"})),
            ("customer", json!({"action": "accept_offer", "step": "supply_scheme", "version": "latest"})),
            ("customer", json!({"action": "ready", "step": "design_review"})),
            ("staff", json!({"action": "review", "step": "design_review", "passed": true})),
            ("customer", json!({"action": "ready", "step": "mid_inspection"})),
            ("staff", json!({"action": "review", "step": "mid_inspection", "passed": true})),
            ("customer", json!({"action": "ready", "step": "completion_inspection"})),
            ("staff", json!({"action": "review", "step": "completion_inspection", "passed": true})),
            ("staff", json!({"action": "issue_offer", "step": "contract", "body": "高压供用电合同"})),
            ("customer", json!({"action": "accept_offer", "step": "contract", "version": "latest"})),
            ("staff", json!({"action": "energise", "meter_no": "HV00000001"})),
        ],
    )
    .await;
    assert_eq!(detail["summary"]["status"], "completed");
    assert_eq!(detail["limits"]["total"], 22, "high voltage, single supply");
    assert!(detail["steps"].as_array().expect("steps").iter().all(|s| s["state"] == "done"));

    // The green channel (supervisors only) halves the limits and opens steps together.
    let mut hv2 = residential_form(&server, "JD03");
    hv2["capacity_kva"] = json!("800");
    hv2["voltage"] = json!("10kv");
    hv2["usage"] = json!("医院");
    let id = submitted(&server, &p.customer, "new_connection", "high_voltage", hv2).await;
    let refused = work(&server, &p.handler, id, json!({"action": "green_channel", "reason": "医院"})).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    must_work(&server, &p.supervisor, id, json!({"action": "green_channel", "reason": "医院，重要客户"})).await;
    let detail = must_work(&server, &p.handler, id, json!({"action": "accept"})).await;
    assert_eq!(detail["limits"]["total"], 11);
    let current = detail["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter(|s| s["state"] != "pending" && s["state"] != "done")
        .count();
    assert_eq!(current, 6, "{}", detail["steps"]);
}

async fn changes_of_name_and_capacity_change_the_account(server: TestServer) {
    let p = people(&server).await;
    let form = json!({"region": "PD01", "contact_name": "张伟", "contact_mobile": "13800138000",
                      "account_no": demo::CUSTOMER_ACCOUNT, "new_holder_name": "张小伟"});
    let id = submitted(&server, &p.customer, "change_of_name", "residential", form).await;
    let supervisor = &p.supervisor;
    let detail = run_path(
        &server,
        supervisor,
        &p.customer,
        id,
        &[
            ("staff", json!({"action": "accept"})),
            ("staff", json!({"action": "issue_offer", "step": "contract", "body": "更名后的供用电合同"})),
            ("customer", json!({"action": "accept_offer", "step": "contract", "version": "latest"})),
        ],
    )
    .await;
    assert_eq!(detail["summary"]["status"], "completed");
    let accounts = server.read(&p.customer, "/api/v1/me/accounts").await;
    let account = accounts.body["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["account_no"] == demo::CUSTOMER_ACCOUNT)
        .cloned();
    assert_eq!(account.expect("account")["holder_name"], "张小伟");
    // A change to an account that is not the applicant's is refused at submission.
    let created = server
        .post(&p.customer, "/api/v1/applications", json!({"kind": "capacity_increase", "customer_class": "residential",
            "form": {"region": "PD01", "contact_name": "张伟", "contact_mobile": "13800138000", "account_no": demo::LI_NA_ACCOUNT,
                     "capacity_kva": "16", "voltage": "220v", "wanted_date": format_day(today(&server) + chrono::Duration::days(9))}}))
        .await;
    let other = created.body["summary"]["id"].as_i64().expect("id");
    upload(&server, &p.customer, other, "id_or_licence", "id.pdf", PDF.to_vec()).await;
    upload(&server, &p.customer, other, "property_proof", "p.pdf", PDF.to_vec()).await;
    let refused = act(&server, &p.customer, other, json!({"action": "submit"})).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body["fields"]["account_no"].is_string());
}

async fn bad_input_is_refused_and_changes_nothing(server: TestServer) {
    let p = people(&server).await;
    let draft = server
        .post(
            &p.customer,
            "/api/v1/applications",
            json!({"kind": "new_connection", "customer_class": "residential", "form": {}}),
        )
        .await;
    let id = draft.body["summary"]["id"].as_i64().expect("id");
    for (capacity, field) in [("-5", "capacity_kva"), ("1000000000000", "capacity_kva"), ("500", "capacity_kva")] {
        let mut form = residential_form(&server, "JD03");
        form["capacity_kva"] = json!(capacity);
        let answer = server
            .call(&p.customer, Method::PUT, &format!("/api/v1/applications/{id}"), Some(json!({"form": form})))
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{capacity}");
        assert!(answer.body["fields"][field].is_string(), "{capacity}: {}", answer.body);
    }
    let mut form = residential_form(&server, "JD03");
    form["supply_address"] = json!("路".repeat(10 * 1024));
    let answer =
        server.call(&p.customer, Method::PUT, &format!("/api/v1/applications/{id}"), Some(json!({"form": form}))).await;
    assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer.body["fields"]["supply_address"].is_string());
    // The message is in the asker's language.
    let token = match &p.customer {
        As::Session(t) => t.clone(),
        _ => unreachable!(),
    };
    let english = server
        .client
        .put(server.url(&format!("/api/v1/applications/{id}")))
        .header(ORIGIN, server.url(""))
        .header(CONTENT_TYPE, "application/json")
        .header(ACCEPT_LANGUAGE, "en")
        .header("Cookie", format!("gridhall_session={token}; gridhall_lang=en"))
        .body(json!({"form": {"capacity_kva": "-5"}}).to_string())
        .send()
        .await
        .expect("put");
    let body: Value = english.json().await.expect("json");
    assert!(body["message"].as_str().expect("message").is_ascii(), "{body}");
    // Nothing of the refused saves was kept.
    let detail = server.read(&p.customer, &format!("/api/v1/applications/{id}")).await;
    assert_eq!(detail.body["form"]["capacity_kva"], "");
    // Files: by content, not name; size-limited.
    let text = upload(&server, &p.customer, id, "id_or_licence", "id.pdf", b"just some text".to_vec()).await;
    assert_eq!((text.status, text.code()), (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_file"));
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec();
    exe.resize(4096, 0);
    let disguised = upload(&server, &p.customer, id, "id_or_licence", "scan.pdf", exe).await;
    assert_eq!(disguised.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let mut huge = PDF.to_vec();
    huge.resize(50 * 1024 * 1024, b' ');
    // The server answers 413 from the declared length and closes without reading 50 MB; a
    // client still writing may see the connection close before it reads the answer.
    let token = match &p.customer {
        As::Session(t) => t.clone(),
        _ => unreachable!(),
    };
    let big = server
        .client
        .post(server.url(&format!("/api/v1/applications/{id}/documents?kind=id_or_licence&name=big.pdf")))
        .header(CONTENT_TYPE, "application/octet-stream")
        .header(ORIGIN, server.url(""))
        .header(COOKIE, format!("gridhall_session={token}"))
        .body(huge)
        .send()
        .await;
    match big {
        Ok(response) => assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE),
        Err(error) => assert!(error.is_request(), "{error}"),
    }
    let wrong_kind = upload(&server, &p.customer, id, "passport", "id.pdf", PDF.to_vec()).await;
    assert_eq!(wrong_kind.status, StatusCode::UNPROCESSABLE_ENTITY);
    let detail = server.read(&p.customer, &format!("/api/v1/applications/{id}")).await;
    assert_eq!(detail.body["documents"], json!([]), "no refused file was kept");
    let stored = std::fs::read_dir(&server.state.config.document_dir).map(|d| d.count()).unwrap_or(0);
    assert_eq!(stored, 0, "no refused file is on disk");
    // A submission with an unknown region names the field.
    let mut form = residential_form(&server, "ZZ99");
    form["region"] = json!("ZZ99");
    server.call(&p.customer, Method::PUT, &format!("/api/v1/applications/{id}"), Some(json!({"form": form}))).await;
    upload(&server, &p.customer, id, "id_or_licence", "id.pdf", PDF.to_vec()).await;
    upload(&server, &p.customer, id, "property_proof", "p.pdf", PDF.to_vec()).await;
    let refused = act(&server, &p.customer, id, json!({"action": "submit"})).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body["fields"]["region"].is_string(), "{}", refused.body);
    assert_eq!(
        server.read(&p.customer, &format!("/api/v1/applications/{id}")).await.body["summary"]["status"],
        "draft"
    );
    // Staff texts are checked too.
    let id = submitted(&server, &p.customer, "new_connection", "residential", residential_form(&server, "JD03")).await;
    let reject = work(&server, &p.handler, id, json!({"action": "reject", "reason": "  "})).await;
    assert_eq!(reject.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = work(&server, &p.handler, id, json!({"action": "demolish"})).await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let rejected = must_work(&server, &p.handler, id, json!({"action": "reject", "reason": "地址不在供电范围"})).await;
    assert_eq!(rejected["summary"]["status"], "rejected");
    let after = work(&server, &p.handler, id, json!({"action": "accept"})).await;
    assert_eq!(after.status, StatusCode::CONFLICT, "a rejected application stays rejected");
}

async fn people_see_only_their_own_applications(server: TestServer) {
    let p = people(&server).await;
    let logins = p.logins.clone();
    let id = submitted(&server, &p.customer, "new_connection", "residential", residential_form(&server, "PD01")).await;
    let other = server.new_customer("other@example.com", "Other", "Lantern-orchard-47-tide").await;
    let path = format!("/api/v1/applications/{id}");
    assert_eq!(server.read(&other, &path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(act(&server, &other, id, json!({"action": "cancel"})).await.status, StatusCode::NOT_FOUND);
    assert_eq!(upload(&server, &other, id, "other", "x.pdf", PDF.to_vec()).await.status, StatusCode::NOT_FOUND);
    assert!(server.read(&other, "/api/v1/applications").await.body["items"].as_array().expect("items").is_empty());
    // The handler of JD03 neither sees nor works an application of PD01.
    assert_eq!(server.read(&p.handler, &path).await.status, StatusCode::NOT_FOUND);
    assert_eq!(work(&server, &p.handler, id, json!({"action": "accept"})).await.status, StatusCode::NOT_FOUND);
    let queue = server.read(&p.handler, "/api/v1/staff/applications?region=PD01").await;
    assert_eq!(queue.body["items"], json!([]));
    let queue = server.read(&p.handler, "/api/v1/staff/applications").await;
    assert!(!queue.body["items"].as_array().expect("items").iter().any(|i| i["id"] == id));
    // The supervisor covers every station, and assigns work to a handler by name, only
    // within the handler's stations.
    assert_eq!(server.read(&p.supervisor, &path).await.status, StatusCode::OK);
    let handlers = server.read(&p.supervisor, "/api/v1/staff/handlers").await;
    let zhou = handlers.body["handlers"]
        .as_array()
        .expect("handlers")
        .iter()
        .find(|h| h["display_name"] == "周杰")
        .cloned()
        .expect("周杰");
    assert_eq!(zhou["regions"], json!(["JD03"]));
    let handler_id = zhou["id"].as_i64().expect("id");
    let outside = server
        .post(&p.supervisor, &format!("/api/v1/staff/applications/{id}/assign"), json!({"handler_id": handler_id}))
        .await;
    assert_eq!(outside.status, StatusCode::UNPROCESSABLE_ENTITY, "PD01 is not 周杰's station");
    let jd03 =
        submitted(&server, &p.customer, "new_connection", "residential", residential_form(&server, "JD03")).await;
    let assigned = server
        .post(&p.supervisor, &format!("/api/v1/staff/applications/{jd03}/assign"), json!({"handler_id": handler_id}))
        .await;
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.body);
    assert_eq!(assigned.body["summary"]["handler"], "周杰");
    let notices = server.read(&p.handler, "/api/v1/me/notices").await;
    assert!(notices.body["items"][0]["title"].as_str().is_some_and(|t| t.contains("已指派给您")), "{}", notices.body);
    // A handler claims for themselves but does not assign to others.
    let supervisor_id = server.read(&p.supervisor, "/api/v1/me").await.body["id"].as_i64();
    let by_handler = server
        .post(&p.handler, &format!("/api/v1/staff/applications/{jd03}/assign"), json!({"handler_id": supervisor_id}))
        .await;
    assert_eq!(by_handler.status, StatusCode::FORBIDDEN);
    // An enterprise's applications are its users'.
    let admin = server.demo_login(&logins, demo::ORG_ADMIN).await;
    let payer = server.demo_login(&logins, demo::ORG_PAYER).await;
    let mut form = residential_form(&server, "JD03");
    form["capacity_kva"] = json!("400");
    form["voltage"] = json!("380v");
    form["usage"] = json!("车间");
    let org_app = submitted(&server, &admin, "new_connection", "lv_non_residential", form).await;
    let seen = server.read(&payer, &format!("/api/v1/applications/{org_app}")).await;
    assert_eq!(seen.status, StatusCode::OK);
    let list = server.read(&payer, "/api/v1/applications").await;
    assert!(list.body["items"].as_array().expect("items").iter().any(|i| i["id"] == org_app));
    assert_eq!(
        server.read(&p.customer, &format!("/api/v1/applications/{org_app}")).await.status,
        StatusCode::NOT_FOUND
    );
}

/// An enterprise's payer and viewer read its applications but neither start, change,
/// document, submit, cancel nor accept one: only its admin acts for the company.
async fn only_an_enterprise_admin_acts_on_its_applications(server: TestServer) {
    let logins = server.demo_logins().await;
    let admin = server.demo_login(&logins, demo::ORG_ADMIN).await;
    let payer = server.demo_login(&logins, demo::ORG_PAYER).await;
    let mut form = residential_form(&server, "JD03");
    form["capacity_kva"] = json!("400");
    form["voltage"] = json!("380v");
    form["usage"] = json!("车间");
    let new = json!({"kind": "new_connection", "customer_class": "lv_non_residential", "form": form});
    let refused = server.post(&payer, "/api/v1/applications", new.clone()).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "a payer started an application: {}", refused.body);
    let created = server.post(&admin, "/api/v1/applications", new).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["summary"]["id"].as_i64().expect("id");
    let path = format!("/api/v1/applications/{id}");
    let saved = server.call(&payer, Method::PUT, &path, Some(json!({"form": form}))).await;
    assert_eq!(saved.status, StatusCode::FORBIDDEN, "a payer changed the draft: {}", saved.body);
    let uploaded = upload(&server, &payer, id, "id_or_licence", "scan.pdf", PDF.to_vec()).await;
    assert_eq!(uploaded.status, StatusCode::FORBIDDEN, "a payer added a document: {}", uploaded.body);
    for (doc_kind, bytes) in [("id_or_licence", PDF.to_vec()), ("property_proof", PNG.to_vec())] {
        let answer = upload(&server, &admin, id, doc_kind, "scan.pdf", bytes).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    }
    for action in [
        json!({"action": "submit"}),
        json!({"action": "cancel", "reason": "不要了"}),
        json!({"action": "accept_offer", "step": "contract", "version": 1}),
    ] {
        let answer = act(&server, &payer, id, action.clone()).await;
        assert_eq!(answer.status, StatusCode::FORBIDDEN, "a payer did {action}: {}", answer.body);
    }
    // The payer still reads it, and it is as the admin left it.
    let seen = server.read(&payer, &path).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert_eq!(seen.body["summary"]["status"], "draft");
    assert_eq!(seen.body["documents"].as_array().map(Vec::len), Some(2));
    // The admin acts.
    let sent = must_act(&server, &admin, id, json!({"action": "submit"})).await;
    assert_eq!(sent["summary"]["status"], "submitted");
}

async fn deadlines_warn_once_and_escalate_once(server: TestServer) {
    let p = people(&server).await;
    let id = submitted(&server, &p.customer, "new_connection", "residential", residential_form(&server, "JD03")).await;
    server.post(&p.handler, &format!("/api/v1/staff/applications/{id}/assign"), json!({})).await;
    let due_soon = server.read(&p.handler, "/api/v1/staff/applications?timeliness=due_soon").await;
    assert!(due_soon.body["items"].as_array().expect("items").iter().any(|i| i["id"] == id), "{}", due_soon.body);
    // Acceptance is due on the next working day: within a working day, so a warning.
    let first = gridhall::jobs::deadlines::scan(&server.state).await.expect("scan");
    assert_eq!((first.warnings, first.escalations), (1, 0));
    let second = gridhall::jobs::deadlines::scan(&server.state).await.expect("scan");
    assert_eq!((second.warnings, second.escalations), (0, 0), "a warning is sent once");
    server.mail.wait_for(demo::CONNECTION_HANDLER, "即将到期", Duration::from_secs(15)).await;
    // A week later it is overdue: the owner and the supervisor hear of it, once. The week
    // passed for the sessions too: everyone logs in again.
    server.state.clock.advance(chrono::Duration::days(7));
    let expired = server.read(&p.handler, "/api/v1/staff/applications").await;
    assert_eq!(expired.status, StatusCode::UNAUTHORIZED, "a session ends after a week idle: {}", expired.text);
    let p = People {
        customer: server.demo_login(&p.logins, demo::CUSTOMER).await,
        handler: server.demo_login(&p.logins, demo::CONNECTION_HANDLER).await,
        supervisor: server.demo_login(&p.logins, demo::SUPERVISOR).await,
        logins: p.logins.clone(),
    };
    let overdue = server.read(&p.handler, "/api/v1/staff/applications?timeliness=overdue").await;
    assert!(overdue.body["items"].as_array().expect("items").iter().any(|i| i["id"] == id));
    let third = gridhall::jobs::deadlines::scan(&server.state).await.expect("scan");
    assert_eq!((third.warnings, third.escalations), (0, 1));
    let fourth = gridhall::jobs::deadlines::scan(&server.state).await.expect("scan");
    assert_eq!((fourth.warnings, fourth.escalations), (0, 0), "an escalation is sent once");
    server.mail.wait_for(demo::SUPERVISOR, "超期告警", Duration::from_secs(15)).await;
    server.mail.wait_for(demo::CONNECTION_HANDLER, "超期告警", Duration::from_secs(15)).await;
    let notices = server.read(&p.supervisor, "/api/v1/me/notices").await;
    assert!(
        notices.body["items"]
            .as_array()
            .expect("items")
            .iter()
            .any(|n| n["title"].as_str().is_some_and(|t| t.contains("超期")))
    );
    assert_eq!(server.mail.count_to(demo::SUPERVISOR), 1);
    // The dashboard lists it as overdue.
    let dashboard = server.read(&p.supervisor, "/api/v1/staff/applications/dashboard").await;
    assert!(dashboard.body["overdue"].as_array().expect("overdue").iter().any(|i| i["id"] == id), "{}", dashboard.body);
}

async fn limits_are_versioned_and_kept_from_acceptance(server: TestServer) {
    let p = people(&server).await;
    let logins = p.logins.clone();
    let admin = server.demo_login(&logins, demo::ADMIN).await;
    let before =
        submitted(&server, &p.customer, "new_connection", "residential", residential_form(&server, "JD03")).await;
    let accepted = must_work(&server, &p.handler, before, json!({"action": "accept"})).await;
    assert_eq!(accepted["limits"]["steps"]["site_survey"], 3);
    let change = server
        .post(
            &admin,
            "/api/v1/staff/commitments",
            json!({"code": "connection.scheme_reply.residential", "limit": 2,
              "effective_from": format_day(today(&server)), "source": "2026 年优化营商环境通知"}),
        )
        .await;
    assert_eq!(change.status, StatusCode::CREATED, "{}", change.body);
    let bad = server
        .post(
            &admin,
            "/api/v1/staff/commitments",
            json!({"code": "no.such.code", "limit": 0, "effective_from": "2020-01-01", "source": ""}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let after =
        submitted(&server, &p.customer, "new_connection", "residential", residential_form(&server, "JD03")).await;
    let accepted_after = must_work(&server, &p.handler, after, json!({"action": "accept"})).await;
    assert_eq!(accepted_after["limits"]["steps"]["site_survey"], 2, "the new limit applies to new acceptances");
    let kept = server.read(&p.handler, &format!("/api/v1/applications/{before}")).await;
    assert_eq!(kept.body["limits"]["steps"]["site_survey"], 3, "an accepted application keeps its limits");
    let audit = server.read(&admin, "/api/v1/audit?action=commitment.").await;
    assert_eq!(audit.body["entries"].as_array().expect("entries").len(), 1);
}

async fn the_calendar_and_the_figures(server: TestServer) {
    let p = people(&server).await;
    let logins = p.logins.clone();
    let admin = server.demo_login(&logins, demo::ADMIN).await;
    let calendar = server.read(&As::Anonymous, "/api/v1/calendar").await;
    let years: Vec<i64> =
        calendar.body["years"].as_array().expect("years").iter().filter_map(|y| y["year"].as_i64()).collect();
    assert_eq!(years, [2025, 2026]);
    let year_2027 =
        json!({"year": 2027, "days_off": [{"first": "2027-01-01", "last": "2027-01-03"}], "makeup_days": []});
    let put = server.call(&admin, Method::PUT, "/api/v1/staff/calendar/2027", Some(year_2027)).await;
    assert_eq!(put.status, StatusCode::NO_CONTENT, "{}", put.body);
    let wrong = json!({"year": 2027, "days_off": [{"first": "2028-01-01", "last": "2028-01-02"}], "makeup_days": ["2027-03-03"]});
    let refused = server.call(&admin, Method::PUT, "/api/v1/staff/calendar/2027", Some(wrong)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body["fields"]["days_off[0]"].is_string() && refused.body["fields"]["makeup_days[0]"].is_string());
    let calendar = server.read(&As::Anonymous, "/api/v1/calendar").await;
    assert_eq!(calendar.body["years"][2]["days_off"][0]["last"], "2027-01-03");

    // One application finished within its limit shows in the published figures.
    let id = submitted(&server, &p.customer, "new_connection", "residential", residential_form(&server, "JD03")).await;
    run_path(
        &server,
        &p.handler,
        &p.customer,
        id,
        &[
            ("staff", json!({"action": "accept"})),
            ("staff", json!({"action": "complete_survey", "findings": "ok"})),
            ("staff", json!({"action": "issue_offer", "step": "contract", "body": "合同"})),
            ("customer", json!({"action": "accept_offer", "step": "contract", "version": "latest"})),
            ("staff", json!({"action": "energise", "meter_no": "ST00000001"})),
        ],
    )
    .await;
    let figures = server.read(&As::Anonymous, "/api/v1/statistics/connections").await;
    assert_eq!(figures.status, StatusCode::OK);
    let residential = figures.body["classes"]
        .as_array()
        .expect("classes")
        .iter()
        .find(|c| c["customer_class"] == "residential")
        .cloned()
        .expect("row");
    assert!(residential["finished"].as_u64().expect("finished") >= 1);
    assert!(residential["within_limit"].as_u64() <= residential["finished"].as_u64());
    let dashboard = server.read(&p.supervisor, "/api/v1/staff/applications/dashboard").await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert!(dashboard.body["steps"].as_array().expect("steps").iter().any(|s| s["step"] == "energising"));
}
