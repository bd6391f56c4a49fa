//! The billing run over 100,000 accounts, on SQLite and on PostgreSQL (a fresh database on
//! 127.0.0.1:5432, dropped afterwards; skipped when none answers), beside the floor: the same
//! number of bill rows inserted in one transaction. Also the import rate of a readings file
//! of 100,000 lines. Each is one long measurement, printed, rather than criterion's
//! repeated samples. `cargo bench -p gridhall --bench billing` (`BILLING_ACCOUNTS=10000` for
//! a quicker look).

use std::time::Instant;

use gridhall::config::Config;
use gridhall::services::billing::imports;
use gridhall::services::billing::readings::Source;
use gridhall::services::billing::run::{self, Settings};
use gridhall::services::billing::sql::{Cell, insert_rows};
use gridhall::{AppState, db::Db};

mod common;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn accounts() -> usize {
    std::env::var("BILLING_ACCOUNTS").ok().and_then(|n| n.parse().ok()).unwrap_or(100_000)
}

/// Accounts on the residential tiered tariff (reading day 1) with a meter and an opening
/// reading; answers the first day of the period billed.
async fn fill(state: &AppState) -> chrono::NaiveDate {
    gridhall::demo::people::load(state).await.expect("demo people");
    gridhall::demo::billing::install(state).await.expect("tariffs");
    let today = state.clock.today(state.config.time_zone);
    let this = chrono::Datelike::with_day(&today, 1).expect("first");
    let month = this.checked_sub_months(chrono::Months::new(1)).expect("month");
    let mut tx = state.db.begin().await.expect("transaction");
    let n = accounts();
    let rows: Vec<Vec<Cell>> = (0..n)
        .map(|i| {
            vec![
                Cell::Text(Some(format!("B{i:09}"))),
                Cell::Text(Some(format!("用户{i}"))),
                Cell::Text(Some(format!("上海市某区某路 {i} 号"))),
                Cell::Text(Some(["PD01", "MH02", "JD03"][i % 3].into())),
                Cell::Text(Some("residential".into())),
                Cell::Text(Some("postpaid".into())),
                Cell::Text(Some("residential-tiered".into())),
                Cell::Int(Some(0)),
            ]
        })
        .collect();
    let columns = [
        "account_no",
        "holder_name",
        "supply_address",
        "region",
        "customer_class",
        "payment_mode",
        "tariff_code",
        "created_at",
    ];
    insert_rows(&mut tx, "electricity_accounts", &columns, rows).await.expect("accounts");
    sqlx::query(
        "INSERT INTO meters (meter_no, account_id, multiplier, installed_at)
         SELECT 'M' || account_no, id, 1, 0 FROM electricity_accounts WHERE account_no LIKE 'B%'",
    )
    .execute(&mut *tx)
    .await
    .expect("meters");
    sqlx::query(
        "INSERT INTO meter_readings (meter_id, read_on, active_milli, source, created_at)
         SELECT id, $1, 1000000, 'demo', 0 FROM meters WHERE meter_no LIKE 'MB%'",
    )
    .bind(month.to_string())
    .execute(&mut *tx)
    .await
    .expect("opening readings");
    tx.commit().await.expect("commit");
    sqlx::query("ANALYZE").execute(state.db.pool()).await.expect("analyze");
    month
}

/// A readings file of one closing reading per bench meter (each opened at 1,000 kWh).
fn closing_file(n: usize, day: chrono::NaiveDate) -> Vec<u8> {
    let mut file = String::from("meter_no,read_on,active\r\n");
    for i in 0..n {
        let opening = 1_000_000;
        let used = 150_000 + (i as i64 * 7919) % 300_000;
        file.push_str(&format!("MB{i:09},{day},{}\r\n", shared::api::billing::from_milli(opening + used)));
    }
    file.into_bytes()
}

