//! Tariffs and their dated versions, edited by administrators. A version is checked
//! (structure, prices, tiers) and placed among the tariff's others in one transaction: it
//! may not overlap any, except that it closes the open-ended latest one the day before.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::json;
use shared::api::ErrorCode;
use shared::api::billing::{NewTariff, NewTariffVersion, TariffVersionView, TariffView};
use shared::tariff::versions::{self, VersionError};
use shared::tariff::{Tariff, TariffErrorKind, TariffVersion};
use shared::validation::{FieldError, Problem};
use sqlx::{AnyConnection, Row};

use super::sql::in_list;
use crate::context::Ctx;
use crate::services::{Actor, Fail, Outcome, audit};

fn field_error(field: &str, problem: Problem) -> Fail {
    Fail::Fields(vec![FieldError::new(field, problem)])
}

/// Every tariff with its versions, by code.
pub async fn list(ctx: &Ctx) -> Outcome<Vec<TariffView>> {
    let mut conn = ctx.db.pool().acquire().await?;
    let rows = sqlx::query("SELECT code, name_zh, name_en, for_class FROM tariffs ORDER BY code")
        .fetch_all(&mut *conn)
        .await?;
    let today = ctx.clock.today(ctx.config.time_zone);
    let mut views = Vec::with_capacity(rows.len());
    for row in rows {
        let code: String = row.try_get("code")?;
        let versions = version_views(&mut conn, &code).await?;
        let kind = versions
            .iter()
            .find(|v| v.effective_from <= today && v.effective_to.is_none_or(|to| today <= to))
            .or(versions.last())
            .map(|v| v.tariff.kind());
        views.push(TariffView {
            name_zh: row.try_get("name_zh")?,
            name_en: row.try_get("name_en")?,
            for_class: row.try_get("for_class")?,
            kind,
            versions,
            code,
        });
    }
    Ok(views)
}

async fn version_views(conn: &mut AnyConnection, code: &str) -> Outcome<Vec<TariffVersionView>> {
    let rows = sqlx::query(
        "SELECT id, effective_from, effective_to, body, created_by FROM tariff_versions WHERE tariff_code = $1
          ORDER BY effective_from",
    )
    .bind(code)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let (from, to, tariff) = version_of(row)?;
            Ok(TariffVersionView {
                id: row.try_get("id")?,
                effective_from: from,
                effective_to: to,
                tariff,
                created_by: row.try_get("created_by")?,
            })
        })
        .collect()
}

fn version_of(row: &sqlx::any::AnyRow) -> Outcome<(NaiveDate, Option<NaiveDate>, Tariff)> {
    let day =
        |text: String| text.parse::<NaiveDate>().map_err(|e| Fail::Internal(anyhow::anyhow!("stored day {text}: {e}")));
    let from = day(row.try_get("effective_from")?)?;
    let to = row.try_get::<Option<String>, _>("effective_to")?.map(day).transpose()?;
    let body: String = row.try_get("body")?;
    let tariff = serde_json::from_str(&body).map_err(|e| Fail::Internal(anyhow::anyhow!("stored tariff: {e}")))?;
    Ok((from, to, tariff))
}

