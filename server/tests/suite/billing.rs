//! Readings, tariffs, billing runs and bills through the API: imports line by line (with
//! every kind of bad line, encodings and a 200 MB file), versioned tariffs, a run that is
//! idempotent and resumes after a crash with no bill missing or doubled, bills by hand
//! against the tariff, who may see them, and corrections that never edit a bill. Every test
//! runs on SQLite and PostgreSQL.

use std::time::Duration;

use crate::common::TestServer;
use crate::common::client::{Answer, As, demo};
use chrono::{Datelike, NaiveDate};
use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE, ORIGIN};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

on_both_backends!(
    tariffs_are_versioned_and_checked,
    readings_are_imported_line_by_line,
    a_run_bills_each_account_once_by_the_tariff,
    a_crashed_run_resumes_with_no_bill_missing_or_doubled,
    people_see_only_their_own_bills,
    corrections_never_edit_a_bill,
    usage_tiers_the_comparison_and_the_enterprise_table,
    the_tier_year_carries_from_bill_to_bill,
    the_metering_system_posts_readings_with_its_token,
    a_rebill_of_an_older_period_keeps_its_tiers,
    an_adjustment_is_carried_by_one_bill_under_concurrent_rebills,
    an_adjustment_claimed_once_cannot_be_claimed_again,
    a_no_reading_exception_is_billed_once_its_reading_arrives,
    a_no_reading_exception_left_to_the_next_period_bills_its_energy_once,
    issued_records_refuse_every_edit_and_backward_step,
    adjustments_above_the_limit_need_a_second_operator,
    csv_exports_never_run_a_formula,
    a_held_bill_is_released_and_told_once_to_confirmed_addresses,
    the_audit_log_names_its_subjects_and_records_staff_reads,
    an_operator_of_one_station_bills_and_reads_only_there,
    a_file_import_resumes_after_its_worker_dies_midway,
    a_large_file_imports_in_the_background_while_logins_go_on,
);

struct People {
    customer: As,
    org_admin: As,
    operator: As,
    admin: As,
    agent: As,
    handler: As,
}

async fn people(server: &TestServer) -> People {
    let logins = server.demo_logins().await;
    gridhall::demo::billing::install(&server.state).await.expect("demo billing");
    People {
        customer: server.demo_login(&logins, demo::CUSTOMER).await,
        org_admin: server.demo_login(&logins, demo::ORG_ADMIN).await,
        operator: server.demo_login(&logins, demo::BILLING_OPERATOR).await,
        admin: server.demo_login(&logins, demo::ADMIN).await,
        agent: server.demo_login(&logins, demo::AGENT).await,
        handler: server.demo_login(&logins, demo::CONNECTION_HANDLER).await,
    }
}

fn today(server: &TestServer) -> NaiveDate {
    server.state.clock.today(server.state.config.time_zone)
}

/// The first day of this month and of the month before: the last period whose closing
/// readings are taken.
fn months(server: &TestServer) -> (NaiveDate, NaiveDate) {
    let this = today(server).with_day(1).expect("first");
    (this.checked_sub_months(chrono::Months::new(1)).expect("month"), this)
}

async fn upload(server: &TestServer, who: &As, name: &str, bytes: Vec<u8>, language: &str) -> Answer {
    let mut request = server
        .client
        .post(server.url(&format!("/api/v1/staff/readings/file?name={name}")))
        .header(CONTENT_TYPE, "application/octet-stream")
        .header(ACCEPT_LANGUAGE, language)
        .header(ORIGIN, server.url(""));
    if let As::Session(token) = who {
        request = request.header(COOKIE, format!("gridhall_session={token}"));
    }
    let response = request.body(bytes).send().await.expect("upload");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap_or_default();
    let queued = Answer { status, headers, body: serde_json::from_str(&text).unwrap_or(Value::Null), text };
    if queued.status != StatusCode::ACCEPTED {
        return queued;
    }
    // A file is imported in the background: follow it, and answer what it did as lines
    // posted at once are answered.
    assert_eq!(queued.body["status"], "queued", "{}", queued.body);
    let id = queued.body["id"].as_i64().expect("import id");
    let detail = wait_imported(server, who, id).await;
    let result = json!({
        "import_id": id,
        "lines": detail.body["import"]["lines"],
        "accepted": detail.body["import"]["accepted"],
        "rejected": detail.body["rejections"],
    });
    Answer { status: detail.status, headers: detail.headers, text: result.to_string(), body: result }
}

/// Follows an import until it is done (or failed); answers its detail.
async fn wait_imported(server: &TestServer, who: &As, id: i64) -> Answer {
    wait_imported_for(server, who, id, Duration::from_secs(120)).await
}

/// Readings that close the last period for four of the six demo meters: the
/// interval-metered site has no data and 3100012347 only an opening reading.
async fn read_meters(server: &TestServer, operator: &As) {
    let (p, this) = months(server);
    let r = |meter: &str, day: NaiveDate, active: &str, extra: Value| {
        let mut line = json!({"meter_no": meter, "read_on": day.to_string(), "active": active});
        if let (Some(line), Some(extra)) = (line.as_object_mut(), extra.as_object()) {
            line.extend(extra.clone());
        }
        line
    };
    let batch = json!({"readings": [
        r("E3100012345", p, "1000", json!({})),
        r("E3100012345", this, "1260", json!({})),
        r("E3100012346", p, "500", json!({"peak": "100", "flat": "250", "valley": "150"})),
        r("E3100012346", this, "680", json!({"peak": "160", "flat": "320", "valley": "200"})),
        r("E3100012347", p, "4000", json!({})),
        r("E3200000002", p, "2000", json!({"peak": "700", "flat": "700", "valley": "600", "reactive": "800"})),
        r("E3200000002", this, "4500", json!({"peak": "1575", "flat": "1575", "valley": "1350", "reactive": "1925"})),
        r("E3200000003", p, "300", json!({"peak": "100", "flat": "110", "valley": "90"})),
        r("E3200000003", this, "2100", json!({"peak": "730", "flat": "740", "valley": "630"})),
    ]});
    let answer = server.post(operator, "/api/v1/staff/readings", batch).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["accepted"], 9, "{}", answer.body);
}

/// Starts the last period's run and waits until it is done; answers its detail.
async fn run_billing(server: &TestServer, operator: &As) -> Value {
    let (p, _) = months(server);
    let period = format!("{:04}-{:02}", p.year(), p.month());
    let started =
        server.post(operator, "/api/v1/staff/billing/runs", json!({"period": period, "reading_day": 1})).await;
    assert!(started.status == StatusCode::CREATED || started.status == StatusCode::OK, "{}", started.body);
    let id = started.body["id"].as_i64().expect("run id");
    wait_done(server, operator, id).await
}

/// Starts the run of a period (`YYYY-MM`, reading day 1) and waits until it is done.
async fn run_period(server: &TestServer, operator: &As, label: &str) -> Value {
    let started = server.post(operator, "/api/v1/staff/billing/runs", json!({"period": label, "reading_day": 1})).await;
    assert!(started.status == StatusCode::CREATED || started.status == StatusCode::OK, "{}", started.body);
    wait_done(server, operator, started.body["id"].as_i64().expect("run id")).await
}

