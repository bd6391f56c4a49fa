//! Importing readings (a file, the metering system's API, an operator's entry): every line
//! is checked and either stored or rejected with its reason; the accepted lines, the
//! rejections and the import's record are written in one transaction, so a file is never
//! half imported without saying so.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, TimeZone};
use serde_json::json;
use shared::Locale;
use shared::api::billing::{
    ImportResult, ImportStatus, IntervalLine, ReadingLine, ReadingSource, RejectReason, Rejection, from_milli,
    parse_day, parse_interval_start, parse_reading,
};
use shared::i18n::billing::reject_reason;
use sqlx::{AnyConnection, Row};

use super::sql::{Cell, in_list, insert_rows};
use crate::context::Ctx;
use crate::services::{Actor, Outcome, audit};

/// Where readings came from and who sent them.
pub struct Source {
    /// Where the readings come from.
    pub kind: ReadingSource,
    /// The file's name, for a file.
    pub file_name: Option<String>,
    /// The sender, for the import's record and the audit log.
    pub actor: Actor,
    /// The regions the sender may read for; empty for all.
    pub regions: Vec<String>,
    /// The caller's language, for the reasons.
    pub locale: Locale,
}

/// Lines to import, numbered as the caller will recognise them.
#[derive(Default)]
pub struct Lines {
    /// Register readings.
    pub readings: Vec<(u64, ReadingLine)>,
    /// Interval data.
    pub intervals: Vec<(u64, IntervalLine)>,
    /// Lines already refused while reading the file.
    pub rejected: Vec<(u64, Option<String>, RejectReason)>,
    /// Accept abnormal jumps (an operator who checked them).
    pub confirm_jumps: bool,
}

struct Meter {
    id: i64,
}

/// A register reading that parsed.
struct Reading {
    line: u64,
    meter_id: i64,
    day: NaiveDate,
    active: i64,
    peak: Option<i64>,
    flat: Option<i64>,
    valley: Option<i64>,
    critical: Option<i64>,
    reactive: Option<i64>,
    demand: Option<i64>,
}

struct Interval {
    line: u64,
    meter_id: i64,
    starts_at: i64,
    kwh: i64,
    kvarh: Option<i64>,
}

/// Collects rejections with their wording.
struct Refusals {
    locale: Locale,
    list: Vec<Rejection>,
    /// Abnormal jumps accepted because the operator confirmed them: each is audited.
    confirmed_jumps: Vec<(u64, String, NaiveDate, String)>,
}

impl Refusals {
    fn add(&mut self, line: u64, meter_no: Option<&str>, reason: RejectReason, context: Option<String>) {
        let text = reject_reason(self.locale, reason);
        let detail = match context {
            Some(context) => format!("{text} ({context})"),
            None => text.to_owned(),
        };
        self.list.push(Rejection { line, meter_no: meter_no.map(str::to_owned), reason, detail });
    }
}

fn optional(value: &Option<String>) -> Result<Option<i64>, RejectReason> {
    value.as_deref().map(parse_reading).transpose()
}

/// Lines checked against the stored history: what to store and what was refused.
pub(super) struct Checked {
    readings: Vec<Reading>,
    intervals: Vec<Interval>,
    refusals: Refusals,
}

impl Checked {
    /// Lines to store.
    pub(super) fn accepted(&self) -> u64 {
        (self.readings.len() + self.intervals.len()) as u64
    }

    /// Lines refused.
    pub(super) fn rejected(&self) -> u64 {
        self.refusals.list.len() as u64
    }
}

