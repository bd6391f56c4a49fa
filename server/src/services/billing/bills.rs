//! Bills as customers and staff read them, and the corrections operators make: release a
//! held bill, cancel one with a credit note and compute it again, or leave an adjustment
//! for the account's next bill. An issued bill is never edited.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::json;
use shared::api::ErrorCode;
use shared::api::billing::{
    AdjustmentStatus, AdjustmentView, BillAction, BillDetail, BillLines, BillStatus, BillSummary, CreditNote, Metering,
    NewAdjustment, OrgBillRow, OrgBills, from_milli,
};
use shared::i18n::billing::{line as line_label, unit};
use shared::roles::UserKind;
use shared::validation::{FieldError, Problem};
use shared::{Locale, Money};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::compute::{Decision, Period, decide};
use super::inputs::{Loaded, account_lock};
use super::issue::{Issued, Target, notify_issued, store};
use super::{OPERATORS, Viewer, region_allowed, visible_account, workable_account};
use crate::context::Ctx;
use crate::services::csv_export::{Cell, CsvFile};
use crate::services::sessions::SessionUser;
use crate::services::{Actor, Fail, Outcome, audit, utc};

const SUMMARY_COLUMNS: &str =
    "b.id, a.account_no, b.period, b.period_from, b.period_to, b.energy_milli, b.total_fen, b.paid_fen,
     b.due_on, b.status, b.estimated, b.replaces";

fn day(text: &str) -> Outcome<NaiveDate> {
    text.parse().map_err(|e| Fail::Internal(anyhow::anyhow!("stored day {text}: {e}")))
}

fn summary_from_row(row: &AnyRow) -> Outcome<BillSummary> {
    Ok(BillSummary {
        id: row.try_get("id")?,
        account_no: row.try_get("account_no")?,
        period: row.try_get("period")?,
        period_from: day(&row.try_get::<String, _>("period_from")?)?,
        period_to: day(&row.try_get::<String, _>("period_to")?)?,
        energy_kwh: from_milli(row.try_get("energy_milli")?),
        total: Money::from_fen(row.try_get("total_fen")?),
        paid: Money::from_fen(row.try_get("paid_fen")?),
        due_on: day(&row.try_get::<String, _>("due_on")?)?,
        status: crate::db::decode::column(row, "bills", "id", "status")?,
        estimated: row.try_get::<i64, _>("estimated")? == 1,
        replaces: row.try_get("replaces")?,
    })
}

/// Whether the viewer sees held bills (staff do; customers only once issued).
fn sees_held(viewer: Viewer<'_>) -> bool {
    matches!(viewer, Viewer::User(user) if user.kind == UserKind::Staff)
}

/// An account's bills, newest first.
pub async fn for_account(ctx: &Ctx, viewer: Viewer<'_>, account_no: &str) -> Outcome<Vec<BillSummary>> {
    let mut conn = ctx.db.pool().acquire().await?;
    let account = visible_account(&mut conn, viewer, account_no).await?;
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM bills b JOIN electricity_accounts a ON a.id = b.account_id
          WHERE b.account_id = $1 AND (b.status <> 'held' OR $2 = 1) ORDER BY b.period_to DESC, b.id DESC LIMIT 60"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(account.id)
        .bind(i64::from(sees_held(viewer)))
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(summary_from_row).collect()
}

