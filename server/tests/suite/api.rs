//! API tests: the real server on port 0 over a fresh database, on SQLite and PostgreSQL.

use crate::common::TestServer;
use chrono::NaiveDate;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT_LANGUAGE, CONTENT_TYPE, COOKIE};
use serde_json::{Value, json};
use shared::api::{ApiError, CommitmentsResponse, ErrorCode, Readiness};
use shared::commitments::codes;
use shared::{LimitUnit, ServiceArea};

on_both_backends!(
    health_answers_with_security_headers,
    ready_when_database_and_migrations_are_there,
    not_ready_when_the_database_is_gone,
    openapi_document_is_valid_and_lists_every_route,
    api_reference_page_is_readable,
    commitments_in_force_today,
    commitments_filter_by_area,
    commitments_follow_their_versions,
    commitments_reject_bad_parameters_in_the_visitors_language,
    unknown_api_path_is_a_json_404,
    wrong_method_is_a_json_405,
    oversized_body_is_a_json_413,
    malformed_json_is_a_json_400,
    wrong_content_type_is_a_json_415,
    language_preference_sets_the_cookie,
    language_preference_rejects_what_is_not_offered,
    home_page_is_rendered_on_the_server_in_the_chosen_language,
    anonymous_pages_are_served_again_never_to_a_session,
    unknown_page_is_a_404_page,
    site_files_are_revalidated,
    metrics_count_requests_by_route_and_status,
    responses_are_compressed_when_asked,
    demo_data_loads_once,
    shutdown_finishes_cleanly,
);

async fn json_of<T: serde::de::DeserializeOwned>(response: reqwest::Response) -> T {
    let text = response.text().await.expect("body");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("not the expected JSON ({e}): {text}"))
}

async fn health_answers_with_security_headers(server: TestServer) {
    let response = server.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "strict-origin-when-cross-origin");
    assert!(headers["content-security-policy"].to_str().expect("csp").contains("frame-ancestors 'none'"));
    let body: Value = json_of(response).await;
    assert_eq!(body, json!({"status": "ok"}));
}

async fn ready_when_database_and_migrations_are_there(server: TestServer) {
    let response = server.get("/readyz").await;
    assert_eq!(response.status(), StatusCode::OK);
    let readiness: Readiness = json_of(response).await;
    assert!(readiness.ready);
    let names: Vec<&str> = readiness.checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["database", "migrations"]);
    assert!(readiness.checks.iter().all(|c| c.ok));
}

async fn not_ready_when_the_database_is_gone(server: TestServer) {
    assert_eq!(server.get("/readyz").await.status(), StatusCode::OK);
    server.lose_database().await;
    let response = server.get("/readyz").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let readiness: Readiness = json_of(response).await;
    assert!(!readiness.ready);
    assert_eq!(readiness.checks[0].name, "database");
    assert!(!readiness.checks[0].ok);
    // The process itself is still alive, and API calls fail with the error shape, not a panic.
    assert_eq!(server.get("/healthz").await.status(), StatusCode::OK);
    let response = server.get("/api/v1/commitments").await;
    assert!(response.status().is_server_error(), "{}", response.status());
    let error: ApiError = json_of(response).await;
    assert!(matches!(error.code, ErrorCode::Unavailable | ErrorCode::Internal), "{error:?}");
}

async fn openapi_document_is_valid_and_lists_every_route(server: TestServer) {
    let response = server.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.expect("body");
    let spec = oas3::from_json(&text).expect("a valid OpenAPI 3.1 document");
    assert!(spec.openapi.starts_with("3.1"), "{}", spec.openapi);
    let document: Value = serde_json::from_str(&text).expect("json");
    for (path, method) in [
        ("/api/v1/commitments", "get"),
        ("/api/v1/preferences/language", "put"),
        ("/api/v1/openapi.json", "get"),
        ("/api/v1/docs", "get"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/metrics", "get"),
    ] {
        assert!(document["paths"][path][method].is_object(), "{method} {path} is not documented");
    }
    // Every documented route answers (not the JSON 404 of an unknown path).
    for path in document["paths"].as_object().expect("paths").keys() {
        let status = server.get(path).await.status();
        assert_ne!(status, StatusCode::NOT_FOUND, "{path}");
    }
    // Every schema reference resolves.
    let schemas = document["components"]["schemas"].as_object().expect("schemas");
    for reference in text.match_indices("#/components/schemas/").map(|(i, _)| &text[i + 21..]) {
        let name: String = reference.chars().take_while(|c| *c != '"').collect();
        assert!(schemas.contains_key(&name), "dangling reference to {name}");
    }
}

async fn api_reference_page_is_readable(server: TestServer) {
    let response = server.get("/api/v1/docs").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()[CONTENT_TYPE].to_str().expect("type").starts_with("text/html"));
    let html = response.text().await.expect("body");
    assert!(html.contains("Gridhall API"));
    assert!(html.contains("GET /api/v1/commitments"));
    assert!(html.contains("PUT /api/v1/preferences/language"));
}

