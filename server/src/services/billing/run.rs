//! Billing runs: one per period and reading day. A server claims a run with a lease (a
//! conditional update with an expiry), bills its accounts in id order a chunk at a time,
//! and in the same transaction as each chunk's bills moves the run's cursor, guarded by
//! its lease. So running twice bills nothing twice (one bill per account and period, by a
//! unique index), a crash loses at most an uncommitted chunk that the next holder redoes,
//! and two servers never bill the same chunk.

use chrono::{Datelike, TimeZone};
use serde_json::json;
use shared::api::ErrorCode;
use shared::api::billing::{ExceptionKind, RunDetail, RunException, RunView, StartRun, parse_period};
use shared::validation::{FieldError, Problem};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::compute::{Decision, NewBill, Period, decide};
use super::inputs::{LATER_BILLED, Loaded, account_lock};
use super::issue::{Target, notify_issued, store};
use crate::context::Ctx;
use crate::services::{Actor, Fail, Outcome, audit, utc};

/// How a worker runs; tests shorten the lease and stop a worker midway as a crash would.
#[derive(Debug, Clone)]
pub struct Settings {
    /// How long a claim lasts without progress (seconds).
    pub lease_seconds: i64,
    /// Stop after this many chunks, leaving the lease behind (a crash).
    pub stop_after_chunks: Option<u32>,
    /// With `stop_after_chunks`: do the last chunk's work but never commit it (a crash
    /// in the middle of a chunk).
    pub abandon_last_chunk: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { lease_seconds: 120, stop_after_chunks: None, abandon_last_chunk: false }
    }
}

const RUN_COLUMNS: &str =
    "id, period, reading_day, status, total_accounts, accounts_done, bills, held, exceptions, started_by,
     started_at, finished_at";

fn run_from_row(row: &AnyRow) -> Outcome<RunView> {
    let count = |column: &str| row.try_get::<i64, _>(column).map(|n| n.max(0) as u64);
    Ok(RunView {
        id: row.try_get("id")?,
        period: row.try_get("period")?,
        reading_day: u32::try_from(row.try_get::<i64, _>("reading_day")?).unwrap_or(1),
        status: crate::db::decode::column(row, "billing_runs", "id", "status")?,
        total_accounts: count("total_accounts")?,
        accounts_done: count("accounts_done")?,
        bills: count("bills")?,
        held: count("held")?,
        exceptions: count("exceptions")?,
        started_by: row.try_get("started_by")?,
        started_at: utc(row.try_get("started_at")?),
        finished_at: row.try_get::<Option<i64>, _>("finished_at")?.map(utc),
    })
}

/// Starts the run of a period and reading day, or finds the one already started.
/// Answers the run and whether it is new.
pub async fn start(ctx: &Ctx, actor: &Actor, request: &StartRun) -> Outcome<(RunView, bool)> {
    let Some(month) = parse_period(&request.period) else {
        return Err(Fail::Fields(vec![FieldError::new("period", Problem::InvalidDate)]));
    };
    if !(1..=28).contains(&request.reading_day) {
        return Err(Fail::Fields(vec![FieldError::new("reading_day", Problem::OutOfRange)]));
    }
    let period = Period::new(month, request.reading_day).ok_or(Fail::Code(ErrorCode::BadRequest))?;
    if period.closing_day() > ctx.clock.today(ctx.config.time_zone) {
        // The closing readings are not taken yet.
        return Err(Fail::Fields(vec![FieldError::new("period", Problem::OutOfRange)]));
    }
    let (view, created) = open(ctx, &period, request.reading_day, &actor.label).await?;
    if created {
        let detail = json!({ "run": view.id, "period": view.period, "reading_day": view.reading_day });
        audit::record_alone(ctx, actor, "billing.run.start", audit::Subject::Run(view.id), detail).await?;
    }
    Ok((view, created))
}

/// The start of a period's closing day (Unix seconds): accounts opened later are not in it.
fn closing_time(ctx: &Ctx, period: &Period) -> i64 {
    period
        .closing_day()
        .and_hms_opt(0, 0, 0)
        .and_then(|t| ctx.config.time_zone.from_local_datetime(&t).earliest())
        .map_or(i64::MAX, |t| t.timestamp())
}

