//! Issuing bills: storing what a run or a single bill computed (bills, lines, exceptions,
//! the adjustments they carry) and telling the account holders.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use shared::Money;
use shared::api::ErrorCode;
use shared::api::billing::ExceptionKind;
use shared::roles::Notice;
use sqlx::{AnyConnection, Row};

use super::compute::{NewBill, Period};
use super::sql::{Cell, in_list, insert_returning, insert_rows};
use crate::context::Ctx;
use crate::services::notices::{Email, notify};
use crate::services::{Fail, Outcome};

use super::inputs::*;
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
