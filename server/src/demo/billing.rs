//! Demo billing: the domain brief's tariff set, a meter on every demo account (residential
//! tiered, residential with time-of-use registers, a business on time of use, and two
//! large-industry sites on the two-part tariff, one with 15-minute interval data), twelve
//! months of readings, and the bills of those months made by real billing runs with the
//! clock set back to each month's run day.

use chrono::{Datelike, Duration, NaiveDate, TimeZone};
use shared::api::billing::{NewTariff, NewTariffVersion};
use shared::tariff::defaults;

use crate::context::Ctx;
use crate::services::Actor;
use crate::services::billing::compute::Period;
use crate::services::billing::readings::{DayReading, insert_day_readings};
use crate::services::billing::run::{self, Settings};
use crate::services::billing::sql::{Cell, insert_rows};
use crate::services::billing::tariffs;
use shared::api::billing::ReadingSource;

/// `(code, Chinese name, English name, class that may choose it)` of the demo tariffs.
const TARIFFS: [(&str, &str, &str, Option<&str>); 5] = [
    ("residential-tiered", "居民生活阶梯电价", "Residential, tiered", Some("residential")),
    ("residential-tiered-tou", "居民生活阶梯分时电价", "Residential, tiered with time of use", Some("residential")),
    ("business-tou", "一般工商业分时电价", "Business, time of use", Some("low_voltage")),
    ("business-flat", "一般工商业单一制电价", "Business, single rate", Some("low_voltage")),
    ("large-industry", "大工业两部制电价", "Large industry, two-part", Some("high_voltage")),
];

/// How a demo meter is read and billed.
#[derive(Clone, Copy)]
struct DemoMeter {
    account_no: &'static str,
    meter_no: &'static str,
    multiplier: i64,
    interval_data: bool,
    tariff: &'static str,
    capacity_kva: Option<i64>,
    /// kWh a month before the multiplier, on average.
    monthly: i64,
    /// Registers by period and reactive energy.
    registers: bool,
}

const METERS: [DemoMeter; 6] = [
    DemoMeter {
        account_no: "3100012345",
        meter_no: "E3100012345",
        multiplier: 1,
        interval_data: false,
        tariff: "residential-tiered",
        capacity_kva: None,
        monthly: 260,
        registers: false,
    },
    DemoMeter {
        account_no: "3100012346",
        meter_no: "E3100012346",
        multiplier: 1,
        interval_data: false,
        tariff: "residential-tiered-tou",
        capacity_kva: None,
        monthly: 180,
        registers: true,
    },
    DemoMeter {
        account_no: "3100012347",
        meter_no: "E3100012347",
        multiplier: 1,
        interval_data: false,
        tariff: "residential-tiered",
        capacity_kva: None,
        monthly: 420,
        registers: false,
    },
    DemoMeter {
        account_no: "3200000001",
        meter_no: "E3200000001",
        multiplier: 40,
        interval_data: true,
        tariff: "large-industry",
        capacity_kva: Some(800),
        monthly: 6_000,
        registers: true,
    },
    DemoMeter {
        account_no: "3200000002",
        meter_no: "E3200000002",
        multiplier: 80,
        interval_data: false,
        tariff: "large-industry",
        capacity_kva: Some(630),
        monthly: 2_500,
        registers: true,
    },
    DemoMeter {
        account_no: "3200000003",
        meter_no: "E3200000003",
        multiplier: 1,
        interval_data: false,
        tariff: "business-tou",
        capacity_kva: None,
        monthly: 1_800,
        registers: true,
    },
];

fn actor() -> Actor {
    Actor { user_id: None, label: "demo".to_owned(), ip: "local".to_owned() }
}

/// Seasonal weight of a month (summer cooling, winter heating), in percent.
fn season(month: u32) -> i64 {
    [112, 105, 92, 85, 90, 110, 135, 140, 112, 88, 92, 108][(month as usize + 11) % 12]
}

/// A small deterministic wobble, so months and days differ without a random generator.
fn wobble(seed: i64) -> i64 {
    (seed.wrapping_mul(2_654_435_761) >> 7).rem_euclid(21) - 10
}