/// The versions of tariffs, for billing.
pub async fn versions_of(conn: &mut AnyConnection, codes: &[&str]) -> Outcome<HashMap<String, Vec<TariffVersion>>> {
    let mut result: HashMap<String, Vec<TariffVersion>> = HashMap::new();
    if codes.is_empty() {
        return Ok(result);
    }
    let sql = format!(
        "SELECT tariff_code, effective_from, effective_to, body FROM tariff_versions WHERE tariff_code IN ({})
          ORDER BY effective_from",
        in_list(1, codes.len())
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for code in codes {
        query = query.bind(*code);
    }
    for row in query.fetch_all(&mut *conn).await? {
        let (effective_from, effective_to, tariff) = version_of(&row)?;
        result.entry(row.try_get("tariff_code")?).or_default().push(TariffVersion {
            effective_from,
            effective_to,
            tariff,
        });
    }
    Ok(result)
}

/// Adds a tariff (without versions yet).
pub async fn create(ctx: &Ctx, actor: &Actor, new: &NewTariff) -> Outcome<()> {
    let code = new.code.trim();
    let valid = (2..=40).contains(&code.len())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid {
        return Err(field_error("code", Problem::InvalidValue));
    }
    for (field, value) in [("name_zh", &new.name_zh), ("name_en", &new.name_en)] {
        if value.trim().is_empty() {
            return Err(field_error(field, Problem::Required));
        }
        if value.chars().count() > 100 {
            return Err(field_error(field, Problem::TooLong));
        }
    }
    let mut tx = ctx.db.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO tariffs (code, name_zh, name_en, for_class, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (code) DO NOTHING",
    )
    .bind(code)
    .bind(new.name_zh.trim())
    .bind(new.name_en.trim())
    .bind(new.for_class.as_deref().map(str::trim).filter(|c| !c.is_empty()))
    .bind(ctx.now())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Err(Fail::Code(ErrorCode::Conflict));
    }
    audit::record(
        ctx,
        &mut tx,
        actor,
        "tariff.create",
        audit::Subject::Tariff(code),
        json!({ "name_zh": new.name_zh, "name_en": new.name_en }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The field error for a refused tariff.
fn tariff_refusal(error: shared::tariff::TariffError) -> Fail {
    let problem = match error.kind {
        TariffErrorKind::Tiers(_) => Problem::TierBounds,
        TariffErrorKind::PeriodWithoutPrice
        | TariffErrorKind::StrayPeriodPrice
        | TariffErrorKind::ScheduleNot24Hours => Problem::PeriodPrices,
        TariffErrorKind::NegativePrice | TariffErrorKind::PriceTooHigh => Problem::OutOfRange,
        TariffErrorKind::SurchargeName => Problem::Required,
    };
    field_error(&format!("tariff.{}", error.field), problem)
}

/// Publishes a new version of a tariff, in force from today or a later day: prices are
/// never back-dated (`versions::not_backdated`).
pub async fn add_version(ctx: &Ctx, actor: &Actor, code: &str, new: &NewTariffVersion) -> Outcome<TariffVersionView> {
    let today = ctx.clock.today(ctx.config.time_zone);
    if versions::not_backdated(new.effective_from, today).is_err() {
        return Err(field_error("effective_from", Problem::BeforeToday));
    }
    place_version(ctx, actor, code, new).await
}

/// Records a version that was in force before the portal kept tariffs (the demo's history,
/// taken over from the utility's previous system): the one path that may start in the past,
/// never reachable from the API.
pub async fn import_history(
    ctx: &Ctx,
    actor: &Actor,
    code: &str,
    new: &NewTariffVersion,
) -> Outcome<TariffVersionView> {
    place_version(ctx, actor, code, new).await
}

async fn place_version(ctx: &Ctx, actor: &Actor, code: &str, new: &NewTariffVersion) -> Outcome<TariffVersionView> {
    new.tariff.check().map_err(tariff_refusal)?;
    let mut tx = ctx.db.begin().await?;
    let exists: Option<String> =
        sqlx::query_scalar("SELECT code FROM tariffs WHERE code = $1").bind(code).fetch_optional(&mut *tx).await?;
    if exists.is_none() {
        return Err(Fail::Code(ErrorCode::NotFound));
    }
    let rows = sqlx::query("SELECT id, effective_from, effective_to, body FROM tariff_versions WHERE tariff_code = $1 ORDER BY effective_from")
        .bind(code)
        .fetch_all(&mut *tx)
        .await?;
    let mut existing = Vec::with_capacity(rows.len());
    let mut ids = Vec::with_capacity(rows.len());
    for row in &rows {
        let (from, to, _) = version_of(row)?;
        existing.push((from, to));
        ids.push(row.try_get::<i64, _>("id")?);
    }
    let close = match versions::place(&existing, new.effective_from, new.effective_to) {
        Ok(close) => close,
        Err(VersionError::EndsBeforeStart) => return Err(field_error("effective_to", Problem::OutOfRange)),
        Err(VersionError::Overlaps { .. }) => return Err(field_error("effective_from", Problem::VersionOverlaps)),
        Err(VersionError::StartsBeforeToday) => return Err(field_error("effective_from", Problem::BeforeToday)),
    };
    if let Some((index, last_day)) = close {
        sqlx::query("UPDATE tariff_versions SET effective_to = $1 WHERE id = $2")
            .bind(last_day.to_string())
            .bind(ids[index])
            .execute(&mut *tx)
            .await?;
    }
    let body = serde_json::to_string(&new.tariff).map_err(|e| Fail::Internal(e.into()))?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO tariff_versions (tariff_code, effective_from, effective_to, body, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(code)
    .bind(new.effective_from.to_string())
    .bind(new.effective_to.map(|d| d.to_string()))
    .bind(&body)
    .bind(&actor.label)
    .bind(ctx.now())
    .fetch_one(&mut *tx)
    .await?;
    let detail = json!({
        "version": id,
        "effective_from": new.effective_from,
        "effective_to": new.effective_to,
        "closed": close.map(|(i, day)| json!({ "version": ids[i], "effective_to": day })),
    });
    audit::record(ctx, &mut tx, actor, "tariff.version", audit::Subject::Tariff(code), detail).await?;
    tx.commit().await?;
    Ok(TariffVersionView {
        id,
        effective_from: new.effective_from,
        effective_to: new.effective_to,
        tariff: new.tariff.clone(),
        created_by: actor.label.clone(),
    })
}
