//! Billing runs: one per period and reading day. A server claims a run with a lease (a
//! conditional update with an expiry), bills its accounts in id order a chunk at a time,
//! and in the same transaction as each chunk's bills moves the run's cursor, guarded by
//! its lease. So running twice bills nothing twice (one bill per account and period, by a
//! unique index), a crash loses at most an uncommitted chunk that the next holder redoes,
//! and two servers never bill the same chunk.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate, TimeZone};
use rust_decimal::Decimal;
use serde_json::json;
use shared::Money;
use shared::api::ErrorCode;
use shared::api::billing::{
    AdjustmentLine, ExceptionKind, Metering, RunDetail, RunException, RunView, StartRun, parse_period,
};
use shared::roles::Notice;
use shared::tariff::{TariffVersion, TouPeriod};
use shared::validation::{FieldError, Problem};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::compute::{AccountInput, Change, Decision, MeterInput, NewBill, Period, Reading, decide};
use super::sql::{Cell, in_list, insert_returning, insert_rows};
use super::tariffs::versions_of;
use crate::context::Ctx;
use crate::services::notices::{Email, notify};
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

/// An account as a run reads it.
pub(super) struct AccountRow {
    id: i64,
    account_no: String,
    tariff_code: Option<String>,
    contracted_kva: Option<i64>,
    billing_hold: Option<String>,
}

struct MeterRow {
    id: i64,
    account_id: i64,
    meter_no: String,
    multiplier: i64,
    interval_data: bool,
}

/// Everything a chunk needs, loaded with one query a table.
pub(super) struct Loaded {
    pub(super) accounts: Vec<AccountRow>,
    meters: Vec<MeterRow>,
    /// Accounts that already have this period's bill (a run resumed or repeated).
    billed: HashSet<i64>,
    /// Accounts with a live bill of a later period (which carries this period's energy).
    pub(super) later: HashSet<i64>,
    /// The last live bill before this period: its total and metering.
    previous: HashMap<i64, (Money, Metering)>,
    /// Accounts with no bill before this period whose unbilled time began earlier (a run
    /// listed them and billed nothing): the first day of the earliest such period.
    opening_days: HashMap<i64, NaiveDate>,
    readings: HashMap<i64, Vec<Reading>>,
    changes: HashMap<i64, Change>,
    intervals: HashMap<i64, Vec<(i64, i64, Option<i64>)>>,
    tier_years: HashMap<i64, BTreeMap<i32, Decimal>>,
    adjustments: HashMap<i64, Vec<AdjustmentLine>>,
    versions: HashMap<String, Vec<TariffVersion>>,
}

/// What a run lists for an account whose later period is billed already.
pub(super) const LATER_BILLED: &str = "a later period is billed already: its bill carries this period's energy";

/// ` FOR NO KEY UPDATE` on PostgreSQL (a lock on the account's row that still lets other
/// rows refer to it), nothing on SQLite (its writing transactions run one at a time).
pub(super) fn account_lock(ctx: &Ctx) -> &'static str {
    match ctx.db.backend() {
        crate::config::Backend::Postgres => " FOR NO KEY UPDATE",
        crate::config::Backend::Sqlite => "",
    }
}

/// ` FOR UPDATE` on PostgreSQL, nothing on SQLite (which has no row locks; its writing
/// transactions run one at a time).
pub(super) fn row_lock(ctx: &Ctx) -> &'static str {
    match ctx.db.backend() {
        crate::config::Backend::Postgres => " FOR UPDATE",
        crate::config::Backend::Sqlite => "",
    }
}

fn json_of<T: serde::de::DeserializeOwned>(text: &str) -> Outcome<T> {
    serde_json::from_str(text).map_err(|e| Fail::Internal(anyhow::anyhow!("stored JSON: {e}")))
}