async fn commitments_in_force_today(server: TestServer) {
    let response = server.get("/api/v1/commitments").await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: CommitmentsResponse = json_of(response).await;
    let today = chrono::Utc::now().with_timezone(&chrono_tz::Asia::Shanghai).date_naive();
    assert_eq!(body.as_of, today);
    assert_eq!(body.items.len(), 30);
    let set = shared::Commitments::new(body.items);
    assert_eq!(set.limit_of(codes::CONNECTION_TOTAL_RESIDENTIAL), Some((5, LimitUnit::WorkingDays)));
    assert_eq!(set.limit_of(codes::CONNECTION_TOTAL_HV_DUAL), Some((32, LimitUnit::WorkingDays)));
    assert_eq!(set.limit_of(codes::COMPLAINT_REPLY), Some((7, LimitUnit::WorkingDays)));
    assert_eq!(set.limit_of(codes::RECONNECTION_AFTER_PAYMENT), Some((24, LimitUnit::Hours)));
    assert_eq!(set.limit_of(codes::OUTAGE_PLANNED_NOTICE), Some((7, LimitUnit::CalendarDays)));
    assert_eq!(set.limit_of(codes::REPAIR_ARRIVAL_URBAN), Some((45, LimitUnit::Minutes)));
    // Every shipped code, seeded in display order.
    let seeded: Vec<&str> = set.as_slice().iter().map(|c| c.code.as_str()).collect();
    assert_eq!(seeded, codes::ALL);
}

async fn commitments_filter_by_area(server: TestServer) {
    let body: CommitmentsResponse = json_of(server.get("/api/v1/commitments?area=repair").await).await;
    assert_eq!(body.area, Some(ServiceArea::Repair));
    let codes: Vec<&str> = body.items.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes, [codes::REPAIR_ARRIVAL_URBAN, codes::REPAIR_ARRIVAL_RURAL, codes::REPAIR_ARRIVAL_REMOTE]);
    let body: CommitmentsResponse = json_of(server.get("/api/v1/commitments?area=complaint").await).await;
    assert_eq!(body.items.len(), 4);
    assert!(body.items.iter().all(|c| c.area == ServiceArea::Complaint));
}

async fn commitments_follow_their_versions(server: TestServer) {
    use gridhall::db::commitments::{NewVersion, add_version};
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
    // Read once, so the server holds a copy that the new version must replace.
    assert_eq!(server.get("/api/v1/commitments").await.status(), StatusCode::OK);
    // Written as a publication far ahead would be (the API accepts days up to three years ahead).
    let mut tx = server.state.db.begin().await.expect("begin");
    let version = add_version(
        &mut tx,
        &NewVersion {
            code: codes::CONNECTION_TOTAL_HV_SINGLE,
            area: ServiceArea::Connection,
            limit: 18,
            unit: LimitUnit::WorkingDays,
            effective_from: day(2030, 1, 1),
            source: "test",
        },
        server.state.now(),
    )
    .await
    .expect("add version");
    tx.commit().await.expect("commit");
    server.state.forget_commitments();
    assert_eq!(version, 2);
    let limit_on = |at: &'static str| {
        let server = &server;
        async move {
            let body: CommitmentsResponse =
                json_of(server.get(&format!("/api/v1/commitments?area=connection&at={at}")).await).await;
            body.items
                .iter()
                .find(|c| c.code.as_str() == codes::CONNECTION_TOTAL_HV_SINGLE)
                .map(|c| (c.limit, c.version))
        }
    };
    assert_eq!(limit_on("2029-12-31").await, Some((22, 1)));
    assert_eq!(limit_on("2030-01-01").await, Some((18, 2)));
    // Before the first version took effect nothing was promised.
    let body: CommitmentsResponse = json_of(server.get("/api/v1/commitments?at=2024-12-31").await).await;
    assert!(body.items.is_empty());
}

