//! The staff's connection queue with 100,000 applications in the database: a filtered,
//! sorted page through the whole stack (router, session, policy, SQL), in-process, on
//! SQLite and on PostgreSQL (a fresh database on 127.0.0.1:5432, dropped afterwards; skipped
//! when none answers). `cargo bench -p gridhall --bench queue`.

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::Request;
use criterion::{Criterion, criterion_group, criterion_main};
use gridhall::config::Config;
use gridhall::{AppState, db::Db, http};
use sqlx::Executor;
use tower::ServiceExt;

mod common;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// How many applications the table holds.
const APPLICATIONS: usize = 100_000;
const CLASSES: [&str; 3] = ["residential", "lv_non_residential", "high_voltage"];
const REGIONS: [&str; 3] = ["PD01", "MH02", "JD03"];
const STEPS: [&str; 4] = ["acceptance", "site_survey", "contract", "energising"];

/// Logs in a demo staff member, with the code of their authenticator (RFC 6238 defaults).
async fn login(app: &Router, email: &str, password: &str, totp_secret: &str) -> String {
    let secret = totp_rs::Secret::try_from_base32(totp_secret).expect("base32");
    let code = totp_rs::Builder::new().with_secret(secret).build().expect("totp").generate_current().to_string();
    let body = serde_json::json!({"email": email, "password": password, "code": code}).to_string();
    let request = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from(body))
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    assert!(response.status().is_success(), "login: {}", response.status());
    response.headers()["set-cookie"].to_str().expect("cookie").split(';').next().expect("pair").to_owned()
}

async fn get(app: &Router, path: &str, cookie: &str) -> usize {
    let request = Request::get(path).header("cookie", cookie).body(Body::empty()).expect("request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    assert!(response.status().is_success(), "{path}: {}", response.status());
    to_bytes(response.into_body(), usize::MAX).await.expect("body").len()
}

/// Fills the table: 70 % open, spread over classes, regions, steps and ±30 days of due
/// dates; one in ten open ones waiting for the customer.
async fn fill(db: &Db) {
    let applicant: i64 = sqlx::query_scalar("SELECT id FROM users WHERE kind = 'customer' ORDER BY id LIMIT 1")
        .fetch_one(db.pool())
        .await
        .expect("applicant");
    let today = chrono::Utc::now().date_naive();
    let mut tx = db.begin().await.expect("transaction");
    for chunk in (0..APPLICATIONS).collect::<Vec<_>>().chunks(500) {
        let mut sql = String::from(
            "INSERT INTO applications (applicant_id, kind, customer_class, status, form, region, supply_address,
                                       current_step, due_day, queue_due, open_queue, created_at, updated_at) VALUES ",
        );
        for (n, i) in chunk.iter().enumerate() {
            let open = i % 10 < 7;
            let waiting = i % 10 == 0;
            let due = today + chrono::Duration::days((i % 61) as i64 - 30);
            let due_day = if open && !waiting { format!("'{}'", due.format("%Y-%m-%d")) } else { "NULL".to_owned() };
            let queue_due = if open && !waiting { due.format("%Y-%m-%d").to_string() } else { "9999-12-31".to_owned() };
            if n > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "({applicant}, 'new_connection', '{}', '{}', '{{}}', '{}', '地址 {i}', '{}', {due_day}, '{queue_due}', {}, 0, 0)",
                CLASSES[i % 3],
                if open { "in_progress" } else { "completed" },
                REGIONS[(i / 3) % 3],
                STEPS[(i / 9) % 4],
                i64::from(open),
            ));
        }
        tx.execute(sqlx::AssertSqlSafe(sql)).await.expect("insert");
    }
    tx.commit().await.expect("commit");
    sqlx::query("ANALYZE").execute(db.pool()).await.expect("analyze");
}

async fn prepare(url: &str, folder: &tempfile::TempDir) -> (Router, String, String) {
    let mut config = Config::with_database(url.parse().expect("url"));
    config.site_root = folder.path().join("site");
    let db = Db::connect(&config).await.expect("database");
    gridhall::startup::prepare_database(&db).await.expect("migrate");
    let state = AppState::with_db(config, db);
    let logins = gridhall::demo::people::load(&state).await.expect("demo people");
    fill(&state.db).await;
    let app = http::router(state);
    let login_of = |email: &str| logins.iter().find(|l| l.email == email).expect("login").clone();
    let handler = login_of("zhou.jie@staff.gridhall.example");
    let supervisor = login_of("sun.lei@staff.gridhall.example");
    let secret = |l: &gridhall::demo::people::DemoLogin| l.totp_secret.clone().expect("staff have an authenticator");
    let handler_cookie = login(&app, &handler.email, &handler.password, &secret(&handler)).await;
    let supervisor_cookie = login(&app, &supervisor.email, &supervisor.password, &secret(&supervisor)).await;
    (app, handler_cookie, supervisor_cookie)
}

fn run(
    c: &mut Criterion,
    backend: &str,
    runtime: &tokio::runtime::Runtime,
    app: &Router,
    handler: &str,
    supervisor: &str,
) {
    let cases = [
        ("handler, own station, by due day", "/api/v1/staff/applications", handler),
        ("handler, overdue residential", "/api/v1/staff/applications?timeliness=overdue&class=residential", handler),
        ("supervisor, every station, at site survey", "/api/v1/staff/applications?step=site_survey", supervisor),
        ("supervisor, due soon, page 3", "/api/v1/staff/applications?timeliness=due_soon&page=3", supervisor),
    ];
    for (name, path, cookie) in cases {
        c.bench_function(&format!("queue {APPLICATIONS} ({backend}): {name}"), |b| {
            b.to_async(runtime).iter(|| get(app, path, cookie));
        });
    }
}

fn queue(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let folder = tempfile::tempdir().expect("folder");
    let url = format!("sqlite://{}/queue.db", folder.path().display());
    let (app, handler, supervisor) = runtime.block_on(prepare(&url, &folder));
    run(c, "SQLite", &runtime, &app, &handler, &supervisor);

    let Some(database) = runtime.block_on(common::ScratchDatabase::create("queue")) else { return };
    let (app, handler, supervisor) = runtime.block_on(prepare(&database.url, &folder));
    run(c, "PostgreSQL", &runtime, &app, &handler, &supervisor);
    drop(app);
    runtime.block_on(database.drop_now());
}

criterion_group!(benches, queue);
criterion_main!(benches);