/// Checks lines of readings (reading only: nothing is written, no lock is held).
pub(super) async fn check(ctx: &Ctx, source: &Source, lines: &Lines) -> Outcome<Checked> {
    let zone = ctx.config.time_zone;
    let today = ctx.clock.today(zone);
    let now = ctx.clock.seconds();
    let mut refusals = Refusals { locale: source.locale, list: Vec::new(), confirmed_jumps: Vec::new() };
    for (line, meter, reason) in &lines.rejected {
        refusals.add(*line, meter.as_deref(), *reason, None);
    }

    let mut conn = ctx.db.pool().acquire().await?;
    let wanted: Vec<&str> = lines
        .readings
        .iter()
        .map(|(_, r)| r.meter_no.trim())
        .chain(lines.intervals.iter().map(|(_, i)| i.meter_no.trim()))
        .collect();
    let meters = find_meters(&mut conn, &wanted, &source.regions).await?;

    // Register readings: parse, then check against the meter's history in date order.
    let mut parsed: Vec<Reading> = Vec::new();
    for (line, reading) in &lines.readings {
        let meter_no = reading.meter_no.trim();
        let Some(meter) = meters.get(meter_no) else {
            refusals.add(*line, Some(meter_no), RejectReason::UnknownMeter, None);
            continue;
        };
        let Some(day) = parse_day(&reading.read_on).filter(|d| *d <= today) else {
            refusals.add(*line, Some(meter_no), RejectReason::BadDate, Some(reading.read_on.clone()));
            continue;
        };
        let numbers = (|| {
            Ok::<_, RejectReason>(Reading {
                line: *line,
                meter_id: meter.id,
                day,
                active: parse_reading(&reading.active)?,
                peak: optional(&reading.peak)?,
                flat: optional(&reading.flat)?,
                valley: optional(&reading.valley)?,
                critical: optional(&reading.critical)?,
                reactive: optional(&reading.reactive)?,
                demand: optional(&reading.demand)?,
            })
        })();
        match numbers {
            Ok(r) => parsed.push(r),
            Err(reason) => refusals.add(*line, Some(meter_no), reason, Some(reading.active.clone())),
        }
    }
    let meter_nos: HashMap<i64, &str> = meters.iter().map(|(no, m)| (m.id, no.as_str())).collect();
    let readings = check_history(&mut conn, parsed, lines, ctx, &mut refusals, &meter_nos).await?;

    // Interval data: on a quarter hour, not in the future, once per meter and time.
    let mut intervals: Vec<Interval> = Vec::new();
    for (line, interval) in &lines.intervals {
        let meter_no = interval.meter_no.trim();
        let Some(meter) = meters.get(meter_no) else {
            refusals.add(*line, Some(meter_no), RejectReason::UnknownMeter, None);
            continue;
        };
        let starts_at = parse_interval_start(&interval.starts_at)
            .and_then(|local| zone.from_local_datetime(&local).earliest())
            .map(|t| t.timestamp())
            .filter(|t| t + 15 * 60 <= now);
        let Some(starts_at) = starts_at else {
            refusals.add(*line, Some(meter_no), RejectReason::BadDate, Some(interval.starts_at.clone()));
            continue;
        };
        match (parse_reading(&interval.kwh), optional(&interval.kvarh)) {
            (Ok(kwh), Ok(kvarh)) => intervals.push(Interval { line: *line, meter_id: meter.id, starts_at, kwh, kvarh }),
            (Err(reason), _) | (_, Err(reason)) => {
                refusals.add(*line, Some(meter_no), reason, Some(interval.kwh.clone()));
            }
        }
    }
    let intervals = drop_duplicate_intervals(&mut conn, intervals, &mut refusals, &meter_nos).await?;
    refusals.list.sort_by_key(|r| r.line);
    Ok(Checked { readings, intervals, refusals })
}

/// Stores checked lines under an import: the readings, the intervals, each refused line
/// with its reason, and an audit entry for each abnormal jump an operator confirmed.
pub(super) async fn store(
    ctx: &Ctx,
    tx: &mut AnyConnection,
    import_id: i64,
    source: &Source,
    checked: &Checked,
    now: i64,
) -> Outcome<()> {
    let rows: Vec<Vec<Cell>> = checked
        .refusals
        .list
        .iter()
        .map(|r| {
            vec![
                Cell::Int(Some(import_id)),
                Cell::Int(Some(r.line as i64)),
                Cell::Text(r.meter_no.clone()),
                Cell::Text(Some(r.reason.as_str().to_owned())),
                Cell::Text(Some(r.detail.clone())),
            ]
        })
        .collect();
    insert_rows(tx, "reading_rejections", &["import_id", "line_no", "meter_no", "reason", "detail"], rows).await?;
    let readings: Vec<DayReading> = checked
        .readings
        .iter()
        .map(|r| DayReading {
            meter_id: r.meter_id,
            day: r.day,
            active: r.active,
            peak: r.peak,
            flat: r.flat,
            valley: r.valley,
            critical: r.critical,
            reactive: r.reactive,
            demand: r.demand,
        })
        .collect();
    insert_day_readings(tx, &readings, source.kind, Some(import_id), now).await?;
    let rows: Vec<Vec<Cell>> = checked
        .intervals
        .iter()
        .map(|i| {
            vec![
                Cell::Int(Some(i.meter_id)),
                Cell::Int(Some(i.starts_at)),
                Cell::Int(Some(i.kwh)),
                Cell::Int(i.kvarh),
                Cell::Int(Some(import_id)),
            ]
        })
        .collect();
    insert_rows(tx, "interval_readings", &["meter_id", "starts_at", "kwh_milli", "kvarh_milli", "import_id"], rows)
        .await?;
    for (line, meter, day, context) in &checked.refusals.confirmed_jumps {
        let detail = json!({ "import": import_id, "line": line, "read_on": day, "jump": context });
        audit::record(ctx, tx, &source.actor, "readings.jump_confirmed", audit::Subject::Meter(meter), detail).await?;
    }
    Ok(())
}