async fn commitments_reject_bad_parameters_in_the_visitors_language(server: TestServer) {
    let response = server.get("/api/v1/commitments?area=billing&at=2026-02-30").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: ApiError = json_of(response).await;
    assert_eq!(error.code, ErrorCode::ValidationFailed);
    assert_eq!(error.fields["area"], "未知的服务类别");
    assert!(error.fields["at"].contains("YYYY-MM-DD"));

    let response = server
        .client
        .get(server.url("/api/v1/commitments?area=billing"))
        .header(ACCEPT_LANGUAGE, "en-GB,en;q=0.9")
        .send()
        .await
        .expect("request");
    let error: ApiError = json_of(response).await;
    assert_eq!(error.message, "Some fields need correcting.");
    assert_eq!(error.fields["area"], "Unknown service area");

    // The cookie wins over the header.
    let response = server
        .client
        .get(server.url("/api/v1/commitments?at=yesterday"))
        .header(ACCEPT_LANGUAGE, "zh-CN")
        .header(COOKIE, "gridhall_lang=en")
        .send()
        .await
        .expect("request");
    let error: ApiError = json_of(response).await;
    assert_eq!(error.fields["at"], "Dates are written YYYY-MM-DD and must be real days");
}

async fn assert_error(response: reqwest::Response, status: StatusCode, code: ErrorCode) -> ApiError {
    assert_eq!(response.status(), status);
    assert!(response.headers()[CONTENT_TYPE].to_str().expect("type").starts_with("application/json"));
    let error: ApiError = json_of(response).await;
    assert_eq!(error.code, code);
    assert!(!error.message.is_empty());
    error
}

