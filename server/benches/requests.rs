//! Criterion benchmarks of the hot paths, in-process (no sockets): negotiating the language
//! of a request, the commitments API call, the server render of the home page, an
//! authenticated API call (session lookup included) and the password hash that every login
//! pays, over a fresh SQLite database. `cargo bench -p gridhall`.

use std::hint::black_box;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::Request;
use criterion::{Criterion, criterion_group, criterion_main};
use gridhall::config::Config;
use gridhall::{AppState, db::Db, http};
use shared::i18n::Locale;
use tower::ServiceExt;

/// The same allocator as the `gridhall` binary.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

async fn app(folder: &tempfile::TempDir) -> Router {
    let url = format!("sqlite://{}/bench.db", folder.path().display());
    let config = Config::with_database(url.parse().expect("url"));
    let db = Db::connect(&config).await.expect("database");
    gridhall::startup::prepare_database(&db).await.expect("migrate");
    http::router(AppState::with_db(config, db))
}

async fn get(app: &Router, path: &str) -> usize {
    let request = Request::get(path).body(Body::empty()).expect("request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    assert!(response.status().is_success(), "{path}: {}", response.status());
    to_bytes(response.into_body(), usize::MAX).await.expect("body").len()
}

/// Logs in as the demo customer; answers the `Cookie` header of the session.
async fn session(app: &Router, ctx: &gridhall::context::Ctx) -> String {
    let logins = gridhall::demo::people::load(ctx).await.expect("demo people");
    let customer = logins.iter().find(|l| l.role == "customer").expect("customer");
    let body = serde_json::json!({"email": customer.email, "password": customer.password}).to_string();
    let request = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from(body))
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    assert!(response.status().is_success(), "login: {}", response.status());
    let cookie = response.headers()["set-cookie"].to_str().expect("cookie");
    cookie.split(';').next().expect("pair").to_owned()
}

async fn get_with_cookie(app: &Router, path: &str, cookie: &str) -> usize {
    let request = Request::get(path).header("cookie", cookie).body(Body::empty()).expect("request");
    let response = app.clone().oneshot(request).await.expect("infallible");
    assert!(response.status().is_success(), "{path}: {}", response.status());
    to_bytes(response.into_body(), usize::MAX).await.expect("body").len()
}

fn requests(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let folder = tempfile::tempdir().expect("folder");
    let app = runtime.block_on(app(&folder));
    let ctx = runtime.block_on(async {
        let url = format!("sqlite://{}/bench.db", folder.path().display());
        let config = Config::with_database(url.parse().expect("url"));
        let db = Db::connect(&config).await.expect("database");
        gridhall::context::Ctx::new(config, db)
    });
    let cookie = runtime.block_on(session(&app, &ctx));

    c.bench_function("locale from Cookie and Accept-Language", |b| {
        b.iter(|| {
            Locale::from_request_headers(
                black_box(Some("session=abc; gridhall_lang=en; theme=dark")),
                black_box(Some("zh-CN,zh;q=0.9,en;q=0.8")),
            )
        });
    });
    c.bench_function("GET /api/v1/commitments (SQLite, in-process)", |b| {
        b.to_async(&runtime).iter(|| get(&app, "/api/v1/commitments"));
    });
    c.bench_function("GET / server-rendered (SQLite, in-process)", |b| b.to_async(&runtime).iter(|| get(&app, "/")));
    c.bench_function("GET /api/v1/me with a session cookie (SQLite, in-process)", |b| {
        b.to_async(&runtime).iter(|| get_with_cookie(&app, "/api/v1/me", &cookie));
    });
    c.bench_function("argon2id hash, m=19 MiB t=2 p=1 (every login and password change)", |b| {
        b.to_async(&runtime)
            .iter(|| gridhall::services::passwords::hash(black_box("Lantern-orchard-47-tide".to_owned())));
    });
}

criterion_group!(benches, requests);
criterion_main!(benches);