/// Adds the demo tariffs (from 1 January 2025) and a meter, tariff and reading day on
/// every demo account; what exists is left alone.
pub async fn install(ctx: &Ctx) -> anyhow::Result<()> {
    let actor = actor();
    let from = NaiveDate::from_ymd_opt(2025, 1, 1).ok_or_else(|| anyhow::anyhow!("date"))?;
    for ((code, zh, en, class), (default_code, tariff)) in TARIFFS.iter().zip(defaults::all()) {
        debug_assert_eq!(*code, default_code);
        let exists: Option<String> = sqlx::query_scalar("SELECT code FROM tariffs WHERE code = $1")
            .bind(code)
            .fetch_optional(ctx.db.pool())
            .await?;
        if exists.is_some() {
            continue;
        }
        let new = NewTariff {
            code: (*code).into(),
            name_zh: (*zh).into(),
            name_en: (*en).into(),
            for_class: class.map(Into::into),
        };
        tariffs::create(ctx, &actor, &new).await.map_err(|e| anyhow::anyhow!("demo tariff {code}: {e:?}"))?;
        let version = NewTariffVersion { effective_from: from, effective_to: None, tariff };
        tariffs::import_history(ctx, &actor, code, &version)
            .await
            .map_err(|e| anyhow::anyhow!("demo tariff {code}: {e:?}"))?;
    }
    let since = from.and_hms_opt(0, 0, 0).map_or(0, |t| t.and_utc().timestamp());
    let mut tx = ctx.db.begin().await?;
    for meter in METERS {
        let account: Option<i64> = sqlx::query_scalar("SELECT id FROM electricity_accounts WHERE account_no = $1")
            .bind(meter.account_no)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(account_id) = account else { continue };
        // The demo's customers were supplied long before the portal: their accounts date
        // from the tariffs' first day, so every period since can be billed.
        sqlx::query(
            "UPDATE electricity_accounts SET tariff_code = COALESCE(tariff_code, $1), reading_day = 1,
                    contracted_kva = COALESCE(contracted_kva, $2),
                    created_at = CASE WHEN created_at > $4 THEN $4 ELSE created_at END WHERE id = $3",
        )
        .bind(meter.tariff)
        .bind(meter.capacity_kva)
        .bind(account_id)
        .bind(since)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO meters (meter_no, account_id, multiplier, installed_at, interval_data) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (meter_no) DO NOTHING",
        )
        .bind(meter.meter_no)
        .bind(account_id)
        .bind(meter.multiplier)
        .bind(ctx.clock.seconds())
        .bind(i64::from(meter.interval_data))
        .execute(&mut *tx)
        .await?;
    }
    // Accounts opened by the demo's connection applications get their class's tariff.
    for (class, tariff) in
        [("residential", "residential-tiered"), ("low_voltage", "business-flat"), ("high_voltage", "large-industry")]
    {
        sqlx::query(
            "UPDATE electricity_accounts SET tariff_code = $1 WHERE tariff_code IS NULL AND customer_class = $2",
        )
        .bind(tariff)
        .bind(class)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Installs the demo billing and, unless bills exist already, twelve months of readings
/// and bills. Answers the bills made.
pub async fn load(ctx: &Ctx) -> anyhow::Result<u64> {
    install(ctx).await?;
    let existing: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bills").fetch_one(ctx.db.pool()).await?;
    if existing > 0 {
        return Ok(0);
    }
    let zone = ctx.config.time_zone;
    let today = ctx.clock.today(zone);
    let this_month = today.with_day(1).ok_or_else(|| anyhow::anyhow!("date"))?;
    let first = this_month.checked_sub_months(chrono::Months::new(13)).ok_or_else(|| anyhow::anyhow!("date"))?;
    readings(ctx, first, today, this_month).await?;
    // Each month's run on the 2nd, as the schedule would; the clock is put back after. Last
    // month's period is left to the schedule (or an operator): one demo meter's closing
    // reading for it has not come in yet.
    let mut bills = 0;
    let offset_before = ctx.clock.offset();
    for months_ago in (2..=13).rev() {
        let month =
            this_month.checked_sub_months(chrono::Months::new(months_ago)).ok_or_else(|| anyhow::anyhow!("date"))?;
        let Some(period) = Period::new(month, 1) else { continue };
        let run_day = period.closing_day() + Duration::days(1);
        let at = zone
            .from_local_datetime(&run_day.and_hms_opt(9, 0, 0).ok_or_else(|| anyhow::anyhow!("time"))?)
            .earliest()
            .ok_or_else(|| anyhow::anyhow!("time"))?;
        ctx.clock.set(at.timestamp());
        run::start(ctx, &actor(), &shared::api::billing::StartRun { period: period.label.clone(), reading_day: 1 })
            .await
            .map_err(|e| anyhow::anyhow!("demo run {}: {e:?}", period.label))?;
        while run::work_one(ctx, "demo", &Settings::default()).await.map_err(|e| anyhow::anyhow!("demo run: {e:?}"))? {}
        let made: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM bills WHERE period = $1")
            .bind(&period.label)
            .fetch_one(ctx.db.pool())
            .await?;
        bills += made.max(0) as u64;
    }
    ctx.clock.set_offset(offset_before);
    // Bills before the latest were paid (payments are not in the portal yet).
    sqlx::query("UPDATE bills SET paid_fen = total_fen WHERE status = 'issued' AND period < $1")
        .bind(
            this_month
                .checked_sub_months(chrono::Months::new(1))
                .map(|m| m.format("%Y-%m").to_string())
                .unwrap_or_default(),
        )
        .execute(ctx.db.pool())
        .await?;
    Ok(bills)
}

/// The demo meter whose readings stop at last month's first day: last month's closing
/// reading is for an operator to import.
pub const AWAITING_READING: &str = "E3100012347";

/// Daily register readings from `first` to `last` (today's is the latest; for
/// [`AWAITING_READING`] last month's first day), and 15-minute data for the
/// interval-metered site over the same span.
async fn readings(ctx: &Ctx, first: NaiveDate, last: NaiveDate, this_month: NaiveDate) -> anyhow::Result<()> {
    let zone = ctx.config.time_zone;
    let now = ctx.clock.seconds();
    let mut tx = ctx.db.begin().await?;
    for (index, meter) in METERS.iter().enumerate() {
        let Some(meter_id) = sqlx::query_scalar::<_, i64>("SELECT id FROM meters WHERE meter_no = $1")
            .bind(meter.meter_no)
            .fetch_optional(&mut *tx)
            .await?
        else {
            continue;
        };
        if meter.interval_data {
            intervals(&mut tx, meter_id, first, last, zone).await?;
            continue;
        }
        // Smart meters freeze their registers daily (日冻结): a reading a day, cumulative, in
        // thousandths of a kWh.
        let (mut active, mut peak, mut valley, mut reactive) = (1_000_000 * (index as i64 + 3), 0i64, 0i64, 0i64);
        let mut rows = Vec::new();
        let mut day = first;
        let last = match meter.meter_no {
            AWAITING_READING => this_month.checked_sub_months(chrono::Months::new(1)).unwrap_or(last),
            _ => last,
        };
        while day <= last {
            let weekend = day.weekday().number_from_monday() > 5;
            let lift = if weekend == meter.capacity_kva.is_none() { 115 } else { 90 };
            let used = meter.monthly * 1000 * 12 / 365 * season(day.month()) / 100
                * (100 + wobble(day.ordinal() as i64 * 7 + index as i64))
                / 100
                * lift
                / 100;
            let registers = meter.registers;
            rows.push(DayReading {
                meter_id,
                day,
                active,
                peak: registers.then_some(peak),
                flat: registers.then_some(active - peak - valley),
                valley: registers.then_some(valley),
                critical: None,
                reactive: registers.then_some(reactive),
                demand: None,
            });
            active += used;
            peak += used * 35 / 100;
            valley += used * 30 / 100;
            reactive += used * 45 / 100;
            day = day.succ_opt().ok_or_else(|| anyhow::anyhow!("date"))?;
        }
        insert_day_readings(&mut tx, &rows, ReadingSource::Demo, None, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A factory's load: two shifts on weekdays, a skeleton crew at night and at weekends.
async fn intervals(
    conn: &mut sqlx::AnyConnection,
    meter_id: i64,
    first: NaiveDate,
    last: NaiveDate,
    zone: chrono_tz::Tz,
) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    let mut day = first;
    while day < last {
        let weekday = day.weekday().number_from_monday() <= 5;
        for quarter in 0..96i64 {
            let hour = quarter / 4;
            let base = match (weekday, hour) {
                (true, 8..=11 | 13..=17) => 100,
                (true, 7 | 12 | 18..=21) => 70,
                (true, _) => 25,
                (false, 9..=16) => 35,
                (false, _) => 20,
            };
            // Per interval before the multiplier, in thousandths: base % of 2.6 kWh.
            let kwh = base * 26 * (100 + wobble(day.ordinal() as i64 * 96 + quarter)) / 100 * season(day.month()) / 100;
            let Some(local) = day.and_hms_opt(0, 0, 0) else { continue };
            let Some(start) = zone.from_local_datetime(&(local + Duration::minutes(15 * quarter))).earliest() else {
                continue;
            };
            rows.push(vec![
                Cell::Int(Some(meter_id)),
                Cell::Int(Some(start.timestamp())),
                Cell::Int(Some(kwh)),
                Cell::Int(Some(kwh * 42 / 100)),
            ]);
        }
        day = day.succ_opt().ok_or_else(|| anyhow::anyhow!("date"))?;
    }
    insert_rows(conn, "interval_readings", &["meter_id", "starts_at", "kwh_milli", "kvarh_milli"], rows).await?;
    Ok(())
}