async fn unknown_api_path_is_a_json_404(server: TestServer) {
    let error =
        assert_error(server.get("/api/v1/no-such-thing").await, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
    assert_eq!(error.message, "未找到您要访问的内容。");
    assert_error(server.get("/api/v2/commitments").await, StatusCode::NOT_FOUND, ErrorCode::NotFound).await;
}

async fn wrong_method_is_a_json_405(server: TestServer) {
    let response = server.client.delete(server.url("/api/v1/commitments")).send().await.expect("request");
    assert!(response.headers().contains_key("allow"));
    assert_error(response, StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed).await;
    let response = server.client.post(server.url("/healthz")).send().await.expect("request");
    assert_error(response, StatusCode::METHOD_NOT_ALLOWED, ErrorCode::MethodNotAllowed).await;
}

async fn oversized_body_is_a_json_413(server: TestServer) {
    let padding = "x".repeat(2 * 1024 * 1024);
    let response = server
        .client
        .put(server.url("/api/v1/preferences/language"))
        .header(CONTENT_TYPE, "application/json")
        .body(format!(r#"{{"language":"en","padding":"{padding}"}}"#))
        .send()
        .await
        .expect("request");
    assert!(response.headers().get("set-cookie").is_none(), "nothing changed");
    assert_error(response, StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge).await;
}

async fn malformed_json_is_a_json_400(server: TestServer) {
    for body in [r#"{"language": "en""#, "language=en", ""] {
        let response = server
            .client
            .put(server.url("/api/v1/preferences/language"))
            .header(CONTENT_TYPE, "application/json")
            .body(body)
            .send()
            .await
            .expect("request");
        assert_error(response, StatusCode::BAD_REQUEST, ErrorCode::MalformedJson).await;
    }
}

async fn wrong_content_type_is_a_json_415(server: TestServer) {
    let response = server
        .client
        .put(server.url("/api/v1/preferences/language"))
        .header(CONTENT_TYPE, "text/plain")
        .body(r#"{"language":"en"}"#)
        .send()
        .await
        .expect("request");
    assert_error(response, StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::UnsupportedMediaType).await;
    let response = server
        .client
        .put(server.url("/api/v1/preferences/language"))
        .body(r#"{"language":"en"}"#)
        .send()
        .await
        .expect("request");
    assert_error(response, StatusCode::UNSUPPORTED_MEDIA_TYPE, ErrorCode::UnsupportedMediaType).await;
}

async fn put_language(server: &TestServer, body: Value) -> reqwest::Response {
    server.client.put(server.url("/api/v1/preferences/language")).json(&body).send().await.expect("request")
}

async fn language_preference_sets_the_cookie(server: TestServer) {
    let response = put_language(&server, json!({"language": "en"})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()["set-cookie"].to_str().expect("cookie").to_owned();
    assert!(cookie.starts_with("gridhall_lang=en;"), "{cookie}");
    assert!(cookie.contains("Path=/") && cookie.contains("SameSite=Lax"), "{cookie}");
    let body: Value = json_of(response).await;
    assert_eq!(body, json!({"language": "en"}));
}

async fn language_preference_rejects_what_is_not_offered(server: TestServer) {
    let response = put_language(&server, json!({"language": "fr"})).await;
    assert!(response.headers().get("set-cookie").is_none());
    let error = assert_error(response, StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::ValidationFailed).await;
    assert_eq!(error.fields["language"], "仅支持 zh-CN 或 en");
    let response = put_language(&server, json!({"language": 5})).await;
    let error = assert_error(response, StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::ValidationFailed).await;
    assert!(error.fields.contains_key("language"), "{error:?}");
    let response = put_language(&server, json!({})).await;
    assert_error(response, StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::ValidationFailed).await;
}

async fn anonymous_pages_are_served_again_never_to_a_session(server: TestServer) {
    use crate::common::client::{As, demo};
    let nonce_of = |csp: &str| {
        csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("nonce in CSP").to_owned()
    };
    // Two anonymous visits within the cache's life: the same page, each with its own nonce,
    // named alike in the header and the page.
    let mut nonces = Vec::new();
    for _ in 0..2 {
        let response = server.get("/").await;
        assert_eq!(response.status(), StatusCode::OK);
        let nonce = nonce_of(response.headers()["content-security-policy"].to_str().expect("csp"));
        let html = response.text().await.expect("body");
        assert!(html.contains(&format!(r#"nonce="{nonce}""#)), "the page carries its answer's nonce");
        assert!(html.contains("我们的服务承诺"));
        nonces.push(nonce);
    }
    assert_ne!(nonces[0], nonces[1], "no two answers share a nonce");
    // A logged-in visitor is never served the anonymous copy, nor leaves theirs behind.
    let logins = server.demo_logins().await;
    let customer = server.demo_login(&logins, demo::CUSTOMER).await;
    let mine = server.read(&customer, "/").await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(mine.text.contains("张伟"), "the logged-in header names the customer");
    let anonymous = server.read(&As::Anonymous, "/").await;
    assert!(!anonymous.text.contains("张伟"), "the anonymous page names no one");
}

async fn home_page_is_rendered_on_the_server_in_the_chosen_language(server: TestServer) {
    let response = server.get("/").await;
    assert_eq!(response.status(), StatusCode::OK);
    let csp = response.headers()["content-security-policy"].to_str().expect("csp").to_owned();
    let html = response.text().await.expect("body");
    assert!(html.contains(r#"<html lang="zh-CN""#), "{}", &html[..html.len().min(400)]);
    assert!(html.contains("我们的服务承诺"));
    assert!(html.contains("<title>服务承诺 · 网上营业厅</title>"), "the title is localised");
    // The data came through the in-process API call, rendered into the HTML.
    assert!(html.contains("居民客户办电全流程"));
    assert!(html.contains("5 个工作日"));
    // Inline scripts carry the nonce the policy names, and nothing else is allowed inline.
    let nonce = csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("nonce in CSP");
    assert!(html.contains(&format!(r#"nonce="{nonce}""#)));
    assert!(!csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'"));

    let response = server.client.get(server.url("/")).header(COOKIE, "gridhall_lang=en").send().await.expect("request");
    let html = response.text().await.expect("body");
    assert!(html.contains(r#"<html lang="en""#));
    assert!(html.contains("Our service commitments"));
    assert!(html.contains("<title>Service commitments · Online Service Hall</title>"));
    assert!(html.contains("New connection, residential: whole process"));
    assert!(html.contains("5 working days"));
    assert!(!html.contains("我们的服务承诺"));

    // The filter works without JavaScript too: the server renders only that area.
    let html = server.get("/?area=repair").await.text().await.expect("body");
    assert!(html.contains("抢修人员到达现场（城区）"));
    assert!(!html.contains("居民客户办电全流程"));
}

async fn site_files_are_revalidated(server: TestServer) {
    // Chunks of one build must never mix with another's: every use revalidates.
    let response = server.get("/pkg/gridhall.wasm").await;
    assert_eq!(response.headers()["cache-control"], "no-cache");
    let page = server.get("/").await;
    assert!(page.headers().get("cache-control").is_none_or(|v| v != "no-cache"));
}

async fn unknown_page_is_a_404_page(server: TestServer) {
    let response = server.get("/no/such/page").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.headers()[CONTENT_TYPE].to_str().expect("type").starts_with("text/html"));
    let html = response.text().await.expect("body");
    assert!(html.contains("页面不存在"));
}

async fn metrics_count_requests_by_route_and_status(server: TestServer) {
    server.get("/healthz").await;
    server.get("/healthz").await;
    server.get("/api/v1/commitments?area=nope").await;
    // Metrics are for operators: a staff admin reads them with their session.
    let logins = server.demo_logins().await;
    let admin = server.demo_login(&logins, crate::common::client::demo::ADMIN).await;
    let response = server.read(&admin, "/metrics").await;
    assert_eq!(response.status, StatusCode::OK);
    let text = response.text;
    assert!(text.contains(r#"gridhall_http_requests_total{method="GET",route="/healthz",status="200"} 2"#), "{text}");
    assert!(text.contains(r#"gridhall_http_requests_total{method="GET",route="/api/v1/commitments",status="422"} 1"#));
    assert!(
        text.contains(
            r#"gridhall_http_request_duration_seconds_bucket{le="0.1",method="GET",route="/healthz",status="200"}"#
        ) || text.contains(
            r#"gridhall_http_request_duration_seconds_bucket{method="GET",route="/healthz",status="200",le="0.1"}"#
        ),
        "{text}"
    );
}

async fn responses_are_compressed_when_asked(server: TestServer) {
    let response = server
        .client
        .get(server.url("/api/v1/commitments"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-encoding"], "gzip");
}

async fn demo_data_loads_once(server: TestServer) {
    let first = gridhall::demo::load(&server.state).await.expect("demo");
    assert_eq!(first.added, 3);
    let second = gridhall::demo::load(&server.state).await.expect("demo again");
    assert_eq!(second.added, 0);
    let body: CommitmentsResponse =
        json_of(server.get("/api/v1/commitments?at=2027-01-01&area=connection").await).await;
    let hv = body.items.iter().find(|c| c.code.as_str() == codes::CONNECTION_TOTAL_HV_SINGLE).expect("hv single");
    assert_eq!((hv.limit, hv.version), (20, 2));
}

async fn shutdown_finishes_cleanly(server: TestServer) {
    let addr = server.addr;
    assert_eq!(server.get("/healthz").await.status(), StatusCode::OK);
    server.stop().await.expect("clean stop");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "no longer listening");
}

/// Many concurrent server renders: every one is answered whole (a render that panicked
/// would drop its connection).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_renders_all_succeed() {
    let server = TestServer::start(crate::common::Backend::Sqlite).await.expect("server");
    let server = std::sync::Arc::new(server);
    let mut tasks = Vec::new();
    for worker in 0..32 {
        let server = server.clone();
        tasks.push(tokio::spawn(async move {
            let mut failures = Vec::new();
            for i in 0..40 {
                let path = if (worker + i) % 2 == 0 { "/" } else { "/?area=repair" };
                match server.client.get(server.url(path)).send().await {
                    Ok(response) if response.status() == StatusCode::OK => {
                        let html = response.text().await.unwrap_or_default();
                        if !html.contains("</html>") {
                            failures.push(format!("{path}: truncated page"));
                        }
                    }
                    Ok(response) => failures.push(format!("{path}: {}", response.status())),
                    Err(error) => failures.push(format!("{path}: {error:?}")),
                }
            }
            failures
        }));
    }
    let mut failures = Vec::new();
    for task in tasks {
        failures.extend(task.await.expect("task"));
    }
    assert!(failures.is_empty(), "{} of 1280 renders failed: {:?}", failures.len(), &failures[..failures.len().min(5)]);
}
