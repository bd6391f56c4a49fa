//! Usage as customers see it: energy by month beside the same month a year before, by
//! day, a day's 15-minute load curve, the position in this year's tiers, and what the last
//! twelve bills would have cost on each tariff the account may choose.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, TimeZone};
use rust_decimal::Decimal;
use shared::Money;
use shared::api::billing::{
    DayUsage, LoadCurve, LoadPoint, Metering, MonthUsage, TariffOption, TierPosition, UsageView, from_milli,
};
use shared::tariff::intervals::INTERVAL_MINUTES;
use shared::tariff::power_factor::power_factor;
use shared::tariff::versions::in_force;
use shared::tariff::{BillRequest, EnergyPricing, TierBasis, calculate};
use sqlx::Row;

use super::compute::Period;
use super::tariffs::versions_of;
use super::{Viewer, visible_account};
use crate::context::Ctx;
use crate::services::{Fail, Outcome};

/// An account's usage.
pub async fn usage(ctx: &Ctx, viewer: Viewer<'_>, account_no: &str) -> Outcome<UsageView> {
    let mut conn = ctx.db.pool().acquire().await?;
    let account = visible_account(&mut conn, viewer, account_no).await?;
    let zone = ctx.config.time_zone;
    let today = ctx.clock.today(zone);
    let info = sqlx::query(
        "SELECT customer_class, tariff_code, reading_day, contracted_kva FROM electricity_accounts WHERE id = $1",
    )
    .bind(account.id)
    .fetch_one(&mut *conn)
    .await?;
    let class: String = info.try_get("customer_class")?;
    let current: Option<String> = info.try_get("tariff_code")?;
    let capacity: Option<i64> = info.try_get("contracted_kva")?;

    // Bills of the last two years, the newest valid one per period.
    let rows = sqlx::query(
        "SELECT period, period_from, period_to, energy_milli, total_fen, metered FROM bills
          WHERE account_id = $1 AND status = 'issued' ORDER BY period, id",
    )
    .bind(account.id)
    .fetch_all(&mut *conn)
    .await?;
    let mut bills: BTreeMap<String, (NaiveDate, NaiveDate, i64, i64, String)> = BTreeMap::new();
    for row in rows {
        let day = |column: &str| -> Outcome<NaiveDate> {
            let text: String = row.try_get(column)?;
            text.parse().map_err(|e| Fail::Internal(anyhow::anyhow!("stored day {text}: {e}")))
        };
        bills.insert(
            row.try_get("period")?,
            (
                day("period_from")?,
                day("period_to")?,
                row.try_get("energy_milli")?,
                row.try_get("total_fen")?,
                row.try_get("metered")?,
            ),
        );
    }
    let reading_day = u32::try_from(info.try_get::<i64, _>("reading_day")?).unwrap_or(1);
    let mut months = Vec::new();
    // The twelve periods before the one running now.
    let running = Period::new(today, reading_day)
        .filter(|p| p.from <= today)
        .or_else(|| today.checked_sub_months(chrono::Months::new(1)).and_then(|m| Period::new(m, reading_day)));
    if let Some(running) = running {
        for back in (1..=12).rev() {
            let Some(month) = running.from.checked_sub_months(chrono::Months::new(back)) else { continue };
            let label = month.format("%Y-%m").to_string();
            let last_year = month.checked_sub_months(chrono::Months::new(12)).map(|m| m.format("%Y-%m").to_string());
            let bill = bills.get(&label);
            months.push(MonthUsage {
                period: label,
                kwh: bill.map(|b| from_milli(b.2)),
                last_year_kwh: last_year.and_then(|l| bills.get(&l)).map(|b| from_milli(b.2)),
                amount: bill.map(|b| Money::from_fen(b.3)),
            });
        }
    }

    let meters = sqlx::query("SELECT id, multiplier, interval_data FROM meters WHERE account_id = $1")
        .bind(account.id)
        .fetch_all(&mut *conn)
        .await?;
    let since = today - chrono::Days::new(91);
    let mut by_day: BTreeMap<NaiveDate, Decimal> = BTreeMap::new();
    let mut interval_data = false;
    for meter in &meters {
        let id: i64 = meter.try_get("id")?;
        let multiplier: i64 = meter.try_get("multiplier")?;
        if meter.try_get::<i64, _>("interval_data")? == 1 {
            interval_data = true;
            let start = zone
                .from_local_datetime(&since.and_hms_opt(0, 0, 0).unwrap_or_default())
                .earliest()
                .map(|t| t.timestamp());
            let rows = sqlx::query(
                "SELECT starts_at, kwh_milli FROM interval_readings WHERE meter_id = $1 AND starts_at >= $2",
            )
            .bind(id)
            .bind(start.unwrap_or_default())
            .fetch_all(&mut *conn)
            .await?;
            for row in rows {
                let Some(at) = chrono::DateTime::from_timestamp(row.try_get("starts_at")?, 0) else { continue };
                let kwh = from_milli(row.try_get::<i64, _>("kwh_milli")?.saturating_mul(multiplier));
                *by_day.entry(at.with_timezone(&zone).date_naive()).or_default() += kwh;
            }
        } else {
            // Daily register readings: the difference between consecutive days.
            let rows = sqlx::query("SELECT read_on, active_milli FROM meter_readings WHERE meter_id = $1 AND read_on >= $2 ORDER BY read_on")
                .bind(id)
                .bind(since.to_string())
                .fetch_all(&mut *conn)
                .await?;
            let mut previous: Option<(NaiveDate, i64)> = None;
            for row in rows {
                let text: String = row.try_get("read_on")?;
                let Ok(day) = text.parse::<NaiveDate>() else { continue };
                let value: i64 = row.try_get("active_milli")?;
                if let Some((last_day, last)) = previous
                    && (day - last_day).num_days() == 1
                    && value >= last
                {
                    *by_day.entry(last_day).or_default() += from_milli((value - last).saturating_mul(multiplier));
                }
                previous = Some((day, value));
            }
        }
    }
    let days = by_day.into_iter().filter(|(d, _)| *d < today).map(|(day, kwh)| DayUsage { day, kwh }).collect();

    // Tiers and the comparison need the tariffs.
    let candidates: Vec<(String, String, String)> =
        sqlx::query("SELECT code, name_zh, name_en FROM tariffs WHERE for_class = $1 OR code = $2 ORDER BY code")
            .bind(&class)
            .bind(current.as_deref().unwrap_or(""))
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("code")?, r.try_get("name_zh")?, r.try_get("name_en")?)))
            .collect::<Result<_, sqlx::Error>>()?;
    let codes: Vec<&str> = candidates.iter().map(|c| c.0.as_str()).collect();
    let versions = versions_of(&mut conn, &codes).await?;
    let tier =
        match current.as_ref().and_then(|c| versions.get(c)).and_then(|v| in_force(v, today)).map(|v| &v.tariff.energy)
        {
            Some(EnergyPricing::Tiered { basis: TierBasis::Annual, tiers, .. }) => {
                let used: Option<i64> = sqlx::query_scalar(
                    "SELECT CAST(SUM(u.kwh_milli) AS BIGINT) FROM bill_tier_usage u JOIN bills b ON b.id = u.bill_id
                  WHERE u.account_id = $1 AND u.year = $2 AND b.status <> 'cancelled'",
                )
                .bind(account.id)
                .bind(i64::from(today.year()))
                .fetch_one(&mut *conn)
                .await?;
                let used = from_milli(used.unwrap_or(0));
                let (tier, tier_bound_kwh) = tiers.position(used);
                Some(TierPosition {
                    year: today.year(),
                    used_kwh: used,
                    tier,
                    tier_bound_kwh,
                    bounds: tiers.as_slice().iter().filter_map(|t| t.up_to_kwh).collect(),
                })
            }
            _ => None,
        };
    let recent: Vec<&(NaiveDate, NaiveDate, i64, i64, String)> = bills.values().rev().take(12).collect();
    let mut comparison = Vec::new();
    for (code, name_zh, name_en) in candidates {
        let cost = match versions.get(&code) {
            Some(versions) => compare(versions, &recent, capacity),
            None => None,
        };
        comparison.push(TariffOption {
            current: current.as_deref() == Some(code.as_str()),
            code,
            name_zh,
            name_en,
            cost,
            bills: recent.len() as u32,
        });
    }
    comparison.sort_by_key(|o| o.cost.map_or(Decimal::MAX, |c| c.yuan()));
    Ok(UsageView { account_no: account.account_no, months, days, interval_data, tier, comparison })
}

