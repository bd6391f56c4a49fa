//! What a billing run or a single bill reads for a chunk of accounts, one query a table:
//! the accounts, meters, readings, meter changes, intervals, tier years, adjustments and
//! tariff versions, and how they become the calculation's input.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate, TimeZone};
use rust_decimal::Decimal;
use shared::Money;
use shared::api::billing::{AdjustmentLine, Metering, parse_period};
use shared::tariff::{TariffVersion, TouPeriod};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::compute::{AccountInput, Change, MeterInput, Period, Reading};
use super::sql::in_list;
use super::tariffs::versions_of;
use crate::context::Ctx;
use crate::services::{Fail, Outcome};

/// An account as a run reads it.
pub(super) struct AccountRow {
    pub(super) id: i64,
    pub(super) account_no: String,
    pub(super) tariff_code: Option<String>,
    pub(super) contracted_kva: Option<i64>,
    pub(super) billing_hold: Option<String>,
}

pub(super) struct MeterRow {
    pub(super) id: i64,
    pub(super) account_id: i64,
    pub(super) meter_no: String,
    pub(super) multiplier: i64,
    pub(super) interval_data: bool,
}

/// Everything a chunk needs, loaded with one query a table.
pub(super) struct Loaded {
    pub(super) accounts: Vec<AccountRow>,
    pub(super) meters: Vec<MeterRow>,
    /// Accounts that already have this period's bill (a run resumed or repeated).
    pub(super) billed: HashSet<i64>,
    /// Accounts with a live bill of a later period (which carries this period's energy).
    pub(super) later: HashSet<i64>,
    /// The last live bill before this period: its total and metering.
    pub(super) previous: HashMap<i64, (Money, Metering)>,
    /// Accounts with no bill before this period whose unbilled time began earlier (a run
    /// listed them and billed nothing): the first day of the earliest such period.
    pub(super) opening_days: HashMap<i64, NaiveDate>,
    pub(super) readings: HashMap<i64, Vec<Reading>>,
    pub(super) changes: HashMap<i64, Change>,
    pub(super) intervals: HashMap<i64, Vec<(i64, i64, Option<i64>)>>,
    pub(super) tier_years: HashMap<i64, BTreeMap<i32, Decimal>>,
    pub(super) adjustments: HashMap<i64, Vec<AdjustmentLine>>,
    pub(super) versions: HashMap<String, Vec<TariffVersion>>,
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

pub(super) fn json_of<T: serde::de::DeserializeOwned>(text: &str) -> Outcome<T> {
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