/// A bill with everything on it.
pub async fn detail(ctx: &Ctx, viewer: Viewer<'_>, id: i64) -> Outcome<BillDetail> {
    let mut conn = ctx.db.pool().acquire().await?;
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, a.holder_name, a.supply_address, b.tariff_code, b.metered, b.lines, b.issued_at,
                t.name_zh, t.name_en, c.amount_fen AS credit_fen, c.reason AS credit_reason, c.created_at AS credited_at,
                (SELECT r.id FROM bills r WHERE r.replaces = b.id) AS replaced_by
           FROM bills b JOIN electricity_accounts a ON a.id = b.account_id
           LEFT JOIN tariffs t ON t.code = b.tariff_code
           LEFT JOIN credit_notes c ON c.bill_id = b.id
          WHERE b.id = $1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *conn).await?;
    let Some(row) = row else { return Err(Fail::Code(ErrorCode::NotFound)) };
    let summary = summary_from_row(&row)?;
    visible_account(&mut conn, viewer, &summary.account_no).await?;
    if summary.status == BillStatus::Held && !sees_held(viewer) {
        return Err(Fail::Code(ErrorCode::NotFound));
    }
    let json = |column: &str| -> Outcome<String> { Ok(row.try_get::<String, _>(column)?) };
    let metering: Metering =
        serde_json::from_str(&json("metered")?).map_err(|e| Fail::Internal(anyhow::anyhow!("stored metering: {e}")))?;
    let lines: BillLines =
        serde_json::from_str(&json("lines")?).map_err(|e| Fail::Internal(anyhow::anyhow!("stored lines: {e}")))?;
    let credit_note = match row.try_get::<Option<i64>, _>("credit_fen")? {
        Some(fen) => Some(CreditNote {
            amount: Money::from_fen(fen),
            reason: row.try_get("credit_reason")?,
            created_at: utc(row.try_get("credited_at")?),
        }),
        None => None,
    };
    Ok(BillDetail {
        holder_name: row.try_get("holder_name")?,
        supply_address: row.try_get("supply_address")?,
        tariff_code: row.try_get("tariff_code")?,
        tariff_name_zh: row.try_get::<Option<String>, _>("name_zh")?.unwrap_or_default(),
        tariff_name_en: row.try_get::<Option<String>, _>("name_en")?.unwrap_or_default(),
        metering,
        lines,
        credit_note,
        replaced_by: row.try_get("replaced_by")?,
        issued_at: row.try_get::<Option<i64>, _>("issued_at")?.map(utc),
        summary,
    })
}

/// A bill's lines as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the
/// Chinese correctly), in the reader's language. Text cells (items, adjustment reasons) are
/// neutralised against formulas; amounts stay numbers (`csv_export`).
pub fn lines_csv(bill: &BillDetail, locale: Locale) -> Outcome<Vec<u8>> {
    let headers = match locale {
        Locale::Zh => ["账单号", "户号", "项目", "起始日期", "截止日期", "数量", "单位", "单价", "金额（元）"],
        Locale::En => ["Bill", "Account", "Item", "From", "To", "Quantity", "Unit", "Unit price", "Amount (yuan)"],
    };
    let mut file = CsvFile::new(&headers)?;
    let bill_no = bill.summary.id.to_string();
    let (bill_no, account_no) = (Cell::Text(&bill_no), Cell::Text(&bill.summary.account_no));
    for line in &bill.lines.charges {
        let label = line_label(locale, &line.kind);
        file.row(&[
            bill_no,
            account_no,
            Cell::Text(&label),
            Cell::Day(line.from),
            Cell::Day(line.to),
            Cell::Number(line.quantity.normalize()),
            Cell::Text(unit(locale, &line.kind)),
            Cell::Number(line.unit_price.normalize()),
            Cell::Yuan(line.amount.yuan()),
        ])?;
    }
    let adjustment = if locale == Locale::Zh { "退补" } else { "Adjustment" };
    let (from, to) = (Cell::Day(bill.summary.period_from), Cell::Day(bill.summary.period_to));
    for line in &bill.lines.adjustments {
        let label = format!("{adjustment}: {}", line.reason);
        let (empty, amount) = (Cell::Empty, Cell::Yuan(line.amount.yuan()));
        file.row(&[bill_no, account_no, Cell::Text(&label), from, to, empty, empty, empty, amount])?;
    }
    let total = Cell::Text(if locale == Locale::Zh { "合计" } else { "Total" });
    let empty = Cell::Empty;
    file.row(&[bill_no, account_no, total, empty, empty, empty, empty, empty, Cell::Yuan(bill.summary.total.yuan())])?;
    file.finish()
}