/// Records an import of `lines` lines: finished with its counts (`done`), or queued for
/// the background worker (`None`). Answers its id.
pub(super) async fn record_import(
    tx: &mut AnyConnection,
    source: &Source,
    lines: u64,
    done: Option<(u64, u64)>,
    now: i64,
) -> Outcome<i64> {
    let (accepted, rejected) = done.unwrap_or((0, 0));
    let status = if done.is_some() { ImportStatus::Done } else { ImportStatus::Queued };
    let id = sqlx::query_scalar(
        "INSERT INTO reading_imports (source, file_name, actor, lines, accepted, rejected, created_at, regions,
                                      status, cursor, processed, finished_at, actor_id, actor_ip, language)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, $11, $12, $13, $14) RETURNING id",
    )
    .bind(source.kind.as_str())
    .bind(&source.file_name)
    .bind(&source.actor.label)
    .bind(lines as i64)
    .bind(accepted as i64)
    .bind(rejected as i64)
    .bind(now)
    .bind(stored_regions(&source.regions))
    .bind(status.as_str())
    .bind(if done.is_some() { lines as i64 } else { 0 })
    .bind(done.map(|_| now))
    .bind(source.actor.user_id)
    .bind(&source.actor.ip)
    .bind(source.locale.tag())
    .fetch_one(tx)
    .await?;
    Ok(id)
}

/// Checks and stores lines of readings at once, in one transaction (lines typed in or
/// posted as JSON, bounded by the body limit; files go through [`super::imports`]).
pub async fn import(ctx: &Ctx, source: Source, lines: Lines) -> Outcome<ImportResult> {
    let now = ctx.clock.seconds();
    let total = (lines.readings.len() + lines.intervals.len() + lines.rejected.len()) as u64;
    let checked = check(ctx, &source, &lines).await?;
    let accepted = checked.accepted();
    let mut tx = ctx.db.begin().await?;
    let import_id = record_import(&mut tx, &source, total, Some((accepted, checked.rejected())), now).await?;
    store(ctx, &mut tx, import_id, &source, &checked, now).await?;
    let detail = json!({
        "source": source.kind.as_str(),
        "file_name": source.file_name,
        "lines": total,
        "accepted": accepted,
        "rejected": checked.rejected(),
    });
    audit::record(ctx, &mut tx, &source.actor, "readings.import", audit::Subject::Import(import_id), detail).await?;
    tx.commit().await?;
    Ok(ImportResult { import_id, lines: total, accepted, rejected: checked.refusals.list })
}

