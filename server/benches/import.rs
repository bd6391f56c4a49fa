//! A 64 MB readings file (the largest accepted, about two million quarter-hour lines)
//! imported in the background while a customer logs in again and again, on SQLite and on
//! PostgreSQL (a fresh database on 127.0.0.1:5432, dropped afterwards; skipped when none
//! answers). Prints how long the upload takes to be queued, how fast the worker imports,
//! and the login times with the database idle and during the import: on SQLite's single
//! writer a login (which writes its session) waits for at most one chunk's transaction.
//! One long measurement, printed. `cargo bench -p gridhall --bench import`.

use std::time::{Duration, Instant};

use gridhall::config::Config;
use gridhall::services::billing::imports;
use gridhall::services::billing::readings::Source;
use gridhall::services::{Actor, identity};
use gridhall::{AppState, db::Db};

mod common;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CUSTOMER: &str = "zhang.wei@demo.gridhall.example";

/// Quarter-hour data of the interval-metered demo site from 1969 on, up to 64 MB.
fn file() -> (Vec<u8>, u64) {
    let mut file = b"meter_no,starts_at,kwh\n".to_vec();
    let start = chrono::NaiveDate::from_ymd_opt(1969, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0)).expect("start");
    let mut lines = 0u64;
    while file.len() < 64 * 1024 * 1024 - 64 {
        let at = start + chrono::Duration::minutes(15 * lines as i64);
        file.extend_from_slice(format!("E3200000001,{},1.25\n", at.format("%Y-%m-%dT%H:%M")).as_bytes());
        lines += 1;
    }
    (file, lines)
}

/// One login of the demo customer, from its own client address (so the per-address limit
/// of 50 an hour does not end the measurement); answers how long it took.
async fn login(state: &AppState, password: &str, n: u32) -> Duration {
    let actor = Actor { user_id: None, label: "bench".into(), ip: format!("10.{}.{}.1", n / 256, n % 256) };
    let started = Instant::now();
    identity::login(state, &actor, CUSTOMER, password, "bench", None, None).await.expect("login");
    started.elapsed()
}

/// The median and the slowest.
fn summary(mut times: Vec<Duration>) -> (f64, f64, usize) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (ms(times[times.len() / 2]), ms(times[times.len() - 1]), times.len())
}

async fn measure(label: &str, url: &str, folder: &tempfile::TempDir) {
    let mut config = Config::with_database(url.parse().expect("url"));
    config.site_root = folder.path().join("site");
    let db = Db::connect(&config).await.expect("database");
    gridhall::startup::prepare_database(&db).await.expect("migrate");
    let state = AppState::with_db(config, db);
    let report = gridhall::demo::load(&state).await.expect("demo");
    gridhall::demo::billing::install(&state).await.expect("tariffs");
    let password = report.logins.iter().find(|l| l.email == CUSTOMER).map(|l| l.password.clone()).expect("customer");

    let mut idle = Vec::new();
    for n in 0..20 {
        idle.push(login(&state, &password, n).await);
    }

    let (bytes, lines) = file();
    let source = Source {
        kind: shared::api::billing::ReadingSource::Csv,
        file_name: Some("bench.csv".into()),
        actor: Actor { user_id: None, label: "bench".into(), ip: "local".into() },
        regions: vec![],
        locale: shared::Locale::En,
    };
    let started = Instant::now();
    let queued = imports::queue_file(&state, source, bytes).await.expect("queued");
    let queued_in = started.elapsed();
    let worker_state = state.clone();
    let worker = tokio::spawn(async move {
        let settings = imports::Settings::of(&worker_state.config);
        imports::work_one(&worker_state, "bench", &settings).await.expect("import")
    });
    let mut during = Vec::new();
    let mut n = 100;
    while !worker.is_finished() {
        during.push(login(&state, &password, n).await);
        n += 1;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let imported_in = started.elapsed();
    worker.await.expect("worker");
    let done = imports::detail(&state, &[], queued.id).await.expect("detail");
    assert_eq!(done.import.processed, lines, "every line checked");

    let (idle_p50, idle_max, _) = summary(idle);
    let (p50, max, count) = summary(during);
    println!(
        "{label}: {lines} lines (64 MB) | queued in {:.1} s | imported in {:.1} s ({:.0} lines/s, {} stored) | \
         login p50 {idle_p50:.0} ms, slowest {idle_max:.0} ms idle; during the import ({count} logins) p50 {p50:.0} ms, \
         slowest {max:.0} ms",
        queued_in.as_secs_f64(),
        imported_in.as_secs_f64(),
        lines as f64 / imported_in.as_secs_f64(),
        done.import.accepted,
    );
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let folder = tempfile::tempdir().expect("folder");
    let url = format!("sqlite://{}/import.db", folder.path().display());
    runtime.block_on(measure("SQLite", &url, &folder));

    let Some(database) = runtime.block_on(common::ScratchDatabase::create("import")) else { return };
    runtime.block_on(measure("PostgreSQL", &database.url, &folder));
    runtime.block_on(database.drop_now());
}