/// The cost of the bills' energy on a tariff, oldest bill first, with its tier years.
fn compare(
    versions: &[shared::tariff::TariffVersion],
    recent: &[&(NaiveDate, NaiveDate, i64, i64, String)],
    capacity: Option<i64>,
) -> Option<Money> {
    if recent.is_empty() {
        return None;
    }
    let mut tier_years: BTreeMap<i32, Decimal> = BTreeMap::new();
    let mut total = Money::ZERO;
    for (from, to, _, _, metered) in recent.iter().rev() {
        let metering: Metering = serde_json::from_str(metered).ok()?;
        let request = BillRequest {
            from: *from,
            to: *to,
            versions,
            metered: &metering.metered,
            capacity_kva: capacity.map(Decimal::from),
            tier_years: &tier_years,
        };
        let calculation = calculate(&request).ok()?;
        for (year, kwh) in calculation.tier_years {
            *tier_years.entry(year).or_default() += kwh;
        }
        total = total + calculation.total;
    }
    Some(total)
}

/// A day's load curve of an interval-metered account.
pub async fn load_curve(ctx: &Ctx, viewer: Viewer<'_>, account_no: &str, day: NaiveDate) -> Outcome<LoadCurve> {
    let mut conn = ctx.db.pool().acquire().await?;
    let account = visible_account(&mut conn, viewer, account_no).await?;
    let zone = ctx.config.time_zone;
    let midnight = |d: NaiveDate| {
        d.and_hms_opt(0, 0, 0).and_then(|t| zone.from_local_datetime(&t).earliest()).map(|t| t.timestamp())
    };
    let (Some(start), Some(end)) = (midnight(day), day.succ_opt().and_then(midnight)) else {
        return Err(Fail::Code(shared::api::ErrorCode::BadRequest));
    };
    let rows = sqlx::query(
        "SELECT i.starts_at, i.kwh_milli, i.kvarh_milli, m.multiplier FROM interval_readings i JOIN meters m ON m.id = i.meter_id
          WHERE m.account_id = $1 AND i.starts_at >= $2 AND i.starts_at < $3 ORDER BY i.starts_at",
    )
    .bind(account.id)
    .bind(start)
    .bind(end)
    .fetch_all(&mut *conn)
    .await?;
    // Several meters add up per interval.
    let mut by_time: BTreeMap<i64, (Decimal, Decimal, bool)> = BTreeMap::new();
    for row in rows {
        let multiplier: i64 = row.try_get("multiplier")?;
        let entry = by_time.entry(row.try_get("starts_at")?).or_default();
        entry.0 += from_milli(row.try_get::<i64, _>("kwh_milli")?.saturating_mul(multiplier));
        if let Some(kvarh) = row.try_get::<Option<i64>, _>("kvarh_milli")? {
            entry.1 += from_milli(kvarh.saturating_mul(multiplier));
            entry.2 = true;
        }
    }
    let per_hour = Decimal::from(60 / INTERVAL_MINUTES);
    let mut points = Vec::with_capacity(by_time.len());
    let (mut kwh, mut kvarh, mut reactive) = (Decimal::ZERO, Decimal::ZERO, false);
    let mut max: Option<(Decimal, String)> = None;
    for (at, (energy, reactive_energy, has_reactive)) in by_time {
        let time = chrono::DateTime::from_timestamp(at, 0)
            .map(|t| t.with_timezone(&zone).format("%H:%M").to_string())
            .unwrap_or_default();
        let kw = energy * per_hour;
        if max.as_ref().is_none_or(|(highest, _)| kw > *highest) {
            max = Some((kw, time.clone()));
        }
        kwh += energy;
        kvarh += reactive_energy;
        reactive |= has_reactive;
        points.push(LoadPoint { time, kw });
    }
    let power_factor = if reactive { power_factor(kwh, kvarh) } else { None };
    Ok(LoadCurve { day, points, kwh, max_demand: max, power_factor })
}