async fn wait_done(server: &TestServer, who: &As, id: i64) -> Value {
    for _ in 0..300 {
        let run = server.read(who, &format!("/api/v1/staff/billing/runs/{id}")).await;
        assert_eq!(run.status, StatusCode::OK, "{}", run.body);
        if run.body["run"]["status"] == "done" {
            return run.body;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the run did not finish in 30 s");
}

async fn count(server: &TestServer, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(server.state.db.pool()).await.expect("count")
}

async fn bills_of(server: &TestServer, who: &As, account: &str) -> Vec<Value> {
    let answer = server.read(who, &format!("/api/v1/accounts/{account}/bills")).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    answer.body.as_array().expect("bills").clone()
}

async fn tariffs_are_versioned_and_checked(server: TestServer) {
    let p = people(&server).await;
    let tariff = json!({"code": "test-flat", "name_zh": "测试单一制", "name_en": "Test flat"});
    assert_eq!(server.post(&p.operator, "/api/v1/staff/tariffs", tariff.clone()).await.status, StatusCode::FORBIDDEN);
    assert_eq!(server.post(&p.admin, "/api/v1/staff/tariffs", tariff.clone()).await.status, StatusCode::CREATED);
    assert_eq!(server.post(&p.admin, "/api/v1/staff/tariffs", tariff).await.status, StatusCode::CONFLICT);
    let flat = |price: &str| json!({"energy": {"kind": "flat", "price": price}});
    let path = "/api/v1/staff/tariffs/test-flat/versions";
    // Versions start today or later (prices are never back-dated).
    let day = |days: u64| (today(&server) + chrono::Days::new(days)).to_string();
    let first = server.post(&p.admin, path, json!({"effective_from": day(10), "tariff": flat("0.50")})).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    // Overlapping the first (which is open-ended from an earlier start) for a closed span.
    let overlap = server
        .post(&p.admin, path, json!({"effective_from": day(5), "effective_to": day(40), "tariff": flat("0.55")}))
        .await;
    assert_eq!(overlap.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", overlap.body);
    assert_eq!(overlap.body["fields"]["effective_from"], "与已有版本的执行日期重叠");
    // A gap between tiers and a negative price: refused by field, in the caller's language.
    let gap = json!({"effective_from": day(30), "tariff": {"energy": {"kind": "tiered", "basis": "annual", "tiers": [
        {"up_to_kwh": "2880", "price": "0.4883"}, {"up_to_kwh": "2000", "price": "0.5383"}, {"up_to_kwh": null, "price": "0.7883"}]}}});
    let refused = server.post(&p.admin, path, gap).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(
        refused.body["fields"].as_object().is_some_and(|f| f.keys().any(|k| k.contains("tiers"))),
        "{}",
        refused.body
    );
    let negative = server.post(&p.admin, path, json!({"effective_from": day(30), "tariff": flat("-0.10")})).await;
    assert_eq!(negative.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(negative.body["fields"]["tariff.energy.price"].is_string(), "{}", negative.body);
    // A new version from day 30 closes the first on day 29.
    let second = server.post(&p.admin, path, json!({"effective_from": day(30), "tariff": flat("0.52")})).await;
    assert_eq!(second.status, StatusCode::CREATED, "{}", second.body);
    let listed = server.read(&As::Anonymous, "/api/v1/tariffs").await.body;
    let ours = listed.as_array().expect("tariffs").iter().find(|t| t["code"] == "test-flat").expect("listed").clone();
    let versions = ours["versions"].as_array().expect("versions");
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["effective_to"], day(29));
    assert_eq!(versions[1]["effective_to"], Value::Null);
    assert_eq!(versions[1]["tariff"]["energy"]["price"], "0.52");
    let audit = server.read(&p.admin, "/api/v1/audit?action=tariff").await.body;
    assert!(audit.to_string().contains("tariff.version"), "{audit}");
}

async fn readings_are_imported_line_by_line(server: TestServer) {
    let p = people(&server).await;
    let (month, this) = months(&server);
    let before = month.checked_sub_months(chrono::Months::new(1)).expect("month");
    let tomorrow = today(&server) + chrono::Days::new(1);
    let mid = month + chrono::Days::new(10);
    let opening = json!({"readings": [{"meter_no": "E3100012347", "read_on": month.to_string(), "active": "1000"}]});
    assert_eq!(server.post(&p.operator, "/api/v1/staff/readings", opening).await.body["accepted"], 1);
    let file = format!(
        "\u{feff}meter_no,read_on,active\r\n\
         E3100012347,{this},1100\r\n\
         E9999999999,{month},5\r\n\
         E3100012347,{this},1e400\r\n\
         E3100012347,{this},-3\r\n\
         E3100012347,{this},NaN\r\n\
         E3100012347,{month},1001\r\n\
         E3100012347,{before},1200\r\n\
         E3100012347,{tomorrow},1300\r\n\
         E3100012347\r\n\
         E3100012347,{mid},900\r\n"
    );
    let result = upload(&server, &p.operator, "october.csv", file.into_bytes(), "zh-CN").await;
    assert_eq!(result.status, StatusCode::OK, "{}", result.body);
    assert_eq!(
        (result.body["lines"].as_u64(), result.body["accepted"].as_u64()),
        (Some(10), Some(1)),
        "{}",
        result.body
    );
    let reasons: Vec<(u64, &str)> = result.body["rejected"]
        .as_array()
        .expect("rejected")
        .iter()
        .map(|r| (r["line"].as_u64().expect("line"), r["reason"].as_str().expect("reason")))
        .collect();
    assert_eq!(
        reasons,
        [
            (3, "unknown_meter"),
            (4, "bad_number"),
            (5, "negative"),
            (6, "bad_number"),
            (7, "duplicate"),
            (8, "higher_than_next"),
            (9, "bad_date"),
            (10, "bad_line"),
            (11, "lower_than_last"),
        ]
    );
    assert!(result.body["rejected"][8]["detail"].as_str().expect("detail").contains("读数小于上次读数"));
    let stored =
        "SELECT COUNT(*) FROM meter_readings r JOIN meters m ON m.id = r.meter_id WHERE m.meter_no = 'E3100012347'";
    assert_eq!(count(&server, stored).await, 2, "rejected lines stored nothing");

    // GBK with Chinese column names and slashes in the date; the reasons in English.
    let later = (month + chrono::Days::new(20)).format("%Y/%m/%d");
    let gbk = format!("表号,抄表日期,有功总\nE3100012347,{later},1050\nE3100012347,{later},1060\n");
    let (bytes, _, _) = encoding_rs::GB18030.encode(&gbk);
    let result = upload(&server, &p.operator, "gbk.csv", bytes.into_owned(), "en").await;
    assert_eq!(result.status, StatusCode::OK, "{}", result.body);
    assert_eq!(result.body["accepted"], 1, "{}", result.body);
    let detail = result.body["rejected"][0]["detail"].as_str().expect("detail");
    assert!(detail.starts_with("The meter already has a reading at this time"), "{detail}");

    // An abnormal jump is refused unless an operator confirms it.
    let d = |months_back: u32| month.checked_sub_months(chrono::Months::new(months_back)).expect("month").to_string();
    let history = json!({"readings": [
        {"meter_no": "E3100012347", "read_on": d(4), "active": "100"},
        {"meter_no": "E3100012347", "read_on": d(3), "active": "110"},
        {"meter_no": "E3100012347", "read_on": d(2), "active": "900"},
    ]});
    let jumped = server.post(&p.operator, "/api/v1/staff/readings", history.clone()).await;
    assert_eq!(jumped.body["accepted"], 2, "{}", jumped.body);
    assert_eq!(jumped.body["rejected"][0]["reason"], "abnormal_jump");
    assert_eq!(jumped.body["rejected"][0]["line"], 3);
    let confirmed =
        json!({"readings": [{"meter_no": "E3100012347", "read_on": d(2), "active": "900"}], "confirm_jumps": true});
    assert_eq!(server.post(&p.operator, "/api/v1/staff/readings", confirmed).await.body["accepted"], 1);

    // A meter change explains a lower reading.
    let lower = json!({"readings": [{"meter_no": "E3100012345", "read_on": month.to_string(), "active": "5000"}]});
    assert_eq!(server.post(&p.operator, "/api/v1/staff/readings", lower).await.body["accepted"], 1);
    let reset = json!({"readings": [{"meter_no": "E3100012345", "read_on": this.to_string(), "active": "12"}]});
    assert_eq!(
        server.post(&p.operator, "/api/v1/staff/readings", reset.clone()).await.body["rejected"][0]["reason"],
        "lower_than_last"
    );
    let change = json!({"changed_on": (month + chrono::Days::new(9)).to_string(), "final_reading": "5100", "start_reading": "0", "reason": "换表"});
    let changed = server.post(&p.operator, "/api/v1/staff/meters/E3100012345/changes", change).await;
    assert_eq!(changed.status, StatusCode::CREATED, "{}", changed.body);
    assert_eq!(server.post(&p.operator, "/api/v1/staff/readings", reset).await.body["accepted"], 1);

    // Interval data: on the quarter hour, once.
    let start = format!("{}T10:15", month);
    let intervals = json!({"intervals": [
        {"meter_no": "E3200000001", "starts_at": start, "kwh": "2.5", "kvarh": "1"},
        {"meter_no": "E3200000001", "starts_at": start, "kwh": "2.6"},
        {"meter_no": "E3200000001", "starts_at": format!("{}T10:20", month), "kwh": "2.6"},
    ]});
    let result = server.post(&p.operator, "/api/v1/staff/readings", intervals).await;
    assert_eq!(result.body["accepted"], 1, "{}", result.body);
    let reasons: Vec<&str> =
        result.body["rejected"].as_array().expect("rejected").iter().filter_map(|r| r["reason"].as_str()).collect();
    assert_eq!(reasons, ["duplicate", "bad_date"]);

    // Whole files refused: no header, nothing in it, 200 MB.
    let imports = "SELECT COUNT(*) FROM reading_imports";
    let before_refusals = count(&server, imports).await;
    let headerless = upload(&server, &p.operator, "x.csv", b"E1,2026-01-01,5\n".to_vec(), "en").await;
    assert_eq!(headerless.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(headerless.body["fields"]["file"].as_str().expect("message").contains("meter_no, read_on, active"));
    let empty = upload(&server, &p.operator, "x.csv", b"meter_no,read_on,active\r\n".to_vec(), "zh-CN").await;
    assert_eq!(empty.body["fields"]["file"], "文件中没有读数");
    let mut huge = b"meter_no,read_on,active\n".to_vec();
    huge.resize(200 * 1024 * 1024, b'1');
    let token = match &p.operator {
        As::Session(t) => t.clone(),
        _ => unreachable!(),
    };
    let big = server
        .client
        .post(server.url("/api/v1/staff/readings/file?name=huge.csv"))
        .header(CONTENT_TYPE, "application/octet-stream")
        .header(ORIGIN, server.url(""))
        .header(COOKIE, format!("gridhall_session={token}"))
        .body(huge)
        .send()
        .await;
    // The server answers 413 from the declared length without reading 200 MB; a client
    // still writing may see the connection close before it reads the answer.
    match big {
        Ok(response) => assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE),
        Err(error) => assert!(error.is_request(), "{error}"),
    }
    assert_eq!(count(&server, imports).await, before_refusals, "refused files leave no import");

    // Only billing operators and administrators import; an agent may not.
    let denied = upload(&server, &p.agent, "x.csv", b"meter_no,read_on,active\n".to_vec(), "en").await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let listed = server.read(&p.operator, "/api/v1/staff/readings/imports").await;
    assert!(
        listed.body.as_array().is_some_and(|l| l.iter().any(|i| i["file_name"] == "october.csv" && i["rejected"] == 9))
    );
}

async fn a_run_bills_each_account_once_by_the_tariff(server: TestServer) {
    let p = people(&server).await;
    read_meters(&server, &p.operator).await;
    let detail = run_billing(&server, &p.operator).await;
    assert_eq!(detail["run"]["total_accounts"], 6, "{detail}");
    assert_eq!(detail["run"]["accounts_done"], 6);
    assert_eq!(detail["run"]["bills"], 4, "{detail}");
    let exceptions: Vec<(String, String)> = detail["exceptions"]
        .as_array()
        .expect("exceptions")
        .iter()
        .map(|e| (e["account_no"].as_str().unwrap_or("").to_owned(), e["kind"].as_str().unwrap_or("").to_owned()))
        .collect();
    assert_eq!(exceptions, [("3100012347".into(), "no_reading".into()), ("3200000001".into(), "no_reading".into())]);

    // 260 kWh in tier 1 at 0.4883 = 126.958 → 126.96.
    let bills = bills_of(&server, &p.customer, demo::CUSTOMER_ACCOUNT).await;
    assert_eq!(bills.len(), 1);
    assert_eq!((bills[0]["energy_kwh"].as_str(), bills[0]["total"].as_str()), (Some("260"), Some("126.96")));
    // The large-industry site by hand: 200,000 kWh (multiplier 80); capacity 630 × 32 =
    // 20,160.00; peak 70,000 × 0.9012 = 63,084.00, flat 70,000 × 0.6152 = 43,064.00, valley
    // 60,000 × 0.3292 = 19,752.00; power factor 200,000 / √(200,000² + 90,000²) = 0.9119 →
    // 0.91: −0.15 % of 146,060.00 = −219.09; funds 3,800.00 + 380.00 + 1,240.00.
    let site = bills_of(&server, &p.org_admin, "3200000002").await;
    assert_eq!(site[0]["total"], "151260.91", "{site:?}");
    let id = site[0]["id"].as_i64().expect("id");
    let bill = server.read(&p.org_admin, &format!("/api/v1/bills/{id}")).await.body;
    let amounts: Vec<&str> =
        bill["lines"]["charges"].as_array().expect("lines").iter().filter_map(|l| l["amount"].as_str()).collect();
    assert_eq!(amounts, ["63084.00", "43064.00", "19752.00", "20160.00", "-219.09", "3800.00", "380.00", "1240.00"]);
    assert_eq!(bill["metering"]["meters"][0]["multiplier"], 80);
    assert_eq!(bill["tariff_name_zh"], "大工业两部制电价");

    // Running again bills nothing twice: the same run, the same bills.
    let again = run_billing(&server, &p.operator).await;
    assert_eq!(again["run"]["id"], detail["run"]["id"]);
    assert_eq!(count(&server, "SELECT COUNT(*) FROM bills").await, 4);
    assert!(
        !gridhall::services::billing::run::work_one(&server.state, "test", &Default::default()).await.expect("work")
    );

    // Every issued bill is a notice to its people.
    let notices = server.read(&p.customer, "/api/v1/me/notices").await.body;
    assert!(notices.to_string().contains("126.96"), "{notices}");
    // A period whose closing readings are not taken yet is refused.
    let next = today(&server).with_day(1).expect("first");
    let early = server
        .post(
            &p.operator,
            "/api/v1/staff/billing/runs",
            json!({"period": format!("{:04}-{:02}", next.year(), next.month()), "reading_day": 1}),
        )
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", early.body);
}

async fn a_crashed_run_resumes_with_no_bill_missing_or_doubled(server: TestServer) {
    // Restarted with small chunks and no background rounds, so the test plays the servers.
    let backend = server.backend;
    drop(server);
    let Some(server) = TestServer::start_with(backend, |config| {
        config.billing_chunk = 2;
        config.billing_interval_secs = 3600;
    })
    .await
    else {
        return;
    };
    let p = people(&server).await;
    read_meters(&server, &p.operator).await;
    let (month, _) = months(&server);
    let label = format!("{:04}-{:02}", month.year(), month.month());
    let actor = gridhall::services::Actor { user_id: None, label: "test".into(), ip: "local".into() };
    let request = shared::api::billing::StartRun { period: label.clone(), reading_day: 1 };
    let (run, created) = gridhall::services::billing::run::start(&server.state, &actor, &request).await.expect("start");
    assert!(created);
    // A server bills one chunk, then dies in the middle of the second: its work there is
    // never committed and its lease stays behind.
    let crashing = gridhall::services::billing::run::Settings {
        lease_seconds: 120,
        stop_after_chunks: Some(2),
        abandon_last_chunk: true,
    };
    assert!(gridhall::services::billing::run::work_one(&server.state, "crashing", &crashing).await.expect("work"));
    let progress = server.read(&p.operator, &format!("/api/v1/staff/billing/runs/{}", run.id)).await.body;
    assert_eq!(progress["run"]["status"], "running");
    assert_eq!(progress["run"]["accounts_done"], 2, "{progress}");
    let billed = count(&server, "SELECT COUNT(*) FROM bills").await;
    assert_eq!(billed, 2, "the first chunk's two accounts have readings");
    // Another server cannot take the run while the lease lasts…
    assert!(
        !gridhall::services::billing::run::work_one(&server.state, "other", &Default::default()).await.expect("work")
    );
    // …and takes it over once it has expired, from where the dead one stopped.
    server.state.clock.advance(chrono::Duration::seconds(180));
    let restarted =
        server.post(&p.operator, "/api/v1/staff/billing/runs", json!({"period": label, "reading_day": 1})).await;
    assert_eq!(restarted.status, StatusCode::OK, "the same run: {}", restarted.body);
    let done = wait_done(&server, &p.operator, run.id).await;
    assert_eq!(done["run"]["accounts_done"], 6, "{done}");
    assert_eq!(done["run"]["bills"], 4);
    assert_eq!(count(&server, "SELECT COUNT(*) FROM bills").await, 4);
    let doubled =
        "SELECT COUNT(*) FROM (SELECT account_id FROM bills GROUP BY account_id, period HAVING COUNT(*) > 1) d";
    assert_eq!(count(&server, doubled).await, 0);
    let exceptions = "SELECT COUNT(*) FROM billing_exceptions";
    assert_eq!(count(&server, exceptions).await, 2, "each exception once");
}

async fn people_see_only_their_own_bills(server: TestServer) {
    let p = people(&server).await;
    read_meters(&server, &p.operator).await;
    run_billing(&server, &p.operator).await;
    let bills = bills_of(&server, &p.customer, demo::CUSTOMER_ACCOUNT).await;
    let id = bills[0]["id"].as_i64().expect("id");
    let bill = server.read(&p.customer, &format!("/api/v1/bills/{id}")).await;
    assert_eq!(bill.status, StatusCode::OK);
    let (month, this) = months(&server);
    assert_eq!(bill.body["metering"]["meters"][0]["start"], json!([month.to_string(), "1000"]));
    assert_eq!(bill.body["metering"]["meters"][0]["end"], json!([this.to_string(), "1260"]));
    assert_eq!(bill.body["lines"]["charges"][0]["kind"], json!({"kind": "tier", "tier": 1}));
    assert_eq!(bill.body["lines"]["charges"][0]["unit_price"], "0.4883");

    // The lines as CSV, with a byte-order mark, in the reader's language.
    let csv = server
        .client
        .get(server.url(&format!("/api/v1/bills/{id}/lines.csv")))
        .header(COOKIE, cookie(&p.customer))
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status(), StatusCode::OK);
    let bytes = csv.bytes().await.expect("body");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("账单号") && text.contains("第一档电费") && text.contains("126.96"), "{text}");
    let english = server
        .client
        .get(server.url(&format!("/api/v1/bills/{id}/lines.csv")))
        .header(COOKIE, cookie(&p.customer))
        .header(ACCEPT_LANGUAGE, "en")
        .send()
        .await
        .expect("csv")
        .text()
        .await
        .expect("text");
    assert!(english.contains("Energy, tier 1") && english.contains("Total"), "{english}");

    // The PDF parses, is one A4 page with the font embedded as a subset, and says the
    // total and the lines in Chinese.
    let pdf = server
        .client
        .get(server.url(&format!("/api/v1/bills/{id}/pdf")))
        .header(COOKIE, cookie(&p.customer))
        .send()
        .await
        .expect("pdf");
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()[CONTENT_TYPE], "application/pdf");
    let bytes = pdf.bytes().await.expect("body");
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(bytes.len() < 200_000, "the font is a subset: {} bytes", bytes.len());
    let document = lopdf::Document::load_mem(&bytes).expect("the PDF parses");
    assert_eq!(document.get_pages().len(), 1);
    let text = document.extract_text(&[1]).expect("text");
    assert!(text.contains("126.96") && text.contains("第一档电费") && text.contains("张伟"), "{text}");

    // Someone else's bill does not exist for them; staff who read bills see it.
    let other = server.new_customer("other@example.com", "Other", "Lantern-orchard-47-tide").await;
    assert_eq!(server.read(&other, &format!("/api/v1/bills/{id}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(server.read(&other, &format!("/api/v1/bills/{id}/pdf")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        server.read(&other, &format!("/api/v1/accounts/{}/bills", demo::CUSTOMER_ACCOUNT)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(server.read(&p.org_admin, &format!("/api/v1/bills/{id}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(server.read(&p.agent, &format!("/api/v1/bills/{id}")).await.status, StatusCode::OK);
    assert_eq!(server.read(&p.handler, &format!("/api/v1/bills/{id}")).await.status, StatusCode::FORBIDDEN);
    // The organisation's token reads the organisation's bills, not others'.
    let issued = server
        .post(&p.org_admin, "/api/v1/org/tokens", json!({"name": "erp", "scope": "read", "expires_in_days": 1}))
        .await;
    let token = As::Bearer(issued.body["token"].as_str().expect("token").to_owned());
    assert_eq!(bills_of(&server, &token, "3200000002").await.len(), 1);
    assert_eq!(server.read(&token, &format!("/api/v1/bills/{id}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        server.call(&As::Anonymous, Method::GET, &format!("/api/v1/bills/{id}"), None).await.status,
        StatusCode::UNAUTHORIZED
    );
}

fn cookie(who: &As) -> String {
    match who {
        As::Session(token) => format!("gridhall_session={token}"),
        _ => String::new(),
    }
}

async fn corrections_never_edit_a_bill(server: TestServer) {
    let p = people(&server).await;
    read_meters(&server, &p.operator).await;
    let account = demo::CUSTOMER_ACCOUNT;
    let held = server
        .call(
            &p.operator,
            Method::PUT,
            &format!("/api/v1/staff/accounts/{account}/hold"),
            Some(json!({"hold": true, "reason": "核查表计"})),
        )
        .await;
    assert_eq!(held.status, StatusCode::NO_CONTENT, "{}", held.body);
    let no_reason = server
        .call(&p.operator, Method::PUT, &format!("/api/v1/staff/accounts/{account}/hold"), Some(json!({"hold": true})))
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let detail = run_billing(&server, &p.operator).await;
    assert_eq!(detail["run"]["held"], 1, "{detail}");
    let exception = detail["exceptions"]
        .as_array()
        .expect("list")
        .iter()
        .find(|e| e["account_no"] == account)
        .expect("held")
        .clone();
    assert_eq!(exception["kind"], "held");
    let bill_id = exception["bill_id"].as_i64().expect("bill");
    // Held: the customer sees nothing yet; the operator releases it and it is issued.
    assert!(bills_of(&server, &p.customer, account).await.is_empty());
    assert_eq!(server.read(&p.customer, &format!("/api/v1/bills/{bill_id}")).await.status, StatusCode::NOT_FOUND);
    let released =
        server.post(&p.operator, &format!("/api/v1/staff/bills/{bill_id}/actions"), json!({"action": "release"})).await;
    assert_eq!(released.status, StatusCode::OK, "{}", released.body);
    assert_eq!(released.body["status"], "issued");
    let again =
        server.post(&p.operator, &format!("/api/v1/staff/bills/{bill_id}/actions"), json!({"action": "release"})).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(bills_of(&server, &p.customer, account).await.len(), 1);

    // A refund, then a credit note and a rebill that carries it: ¥126.96 − ¥10.00.
    let refund = json!({"account_no": account, "amount": "-10.00", "reason": "抄表差错退费"});
    assert_eq!(server.post(&p.operator, "/api/v1/staff/adjustments", refund).await.status, StatusCode::CREATED);
    let bad = server
        .post(
            &p.operator,
            "/api/v1/staff/adjustments",
            json!({"account_no": account, "amount": "0.001", "reason": "x"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let blank = json!({"action": "credit_and_rebill", "reason": " "});
    assert_eq!(
        server.post(&p.operator, &format!("/api/v1/staff/bills/{bill_id}/actions"), blank).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let rebill = server
        .post(
            &p.operator,
            &format!("/api/v1/staff/bills/{bill_id}/actions"),
            json!({"action": "credit_and_rebill", "reason": "退费重算"}),
        )
        .await;
    assert_eq!(rebill.status, StatusCode::OK, "{}", rebill.body);
    assert_eq!((rebill.body["total"].as_str(), rebill.body["replaces"].as_i64()), (Some("116.96"), Some(bill_id)));
    let old = server.read(&p.customer, &format!("/api/v1/bills/{bill_id}")).await.body;
    assert_eq!(old["summary"]["status"], "cancelled");
    assert_eq!(old["summary"]["total"], "126.96", "the cancelled bill keeps its amount");
    assert_eq!(old["credit_note"]["amount"], "-126.96");
    assert_eq!(old["replaced_by"], rebill.body["id"]);
    let new = server.read(&p.customer, &format!("/api/v1/bills/{}", rebill.body["id"])).await.body;
    assert_eq!(new["lines"]["adjustments"][0]["reason"], "抄表差错退费");
    // The run's exceptions now point at the rebill (a run bill and its rebill share the run).
    let run_id = detail["run"]["id"].as_i64().expect("run");
    let exceptions = server.read(&p.operator, &format!("/api/v1/staff/billing/runs/{run_id}")).await;
    assert_eq!(exceptions.status, StatusCode::OK, "{}", exceptions.body);
    let held = exceptions.body["exceptions"]
        .as_array()
        .expect("list")
        .iter()
        .find(|e| e["account_no"] == account)
        .expect("held")
        .clone();
    assert_eq!(held["bill_id"], rebill.body["id"]);
    let twice = server
        .post(
            &p.operator,
            &format!("/api/v1/staff/bills/{bill_id}/actions"),
            json!({"action": "credit_and_rebill", "reason": "again"}),
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);

    // The database itself refuses to edit or delete a bill.
    let edit =
        sqlx::query("UPDATE bills SET total_fen = 1 WHERE id = $1").bind(bill_id).execute(server.state.db.pool()).await;
    assert!(edit.is_err(), "a bill's amount cannot be edited");
    let delete = sqlx::query("DELETE FROM bills WHERE id = $1").bind(bill_id).execute(server.state.db.pool()).await;
    assert!(delete.is_err(), "a bill cannot be deleted");

    // Linking by bill amount now asks for the newest issued bill (李娜's: 180 kWh in tier 1
    // = 87.89, 60 kWh at peak +1.80, 50 in the valley −10.00: 79.69), not the amount the
    // account was migrated with.
    let linker = server.new_customer("linker@example.com", "Linker", "Lantern-orchard-47-tide").await;
    let proof = |amount: &str| json!({"account_no": demo::LI_NA_ACCOUNT, "proof": {"method": "bill_amount", "holder_name": "李娜", "last_bill_amount": amount}});
    assert!(!server.post(&linker, "/api/v1/me/accounts", proof("86.40")).await.status.is_success());
    let linked = server.post(&linker, "/api/v1/me/accounts", proof("79.69")).await;
    assert!(linked.status.is_success(), "{}", linked.body);

    // Operators only act in their regions: a handler may not.
    assert_eq!(
        server
            .post(&p.handler, &format!("/api/v1/staff/bills/{bill_id}/actions"), json!({"action": "release"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        server
            .post(
                &p.agent,
                "/api/v1/staff/adjustments",
                json!({"account_no": account, "amount": "1.00", "reason": "x"})
            )
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

async fn usage_tiers_the_comparison_and_the_enterprise_table(server: TestServer) {
    let p = people(&server).await;
    read_meters(&server, &p.operator).await;
    let (month, _) = months(&server);
    // A day of 15-minute data for the interval-metered site (multiplier 40).
    let at = |time: &str| format!("{month}T{time}");
    let intervals = json!({"intervals": [
        {"meter_no": "E3200000001", "starts_at": at("09:00"), "kwh": "2.5", "kvarh": "1.0"},
        {"meter_no": "E3200000001", "starts_at": at("09:15"), "kwh": "3.0", "kvarh": "1.2"},
        {"meter_no": "E3200000001", "starts_at": at("23:45"), "kwh": "0.5", "kvarh": "0.2"},
    ]});
    assert_eq!(server.post(&p.operator, "/api/v1/staff/readings", intervals).await.body["accepted"], 3);
    run_billing(&server, &p.operator).await;

    let usage = server.read(&p.customer, &format!("/api/v1/accounts/{}/usage", demo::CUSTOMER_ACCOUNT)).await;
    assert_eq!(usage.status, StatusCode::OK, "{}", usage.body);
    let months = usage.body["months"].as_array().expect("months");
    assert_eq!(months.len(), 12);
    assert_eq!(months[11]["period"], format!("{:04}-{:02}", month.year(), month.month()));
    assert_eq!(months[11]["kwh"], "260");
    assert_eq!(months[10]["kwh"], Value::Null);
    let tier = &usage.body["tier"];
    if month.year() == today(&server).year() {
        // "260 of 2,880 kWh in tier 1".
        assert_eq!(
            (tier["used_kwh"].as_str(), tier["tier"].as_u64(), tier["tier_bound_kwh"].as_str()),
            (Some("260"), Some(1), Some("2880"))
        );
    }
    // The time-of-use tariff needs energy by period, which this meter does not record.
    let options = usage.body["comparison"].as_array().expect("comparison");
    let tou = options.iter().find(|o| o["code"] == "residential-tiered-tou").expect("offered");
    assert_eq!(tou["cost"], Value::Null);
    assert_eq!(options[0]["code"], "residential-tiered");
    assert_eq!(options[0]["current"], true);

    // The business on time of use: the single rate would have cost less. Flat: 1,800 ×
    // 0.6825 = 1,228.50; time of use: 630 × 1.0455 + 630 × 0.6825 + 540 × 0.3195 = 1,261.18.
    let shop = server.read(&p.org_admin, "/api/v1/accounts/3200000003/usage").await.body;
    let options = shop["comparison"].as_array().expect("comparison");
    assert_eq!(
        (options[0]["code"].as_str(), options[0]["cost"].as_str()),
        (Some("business-flat"), Some("1228.50")),
        "{shop}"
    );
    assert_eq!(
        (options[1]["code"].as_str(), options[1]["cost"].as_str(), options[1]["current"].as_bool()),
        (Some("business-tou"), Some("1261.18"), Some(true))
    );

    // The load curve: 3.0 kWh × 40 in 15 minutes is 480 kW at 09:15.
    let curve = server.read(&p.org_admin, &format!("/api/v1/accounts/3200000001/load?day={month}")).await;
    assert_eq!(curve.status, StatusCode::OK, "{}", curve.body);
    assert_eq!(curve.body["points"].as_array().map(Vec::len), Some(3));
    assert_eq!(curve.body["max_demand"], json!(["480", "09:15"]));
    assert_eq!(curve.body["kwh"], "240");
    assert!(curve.body["power_factor"].is_string());
    assert_eq!(
        server.read(&p.customer, &format!("/api/v1/accounts/3200000001/load?day={month}")).await.status,
        StatusCode::NOT_FOUND
    );

    // The enterprise's table: its three accounts, the latest bills and the totals.
    let table = server.read(&p.org_admin, "/api/v1/org/bills").await.body;
    let rows = table["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["account_no"], "3200000001");
    assert!(rows[0]["bill"].is_null(), "the interval site had too little data for a bill: {}", rows[0]);
    assert_eq!(table["total"], "152522.09", "151,260.91 + 1,261.18");
    assert_eq!(table["outstanding"], "152522.09");
    let csv = server
        .client
        .get(server.url("/api/v1/org/bills.csv"))
        .header(COOKIE, cookie(&p.org_admin))
        .send()
        .await
        .expect("csv")
        .text()
        .await
        .expect("text");
    assert!(csv.contains("户号") && csv.contains("3200000002") && csv.contains("152522.09"), "{csv}");
    assert_eq!(server.read(&p.customer, "/api/v1/org/bills").await.status, StatusCode::FORBIDDEN);
}

async fn the_tier_year_carries_from_bill_to_bill(server: TestServer) {
    let p = people(&server).await;
    let (month, this) = months(&server);
    let before = month.checked_sub_months(chrono::Months::new(1)).expect("month");
    let readings = json!({"readings": [
        {"meter_no": "E3100012345", "read_on": before.to_string(), "active": "0"},
        {"meter_no": "E3100012345", "read_on": month.to_string(), "active": "2800"},
        {"meter_no": "E3100012345", "read_on": this.to_string(), "active": "3000"},
    ]});
    assert_eq!(server.post(&p.operator, "/api/v1/staff/readings", readings).await.body["accepted"], 3);
    for period in [before, month] {
        let label = format!("{:04}-{:02}", period.year(), period.month());
        let started =
            server.post(&p.operator, "/api/v1/staff/billing/runs", json!({"period": label, "reading_day": 1})).await;
        assert_eq!(started.status, StatusCode::CREATED, "{}", started.body);
        wait_done(&server, &p.operator, started.body["id"].as_i64().expect("id")).await;
    }
    // The second bill is a thirteenth of the first: held for review until an operator releases it.
    let seen = bills_of(&server, &p.operator, demo::CUSTOMER_ACCOUNT).await;
    assert_eq!((seen.len(), seen[0]["status"].as_str()), (2, Some("held")));
    assert_eq!(bills_of(&server, &p.customer, demo::CUSTOMER_ACCOUNT).await.len(), 1);
    let id = seen[0]["id"].as_i64().expect("id");
    let released =
        server.post(&p.operator, &format!("/api/v1/staff/bills/{id}/actions"), json!({"action": "release"})).await;
    assert_eq!(released.status, StatusCode::OK, "{}", released.body);
    let bills = bills_of(&server, &p.customer, demo::CUSTOMER_ACCOUNT).await;
    assert_eq!(bills.len(), 2);
    // The first bill filled 2,800 kWh of tier 1; the second's 200 kWh are 80 in tier 1
    // (39.06) and 120 in tier 2 (64.60), when both fall in one tier year.
    let expected = if before.year() == month.year() { "103.66" } else { "97.66" };
    assert_eq!(bills[0]["total"], expected, "{bills:?}");
    assert_eq!(bills[1]["total"], "1367.24", "2,800 × 0.4883");
}

async fn the_metering_system_posts_readings_with_its_token(server: TestServer) {
    let p = people(&server).await;
    let (month, _) = months(&server);
    // A token for 嘉定供电所's meters, shown once.
    let issued = server
        .post(
            &p.admin,
            "/api/v1/staff/integration-tokens",
            json!({"name": "用电信息采集系统", "region": "JD03", "expires_in_days": 30}),
        )
        .await;
    assert_eq!(issued.status, StatusCode::CREATED, "{}", issued.body);
    let secret = issued.body["token"].as_str().expect("token").to_owned();
    assert!(secret.starts_with("gint_"));
    let listed = server.read(&p.admin, "/api/v1/staff/integration-tokens").await.body;
    assert!(!listed.to_string().contains(&secret), "the secret is never listed");
    let bad = server
        .post(
            &p.admin,
            "/api/v1/staff/integration-tokens",
            json!({"name": " ", "region": "XX99", "expires_in_days": 0}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.body["fields"].as_object().map(|f| f.len()), Some(3), "{}", bad.body);

    let system = As::Bearer(secret);
    let batch = json!({"readings": [
        {"meter_no": "E3100012347", "read_on": month.to_string(), "active": "1500.25"},
        {"meter_no": "E3100012345", "read_on": month.to_string(), "active": "10"},
    ], "confirm_jumps": true});
    let answer = server.post(&system, "/api/v1/integration/readings", batch.clone()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(answer.body["accepted"], 1);
    // A meter of another station is unknown to this token.
    assert_eq!(
        (answer.body["rejected"][0]["line"].as_u64(), answer.body["rejected"][0]["reason"].as_str()),
        (Some(2), Some("unknown_meter"))
    );
    let imports = server.read(&p.operator, "/api/v1/staff/readings/imports").await.body;
    assert!(imports[0]["actor"].as_str().is_some_and(|a| a.starts_with("integration:gint_")), "{imports}");
    assert_eq!(imports[0]["source"], "api");
    // The token reads nothing else, and once revoked it is nobody.
    assert_eq!(server.read(&system, "/api/v1/me/accounts").await.status, StatusCode::FORBIDDEN);
    assert_eq!(server.post(&system, "/api/v1/staff/readings", batch.clone()).await.status, StatusCode::FORBIDDEN);
    let id = issued.body["info"]["id"].as_i64().expect("id");
    assert_eq!(
        server.call(&p.admin, Method::DELETE, &format!("/api/v1/staff/integration-tokens/{id}"), None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(server.post(&system, "/api/v1/integration/readings", batch).await.status, StatusCode::UNAUTHORIZED);
}

/// January to March on the annual tiered tariff, then January credited and rebilled with
/// the same readings: only the bills of earlier periods count towards January's tiers, so
/// the rebill is the original to the fen (February and March are not "already billed this
/// year" for January).
async fn a_rebill_of_an_older_period_keeps_its_tiers(server: TestServer) {
    let p = people(&server).await;
    let readings = json!({"readings": [
        {"meter_no": "E3100012345", "read_on": "2026-01-01", "active": "0"},
        {"meter_no": "E3100012345", "read_on": "2026-02-01", "active": "1000"},
        {"meter_no": "E3100012345", "read_on": "2026-03-01", "active": "2000"},
        {"meter_no": "E3100012345", "read_on": "2026-04-01", "active": "3000"},
    ]});
    assert_eq!(server.post(&p.operator, "/api/v1/staff/readings", readings).await.body["accepted"], 4);
    for label in ["2026-01", "2026-02", "2026-03"] {
        run_period(&server, &p.operator, label).await;
    }
    let bills = bills_of(&server, &p.customer, demo::CUSTOMER_ACCOUNT).await;
    let totals: Vec<(&str, &str)> =
        bills.iter().map(|b| (b["period"].as_str().unwrap_or(""), b["total"].as_str().unwrap_or(""))).collect();
    // 1,000 kWh in tier 1 (488.30); then 880 in tier 1 (429.70) and 120 in tier 2 (64.60).
    assert_eq!(totals, [("2026-03", "494.30"), ("2026-02", "488.30"), ("2026-01", "488.30")], "{bills:?}");
    let january = bills[2]["id"].as_i64().expect("id");
    let original = server.read(&p.customer, &format!("/api/v1/bills/{january}")).await.body;
    let rebill = server
        .post(
            &p.operator,
            &format!("/api/v1/staff/bills/{january}/actions"),
            json!({"action": "credit_and_rebill", "reason": "复核重算"}),
        )
        .await;
    assert_eq!(rebill.status, StatusCode::OK, "{}", rebill.body);
    assert_eq!(rebill.body["replaces"], january);
    let again = server.read(&p.customer, &format!("/api/v1/bills/{}", rebill.body["id"])).await.body;
    assert_eq!(again["lines"], original["lines"], "the rebill's lines are the original's");
    assert_eq!(again["summary"]["total"], original["summary"]["total"], "and so is its total");
    assert_eq!(again["summary"]["total"], "488.30");
    // March, billed again now, still counts January once (through the rebill).
    let march = bills[0]["id"].as_i64().expect("id");
    let rebill = server
        .post(
            &p.operator,
            &format!("/api/v1/staff/bills/{march}/actions"),
            json!({"action": "credit_and_rebill", "reason": "复核重算"}),
        )
        .await;
    assert_eq!(rebill.status, StatusCode::OK, "{}", rebill.body);
    assert_eq!(rebill.body["total"], "494.30", "{}", rebill.body);
}

/// Bills January and February 2026 for the demo customer (1,000 kWh each) and leaves a
/// refund of ¥10.00 open; answers the two bills' ids and the adjustment's.
async fn two_bills_and_an_open_refund(server: &TestServer, p: &People) -> (i64, i64, i64) {
    let readings = json!({"readings": [
        {"meter_no": "E3100012345", "read_on": "2026-01-01", "active": "0"},
        {"meter_no": "E3100012345", "read_on": "2026-02-01", "active": "1000"},
        {"meter_no": "E3100012345", "read_on": "2026-03-01", "active": "2000"},
    ]});
    assert_eq!(server.post(&p.operator, "/api/v1/staff/readings", readings).await.body["accepted"], 3);
    for label in ["2026-01", "2026-02"] {
        run_period(server, &p.operator, label).await;
    }
    let bills = bills_of(server, &p.operator, demo::CUSTOMER_ACCOUNT).await;
    assert_eq!(bills.len(), 2, "{bills:?}");
    let refund = json!({"account_no": demo::CUSTOMER_ACCOUNT, "amount": "-10.00", "reason": "抄表差错退费"});
    let made = server.post(&p.operator, "/api/v1/staff/adjustments", refund).await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.body);
    let adjustment = made.body["id"].as_i64().expect("adjustment id");
    (bills[1]["id"].as_i64().expect("id"), bills[0]["id"].as_i64().expect("id"), adjustment)
}

/// The live bills of the demo customer that carry an adjustment, as the customer reads them.
async fn bills_carrying(server: &TestServer, p: &People, adjustment: i64) -> Vec<i64> {
    let mut carrying = Vec::new();
    for bill in bills_of(server, &p.customer, demo::CUSTOMER_ACCOUNT).await {
        if bill["status"] == "cancelled" {
            continue;
        }
        let id = bill["id"].as_i64().expect("id");
        let detail = server.read(&p.customer, &format!("/api/v1/bills/{id}")).await.body;
        let lines = detail["lines"]["adjustments"].as_array().expect("adjustments").clone();
        carrying.extend(lines.iter().filter(|l| l["id"] == adjustment).map(|_| id));
    }
    carrying
}

/// Two operators credit and rebill January and February of one account at the same moment,
/// with a refund open: exactly one rebill carries it. On PostgreSQL the test holds both
/// bills locked until both requests wait on them, then lets them go at once, so both read
/// the open refund together.
async fn an_adjustment_is_carried_by_one_bill_under_concurrent_rebills(server: TestServer) {
    let p = people(&server).await;
    let (january, february, adjustment) = two_bills_and_an_open_refund(&server, &p).await;
    let gate = match server.backend {
        crate::common::Backend::Postgres => {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&server.database_url()).await.expect("connect");
            sqlx::query("BEGIN").execute(&mut conn).await.expect("begin");
            sqlx::query("SELECT id FROM bills WHERE id IN ($1, $2) FOR UPDATE")
                .bind(january)
                .bind(february)
                .fetch_all(&mut conn)
                .await
                .expect("lock the bills");
            Some(conn)
        }
        crate::common::Backend::Sqlite => None,
    };
    let (server_ref, operator) = (&server, &p.operator);
    let rebill = |id: i64| async move {
        let path = format!("/api/v1/staff/bills/{id}/actions");
        server_ref.post(operator, &path, json!({"action": "credit_and_rebill", "reason": "复核重算"})).await
    };
    let release = async {
        if let Some(mut conn) = gate {
            tokio::time::sleep(Duration::from_millis(700)).await;
            sqlx::query("COMMIT").execute(&mut conn).await.expect("release the bills");
        }
    };
    let (first, second, ()) = tokio::join!(rebill(january), rebill(february), release);
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    let carrying = bills_carrying(&server, &p, adjustment).await;
    assert_eq!(carrying.len(), 1, "one bill carries the refund, not {carrying:?}");
    let stored: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT bill_id FROM billing_adjustments WHERE id = {adjustment}"
    )))
    .fetch_one(server.state.db.pool())
    .await
    .expect("adjustment");
    assert_eq!(stored, carrying[0], "and it is the bill the adjustment names");
    // The two rebills add up to the two bills less the refund, once.
    let totals: Vec<String> =
        [&first, &second].iter().map(|a| a.body["total"].as_str().unwrap_or("").to_owned()).collect();
    let mut totals = totals;
    totals.sort();
    assert_eq!(totals, ["478.30", "488.30"], "{totals:?}");
}

/// A bill computed with an adjustment that another bill has claimed since cannot claim it
/// too: the claim checks that it took the adjustment (the second answers a conflict and
/// changes nothing).
async fn an_adjustment_claimed_once_cannot_be_claimed_again(server: TestServer) {
    use gridhall::services::billing::issue::claim_adjustments;
    let p = people(&server).await;
    let (january, february, adjustment) = two_bills_and_an_open_refund(&server, &p).await;
    let mut tx = server.state.db.begin().await.expect("begin");
    claim_adjustments(&mut tx, january, &[adjustment]).await.expect("the first claim takes it");
    tx.commit().await.expect("commit");
    let mut tx = server.state.db.begin().await.expect("begin");
    let again = claim_adjustments(&mut tx, february, &[adjustment]).await;
    assert!(
        matches!(again, Err(gridhall::services::Fail::Code(shared::api::ErrorCode::Conflict))),
        "a second claim is refused: {again:?}"
    );
    drop(tx);
    let stored: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT bill_id FROM billing_adjustments WHERE id = {adjustment}"
    )))
    .fetch_one(server.state.db.pool())
    .await
    .expect("adjustment");
    assert_eq!(stored, january);
}

/// The account without a closing reading in the demo, and its meter.
const UNREAD: (&str, &str) = ("3100012347", "E3100012347");

/// January 2026 run with only an opening reading (1,000) for [`UNREAD`]: no bill, a
/// "no reading" exception. Then the late readings arrive: 1,100 on 1 February and 1,250 on
/// 1 March. Answers the January run's id.
async fn january_without_its_reading(server: &TestServer, p: &People) -> i64 {
    let opening = json!({"readings": [{"meter_no": UNREAD.1, "read_on": "2026-01-01", "active": "1000"}]});
    assert_eq!(server.post(&p.operator, "/api/v1/staff/readings", opening).await.body["accepted"], 1);
    let run = run_period(server, &p.operator, "2026-01").await;
    let exception = run["exceptions"]
        .as_array()
        .expect("exceptions")
        .iter()
        .find(|e| e["account_no"] == UNREAD.0)
        .expect("listed")
        .clone();
    assert_eq!((exception["kind"].as_str(), exception["bill_id"].as_i64()), (Some("no_reading"), None));
    let late = json!({"readings": [
        {"meter_no": UNREAD.1, "read_on": "2026-02-01", "active": "1100"},
        {"meter_no": UNREAD.1, "read_on": "2026-03-01", "active": "1250"},
    ]});
    assert_eq!(server.post(&p.operator, "/api/v1/staff/readings", late).await.body["accepted"], 2);
    run["run"]["id"].as_i64().expect("run id")
}

/// The energy of an account's live bills, by period, as staff read them.
async fn live_energy(server: &TestServer, who: &As, account: &str) -> Vec<(String, String)> {
    let mut energy: Vec<(String, String)> = bills_of(server, who, account)
        .await
        .iter()
        .filter(|b| b["status"] != "cancelled")
        .map(|b| (b["period"].as_str().unwrap_or("").to_owned(), b["energy_kwh"].as_str().unwrap_or("").to_owned()))
        .collect();
    energy.sort();
    energy
}

fn bill_exception_path(run: i64, account: &str) -> String {
    format!("/api/v1/staff/billing/runs/{run}/exceptions/{account}/bill")
}

/// An operator bills the exception from the run's list once the reading has come: January
/// gets its 100 kWh, February opens where January closed (150 kWh), and neither can be
/// billed twice.
async fn a_no_reading_exception_is_billed_once_its_reading_arrives(server: TestServer) {
    let p = people(&server).await;
    let run = january_without_its_reading(&server, &p).await;
    let path = bill_exception_path(run, UNREAD.0);
    // Only billing operators (an agent reads runs but may not bill).
    assert_eq!(server.post(&p.agent, &path, json!({})).await.status, StatusCode::FORBIDDEN);
    let billed = server.post(&p.operator, &path, json!({})).await;
    assert_eq!(billed.status, StatusCode::CREATED, "{}", billed.body);
    assert_eq!(
        (billed.body["period"].as_str(), billed.body["energy_kwh"].as_str(), billed.body["status"].as_str()),
        (Some("2026-01"), Some("100"), Some("issued")),
        "{}",
        billed.body
    );
    // The run's list now points at the bill, and counts it.
    let detail = server.read(&p.operator, &format!("/api/v1/staff/billing/runs/{run}")).await.body;
    let listed = detail["exceptions"].as_array().expect("list").iter().find(|e| e["account_no"] == UNREAD.0).cloned();
    assert_eq!(listed.map(|e| e["bill_id"].clone()), Some(billed.body["id"].clone()), "{detail}");
    assert_eq!(detail["run"]["bills"], 1, "{detail}");
    assert_eq!(server.post(&p.operator, &path, json!({})).await.status, StatusCode::CONFLICT, "billed once");
    // An account the run billed, or one it never listed, has no exception to bill.
    let unknown = server.post(&p.operator, &bill_exception_path(run, "9999999999"), json!({})).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    run_period(&server, &p.operator, "2026-02").await;
    assert_eq!(
        live_energy(&server, &p.operator, UNREAD.0).await,
        [("2026-01".to_owned(), "100".to_owned()), ("2026-02".to_owned(), "150".to_owned())],
        "1,000 → 1,100 → 1,250: every kWh once"
    );
    assert_eq!(server.post(&p.operator, &path, json!({})).await.status, StatusCode::CONFLICT);
}

/// Nobody bills the exception: the next period's bill opens where the last bill (or, with
/// none, the unbilled period) began, so it carries January's energy too, even though
/// January's closing reading arrived late; January cannot then be billed on top.
async fn a_no_reading_exception_left_to_the_next_period_bills_its_energy_once(server: TestServer) {
    let p = people(&server).await;
    let run = january_without_its_reading(&server, &p).await;
    run_period(&server, &p.operator, "2026-02").await;
    assert_eq!(
        live_energy(&server, &p.operator, UNREAD.0).await,
        [("2026-02".to_owned(), "250".to_owned())],
        "February's bill carries 1,000 → 1,250, January's 100 kWh included"
    );
    let late = server.post(&p.operator, &bill_exception_path(run, UNREAD.0), json!({})).await;
    assert_eq!(late.status, StatusCode::CONFLICT, "January's energy is in February's bill: {}", late.body);
    assert_eq!(live_energy(&server, &p.operator, UNREAD.0).await, [("2026-02".to_owned(), "250".to_owned())]);
}

/// Runs a statement straight on the database: `Err` with the database's message when a
/// trigger (or constraint) refuses it.
async fn sql(server: &TestServer, statement: &str) -> Result<u64, String> {
    sqlx::query(sqlx::AssertSqlSafe(statement.to_owned()))
        .execute(server.state.db.pool())
        .await
        .map(|done| done.rows_affected())
        .map_err(|e| e.to_string())
}

async fn refused(server: &TestServer, statement: &str) {
    let result = sql(server, statement).await;
    assert!(result.is_err(), "the database let this through ({result:?}): {statement}");
}

async fn allowed(server: &TestServer, statement: &str) {
    let result = sql(server, statement).await;
    assert!(matches!(result, Ok(n) if n > 0), "the database refused ({result:?}): {statement}");
}

/// Issue 11, point 4: what was issued or measured never changes in the database itself,
/// whatever program writes to it: bills move forward only (never cancelled → issued or
/// back to held), credit notes, readings, meter changes, tier energy and tariff versions
/// are never edited or deleted (a version's last day is set once, when a newer one closes
/// it), an adjustment is never edited and is released from a bill only by the bill's
/// cancellation, and a run never goes back.
async fn issued_records_refuse_every_edit_and_backward_step(server: TestServer) {
    let p = people(&server).await;
    read_meters(&server, &p.operator).await;
    let (month, _) = months(&server);
    let interval =
        json!({"intervals": [{"meter_no": "E3200000001", "starts_at": format!("{month}T09:00"), "kwh": "2.5"}]});
    assert_eq!(server.post(&p.operator, "/api/v1/staff/readings", interval).await.body["accepted"], 1);
    let change = json!({"changed_on": (month + chrono::Days::new(9)).to_string(), "final_reading": "4100", "start_reading": "0", "reason": "换表"});
    let changed = server.post(&p.operator, "/api/v1/staff/meters/E3100012347/changes", change).await;
    assert_eq!(changed.status, StatusCode::CREATED, "{}", changed.body);
    let small = json!({"account_no": demo::CUSTOMER_ACCOUNT, "amount": "-10.00", "reason": "抄表差错退费"});
    assert_eq!(server.post(&p.operator, "/api/v1/staff/adjustments", small).await.body["status"], "approved");
    let detail = run_billing(&server, &p.operator).await;
    assert!(detail["run"]["bills"].as_i64().unwrap_or(0) >= 2, "{detail}");
    let run_id = detail["run"]["id"].as_i64().expect("run");
    let bill = bills_of(&server, &p.customer, demo::CUSTOMER_ACCOUNT).await[0]["id"].as_i64().expect("bill");
    assert_eq!(count(&server, &format!("SELECT COUNT(*) FROM billing_adjustments WHERE bill_id = {bill}")).await, 1);
    // A new price from tomorrow closes the demo's open-ended version today.
    let tomorrow = today(&server) + chrono::Days::new(1);
    let price =
        json!({"effective_from": tomorrow.to_string(), "tariff": {"energy": {"kind": "flat", "price": "0.70"}}});
    let published = server.post(&p.admin, "/api/v1/staff/tariffs/business-flat/versions", price).await;
    assert_eq!(published.status, StatusCode::CREATED, "{}", published.body);

    // Bills: forward only, issued once, in their run, paid amount growing.
    refused(&server, &format!("UPDATE bills SET status = 'held' WHERE id = {bill}")).await;
    refused(&server, &format!("UPDATE bills SET issued_at = issued_at + 1 WHERE id = {bill}")).await;
    refused(&server, &format!("UPDATE bills SET run_id = NULL WHERE id = {bill}")).await;
    allowed(&server, &format!("UPDATE bills SET paid_fen = 500 WHERE id = {bill}")).await;
    refused(&server, &format!("UPDATE bills SET paid_fen = 100 WHERE id = {bill}")).await;
    refused(&server, &format!("UPDATE billing_adjustments SET bill_id = NULL WHERE bill_id = {bill}")).await;
    let rebill = server
        .post(
            &p.operator,
            &format!("/api/v1/staff/bills/{bill}/actions"),
            json!({"action": "credit_and_rebill", "reason": "退费重算"}),
        )
        .await;
    assert_eq!(rebill.status, StatusCode::OK, "{}", rebill.body);
    let rebill_id = rebill.body["id"].as_i64().expect("rebill");
    assert_eq!(
        count(&server, &format!("SELECT COUNT(*) FROM billing_adjustments WHERE bill_id = {rebill_id}")).await,
        1
    );
    refused(&server, &format!("UPDATE bills SET status = 'issued' WHERE id = {bill}")).await;
    refused(&server, &format!("UPDATE bills SET status = 'held' WHERE id = {bill}")).await;
    // The rebill carries the adjustment: it cannot be moved off a live bill.
    refused(&server, &format!("UPDATE billing_adjustments SET bill_id = {bill} WHERE bill_id = {rebill_id}")).await;

    // Credit notes, tier energy, readings, meter changes: never edited, never deleted.
    for (table, edit) in [
        ("credit_notes", "amount_fen = 0"),
        ("bill_tier_usage", "kwh_milli = 0"),
        ("meter_readings", "active_milli = active_milli + 1"),
        ("interval_readings", "kwh_milli = 0"),
        ("meter_changes", "final_milli = 0"),
    ] {
        assert!(count(&server, &format!("SELECT COUNT(*) FROM {table}")).await > 0, "{table} has rows to test");
        refused(&server, &format!("UPDATE {table} SET {edit}")).await;
        refused(&server, &format!("DELETE FROM {table}")).await;
    }

    // Tariffs: the closed version keeps its last day; no version's numbers or first day change.
    let closed = format!(
        "SELECT id FROM tariff_versions WHERE tariff_code = 'business-flat' AND effective_to = '{}'",
        today(&server)
    );
    let closed = count(&server, &closed).await;
    refused(&server, &format!("UPDATE tariff_versions SET effective_to = NULL WHERE id = {closed}")).await;
    refused(&server, &format!("UPDATE tariff_versions SET effective_to = '2099-12-31' WHERE id = {closed}")).await;
    refused(&server, "UPDATE tariff_versions SET body = '{}'").await;
    refused(&server, "UPDATE tariff_versions SET effective_from = '2000-01-01'").await;
    refused(&server, "DELETE FROM tariff_versions").await;
    refused(&server, "UPDATE tariffs SET code = 'renamed' WHERE code = 'business-flat'").await;
    refused(&server, "DELETE FROM tariffs WHERE code = 'business-flat'").await;

    // Adjustments: never edited or deleted.
    refused(&server, "UPDATE billing_adjustments SET amount_fen = -1").await;
    refused(&server, "UPDATE billing_adjustments SET reason = 'edited'").await;
    refused(&server, "DELETE FROM billing_adjustments").await;

    // The run: done stays done, the cursor never goes back, it is never deleted.
    refused(&server, &format!("UPDATE billing_runs SET status = 'running' WHERE id = {run_id}")).await;
    refused(&server, &format!("UPDATE billing_runs SET cursor = 0 WHERE id = {run_id}")).await;
    refused(&server, &format!("UPDATE billing_runs SET total_accounts = 0 WHERE id = {run_id}")).await;
    refused(&server, &format!("DELETE FROM billing_runs WHERE id = {run_id}")).await;

    // And prices are never back-dated through the API.
    let yesterday = today(&server) - chrono::Days::new(1);
    let back =
        json!({"effective_from": yesterday.to_string(), "tariff": {"energy": {"kind": "flat", "price": "0.60"}}});
    let refused_zh = server.post(&p.admin, "/api/v1/staff/tariffs/business-flat/versions", back.clone()).await;
    assert_eq!(refused_zh.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused_zh.body);
    assert_eq!(refused_zh.body["fields"]["effective_from"], "不能早于今天：电价不能追溯调整");
    let refused_en = server
        .client
        .post(server.url("/api/v1/staff/tariffs/business-flat/versions"))
        .header(COOKIE, cookie(&p.admin))
        .header(ORIGIN, server.url(""))
        .header(ACCEPT_LANGUAGE, "en")
        .json(&back)
        .send()
        .await
        .expect("request");
    assert_eq!(refused_en.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let refused_en: Value = refused_en.json().await.expect("json");
    assert_eq!(refused_en["fields"]["effective_from"], "Cannot be before today: prices are never back-dated");
}

/// Issue 11, point 4: a refund or back-bill above the limit (¥1,000 by default) waits for a
/// second billing operator; the requester cannot approve it; the decision is in the audit
/// log; only approved ones are carried by the next bill; up to the limit nothing changes.
async fn adjustments_above_the_limit_need_a_second_operator(server: TestServer) {
    let p = people(&server).await;
    read_meters(&server, &p.operator).await;
    let account = demo::CUSTOMER_ACCOUNT;
    let adjust = |amount: &str, reason: &str| json!({"account_no": account, "amount": amount, "reason": reason});
    let at_limit = server.post(&p.operator, "/api/v1/staff/adjustments", adjust("-1000.00", "限额内退费")).await;
    assert_eq!(at_limit.status, StatusCode::CREATED, "{}", at_limit.body);
    assert_eq!(at_limit.body["status"], "approved", "up to the limit nothing waits: {}", at_limit.body);
    let big = server.post(&p.operator, "/api/v1/staff/adjustments", adjust("-1000.01", "大额退费")).await;
    assert_eq!(big.status, StatusCode::CREATED, "{}", big.body);
    assert_eq!(big.body["status"], "pending", "{}", big.body);
    let back_bill = server.post(&p.operator, "/api/v1/staff/adjustments", adjust("2000.00", "大额补收")).await;
    assert_eq!(back_bill.body["status"], "pending", "{}", back_bill.body);
    let (big, back_bill) = (big.body["id"].as_i64().expect("id"), back_bill.body["id"].as_i64().expect("id"));

    // Both wait in the list, for the operators of the station.
    let pending = server.read(&p.admin, "/api/v1/staff/adjustments/pending").await;
    assert_eq!(pending.status, StatusCode::OK, "{}", pending.body);
    let ids: Vec<i64> = pending.body.as_array().expect("list").iter().filter_map(|a| a["id"].as_i64()).collect();
    assert_eq!(ids, [big, back_bill]);
    assert_eq!(pending.body[0]["requested_by"], demo::BILLING_OPERATOR);

    // The requester may not decide their own.
    let decide = |id: i64| format!("/api/v1/staff/adjustments/{id}/decision");
    let own = server.post(&p.operator, &decide(big), json!({"decision": "approve"})).await;
    assert_eq!(own.status, StatusCode::FORBIDDEN, "{}", own.body);
    assert_eq!(own.code(), "own_request");
    assert_eq!(own.body["message"], "须由另一位操作员审批：不能审批自己提交的申请。");
    // Nor can the database be told otherwise.
    refused(&server, &format!("UPDATE billing_adjustments SET status = 'approved', decided_by = requested_by, decided_at = 1 WHERE id = {big}")).await;

    // Another operator approves one and rejects the other, once.
    let approved = server.post(&p.admin, &decide(big), json!({"decision": "approve"})).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    assert_eq!(
        (approved.body["status"].as_str(), approved.body["decided_by"].as_str()),
        (Some("approved"), Some(demo::ADMIN))
    );
    assert_eq!(server.post(&p.admin, &decide(big), json!({"decision": "reject"})).await.status, StatusCode::CONFLICT);
    let rejected = server.post(&p.admin, &decide(back_bill), json!({"decision": "reject"})).await;
    assert_eq!(rejected.body["status"], "rejected", "{}", rejected.body);
    refused(&server, &format!("UPDATE billing_adjustments SET status = 'approved' WHERE id = {back_bill}")).await;
    assert_eq!(server.read(&p.operator, "/api/v1/staff/adjustments/pending").await.body, json!([]));
    let audit = server.read(&p.admin, "/api/v1/audit?action=billing.adjustment.").await.body;
    let entries = audit["entries"].as_array().expect("entries");
    let subjects: Vec<(&str, &str)> = entries
        .iter()
        .filter_map(|e| Some((e["action"].as_str()?, e["subject"].as_str()?)))
        .filter(|(action, _)| action.ends_with("approve") || action.ends_with("reject"))
        .collect();
    assert_eq!(
        subjects,
        [
            ("billing.adjustment.reject", format!("adjustment:{back_bill}").as_str()),
            ("billing.adjustment.approve", format!("adjustment:{big}").as_str())
        ]
    );

    // A pending (or rejected) adjustment is never carried: the bill has the two approved.
    let pending_again = server.post(&p.operator, "/api/v1/staff/adjustments", adjust("5000.00", "待审补收")).await;
    assert_eq!(pending_again.body["status"], "pending");
    run_billing(&server, &p.operator).await;
    let bill = bills_of(&server, &p.customer, account).await[0]["id"].as_i64().expect("bill");
    let detail = server.read(&p.customer, &format!("/api/v1/bills/{bill}")).await.body;
    let carried: Vec<&str> = detail["lines"]["adjustments"]
        .as_array()
        .expect("adjustments")
        .iter()
        .filter_map(|a| a["amount"].as_str())
        .collect();
    assert_eq!(carried, ["-1000.00", "-1000.01"], "{detail}");
    refused(&server, &format!("UPDATE billing_adjustments SET bill_id = {bill} WHERE id = {back_bill}")).await;
    refused(
        &server,
        &format!("UPDATE billing_adjustments SET bill_id = {bill} WHERE id = {}", pending_again.body["id"]),
    )
    .await;
}

/// The cells of a CSV answer (after its byte-order mark).
async fn csv_cells(server: &TestServer, who: &As, path: &str) -> Vec<Vec<String>> {
    let response = server.client.get(server.url(path)).header(COOKIE, cookie(who)).send().await.expect("csv");
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let text = response.text().await.expect("text");
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    reader.records().map(|r| r.expect("record").iter().map(str::to_owned).collect()).collect()
}

/// Issue 11, point 13: a cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab,
/// CR first) never leaves the portal as one: text cells get a leading apostrophe, while
/// negative amounts stay numbers.
async fn csv_exports_never_run_a_formula(server: TestServer) {
    let p = people(&server).await;
    let formula = "=HYPERLINK(\"http://evil.example\",\"点此查看\")";
    // An address as a customer may have typed it on an application.
    sqlx::query("UPDATE electricity_accounts SET supply_address = $1 WHERE account_no = '3200000002'")
        .bind(formula)
        .execute(server.state.db.pool())
        .await
        .expect("address");
    read_meters(&server, &p.operator).await;
    let refund = json!({"account_no": "3200000002", "amount": "-5.00", "reason": "@退费"});
    assert_eq!(server.post(&p.operator, "/api/v1/staff/adjustments", refund).await.status, StatusCode::CREATED);
    run_billing(&server, &p.operator).await;

    let table = csv_cells(&server, &p.org_admin, "/api/v1/org/bills.csv").await;
    let row = table.iter().find(|r| r[0] == "3200000002").expect("row");
    assert_eq!(row[1], format!("'{formula}"), "the address is text, not a formula: {row:?}");
    let org = server.read(&p.org_admin, "/api/v1/org/bills").await.body;
    let bill = org["rows"].as_array().expect("rows").iter().find(|r| r["account_no"] == "3200000002").expect("row")
        ["bill"]["id"]
        .as_i64()
        .expect("bill");
    let lines = csv_cells(&server, &p.org_admin, &format!("/api/v1/bills/{bill}/lines.csv")).await;
    let refund = lines.iter().find(|r| r[2].contains("退费")).expect("adjustment line");
    assert_eq!(refund[8], "-5.00", "a negative amount stays a number: {refund:?}");
    for cell in table.iter().chain(lines.iter()).flatten() {
        let runs = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
        assert!(!runs || cell.parse::<rust_decimal::Decimal>().is_ok(), "a cell would run as a formula: {cell:?}");
    }
}

/// Issue 11 point 17: two operators releasing one held bill at once issue it once and tell
/// its people once; a bill notice is emailed only to confirmed addresses (an invited
/// colleague who has not accepted yet sees it in the portal, but gets no email).
async fn a_held_bill_is_released_and_told_once_to_confirmed_addresses(server: TestServer) {
    let p = people(&server).await;
    // A colleague invited before invitations were kept by address (migration 0010) has a
    // login and a membership but no confirmed address until they accept.
    let org_id: i64 =
        sqlx::query_scalar("SELECT org_id FROM org_members m JOIN users u ON u.id = m.user_id WHERE u.email = $1")
            .bind(demo::ORG_ADMIN)
            .fetch_one(server.state.db.pool())
            .await
            .expect("org");
    let invitee: i64 = sqlx::query_scalar(
        "INSERT INTO users (kind, email, display_name, language, email_notices, created_at)
         VALUES ('enterprise', 'not.yet@huadong.example', '未确认', 'zh-CN', 'bills', 0) RETURNING id",
    )
    .fetch_one(server.state.db.pool())
    .await
    .expect("invitee");
    sqlx::query("INSERT INTO org_members (user_id, org_id, role, created_at) VALUES ($1, $2, 'viewer', 0)")
        .bind(invitee)
        .bind(org_id)
        .execute(server.state.db.pool())
        .await
        .expect("member");
    read_meters(&server, &p.operator).await;
    let account = demo::CUSTOMER_ACCOUNT;
    let hold = json!({"hold": true, "reason": "核查表计"});
    let held =
        server.call(&p.operator, Method::PUT, &format!("/api/v1/staff/accounts/{account}/hold"), Some(hold)).await;
    assert_eq!(held.status, StatusCode::NO_CONTENT, "{}", held.body);
    let detail = run_billing(&server, &p.operator).await;
    let bill_id = detail["exceptions"]
        .as_array()
        .expect("list")
        .iter()
        .find(|e| e["account_no"] == account)
        .and_then(|e| e["bill_id"].as_i64())
        .expect("held bill");
    let path = format!("/api/v1/staff/bills/{bill_id}/actions");
    let release = json!({"action": "release"});
    let (first, second) =
        tokio::join!(server.post(&p.operator, &path, release.clone()), server.post(&p.operator, &path, release));
    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::CONFLICT], "{} / {}", first.body, second.body);
    let told =
        count(&server, &format!("SELECT CAST(COUNT(*) AS BIGINT) FROM notices WHERE link = '/bills/{bill_id}'")).await;
    let people_told = count(
        &server,
        &format!("SELECT CAST(COUNT(DISTINCT user_id) AS BIGINT) FROM notices WHERE link = '/bills/{bill_id}'"),
    )
    .await;
    assert!(people_told >= 1 && told == people_told, "{told} notices for {people_told} people");

    let invitee_notices =
        count(&server, &format!("SELECT CAST(COUNT(*) AS BIGINT) FROM notices WHERE user_id = {invitee}")).await;
    assert!(invitee_notices >= 1, "the company's bills are noticed in the portal");
    let invitee_mail =
        count(&server, "SELECT CAST(COUNT(*) AS BIGINT) FROM outbox WHERE recipient = 'not.yet@huadong.example'").await;
    assert_eq!(invitee_mail, 0, "no bill email goes to an address nobody has confirmed");
}

/// Issue 11, point 14: every audit subject is `kind:id`; imports, an operator's override of
/// the reading-jump check, approvals and staff reads of a customer's bills and usage are
/// audited (a customer reading their own is not).
async fn the_audit_log_names_its_subjects_and_records_staff_reads(server: TestServer) {
    let p = people(&server).await;
    let (month, _) = months(&server);
    let d = |months_back: u32| month.checked_sub_months(chrono::Months::new(months_back)).expect("month").to_string();
    let history = json!({"readings": [
        {"meter_no": "E3100012347", "read_on": d(4), "active": "100"},
        {"meter_no": "E3100012347", "read_on": d(3), "active": "110"},
    ]});
    let imported = server.post(&p.operator, "/api/v1/staff/readings", history).await;
    let import_id = imported.body["import_id"].as_i64().expect("import");
    let jump =
        json!({"readings": [{"meter_no": "E3100012347", "read_on": d(2), "active": "900"}], "confirm_jumps": true});
    assert_eq!(server.post(&p.operator, "/api/v1/staff/readings", jump).await.body["accepted"], 1);
    read_meters(&server, &p.operator).await;
    run_billing(&server, &p.operator).await;
    let account = demo::CUSTOMER_ACCOUNT;
    assert_eq!(bills_of(&server, &p.customer, account).await.len(), 1);
    let bill = bills_of(&server, &p.agent, account).await[0]["id"].as_i64().expect("bill");
    assert_eq!(server.read(&p.agent, &format!("/api/v1/bills/{bill}")).await.status, StatusCode::OK);
    assert_eq!(server.read(&p.agent, &format!("/api/v1/accounts/{account}/usage")).await.status, StatusCode::OK);

    let entries = |query: &'static str| {
        let admin = p.admin.clone();
        let server = &server;
        async move {
            let page = server.read(&admin, &format!("/api/v1/audit?{query}")).await;
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            page.body["entries"].as_array().expect("entries").clone()
        }
    };
    let imports = entries("action=readings.import").await;
    assert!(imports.iter().any(|e| e["subject"] == format!("import:{import_id}")), "{imports:?}");
    let jumps = entries("action=readings.jump_confirmed").await;
    assert_eq!(jumps.len(), 1, "{jumps:?}");
    assert_eq!(jumps[0]["subject"], "meter:E3100012347");
    assert_eq!(jumps[0]["actor"], demo::BILLING_OPERATOR);
    let reads = entries("action=account.").await;
    let read: Vec<(&str, &str, &str)> = reads
        .iter()
        .filter_map(|e| Some((e["action"].as_str()?, e["subject"].as_str()?, e["actor"].as_str()?)))
        .filter(|(action, _, _)| action.ends_with("_read"))
        .collect();
    let subject = format!("account:{account}");
    assert_eq!(
        read,
        [("account.usage_read", subject.as_str(), demo::AGENT), ("account.bills_read", subject.as_str(), demo::AGENT)],
        "the agent's reads, not the customer's own"
    );
    let bill_reads = entries("action=bill.read").await;
    assert_eq!(bill_reads.len(), 1, "{bill_reads:?}");
    assert_eq!(bill_reads[0]["subject"], format!("bill:{bill}"));
    let run = entries("action=billing.run.start").await;
    assert!(run[0]["subject"].as_str().is_some_and(|s| s.starts_with("run:")), "{run:?}");
    // Every subject in the log is `kind:id`.
    for entry in entries("").await {
        let subject = entry["subject"].as_str().unwrap_or_default();
        let (kind, id) = subject.split_once(':').unwrap_or_default();
        assert!(
            !kind.is_empty() && kind.chars().all(|c| c.is_ascii_lowercase() || c == '_') && !id.is_empty(),
            "{entry}"
        );
    }
}

/// A billing operator limited to Pudong (PD01): a run bills every station, so they may not
/// start one; they read a run's exceptions and the imports of their station only; and
/// their corrections stop at their station.
async fn an_operator_of_one_station_bills_and_reads_only_there(server: TestServer) {
    let p = people(&server).await;
    let pudong =
        server.new_staff(&p.admin, "pd.operator@staff.gridhall.example", &["billing_operator"], &["PD01"]).await;
    read_meters(&server, &p.operator).await;
    let (last, _) = months(&server);
    let period = format!("{:04}-{:02}", last.year(), last.month());
    let refused = server.post(&pudong, "/api/v1/staff/billing/runs", json!({"period": period, "reading_day": 1})).await;
    assert_eq!(
        (refused.status, refused.code()),
        (StatusCode::FORBIDDEN, "station_not_held"),
        "an operator of one station started a run for all: {}",
        refused.body
    );
    assert_eq!(count(&server, "SELECT COUNT(*) FROM billing_runs").await, 0);
    // Every station's operator runs it: two exceptions, both in Jiading (JD03).
    let detail = run_billing(&server, &p.operator).await;
    assert_eq!(detail["exceptions"].as_array().map(Vec::len), Some(2), "{detail}");
    let id = detail["run"]["id"].as_i64().expect("run id");
    let seen = server.read(&pudong, &format!("/api/v1/staff/billing/runs/{id}")).await;
    assert_eq!(seen.status, StatusCode::OK);
    assert_eq!(seen.body["exceptions"], json!([]), "Jiading's exceptions shown to Pudong's operator");
    // Imports: the all-station import is not theirs to read; their own is.
    let imports = server.read(&pudong, "/api/v1/staff/readings/imports").await;
    assert_eq!(imports.body, json!([]), "another station's import shown: {}", imports.body);
    let day = (months(&server).1 - chrono::Duration::days(1)).to_string();
    let batch = json!({"readings": [
        {"meter_no": "E3100012345", "read_on": day, "active": "1250"},
        {"meter_no": "E3100012347", "read_on": day, "active": "4100"},
    ]});
    let own = server.post(&pudong, "/api/v1/staff/readings", batch).await;
    assert_eq!((own.status, own.body["accepted"].as_u64()), (StatusCode::OK, Some(1)), "{}", own.body);
    let imports = server.read(&pudong, "/api/v1/staff/readings/imports").await.body;
    let ids: Vec<i64> = imports.as_array().expect("imports").iter().filter_map(|i| i["id"].as_i64()).collect();
    assert_eq!(ids, [own.body["import_id"].as_i64().expect("import id")]);
    assert_eq!(server.read(&p.operator, "/api/v1/staff/readings/imports").await.body.as_array().map(Vec::len), Some(2));
    // Corrections stop at the station: Jiading's account is not found.
    let hold = json!({"hold": true, "reason": "核对"});
    let outside = server.call(&pudong, Method::PUT, "/api/v1/staff/accounts/3100012347/hold", Some(hold.clone())).await;
    assert_eq!(outside.status, StatusCode::NOT_FOUND);
    let inside = server.call(&pudong, Method::PUT, "/api/v1/staff/accounts/3100012345/hold", Some(hold)).await;
    assert_eq!(inside.status, StatusCode::NO_CONTENT, "{}", inside.body);
}

/// A readings file is imported a chunk of lines per transaction by whichever server holds
/// its lease (issue 11, point 18). A worker that dies after two chunks leaves them
/// committed, with the import's progress; nobody else takes the import while the lease
/// lasts; once it has expired another worker goes on from the cursor, and every line ends
/// up stored or refused exactly once, with one audit entry for the finished import.
async fn a_file_import_resumes_after_its_worker_dies_midway(server: TestServer) {
    use gridhall::services::billing::imports::{self, Settings};
    use gridhall::services::billing::readings::Source;
    // Restarted with three lines a chunk and no background rounds: the test plays the servers.
    let backend = server.backend;
    drop(server);
    let Some(server) = TestServer::start_with(backend, |config| {
        config.import_chunk_lines = 3;
        config.import_interval_secs = 3600;
    })
    .await
    else {
        return;
    };
    let p = people(&server).await;
    let (month, _) = months(&server);
    let day = |n: u64| (month - chrono::Days::new(30 - n)).to_string();
    // Ten lines (2–11): seven good readings, an unknown meter, a line cut short, a duplicate.
    let mut file = "meter_no,read_on,active\n".to_owned();
    for n in 0..7u64 {
        file.push_str(&format!("E3100012347,{},{}\n", day(n), 100 + n));
        if n == 2 {
            file.push_str(&format!("E9999999999,{},5\n", day(n)));
        }
        if n == 4 {
            file.push_str("E3100012347\n");
        }
    }
    file.push_str(&format!("E3100012347,{},106\n", day(6)));
    let actor = gridhall::services::Actor { user_id: None, label: "test".into(), ip: "local".into() };
    let source = Source {
        kind: shared::api::billing::ReadingSource::Csv,
        file_name: Some("resume.csv".into()),
        actor,
        regions: Vec::new(),
        locale: shared::Locale::En,
    };
    let queued = imports::queue_file(&server.state, source, file.into_bytes()).await.expect("queued");
    assert_eq!((queued.lines, queued.processed), (10, 0));
    // Two workers at once: one claims it, the other finds nothing free.
    let crashing = Settings { lease_seconds: 120, chunk_lines: 3, stop_after_chunks: Some(2) };
    let idle = Settings { stop_after_chunks: Some(0), ..crashing.clone() };
    let (first, second) = tokio::join!(
        imports::work_one(&server.state, "crashing", &crashing),
        imports::work_one(&server.state, "other", &idle),
    );
    let (first, second) = (first.expect("work"), second.expect("work"));
    assert!(first != second || !first, "at most one worker holds the import: {first} {second}");
    if !first && !second {
        panic!("nobody claimed the import");
    }
    // Whichever claimed it stopped after two chunks (or none) and left its lease behind.
    let detail = server.read(&p.operator, &format!("/api/v1/staff/readings/imports/{}", queued.id)).await.body;
    assert_eq!(detail["import"]["status"], "running", "{detail}");
    // Two chunks of three line numbers: lines 2–3 (the header is line 1), then 4–6.
    let processed = detail["import"]["processed"].as_u64().expect("processed");
    assert!(processed == 5 || processed == 0, "{detail}");
    assert!(
        !imports::work_one(&server.state, "third", &Settings::of(&server.state.config)).await.expect("work"),
        "nobody takes an import while its lease lasts"
    );
    server.state.clock.advance(chrono::Duration::seconds(180));
    assert!(imports::work_one(&server.state, "third", &Settings::of(&server.state.config)).await.expect("work"));
    let done = wait_imported(&server, &p.operator, queued.id).await.body;
    assert_eq!(done["import"]["status"], "done", "{done}");
    assert_eq!(
        (
            done["import"]["processed"].as_u64(),
            done["import"]["accepted"].as_u64(),
            done["import"]["rejected"].as_u64()
        ),
        (Some(10), Some(7), Some(3)),
        "{done}"
    );
    let reasons: Vec<(u64, &str)> = done["rejections"]
        .as_array()
        .expect("rejections")
        .iter()
        .map(|r| (r["line"].as_u64().expect("line"), r["reason"].as_str().expect("reason")))
        .collect();
    assert_eq!(reasons, [(5, "unknown_meter"), (8, "bad_line"), (11, "duplicate")]);
    let stored =
        "SELECT COUNT(*) FROM meter_readings r JOIN meters m ON m.id = r.meter_id WHERE m.meter_no = 'E3100012347'";
    assert_eq!(count(&server, stored).await, 7, "each good line stored once");
    assert_eq!(count(&server, "SELECT COUNT(*) FROM reading_import_files").await, 0, "the file is gone once imported");
    let audited = "SELECT COUNT(*) FROM audit_log WHERE action = 'readings.import'";
    assert_eq!(count(&server, audited).await, 1);
    // A finished import stays as it finished.
    let edit = sqlx::query("UPDATE reading_imports SET accepted = 0 WHERE id = $1")
        .bind(queued.id)
        .execute(server.state.db.pool())
        .await;
    assert!(edit.is_err(), "a finished import was edited");
}

/// A 64 MB readings file (the largest accepted) is answered at once and imported in the
/// background; logins go on meanwhile, on SQLite's single writer too (before: the upload
/// held the write lock for the whole file and logins waited behind it).
async fn a_large_file_imports_in_the_background_while_logins_go_on(server: TestServer) {
    let logins = server.demo_logins().await;
    gridhall::demo::billing::install(&server.state).await.expect("demo billing");
    let operator = server.demo_login(&logins, demo::BILLING_OPERATOR).await;
    // Quarter-hour data of the interval-metered site from 1969 on: 64 MB of lines, 56
    // years (the quarter hours China's clocks skipped in the summers of 1986–1991 are
    // refused as times that did not exist).
    let mut file = b"meter_no,starts_at,kwh\n".to_vec();
    let start = NaiveDate::from_ymd_opt(1969, 1, 1).expect("day").and_hms_opt(0, 0, 0).expect("time");
    let mut lines = 0u64;
    while file.len() < 64 * 1024 * 1024 - 64 {
        let at = start + chrono::Duration::minutes(15 * lines as i64);
        file.extend_from_slice(format!("E3200000001,{},1.25\n", at.format("%Y-%m-%dT%H:%M")).as_bytes());
        lines += 1;
    }
    let token = match &operator {
        As::Session(t) => t.clone(),
        _ => unreachable!(),
    };
    let started = std::time::Instant::now();
    let queued = server
        .client
        .post(server.url("/api/v1/staff/readings/file?name=year.csv"))
        .header(CONTENT_TYPE, "application/octet-stream")
        .header(ORIGIN, server.url(""))
        .header(COOKIE, format!("gridhall_session={token}"))
        .body(file)
        .send()
        .await
        .expect("upload");
    assert_eq!(queued.status(), StatusCode::ACCEPTED);
    let queued: Value = queued.json().await.expect("json");
    eprintln!("64 MB upload answered in {:?}", started.elapsed());
    assert_eq!(queued["lines"].as_u64(), Some(lines), "{queued}");
    let id = queued["id"].as_i64().expect("id");
    let path = format!("/api/v1/staff/readings/imports/{id}");

    // Logins while it runs: each answered, with the import still running after it.
    let mut during = 0;
    let mut slowest = Duration::ZERO;
    for _ in 0..200 {
        let before = server.read(&operator, &path).await.body;
        if before["import"]["status"] == "done" {
            break;
        }
        // A login writes (its session): it needs the write lock the import takes per chunk.
        let asked = std::time::Instant::now();
        let customer = server.demo_login(&logins, demo::CUSTOMER).await;
        slowest = slowest.max(asked.elapsed());
        assert_eq!(server.read(&customer, "/api/v1/me").await.status, StatusCode::OK);
        let after = server.read(&operator, &path).await.body;
        if after["import"]["status"] == "running"
            && after["import"]["processed"].as_u64() < after["import"]["lines"].as_u64()
        {
            during += 1;
        }
        if during >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    eprintln!("slowest login answer during the import: {slowest:?}");
    assert!(during >= 3, "logins were answered while the import ran: {during}");
    let done = wait_imported_for(&server, &operator, id, Duration::from_secs(900)).await.body;
    eprintln!("64 MB ({lines} lines) imported in {:?}", started.elapsed());
    let import = &done["import"];
    assert_eq!(import["status"], "done", "{import}");
    let (accepted, rejected) = (import["accepted"].as_u64().unwrap_or(0), import["rejected"].as_u64().unwrap_or(0));
    assert_eq!((import["processed"].as_u64(), accepted + rejected), (Some(lines), lines), "{import}");
    assert_eq!(rejected, 6 * 4, "the four skipped quarter hours of six summers: {import}");
    assert!(done["rejections"].as_array().is_some_and(|r| r.iter().all(|r| r["reason"] == "bad_date")));
    let stored = "SELECT COUNT(*) FROM interval_readings WHERE import_id IS NOT NULL";
    assert_eq!(count(&server, stored).await as u64, accepted, "each accepted line stored once");
}

/// Follows an import until it is done (or failed), for at most `limit`.
async fn wait_imported_for(server: &TestServer, who: &As, id: i64, limit: Duration) -> Answer {
    let until = std::time::Instant::now() + limit;
    loop {
        let detail = server.read(who, &format!("/api/v1/staff/readings/imports/{id}")).await;
        if detail.body["import"]["status"] != "queued" && detail.body["import"]["status"] != "running" {
            return detail;
        }
        assert!(std::time::Instant::now() < until, "import {id} unfinished: {}", detail.body);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