impl Loaded {
    pub(super) async fn load(conn: &mut AnyConnection, rows: &[AnyRow], period: &Period, ctx: &Ctx) -> Outcome<Loaded> {
        let accounts: Vec<AccountRow> = rows
            .iter()
            .map(|row| {
                Ok(AccountRow {
                    id: row.try_get("id")?,
                    account_no: row.try_get("account_no")?,
                    tariff_code: row.try_get("tariff_code")?,
                    contracted_kva: row.try_get("contracted_kva")?,
                    billing_hold: row.try_get("billing_hold")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?;
        let ids: Vec<i64> = accounts.iter().map(|a| a.id).collect();
        let list = |first: usize| in_list(first, ids.len());
        macro_rules! by_accounts {
            ($sql:expr, $($bind:expr),*) => {{
                let mut query = sqlx::query(sqlx::AssertSqlSafe($sql));
                $(query = query.bind($bind);)*
                for id in &ids {
                    query = query.bind(*id);
                }
                query.fetch_all(&mut *conn).await?
            }};
        }
        let meters: Vec<MeterRow> = by_accounts!(
            format!("SELECT id, account_id, meter_no, multiplier, interval_data FROM meters WHERE account_id IN ({}) ORDER BY id", list(1)),
        )
        .iter()
        .map(|row| {
            Ok(MeterRow {
                id: row.try_get("id")?,
                account_id: row.try_get("account_id")?,
                meter_no: row.try_get("meter_no")?,
                multiplier: row.try_get("multiplier")?,
                interval_data: row.try_get::<i64, _>("interval_data")? == 1,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
        let billed: HashSet<i64> = by_accounts!(
            format!(
                "SELECT account_id FROM bills WHERE period = $1 AND replaces IS NULL AND account_id IN ({})",
                list(2)
            ),
            &period.label
        )
        .iter()
        .map(|row| row.try_get("account_id"))
        .collect::<Result<_, _>>()?;
        let later: HashSet<i64> = by_accounts!(
            format!(
                "SELECT DISTINCT account_id FROM bills WHERE period_from > $1 AND status <> 'cancelled'
                   AND account_id IN ({})",
                list(2)
            ),
            period.from.to_string()
        )
        .iter()
        .map(|row| row.try_get("account_id"))
        .collect::<Result<_, _>>()?;
        // The last bill: the newest live one of a period before this one. Usually it ended
        // the day before; when periods between were not billed (no reading), its closing
        // readings still open this bill, so their energy is billed here, once.
        let mut previous = HashMap::new();
        let rows = by_accounts!(
            format!(
                "SELECT account_id, total_fen, metered FROM bills WHERE period_to < $1 AND status <> 'cancelled'
                   AND account_id IN ({}) ORDER BY period_to, id",
                list(2)
            ),
            period.from.to_string()
        );
        for row in rows {
            let metering: Metering = json_of(&row.try_get::<String, _>("metered")?)?;
            previous.insert(row.try_get("account_id")?, (Money::from_fen(row.try_get("total_fen")?), metering));
        }
        // Periods a run looked at and billed nothing for (an exception without a bill), after
        // the last bill: the unbilled time starts at the earliest, and with no bill before,
        // this bill opens there (the reading on or before its first day), not at this
        // period's first day: a closing reading that came late must not swallow that energy.
        let mut opening_days: HashMap<i64, NaiveDate> = HashMap::new();
        let rows = by_accounts!(format!(
            "SELECT DISTINCT e.account_id, r.period, r.reading_day FROM billing_exceptions e
                   JOIN billing_runs r ON r.id = e.run_id
                  WHERE e.account_id IN ({})
                    AND NOT EXISTS (SELECT 1 FROM bills b WHERE b.account_id = e.account_id AND b.period = r.period
                                     AND b.replaces IS NULL)",
            list(1)
        ),);
        for row in rows {
            let account_id: i64 = row.try_get("account_id")?;
            let label: String = row.try_get("period")?;
            let reading_day: i64 = row.try_get("reading_day")?;
            let Some(unbilled) =
                parse_period(&label).and_then(|month| Period::new(month, u32::try_from(reading_day).ok()?))
            else {
                continue;
            };
            // An account with a bill before opens at that bill's closing readings instead.
            if unbilled.from < period.from && !previous.contains_key(&account_id) {
                let day = opening_days.entry(account_id).or_insert(unbilled.from);
                *day = (*day).min(unbilled.from);
            }
        }
        let meter_ids: Vec<i64> = meters.iter().map(|m| m.id).collect();
        let meter_list = |first: usize| in_list(first, meter_ids.len());
        macro_rules! by_meters {
            ($sql:expr, $($bind:expr),*) => {{
                let mut query = sqlx::query(sqlx::AssertSqlSafe($sql));
                $(query = query.bind($bind);)*
                for id in &meter_ids {
                    query = query.bind(*id);
                }
                if meter_ids.is_empty() { Vec::new() } else { query.fetch_all(&mut *conn).await? }
            }};
        }
        let earliest_opening = opening_days.values().min().copied().unwrap_or(period.from).min(period.from);
        let history_from = earliest_opening.min(period.from - chrono::Days::new(100)).to_string();
        let mut readings: HashMap<i64, Vec<Reading>> = HashMap::new();
        let rows = by_meters!(
            format!(
                "SELECT meter_id, read_on, active_milli, peak_milli, flat_milli, valley_milli, critical_milli, reactive_milli,
                        demand_milli
                   FROM meter_readings WHERE read_on BETWEEN $1 AND $2 AND meter_id IN ({}) ORDER BY meter_id, read_on",
                meter_list(3)
            ),
            &history_from,
            period.closing_day().to_string()
        );
        for row in rows {
            let day: String = row.try_get("read_on")?;
            let Ok(day) = day.parse::<NaiveDate>() else { continue };
            let mut periods = BTreeMap::new();
            for (period, column) in [
                (TouPeriod::Peak, "peak_milli"),
                (TouPeriod::Flat, "flat_milli"),
                (TouPeriod::Valley, "valley_milli"),
                (TouPeriod::CriticalPeak, "critical_milli"),
            ] {
                if let Some(value) = row.try_get::<Option<i64>, _>(column)? {
                    periods.insert(period, value);
                }
            }
            readings.entry(row.try_get("meter_id")?).or_default().push(Reading {
                day,
                active: row.try_get("active_milli")?,
                periods,
                reactive: row.try_get("reactive_milli")?,
                demand: row.try_get("demand_milli")?,
            });
        }
        let mut changes = HashMap::new();
        let rows = by_meters!(
            format!(
                "SELECT meter_id, changed_on, final_milli, start_milli FROM meter_changes
                  WHERE changed_on <= $1 AND meter_id IN ({}) ORDER BY changed_on",
                meter_list(2)
            ),
            period.closing_day().to_string()
        );
        for row in rows {
            let day: String = row.try_get("changed_on")?;
            let Ok(day) = day.parse::<NaiveDate>() else { continue };
            let change =
                Change { day, final_milli: row.try_get("final_milli")?, start_milli: row.try_get("start_milli")? };
            changes.insert(row.try_get("meter_id")?, change);
        }
        let zone = ctx.config.time_zone;
        let local_midnight = |day: NaiveDate| {
            day.and_hms_opt(0, 0, 0)
                .and_then(|t| zone.from_local_datetime(&t).earliest())
                .map(|t| t.timestamp())
                .unwrap_or(0)
        };
        let mut intervals: HashMap<i64, Vec<(i64, i64, Option<i64>)>> = HashMap::new();
        if meters.iter().any(|m| m.interval_data) {
            let interval_ids: Vec<i64> = meters.iter().filter(|m| m.interval_data).map(|m| m.id).collect();
            let sql = format!(
                "SELECT meter_id, starts_at, kwh_milli, kvarh_milli FROM interval_readings
                  WHERE starts_at >= $1 AND starts_at < $2 AND meter_id IN ({}) ORDER BY meter_id, starts_at",
                in_list(3, interval_ids.len())
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(local_midnight(period.from))
                .bind(local_midnight(period.closing_day()));
            for id in &interval_ids {
                query = query.bind(*id);
            }
            for row in query.fetch_all(&mut *conn).await? {
                intervals.entry(row.try_get("meter_id")?).or_default().push((
                    row.try_get("starts_at")?,
                    row.try_get("kwh_milli")?,
                    row.try_get("kvarh_milli")?,
                ));
            }
        }
        // The energy already in each tier year: only the live bills of periods before this
        // one count (a rebill of January after March is priced as January was, not in the
        // tiers February and March filled since).
        let mut tier_years: HashMap<i64, BTreeMap<i32, Decimal>> = HashMap::new();
        let rows = by_accounts!(
            format!(
                "SELECT u.account_id, u.year, CAST(SUM(u.kwh_milli) AS BIGINT) AS kwh_milli FROM bill_tier_usage u JOIN bills b ON b.id = u.bill_id
                  WHERE b.status <> 'cancelled' AND u.year >= $1 AND b.period_to < $2 AND u.account_id IN ({})
                  GROUP BY u.account_id, u.year",
                list(3)
            ),
            i64::from(period.from.year()),
            period.from.to_string()
        );
        for row in rows {
            let year = i32::try_from(row.try_get::<i64, _>("year")?).unwrap_or_default();
            let kwh = shared::api::billing::from_milli(row.try_get("kwh_milli")?);
            tier_years.entry(row.try_get("account_id")?).or_default().insert(year, kwh);
        }
        let mut adjustments: HashMap<i64, Vec<AdjustmentLine>> = HashMap::new();
        // Open approved adjustments, locked on PostgreSQL until this transaction ends: a
        // concurrent run chunk or rebill of the same account waits, then finds them carried.
        // (SQLite writers are one at a time already: `BEGIN IMMEDIATE`.)
        let rows = by_accounts!(format!(
            "SELECT id, account_id, amount_fen, reason FROM billing_adjustments
                  WHERE bill_id IS NULL AND status = 'approved' AND account_id IN ({})
                  ORDER BY id{}",
            list(1),
            row_lock(ctx)
        ),);
        for row in rows {
            adjustments.entry(row.try_get("account_id")?).or_default().push(AdjustmentLine {
                id: row.try_get("id")?,
                reason: row.try_get("reason")?,
                amount: Money::from_fen(row.try_get("amount_fen")?),
            });
        }
        let codes: Vec<&str> =
            accounts.iter().filter_map(|a| a.tariff_code.as_deref()).collect::<HashSet<_>>().into_iter().collect();
        let versions = versions_of(conn, &codes).await?;
        Ok(Loaded {
            accounts,
            meters,
            billed,
            later,
            previous,
            opening_days,
            readings,
            changes,
            intervals,
            tier_years,
            adjustments,
            versions,
        })
    }

    pub(super) fn input<'a>(&'a self, account: &'a AccountRow, ctx: &Ctx) -> AccountInput<'a> {
        let meters = self
            .meters
            .iter()
            .filter(|m| m.account_id == account.id)
            .map(|m| MeterInput {
                meter_no: &m.meter_no,
                multiplier: m.multiplier,
                interval_data: m.interval_data,
                readings: self.readings.get(&m.id).map(Vec::as_slice).unwrap_or_default(),
                change: self.changes.get(&m.id),
                intervals: self.intervals.get(&m.id).map(Vec::as_slice).unwrap_or_default(),
            })
            .collect();
        AccountInput {
            meters,
            versions: account.tariff_code.as_ref().and_then(|c| self.versions.get(c)).map(Vec::as_slice),
            capacity_kva: account.contracted_kva,
            previous: self.previous.get(&account.id).map(|(total, metering)| (*total, metering)),
            opening_day: self.opening_days.get(&account.id).copied(),
            tier_years: self.tier_years.get(&account.id).cloned().unwrap_or_default(),
            adjustments: self.adjustments.get(&account.id).cloned().unwrap_or_default(),
            hold: account.billing_hold.as_deref(),
            change_factor: ctx.config.bill_change_factor,
            zone: ctx.config.time_zone,
        }
    }
}

/// An issued bill to tell its account's people about.
pub(super) struct Issued {
    pub(super) bill_id: i64,
    pub(super) account_id: i64,
    pub(super) account_no: String,
    pub(super) period: String,
    pub(super) total: Money,
    pub(super) due_on: NaiveDate,
}

/// Where bills being stored belong.
pub(super) struct Target<'a> {
    /// Their period.
    pub period: &'a Period,
    /// The run making them, if any.
    pub run_id: Option<i64>,
    /// The bill a rebill replaces.
    pub replaces: Option<i64>,
}

/// Writes a chunk's bills, their tier usage, the adjustments they carry and the
/// exceptions. Answers the bills issued (not held).
pub(super) async fn store(
    conn: &mut AnyConnection,
    ctx: &Ctx,
    target: &Target<'_>,
    loaded: &Loaded,
    bills: &[(i64, NewBill)],
    exceptions: &[(i64, ExceptionKind, String)],
) -> Outcome<Vec<Issued>> {
    let now = ctx.clock.seconds();
    let due_on = ctx.clock.today(ctx.config.time_zone) + chrono::Days::new(u64::from(ctx.config.bill_due_days));
    let account_of: HashMap<i64, &AccountRow> = loaded.accounts.iter().map(|a| (a.id, a)).collect();
    let mut rows = Vec::with_capacity(bills.len());
    for (account_id, bill) in bills {
        let tariff = account_of.get(account_id).and_then(|a| a.tariff_code.clone());
        let metered = serde_json::to_string(&bill.metering).map_err(|e| Fail::Internal(e.into()))?;
        let lines = serde_json::to_string(&bill.lines).map_err(|e| Fail::Internal(e.into()))?;
        let energy: i64 = (bill.metering.metered.kwh * Decimal::ONE_THOUSAND).trunc().try_into().unwrap_or(i64::MAX);
        let total = bill.total.to_fen().ok_or_else(|| Fail::Internal(anyhow::anyhow!("bill total out of range")))?;
        rows.push(vec![
            Cell::Int(Some(*account_id)),
            Cell::Text(Some(target.period.label.clone())),
            Cell::Text(Some(target.period.from.to_string())),
            Cell::Text(Some(target.period.to.to_string())),
            Cell::Int(target.run_id),
            Cell::Int(target.replaces),
            Cell::Text(tariff),
            Cell::Int(Some(energy)),
            Cell::Int(Some(total)),
            Cell::Text(Some(metered)),
            Cell::Text(Some(lines)),
            Cell::Int(Some(i64::from(bill.estimated))),
            Cell::Text(Some(if bill.held { "held" } else { "issued" }.to_owned())),
            Cell::Text(Some(due_on.to_string())),
            Cell::Int(Some(now)),
            Cell::Int(if bill.held { None } else { Some(now) }),
        ]);
    }
    let inserted = insert_returning(
        conn,
        "bills",
        &[
            "account_id",
            "period",
            "period_from",
            "period_to",
            "run_id",
            "replaces",
            "tariff_code",
            "energy_milli",
            "total_fen",
            "metered",
            "lines",
            "estimated",
            "status",
            "due_on",
            "created_at",
            "issued_at",
        ],
        rows,
        "id, account_id",
    )
    .await?;
    let mut bill_ids: HashMap<i64, i64> = HashMap::new();
    for row in &inserted {
        bill_ids.insert(row.try_get("account_id")?, row.try_get("id")?);
    }
    let mut usage = Vec::new();
    let mut issued = Vec::new();
    for (account_id, bill) in bills {
        let Some(bill_id) = bill_ids.get(account_id).copied() else { continue };
        for (year, kwh) in &bill.calculation.tier_years {
            let milli: i64 = (kwh * Decimal::ONE_THOUSAND).trunc().try_into().unwrap_or(0);
            usage.push(vec![
                Cell::Int(Some(bill_id)),
                Cell::Int(Some(*account_id)),
                Cell::Int(Some(i64::from(*year))),
                Cell::Int(Some(milli)),
            ]);
        }
        let ids: Vec<i64> = bill.lines.adjustments.iter().map(|a| a.id).collect();
        claim_adjustments(conn, bill_id, &ids).await?;
        if !bill.held {
            issued.push(Issued {
                bill_id,
                account_id: *account_id,
                account_no: account_of.get(account_id).map(|a| a.account_no.clone()).unwrap_or_default(),
                period: target.period.label.clone(),
                total: bill.total,
                due_on,
            });
        }
    }
    insert_rows(conn, "bill_tier_usage", &["bill_id", "account_id", "year", "kwh_milli"], usage).await?;
    let Some(run_id) = target.run_id else { return Ok(issued) };
    let rows = exceptions
        .iter()
        .map(|(account_id, kind, detail)| {
            vec![
                Cell::Int(Some(run_id)),
                Cell::Int(Some(*account_id)),
                Cell::Text(Some(kind.as_str().to_owned())),
                Cell::Text(Some(detail.chars().take(500).collect())),
            ]
        })
        .collect();
    insert_rows(conn, "billing_exceptions", &["run_id", "account_id", "kind", "detail"], rows).await?;
    Ok(issued)
}

/// Claims open adjustments for the bill that carries them as lines. Each must still be
/// open: if another bill took one since it was read, this bill would carry it a second
/// time, so the claim refuses (`Conflict`) and the caller's transaction rolls back.
pub async fn claim_adjustments(conn: &mut AnyConnection, bill_id: i64, ids: &[i64]) -> Outcome<()> {
    for id in ids {
        let claimed = sqlx::query("UPDATE billing_adjustments SET bill_id = $1 WHERE id = $2 AND bill_id IS NULL")
            .bind(bill_id)
            .bind(*id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
        if claimed != 1 {
            tracing::warn!(bill = bill_id, adjustment = id, "adjustment already carried by another bill");
            return Err(Fail::Code(ErrorCode::Conflict));
        }
    }
    Ok(())
}

/// Tells the people of each issued bill's account, in the bill's transaction: its linked
/// logins and its organisation's users.
pub(super) async fn notify_issued(ctx: &Ctx, conn: &mut AnyConnection, issued: &[Issued]) -> Outcome<()> {
    if issued.is_empty() {
        return Ok(());
    }
    let ids: Vec<i64> = issued.iter().map(|i| i.account_id).collect();
    let list = in_list(1, ids.len());
    let sql = format!(
        "SELECT account_id, user_id FROM account_links WHERE account_id IN ({list})
         UNION SELECT a.id AS account_id, m.user_id FROM electricity_accounts a JOIN org_members m ON m.org_id = a.org_id
          WHERE a.id IN ({list})"
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id in &ids {
        query = query.bind(*id);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    for row in rows {
        let account_id: i64 = row.try_get("account_id")?;
        let user_id: i64 = row.try_get("user_id")?;
        for bill in issued.iter().filter(|i| i.account_id == account_id) {
            let link = format!("/bills/{}", bill.bill_id);
            notify(ctx, &mut *conn, user_id, Notice::Bills.as_str(), Email::IfChosen(Notice::Bills), &link, |locale| {
                match locale {
                    shared::Locale::Zh => (
                        format!("{} 户 {} 电费账单已出：{}", bill.account_no, bill.period, bill.total),
                        format!(
                            "户号 {} 的 {} 账期电费为 {}，请于 {} 前缴纳。",
                            bill.account_no, bill.period, bill.total, bill.due_on
                        ),
                    ),
                    shared::Locale::En => (
                        format!("Bill for {} ({}): {}", bill.account_no, bill.period, bill.total),
                        format!(
                            "The {} bill of account {} is {}, due by {}.",
                            bill.period, bill.account_no, bill.total, bill.due_on
                        ),
                    ),
                }
            })
            .await?;
        }
    }
    Ok(())
}