/// Creates a run unless it exists.
async fn open(ctx: &Ctx, period: &Period, reading_day: u32, by: &str) -> Outcome<(RunView, bool)> {
    let mut tx = ctx.db.begin().await?;
    let total: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM electricity_accounts WHERE reading_day = $1 AND created_at < $2")
            .bind(i64::from(reading_day))
            .bind(closing_time(ctx, period))
            .fetch_one(&mut *tx)
            .await?;
    let created: Option<i64> = sqlx::query_scalar(
        "INSERT INTO billing_runs (period, reading_day, started_by, started_at, status, total_accounts)
         VALUES ($1, $2, $3, $4, 'running', $5) ON CONFLICT (period, reading_day) DO NOTHING RETURNING id",
    )
    .bind(&period.label)
    .bind(i64::from(reading_day))
    .bind(by)
    .bind(ctx.clock.seconds())
    .bind(total)
    .fetch_optional(&mut *tx)
    .await?;
    let sql = format!("SELECT {RUN_COLUMNS} FROM billing_runs WHERE period = $1 AND reading_day = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&period.label)
        .bind(i64::from(reading_day))
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok((run_from_row(&row)?, created.is_some()))
}

/// Starts the runs the schedule calls for today: for each reading day whose closing day
/// has come this month, the period it closes. Answers how many were created.
pub async fn schedule(ctx: &Ctx) -> Outcome<usize> {
    let today = ctx.clock.today(ctx.config.time_zone);
    let Some(last_month) = today.with_day(1).and_then(|d| d.pred_opt()) else { return Ok(0) };
    let days: Vec<i64> =
        sqlx::query_scalar("SELECT DISTINCT reading_day FROM electricity_accounts WHERE reading_day < $1")
            .bind(i64::from(today.day()))
            .fetch_all(ctx.db.pool())
            .await?;
    let mut created = 0;
    for day in days {
        let Some(period) = u32::try_from(day).ok().and_then(|d| Period::new(last_month, d)) else { continue };
        if period.closing_day() < today && open(ctx, &period, period.from.day(), "schedule").await?.1 {
            created += 1;
        }
    }
    Ok(created)
}

/// Recent runs, newest first.
pub async fn list(ctx: &Ctx) -> Outcome<Vec<RunView>> {
    let sql = format!("SELECT {RUN_COLUMNS} FROM billing_runs ORDER BY id DESC LIMIT 50");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(ctx.db.pool()).await?;
    rows.iter().map(run_from_row).collect()
}

/// A run with its exceptions. A run bills every station; staff limited to stations
/// (`regions`, empty for every station) see the exceptions of their stations' accounts
/// only, and the run's figures as the run counted them.
pub async fn detail(ctx: &Ctx, id: i64, regions: &[String]) -> Outcome<RunDetail> {
    let sql = format!("SELECT {RUN_COLUMNS} FROM billing_runs WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(ctx.db.pool()).await?;
    let run = run_from_row(&row.ok_or(Fail::Code(ErrorCode::NotFound))?)?;
    let within = if shared::roles::stations::covers_every(regions) {
        String::new()
    } else {
        let places: Vec<String> = (2..regions.len() + 2).map(|n| format!("${n}")).collect();
        format!(" AND a.region IN ({})", places.join(", "))
    };
    let sql = format!(
        "SELECT a.account_no, e.kind, e.detail,
                (SELECT b.id FROM bills b WHERE b.account_id = e.account_id AND b.run_id = e.run_id
                  ORDER BY b.id DESC LIMIT 1) AS bill_id
           FROM billing_exceptions e JOIN electricity_accounts a ON a.id = e.account_id
          WHERE e.run_id = $1{within} ORDER BY a.account_no, e.kind"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id);
    for region in regions {
        query = query.bind(region);
    }
    let rows = query.fetch_all(ctx.db.pool()).await?;
    let exceptions = rows
        .iter()
        .map(|row| {
            Ok(RunException {
                account_no: row.try_get("account_no")?,
                kind: crate::db::decode::column(row, "billing_exceptions", "id", "kind")?,
                detail: row.try_get("detail")?,
                bill_id: row.try_get("bill_id")?,
            })
        })
        .collect::<Outcome<_>>()?;
    Ok(RunDetail { run, exceptions })
}

/// A run this worker holds.
struct Claimed {
    id: i64,
    period: Period,
    reading_day: i64,
    cursor: i64,
}

/// Claims a run whose lease is free and bills it to the end (or until told to stop).
/// Answers whether there was one.
pub async fn work_one(ctx: &Ctx, owner: &str, settings: &Settings) -> Outcome<bool> {
    let now = ctx.clock.seconds();
    let row = sqlx::query(
        "UPDATE billing_runs SET lease_owner = $1, lease_until = $2
          WHERE id = (SELECT id FROM billing_runs WHERE status = 'running' AND (lease_until IS NULL OR lease_until < $3)
                       ORDER BY id LIMIT 1)
            AND status = 'running' AND (lease_until IS NULL OR lease_until < $3)
         RETURNING id, period, reading_day, cursor",
    )
    .bind(owner)
    .bind(now + settings.lease_seconds)
    .bind(now)
    .fetch_optional(ctx.db.pool())
    .await?;
    let Some(row) = row else { return Ok(false) };
    let reading_day: i64 = row.try_get("reading_day")?;
    let label: String = row.try_get("period")?;
    let period = parse_period(&label)
        .and_then(|month| Period::new(month, u32::try_from(reading_day).ok()?))
        .ok_or_else(|| Fail::Internal(anyhow::anyhow!("run with period {label}")))?;
    let mut run = Claimed { id: row.try_get("id")?, period, reading_day, cursor: row.try_get("cursor")? };
    tracing::info!(run = run.id, period = %run.period.label, reading_day, cursor = run.cursor, "billing run claimed");
    let mut chunks = 0u32;
    loop {
        let last = settings.stop_after_chunks.is_some_and(|stop| chunks + 1 >= stop);
        let abandon = last && settings.abandon_last_chunk;
        match bill_chunk(ctx, &mut run, owner, settings, abandon).await? {
            true if !last => chunks += 1,
            _ => return Ok(true),
        }
    }
}

/// Bills the next chunk of a run's accounts; answers whether more remain.
async fn bill_chunk(ctx: &Ctx, run: &mut Claimed, owner: &str, settings: &Settings, abandon: bool) -> Outcome<bool> {
    let mut tx = ctx.db.begin().await?;
    // The chunk's accounts, locked on PostgreSQL until it commits: every transaction that
    // bills an account (a run chunk, a rebill, billing an exception) takes its row first, so
    // what one reads of the account's bills (the last one, later ones, open adjustments)
    // holds until it has written.
    let sql = format!(
        "SELECT id, account_no, tariff_code, contracted_kva, billing_hold, org_id FROM electricity_accounts
          WHERE reading_day = $1 AND id > $2 AND created_at < $4 ORDER BY id LIMIT $3{}",
        account_lock(ctx)
    );
    let accounts = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(run.reading_day)
        .bind(run.cursor)
        .bind(i64::from(ctx.config.billing_chunk))
        .bind(closing_time(ctx, &run.period))
        .fetch_all(&mut *tx)
        .await?;
    let now = ctx.clock.seconds();
    if accounts.is_empty() {
        let done = sqlx::query(
            "UPDATE billing_runs SET status = 'done', finished_at = $1, lease_owner = NULL, lease_until = NULL
              WHERE id = $2 AND lease_owner = $3",
        )
        .bind(now)
        .bind(run.id)
        .bind(owner)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        if done == 1 {
            tracing::info!(run = run.id, "billing run done");
        }
        return Ok(false);
    }
    let loaded = Loaded::load(&mut tx, &accounts, &run.period, ctx).await?;
    let mut bills: Vec<(i64, NewBill)> = Vec::new();
    let mut exceptions: Vec<(i64, ExceptionKind, String)> = Vec::new();
    for account in &loaded.accounts {
        if loaded.billed.contains(&account.id) {
            continue;
        }
        if loaded.later.contains(&account.id) {
            // A later period's bill opened where the last bill closed, so it carries this
            // period's energy already: billing it now would bill that energy twice.
            exceptions.push((account.id, ExceptionKind::Calculation, LATER_BILLED.to_owned()));
            continue;
        }
        match decide(&loaded.input(account, ctx), &run.period) {
            Decision::Bill(bill) => {
                exceptions.extend(bill.exceptions.iter().map(|(k, d)| (account.id, *k, d.clone())));
                bills.push((account.id, *bill));
            }
            Decision::Exception(kind, detail) => exceptions.push((account.id, kind, detail)),
        }
    }
    let target = Target { period: &run.period, run_id: Some(run.id), replaces: None };
    let issued = store(&mut tx, ctx, &target, &loaded, &bills, &exceptions).await?;
    let last_id = accounts.last().map(|r| r.try_get::<i64, _>("id")).transpose()?.unwrap_or(run.cursor);
    let held = bills.iter().filter(|(_, b)| b.held).count() as i64;
    let moved = sqlx::query(
        "UPDATE billing_runs SET cursor = $1, accounts_done = accounts_done + $2, bills = bills + $3, held = held + $4,
                exceptions = exceptions + $5, lease_until = $6
          WHERE id = $7 AND lease_owner = $8 AND status = 'running'",
    )
    .bind(last_id)
    .bind(accounts.len() as i64)
    .bind(bills.len() as i64)
    .bind(held)
    .bind(exceptions.len() as i64)
    .bind(now + settings.lease_seconds)
    .bind(run.id)
    .bind(owner)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved != 1 {
        // Another server took the run over (this one stalled past its lease): leave it.
        tracing::warn!(run = run.id, "billing run lease lost; chunk rolled back");
        return Ok(false);
    }
    notify_issued(ctx, &mut tx, &issued).await?;
    if abandon {
        tracing::warn!(run = run.id, "billing chunk abandoned before commit (a simulated crash)");
        return Ok(false);
    }
    tx.commit().await?;
    run.cursor = last_id;
    Ok(true)
}