/// An organisation's accounts with their latest issued bills, and the totals.
pub async fn for_org(ctx: &Ctx, org_id: i64) -> Outcome<OrgBills> {
    let sql = format!(
        "SELECT a.account_no AS row_account, a.supply_address, {SUMMARY_COLUMNS}
           FROM electricity_accounts a
           LEFT JOIN bills b ON b.id = (SELECT l.id FROM bills l WHERE l.account_id = a.id AND l.status = 'issued'
                                         ORDER BY l.period_to DESC, l.id DESC LIMIT 1)
          WHERE a.org_id = $1 ORDER BY a.account_no"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org_id).fetch_all(ctx.db.pool()).await?;
    let mut result = OrgBills {
        rows: Vec::with_capacity(rows.len()),
        energy_kwh: Decimal::ZERO,
        total: Money::ZERO,
        outstanding: Money::ZERO,
    };
    for row in rows {
        let bill = match row.try_get::<Option<i64>, _>("id")? {
            Some(_) => Some(summary_from_row(&row)?),
            None => None,
        };
        if let Some(bill) = &bill {
            result.energy_kwh += bill.energy_kwh;
            result.total = result.total + bill.total;
            result.outstanding = result.outstanding + bill.outstanding();
        }
        result.rows.push(OrgBillRow {
            account_no: row.try_get("row_account")?,
            supply_address: row.try_get("supply_address")?,
            bill,
        });
    }
    Ok(result)
}

/// The organisation's table as CSV, in the reader's language (text cells neutralised
/// against formulas, amounts kept numbers: `csv_export`).
pub fn org_csv(table: &OrgBills, locale: Locale) -> Outcome<Vec<u8>> {
    let headers = match locale {
        Locale::Zh => ["户号", "用电地址", "账期", "电量（千瓦时）", "电费（元）", "已缴（元）", "缴费截止日", "状态"],
        Locale::En => {
            ["Account", "Supply address", "Period", "Energy (kWh)", "Amount (yuan)", "Paid (yuan)", "Due", "Status"]
        }
    };
    let mut file = CsvFile::new(&headers)?;
    for row in &table.rows {
        let mut cells = vec![Cell::Text(&row.account_no), Cell::Text(&row.supply_address)];
        match &row.bill {
            Some(b) => cells.extend([
                Cell::Text(&b.period),
                Cell::Number(b.energy_kwh),
                Cell::Yuan(b.total.yuan()),
                Cell::Yuan(b.paid.yuan()),
                Cell::Day(b.due_on),
                Cell::Text(shared::i18n::billing::bill_status(locale, b.status)),
            ]),
            None => cells.extend([Cell::Empty; 6]),
        }
        file.row(&cells)?;
    }
    let total = Cell::Text(if locale == Locale::Zh { "合计" } else { "Total" });
    let empty = Cell::Empty;
    file.row(&[
        total,
        empty,
        empty,
        Cell::Number(table.energy_kwh),
        Cell::Yuan(table.total.yuan()),
        empty,
        empty,
        empty,
    ])?;
    file.finish()
}

/// An operator's decision on a bill.
pub async fn act(ctx: &Ctx, actor: &Actor, user: &SessionUser, id: i64, action: &BillAction) -> Outcome<BillSummary> {
    let mut tx = ctx.db.begin().await?;
    let row = sqlx::query(
        "SELECT b.id, b.account_id, b.period, b.status, b.run_id, b.total_fen, b.due_on, a.account_no, a.region
           FROM bills b JOIN electricity_accounts a ON a.id = b.account_id WHERE b.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else { return Err(Fail::Code(ErrorCode::NotFound)) };
    let region: String = row.try_get("region")?;
    if !user.holds(OPERATORS) || !region_allowed(user, &region) {
        return Err(Fail::Code(ErrorCode::NotFound));
    }
    let status: BillStatus = crate::db::decode::column(&row, "bills", "id", "status")?;
    let account_id: i64 = row.try_get("account_id")?;
    let account_no: String = row.try_get("account_no")?;
    let label: String = row.try_get("period")?;
    let now = ctx.clock.seconds();
    let result_id = match action {
        BillAction::Release => {
            if status != BillStatus::Held {
                return Err(Fail::Code(ErrorCode::Conflict));
            }
            // Two operators may release at once: only the one whose update found the bill
            // still held issues it and tells its people.
            let released =
                sqlx::query("UPDATE bills SET status = 'issued', issued_at = $1 WHERE id = $2 AND status = 'held'")
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            if released.rows_affected() != 1 {
                return Err(Fail::Code(ErrorCode::Conflict));
            }
            let issued = Issued {
                bill_id: id,
                account_id,
                account_no: account_no.clone(),
                period: label.clone(),
                total: Money::from_fen(row.try_get("total_fen")?),
                due_on: day(&row.try_get::<String, _>("due_on")?)?,
            };
            notify_issued(ctx, &mut tx, &[issued]).await?;
            audit::record(
                ctx,
                &mut tx,
                actor,
                "bill.release",
                audit::Subject::Bill(id),
                json!({ "account": account_no }),
            )
            .await?;
            id
        }
        BillAction::CreditAndRebill { reason } => {
            let reason = reason.trim();
            if reason.is_empty() {
                return Err(Fail::Fields(vec![FieldError::new("reason", Problem::Required)]));
            }
            if status == BillStatus::Cancelled {
                return Err(Fail::Code(ErrorCode::Conflict));
            }
            let total: i64 = row.try_get("total_fen")?;
            sqlx::query("UPDATE bills SET status = 'cancelled' WHERE id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query(
                "INSERT INTO credit_notes (bill_id, amount_fen, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(-total)
            .bind(reason)
            .bind(&actor.label)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            // The cancelled bill's adjustments go to the rebill.
            sqlx::query("UPDATE billing_adjustments SET bill_id = NULL WHERE bill_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let new_id = rebill(&mut tx, ctx, id, account_id, &label, row.try_get("run_id")?).await?;
            let detail = json!({ "account": account_no, "credited": -total, "reason": reason, "rebill": new_id });
            audit::record(ctx, &mut tx, actor, "bill.credit_and_rebill", audit::Subject::Bill(id), detail).await?;
            new_id
        }
    };
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM bills b JOIN electricity_accounts a ON a.id = b.account_id WHERE b.id = $1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(result_id).fetch_one(&mut *tx).await?;
    let summary = summary_from_row(&row)?;
    tx.commit().await?;
    Ok(summary)
}

/// Computes a cancelled bill again from the readings and tariffs stored now, as an issued
/// rebill; answers its id. Fails, and so keeps the bill, if it cannot be computed.
async fn rebill(
    conn: &mut AnyConnection,
    ctx: &Ctx,
    replaces: i64,
    account_id: i64,
    label: &str,
    run_id: Option<i64>,
) -> Outcome<i64> {
    // Locked on PostgreSQL like a run chunk's accounts: one transaction bills an account at a time.
    let sql = format!(
        "SELECT id, account_no, tariff_code, contracted_kva, billing_hold, org_id, reading_day FROM electricity_accounts
          WHERE id = $1{}",
        account_lock(ctx)
    );
    let account = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(account_id).fetch_all(&mut *conn).await?;
    let reading_day: i64 = account.first().map(|r| r.try_get("reading_day")).transpose()?.unwrap_or(1);
    let period = shared::api::billing::parse_period(label)
        .and_then(|month| Period::new(month, u32::try_from(reading_day).ok()?))
        .ok_or_else(|| Fail::Internal(anyhow::anyhow!("bill period {label}")))?;
    let loaded = Loaded::load(conn, &account, &period, ctx).await?;
    let Some(row) = loaded.accounts.first() else { return Err(Fail::Code(ErrorCode::NotFound)) };
    let mut bill = match decide(&loaded.input(row, ctx), &period) {
        Decision::Bill(bill) => *bill,
        Decision::Exception(_, detail) => {
            tracing::info!(replaces, %detail, "rebill refused");
            return Err(Fail::Code(ErrorCode::StepNotAllowed));
        }
    };
    // The operator has just reviewed it.
    bill.held = false;
    let target = Target { period: &period, run_id, replaces: Some(replaces) };
    let issued = store(conn, ctx, &target, &loaded, &[(account_id, bill)], &[]).await?;
    let Some(new) = issued.first() else { return Err(Fail::Code(ErrorCode::Conflict)) };
    notify_issued(ctx, conn, &issued).await?;
    Ok(new.bill_id)
}

/// Bills an account a run listed with no reading, once its reading has come in (from the
/// run's exception list). Refused when the period is billed already, or when a later
/// period's bill carries its energy (both `Conflict`: no kWh is billed twice), and when it
/// still cannot be computed (`StepNotAllowed`). The bill belongs to the run and is counted
/// in it; it is held if a hold or a large change calls for it, as in the run.
pub async fn bill_exception(
    ctx: &Ctx,
    actor: &Actor,
    user: &SessionUser,
    run_id: i64,
    account_no: &str,
) -> Outcome<BillSummary> {
    let mut tx = ctx.db.begin().await?;
    let account = workable_account(&mut tx, user, account_no).await?;
    let run = sqlx::query("SELECT period, reading_day FROM billing_runs WHERE id = $1")
        .bind(run_id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(run) = run else { return Err(Fail::Code(ErrorCode::NotFound)) };
    let listed: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM billing_exceptions WHERE run_id = $1 AND account_id = $2 AND kind = 'no_reading'",
    )
    .bind(run_id)
    .bind(account.id)
    .fetch_optional(&mut *tx)
    .await?;
    if listed.is_none() {
        return Err(Fail::Code(ErrorCode::NotFound));
    }
    let label: String = run.try_get("period")?;
    let reading_day: i64 = run.try_get("reading_day")?;
    let period = shared::api::billing::parse_period(&label)
        .and_then(|month| Period::new(month, u32::try_from(reading_day).ok()?))
        .ok_or_else(|| Fail::Internal(anyhow::anyhow!("run period {label}")))?;
    // The account's row first (locked on PostgreSQL), then what is billed of it.
    let sql = format!(
        "SELECT id, account_no, tariff_code, contracted_kva, billing_hold, org_id FROM electricity_accounts WHERE id = $1{}",
        account_lock(ctx)
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(account.id).fetch_all(&mut *tx).await?;
    let billed: Option<i64> =
        sqlx::query_scalar("SELECT id FROM bills WHERE account_id = $1 AND period = $2 AND replaces IS NULL")
            .bind(account.id)
            .bind(&label)
            .fetch_optional(&mut *tx)
            .await?;
    if billed.is_some() {
        return Err(Fail::Code(ErrorCode::Conflict));
    }
    let loaded = Loaded::load(&mut tx, &rows, &period, ctx).await?;
    if loaded.later.contains(&account.id) {
        // A later bill opened where the last one closed: this period's energy is in it.
        return Err(Fail::Code(ErrorCode::Conflict));
    }
    let Some(row) = loaded.accounts.first() else { return Err(Fail::Code(ErrorCode::NotFound)) };
    let bill = match decide(&loaded.input(row, ctx), &period) {
        Decision::Bill(bill) => *bill,
        Decision::Exception(_, detail) => {
            tracing::info!(run = run_id, account = %account.account_no, %detail, "exception still not billable");
            return Err(Fail::Code(ErrorCode::StepNotAllowed));
        }
    };
    let held = i64::from(bill.held);
    // The run lists what else it notices now (estimated, held…); "no reading" is listed.
    let exceptions: Vec<_> = bill
        .exceptions
        .iter()
        .filter(|(kind, _)| *kind != shared::api::billing::ExceptionKind::NoReading)
        .map(|(kind, detail)| (account.id, *kind, detail.clone()))
        .collect();
    let target = Target { period: &period, run_id: Some(run_id), replaces: None };
    let issued = store(&mut tx, ctx, &target, &loaded, &[(account.id, bill)], &exceptions).await?;
    sqlx::query(
        "UPDATE billing_runs SET bills = bills + 1, held = held + $1, exceptions = exceptions + $2 WHERE id = $3",
    )
    .bind(held)
    .bind(exceptions.len() as i64)
    .bind(run_id)
    .execute(&mut *tx)
    .await?;
    notify_issued(ctx, &mut tx, &issued).await?;
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM bills b JOIN electricity_accounts a ON a.id = b.account_id
          WHERE b.account_id = $1 AND b.period = $2 AND b.replaces IS NULL"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(account.id).bind(&label).fetch_one(&mut *tx).await?;
    let summary = summary_from_row(&row)?;
    let detail = json!({ "run": run_id, "period": label, "bill": summary.id, "total_fen": summary.total.to_fen() });
    audit::record(ctx, &mut tx, actor, "billing.exception.bill", audit::Subject::Account(&account.account_no), detail)
        .await?;
    tx.commit().await?;
    Ok(summary)
}

/// Leaves a refund or back-billing for an account's next bill; above the approval
/// threshold it waits, pending, for a second operator (`adjustments::decide`).
pub async fn adjust(ctx: &Ctx, actor: &Actor, user: &SessionUser, new: &NewAdjustment) -> Outcome<AdjustmentView> {
    let (fen, reason) = new.validate().map_err(Fail::Fields)?;
    let mut tx = ctx.db.begin().await?;
    let account = workable_account(&mut tx, user, &new.account_no).await?;
    let status = AdjustmentStatus::on_request(Money::from_fen(fen), ctx.config.adjustment_approval_threshold());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO billing_adjustments (account_id, amount_fen, reason, created_by, created_at, status, requested_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(account.id)
    .bind(fen)
    .bind(reason)
    .bind(&actor.label)
    .bind(ctx.clock.seconds())
    .bind(status.as_str())
    .bind(user.user_id)
    .fetch_one(&mut *tx)
    .await?;
    let detail = json!({ "account": account.account_no, "amount_fen": fen, "reason": reason, "status": status });
    audit::record(ctx, &mut tx, actor, "billing.adjustment", audit::Subject::Adjustment(id), detail).await?;
    let row = sqlx::query(
        "SELECT ad.id, a.account_no, ad.amount_fen, ad.reason, ad.status, ad.created_by, ad.created_at, ad.decided_by_label
           FROM billing_adjustments ad JOIN electricity_accounts a ON a.id = ad.account_id WHERE ad.id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let view = super::adjustments::view_from_row(&row)?;
    tx.commit().await?;
    Ok(view)
}