async fn measure(label: &str, url: &str, folder: &tempfile::TempDir) {
    let mut config = Config::with_database(url.parse().expect("url"));
    config.site_root = folder.path().join("site");
    let db = Db::connect(&config).await.expect("database");
    gridhall::startup::prepare_database(&db).await.expect("migrate");
    let state = AppState::with_db(config, db);
    let month = fill(&state).await;
    let n = accounts();

    // The readings file as an upload: read once and queued, then imported by a worker a
    // chunk of lines per transaction, every line checked against its meter's history.
    let closing = month.checked_add_months(chrono::Months::new(1)).expect("month");
    let file = closing_file(n, closing);
    let started = Instant::now();
    let source = Source {
        kind: shared::api::billing::ReadingSource::Csv,
        file_name: Some("bench.csv".into()),
        actor: gridhall::services::Actor { user_id: None, label: "bench".into(), ip: "local".into() },
        regions: vec![],
        locale: shared::Locale::En,
    };
    let queued = imports::queue_file(&state, source, file).await.expect("queued");
    let settings = imports::Settings::of(&state.config);
    assert!(imports::work_one(&state, "bench", &settings).await.expect("import"));
    let import = started.elapsed();
    let done = imports::detail(&state, &[], queued.id).await.expect("detail");
    assert_eq!(done.import.accepted as usize, n, "{:?}", done.rejections.first());

    // The run.
    let period = format!("{}", month.format("%Y-%m"));
    let actor = gridhall::services::Actor { user_id: None, label: "bench".into(), ip: "local".into() };
    let started = Instant::now();
    run::start(&state, &actor, &shared::api::billing::StartRun { period: period.clone(), reading_day: 1 })
        .await
        .expect("start");
    while run::work_one(&state, "bench", &Settings::default()).await.expect("run") {}
    let billing = started.elapsed();
    let bills: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bills").fetch_one(state.db.pool()).await.expect("count");
    assert!(bills as usize >= n, "{bills} bills for {n} accounts");

    // The floor: as many bill rows of the same size, inserted in one transaction.
    let sample: (String, String) =
        sqlx::query_as("SELECT metered, lines FROM bills LIMIT 1").fetch_one(state.db.pool()).await.expect("sample");
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM electricity_accounts WHERE account_no LIKE 'B%' ORDER BY id")
            .fetch_all(state.db.pool())
            .await
            .expect("ids");
    let started = Instant::now();
    let mut tx = state.db.begin().await.expect("transaction");
    let rows: Vec<Vec<Cell>> = ids
        .iter()
        .map(|id| {
            vec![
                Cell::Int(Some(*id)),
                Cell::Text(Some("floor".into())),
                Cell::Text(Some(month.to_string())),
                Cell::Text(Some(month.to_string())),
                Cell::Text(Some("residential-tiered".into())),
                Cell::Int(Some(260_000)),
                Cell::Int(Some(12_696)),
                Cell::Text(Some(sample.0.clone())),
                Cell::Text(Some(sample.1.clone())),
                Cell::Int(Some(0)),
                Cell::Text(Some("issued".into())),
                Cell::Text(Some(month.to_string())),
                Cell::Int(Some(0)),
            ]
        })
        .collect();
    let columns = [
        "account_id",
        "period",
        "period_from",
        "period_to",
        "tariff_code",
        "energy_milli",
        "total_fen",
        "metered",
        "lines",
        "estimated",
        "status",
        "due_on",
        "created_at",
    ];
    insert_rows(&mut tx, "bills", &columns, rows).await.expect("floor");
    tx.commit().await.expect("commit");
    let floor = started.elapsed();

    let per_second = |d: std::time::Duration| n as f64 / d.as_secs_f64();
    println!(
        "{label}: {n} accounts | import {:.1} s ({:.0} readings/s) | billing run {:.1} s ({:.0} accounts/s) | \
         insert-only floor {:.1} s | run / floor = {:.2}",
        import.as_secs_f64(),
        per_second(import),
        billing.as_secs_f64(),
        per_second(billing),
        floor.as_secs_f64(),
        billing.as_secs_f64() / floor.as_secs_f64(),
    );
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let folder = tempfile::tempdir().expect("folder");
    let url = format!("sqlite://{}/billing.db", folder.path().display());
    runtime.block_on(measure("SQLite", &url, &folder));

    let Some(database) = runtime.block_on(common::ScratchDatabase::create("billing")) else { return };
    runtime.block_on(measure("PostgreSQL", &database.url, &folder));
    runtime.block_on(database.drop_now());
}