/// The meters named, within the sender's regions, by number.
async fn find_meters(
    conn: &mut AnyConnection,
    numbers: &[&str],
    regions: &[String],
) -> Outcome<HashMap<String, Meter>> {
    let distinct: Vec<&str> =
        numbers.iter().copied().filter(|n| !n.is_empty()).collect::<HashSet<_>>().into_iter().collect();
    let mut meters = HashMap::new();
    for chunk in distinct.chunks(500) {
        let sql = format!(
            "SELECT m.id, m.meter_no, a.region FROM meters m JOIN electricity_accounts a ON a.id = m.account_id
              WHERE m.meter_no IN ({})",
            in_list(1, chunk.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for number in chunk {
            query = query.bind(*number);
        }
        for row in query.fetch_all(&mut *conn).await? {
            let region: String = row.try_get("region")?;
            if shared::roles::stations::covers(regions, &region) {
                meters.insert(row.try_get("meter_no")?, Meter { id: row.try_get("id")? });
            }
        }
    }
    Ok(meters)
}

/// One meter's readings by day, and the days its register was changed (with the new
/// register's first value).
#[derive(Default)]
struct History {
    readings: BTreeMap<NaiveDate, i64>,
    changes: BTreeMap<NaiveDate, i64>,
}

impl History {
    /// The value to compare a reading of `day` with from below: the latest reading
    /// before it, or a register change after that reading (its new start).
    fn floor(&self, day: NaiveDate) -> Option<(NaiveDate, i64)> {
        let previous = self.readings.range(..day).next_back().map(|(d, v)| (*d, *v));
        let change = self.changes.range(..=day).next_back().map(|(d, v)| (*d, *v));
        match (previous, change) {
            (Some(p), Some(c)) if c.0 > p.0 => Some(c),
            (None, Some(c)) => Some(c),
            (p, _) => p,
        }
    }

    /// The next reading after `day`, unless a register change comes first.
    fn ceiling(&self, day: NaiveDate) -> Option<(NaiveDate, i64)> {
        let next = self.readings.range(day.succ_opt()?..).next().map(|(d, v)| (*d, *v))?;
        let changed = self.changes.range(day.succ_opt()?..=next.0).next().is_some();
        (!changed).then_some(next)
    }

    /// The recent daily average (milli-kWh a day) from up to four readings before `day`
    /// with no register change among them; `None` with too little history.
    fn recent_daily(&self, day: NaiveDate) -> Option<(i64, i64)> {
        let recent: Vec<(NaiveDate, i64)> = self.readings.range(..day).rev().take(4).map(|(d, v)| (*d, *v)).collect();
        let (last, first) = (recent.first()?, recent.last()?);
        let days = (last.0 - first.0).num_days();
        let changed = self.changes.range(first.0..=day).next().is_some();
        (recent.len() >= 2 && days > 0 && !changed).then(|| ((last.1 - first.1) / days, days))
    }
}

/// A day's register readings of a meter, in thousandths (kWh, kvarh, kW).
#[derive(Debug, Clone, Copy)]
pub struct DayReading {
    /// The meter.
    pub meter_id: i64,
    /// The day read.
    pub day: NaiveDate,
    /// Total active energy register.
    pub active: i64,
    /// Peak register.
    pub peak: Option<i64>,
    /// Flat register.
    pub flat: Option<i64>,
    /// Valley register.
    pub valley: Option<i64>,
    /// Critical-peak register.
    pub critical: Option<i64>,
    /// Reactive energy register.
    pub reactive: Option<i64>,
    /// Maximum demand.
    pub demand: Option<i64>,
}

/// Writes day readings: the one place the `meter_readings` columns are listed (imports
/// and the demo data set both come here).
pub async fn insert_day_readings(
    conn: &mut AnyConnection,
    readings: &[DayReading],
    source: ReadingSource,
    import_id: Option<i64>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let rows: Vec<Vec<Cell>> = readings
        .iter()
        .map(|r| {
            vec![
                Cell::Int(Some(r.meter_id)),
                Cell::Text(Some(r.day.to_string())),
                Cell::Int(Some(r.active)),
                Cell::Int(r.peak),
                Cell::Int(r.flat),
                Cell::Int(r.valley),
                Cell::Int(r.critical),
                Cell::Int(r.reactive),
                Cell::Int(r.demand),
                Cell::Text(Some(source.as_str().to_owned())),
                Cell::Int(import_id),
                Cell::Int(Some(now)),
            ]
        })
        .collect();
    insert_rows(
        conn,
        "meter_readings",
        &[
            "meter_id",
            "read_on",
            "active_milli",
            "peak_milli",
            "flat_milli",
            "valley_milli",
            "critical_milli",
            "reactive_milli",
            "demand_milli",
            "source",
            "import_id",
            "created_at",
        ],
        rows,
    )
    .await
}

/// Checks register readings against the stored history and each other; answers those
/// to store.
async fn check_history(
    conn: &mut AnyConnection,
    mut parsed: Vec<Reading>,
    lines: &Lines,
    ctx: &Ctx,
    refusals: &mut Refusals,
    meter_nos: &HashMap<i64, &str>,
) -> Outcome<Vec<Reading>> {
    let Some(earliest) = parsed.iter().map(|r| r.day).min() else { return Ok(Vec::new()) };
    let since = (earliest - chrono::Days::new(400)).to_string();
    let ids: Vec<i64> = parsed.iter().map(|r| r.meter_id).collect::<HashSet<_>>().into_iter().collect();
    let mut histories: HashMap<i64, History> = HashMap::new();
    for chunk in ids.chunks(500) {
        let list = in_list(2, chunk.len());
        let readings = format!(
            "SELECT meter_id, read_on, active_milli FROM meter_readings WHERE read_on >= $1 AND meter_id IN ({list})"
        );
        let changes = format!(
            "SELECT meter_id, changed_on, start_milli FROM meter_changes WHERE changed_on >= $1 AND meter_id IN ({list})"
        );
        for (sql, is_change) in [(readings, false), (changes, true)] {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(&since);
            for id in chunk {
                query = query.bind(*id);
            }
            for row in query.fetch_all(&mut *conn).await? {
                let day_column = if is_change { "changed_on" } else { "read_on" };
                let value_column = if is_change { "start_milli" } else { "active_milli" };
                let day: String = row.try_get(day_column)?;
                let Ok(day) = day.parse::<NaiveDate>() else { continue };
                let history = histories.entry(row.try_get("meter_id")?).or_default();
                let map = if is_change { &mut history.changes } else { &mut history.readings };
                map.insert(day, row.try_get(value_column)?);
            }
        }
    }
    let factor = i64::from(ctx.config.reading_jump_factor);
    parsed.sort_by_key(|r| (r.meter_id, r.day, r.line));
    let mut accepted = Vec::new();
    for reading in parsed {
        let meter_no = meter_nos.get(&reading.meter_id).copied();
        let history = histories.entry(reading.meter_id).or_default();
        let shown = |milli: i64| from_milli(milli).to_string();
        if history.readings.contains_key(&reading.day) {
            refusals.add(reading.line, meter_no, RejectReason::Duplicate, Some(reading.day.to_string()));
            continue;
        }
        if let Some((day, value)) = history.floor(reading.day)
            && reading.active < value
        {
            let context = format!("{day}: {} > {}", shown(value), shown(reading.active));
            refusals.add(reading.line, meter_no, RejectReason::LowerThanLast, Some(context));
            continue;
        }
        if let Some((day, value)) = history.ceiling(reading.day)
            && reading.active > value
        {
            let context = format!("{day}: {} < {}", shown(value), shown(reading.active));
            refusals.add(reading.line, meter_no, RejectReason::HigherThanNext, Some(context));
            continue;
        }
        if let (Some((day, value)), Some((average, _))) =
            (history.floor(reading.day), history.recent_daily(reading.day))
        {
            let days = (reading.day - day).num_days().max(1);
            let daily = (reading.active - value) / days;
            if average > 0 && daily > average.saturating_mul(factor) {
                let context = format!("{} / {} kWh", shown(daily), shown(average));
                if !lines.confirm_jumps {
                    refusals.add(reading.line, meter_no, RejectReason::AbnormalJump, Some(context));
                    continue;
                }
                // The operator overrode the check: stored, and audited with the import.
                let meter = meter_no.unwrap_or_default().to_owned();
                refusals.confirmed_jumps.push((reading.line, meter, reading.day, context));
            }
        }
        history.readings.insert(reading.day, reading.active);
        accepted.push(reading);
    }
    Ok(accepted)
}

/// Drops intervals already stored or given twice.
async fn drop_duplicate_intervals(
    conn: &mut AnyConnection,
    mut intervals: Vec<Interval>,
    refusals: &mut Refusals,
    meter_nos: &HashMap<i64, &str>,
) -> Outcome<Vec<Interval>> {
    let (Some(first), Some(last)) =
        (intervals.iter().map(|i| i.starts_at).min(), intervals.iter().map(|i| i.starts_at).max())
    else {
        return Ok(Vec::new());
    };
    let ids: Vec<i64> = intervals.iter().map(|i| i.meter_id).collect::<HashSet<_>>().into_iter().collect();
    let mut seen: HashSet<(i64, i64)> = HashSet::new();
    for chunk in ids.chunks(500) {
        let sql = format!(
            "SELECT meter_id, starts_at FROM interval_readings WHERE starts_at BETWEEN $1 AND $2 AND meter_id IN ({})",
            in_list(3, chunk.len())
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(first).bind(last);
        for id in chunk {
            query = query.bind(*id);
        }
        for row in query.fetch_all(&mut *conn).await? {
            seen.insert((row.try_get("meter_id")?, row.try_get("starts_at")?));
        }
    }
    intervals.sort_by_key(|i| i.line);
    let mut accepted = Vec::with_capacity(intervals.len());
    for interval in intervals {
        if seen.insert((interval.meter_id, interval.starts_at)) {
            accepted.push(interval);
        } else {
            let meter_no = meter_nos.get(&interval.meter_id).copied();
            refusals.add(interval.line, meter_no, RejectReason::Duplicate, None);
        }
    }
    Ok(accepted)
}

/// An import's stations as stored: `,PD01,MH02,` (commas around each code, so one code is
/// found with `LIKE '%,' || code || ',%'`), or NULL for every station.
fn stored_regions(regions: &[String]) -> Option<String> {
    if regions.is_empty() {
        return None;
    }
    let mut sorted = regions.to_vec();
    sorted.sort();
    sorted.dedup();
    Some(format!(",{},", sorted.join(",")))
}
