//! What billing keeps on an account and its meters: the tariff and reading day, an
//! operator's hold on its bills, and meter changes (an exchanged meter or a reset register),
//! each audited.

use serde_json::json;
use shared::api::ErrorCode;
use shared::api::billing::{AccountBilling, AccountHold, MeterChange, parse_reading};
use shared::validation::{FieldError, Problem};
use sqlx::Row;

use super::{OPERATORS, region_allowed, workable_account};
use crate::context::Ctx;
use crate::services::sessions::SessionUser;
use crate::services::{Actor, Fail, Outcome, audit};

/// Sets an account's tariff and reading day.
pub async fn set_billing(
    ctx: &Ctx,
    actor: &Actor,
    user: &SessionUser,
    account_no: &str,
    new: &AccountBilling,
) -> Outcome<()> {
    if !(1..=28).contains(&new.reading_day) {
        return Err(Fail::Fields(vec![FieldError::new("reading_day", Problem::OutOfRange)]));
    }
    let mut tx = ctx.db.begin().await?;
    let account = workable_account(&mut tx, user, account_no).await?;
    let known: Option<String> = sqlx::query_scalar("SELECT code FROM tariffs WHERE code = $1")
        .bind(new.tariff_code.trim())
        .fetch_optional(&mut *tx)
        .await?;
    if known.is_none() {
        return Err(Fail::Fields(vec![FieldError::new("tariff_code", Problem::InvalidValue)]));
    }
    sqlx::query("UPDATE electricity_accounts SET tariff_code = $1, reading_day = $2 WHERE id = $3")
        .bind(new.tariff_code.trim())
        .bind(i64::from(new.reading_day))
        .bind(account.id)
        .execute(&mut *tx)
        .await?;
    let detail = json!({ "tariff": new.tariff_code.trim(), "reading_day": new.reading_day });
    audit::record(ctx, &mut tx, actor, "billing.account", audit::Subject::Account(&account.account_no), detail).await?;
    tx.commit().await?;
    Ok(())
}

/// Holds an account's next bills for review, or releases the hold.
pub async fn hold(ctx: &Ctx, actor: &Actor, user: &SessionUser, account_no: &str, hold: &AccountHold) -> Outcome<()> {
    let reason = hold.reason.as_deref().map(str::trim).filter(|_| hold.hold);
    if hold.hold && reason.is_none_or(|r| r.is_empty()) {
        return Err(Fail::Fields(vec![FieldError::new("reason", Problem::Required)]));
    }
    if reason.is_some_and(|r| r.chars().count() > 500) {
        return Err(Fail::Fields(vec![FieldError::new("reason", Problem::TooLong)]));
    }
    let mut tx = ctx.db.begin().await?;
    let account = workable_account(&mut tx, user, account_no).await?;
    sqlx::query("UPDATE electricity_accounts SET billing_hold = $1 WHERE id = $2")
        .bind(reason)
        .bind(account.id)
        .execute(&mut *tx)
        .await?;
    let action = if reason.is_some() { "billing.hold" } else { "billing.release_hold" };
    audit::record(
        ctx,
        &mut tx,
        actor,
        action,
        audit::Subject::Account(&account.account_no),
        json!({ "reason": reason }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records a meter change: the old register's last value and the new one's first.
pub async fn change_meter(
    ctx: &Ctx,
    actor: &Actor,
    user: &SessionUser,
    meter_no: &str,
    change: &MeterChange,
) -> Outcome<()> {
    let mut fields = Vec::new();
    let final_milli = parse_reading(&change.final_reading)
        .map_err(|_| fields.push(FieldError::new("final_reading", Problem::InvalidValue)))
        .ok();
    let start_milli = parse_reading(&change.start_reading)
        .map_err(|_| fields.push(FieldError::new("start_reading", Problem::InvalidValue)))
        .ok();
    if change.reason.trim().is_empty() {
        fields.push(FieldError::new("reason", Problem::Required));
    }
    if change.changed_on > ctx.clock.today(ctx.config.time_zone) {
        fields.push(FieldError::new("changed_on", Problem::OutOfRange));
    }
    let (Some(final_milli), Some(start_milli), true) = (final_milli, start_milli, fields.is_empty()) else {
        return Err(Fail::Fields(fields));
    };
    let mut tx = ctx.db.begin().await?;
    let row = sqlx::query(
        "SELECT m.id, a.region FROM meters m JOIN electricity_accounts a ON a.id = m.account_id WHERE m.meter_no = $1",
    )
    .bind(meter_no.trim())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else { return Err(Fail::Code(ErrorCode::NotFound)) };
    let region: String = row.try_get("region")?;
    if !user.holds(OPERATORS) || !region_allowed(user, &region) {
        return Err(Fail::Code(ErrorCode::NotFound));
    }
    let meter_id: i64 = row.try_get("id")?;
    let inserted = sqlx::query(
        "INSERT INTO meter_changes (meter_id, changed_on, final_milli, start_milli, reason, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (meter_id, changed_on) DO NOTHING",
    )
    .bind(meter_id)
    .bind(change.changed_on.to_string())
    .bind(final_milli)
    .bind(start_milli)
    .bind(change.reason.trim())
    .bind(&actor.label)
    .bind(ctx.clock.seconds())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        return Err(Fail::Code(ErrorCode::Conflict));
    }
    let detail = json!({ "changed_on": change.changed_on, "final": change.final_reading, "start": change.start_reading, "reason": change.reason.trim() });
    audit::record(ctx, &mut tx, actor, "meter.change", audit::Subject::Meter(meter_no.trim()), detail).await?;
    tx.commit().await?;
    Ok(())
}
