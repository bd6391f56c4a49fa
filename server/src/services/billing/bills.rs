//! Bills as customers and staff read them, and the corrections operators make: release a
//! held bill, cancel one with a credit note and compute it again, or leave an adjustment
//! for the account's next bill. An issued bill is never edited.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::json;
use shared::api::ErrorCode;
use shared::api::billing::{
    BillAction, BillDetail, BillLines, BillStatus, BillSummary, CreditNote, Metering, NewAdjustment, OrgBillRow,
    OrgBills, from_milli,
};
use shared::i18n::billing::{line as line_label, unit};
use shared::roles::UserKind;
use shared::validation::{FieldError, Problem};
use shared::{Locale, Money};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::compute::{Decision, Period, decide};
use super::run::{Issued, Loaded, Target, notify_issued, store};
use super::{OPERATORS, Viewer, region_allowed, visible_account, workable_account};
use crate::services::sessions::SessionUser;
use crate::services::{Actor, Fail, Outcome, audit, utc};
use crate::state::AppState;

const SUMMARY_COLUMNS: &str =
    "b.id, a.account_no, b.period, b.period_from, b.period_to, b.energy_milli, b.total_fen, b.paid_fen,
     b.due_on, b.status, b.estimated, b.replaces";

fn day(text: &str) -> Outcome<NaiveDate> {
    text.parse().map_err(|e| Fail::Internal(anyhow::anyhow!("stored day {text}: {e}")))
}

fn summary_from_row(row: &AnyRow) -> Outcome<BillSummary> {
    let status: String = row.try_get("status")?;
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
        status: status.parse().unwrap_or(BillStatus::Held),
        estimated: row.try_get::<i64, _>("estimated")? == 1,
        replaces: row.try_get("replaces")?,
    })
}

/// Whether the viewer sees held bills (staff do; customers only once issued).
fn sees_held(viewer: Viewer<'_>) -> bool {
    matches!(viewer, Viewer::User(user) if user.kind == UserKind::Staff)
}

/// An account's bills, newest first.
pub async fn for_account(state: &AppState, viewer: Viewer<'_>, account_no: &str) -> Outcome<Vec<BillSummary>> {
    let mut conn = state.db.pool().acquire().await?;
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
pub async fn detail(state: &AppState, viewer: Viewer<'_>, id: i64) -> Outcome<BillDetail> {
    let mut conn = state.db.pool().acquire().await?;
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

/// A CSV writer whose output starts with a byte-order mark, so spreadsheet programs read
/// the Chinese as UTF-8.
fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec())
}

/// A bill's lines as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the
/// Chinese correctly), in the reader's language.
pub fn lines_csv(bill: &BillDetail, locale: Locale) -> Outcome<Vec<u8>> {
    let headers = match locale {
        Locale::Zh => ["账单号", "户号", "项目", "起始日期", "截止日期", "数量", "单位", "单价", "金额（元）"],
        Locale::En => ["Bill", "Account", "Item", "From", "To", "Quantity", "Unit", "Unit price", "Amount (yuan)"],
    };
    let mut writer = csv_writer();
    let fail = |e: csv::Error| Fail::Internal(e.into());
    writer.write_record(headers).map_err(fail)?;
    let bill_no = bill.summary.id.to_string();
    for line in &bill.lines.charges {
        writer
            .write_record([
                bill_no.as_str(),
                &bill.summary.account_no,
                &line_label(locale, &line.kind),
                &line.from.to_string(),
                &line.to.to_string(),
                &line.quantity.normalize().to_string(),
                unit(locale, &line.kind),
                &line.unit_price.normalize().to_string(),
                &format!("{:.2}", line.amount.yuan()),
            ])
            .map_err(fail)?;
    }
    let adjustment = if locale == Locale::Zh { "退补" } else { "Adjustment" };
    for line in &bill.lines.adjustments {
        let label = format!("{adjustment}: {}", line.reason);
        let from = bill.summary.period_from.to_string();
        let to = bill.summary.period_to.to_string();
        let amount = format!("{:.2}", line.amount.yuan());
        writer
            .write_record([bill_no.as_str(), &bill.summary.account_no, &label, &from, &to, "", "", "", &amount])
            .map_err(fail)?;
    }
    let total = if locale == Locale::Zh { "合计" } else { "Total" };
    let amount = format!("{:.2}", bill.summary.total.yuan());
    writer
        .write_record([bill_no.as_str(), &bill.summary.account_no, total, "", "", "", "", "", &amount])
        .map_err(fail)?;
    writer.into_inner().map_err(|e| Fail::Internal(anyhow::anyhow!("csv: {e}")))
}

/// An organisation's accounts with their latest issued bills, and the totals.
pub async fn for_org(state: &AppState, org_id: i64) -> Outcome<OrgBills> {
    let sql = format!(
        "SELECT a.account_no AS row_account, a.supply_address, {SUMMARY_COLUMNS}
           FROM electricity_accounts a
           LEFT JOIN bills b ON b.id = (SELECT l.id FROM bills l WHERE l.account_id = a.id AND l.status = 'issued'
                                         ORDER BY l.period_to DESC, l.id DESC LIMIT 1)
          WHERE a.org_id = $1 ORDER BY a.account_no"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(org_id).fetch_all(state.db.pool()).await?;
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

/// The organisation's table as CSV, in the reader's language.
pub fn org_csv(table: &OrgBills, locale: Locale) -> Outcome<Vec<u8>> {
    let headers = match locale {
        Locale::Zh => ["户号", "用电地址", "账期", "电量（千瓦时）", "电费（元）", "已缴（元）", "缴费截止日", "状态"],
        Locale::En => {
            ["Account", "Supply address", "Period", "Energy (kWh)", "Amount (yuan)", "Paid (yuan)", "Due", "Status"]
        }
    };
    let mut writer = csv_writer();
    let fail = |e: csv::Error| Fail::Internal(e.into());
    writer.write_record(headers).map_err(fail)?;
    for row in &table.rows {
        let cells: [String; 6] = match &row.bill {
            Some(b) => [
                b.period.clone(),
                b.energy_kwh.to_string(),
                format!("{:.2}", b.total.yuan()),
                format!("{:.2}", b.paid.yuan()),
                b.due_on.to_string(),
                shared::i18n::billing::bill_status(locale, b.status).to_owned(),
            ],
            None => Default::default(),
        };
        let mut record = vec![row.account_no.clone(), row.supply_address.clone()];
        record.extend(cells);
        writer.write_record(&record).map_err(fail)?;
    }
    let total = if locale == Locale::Zh { "合计" } else { "Total" };
    writer
        .write_record([total, "", "", &table.energy_kwh.to_string(), &format!("{:.2}", table.total.yuan()), "", "", ""])
        .map_err(fail)?;
    writer.into_inner().map_err(|e| Fail::Internal(anyhow::anyhow!("csv: {e}")))
}

/// An operator's decision on a bill.
pub async fn act(
    state: &AppState,
    actor: &Actor,
    user: &SessionUser,
    id: i64,
    action: &BillAction,
) -> Outcome<BillSummary> {
    let mut tx = state.db.begin().await?;
    let row = sqlx::query(
        "SELECT b.id, b.account_id, b.period, b.status, b.run_id, b.total_fen, b.due_on, a.account_no, a.region
           FROM bills b JOIN electricity_accounts a ON a.id = b.account_id WHERE b.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else { return Err(Fail::Code(ErrorCode::NotFound)) };
    let region: String = row.try_get("region")?;
    if !OPERATORS.iter().any(|r| user.has_role(*r)) || !region_allowed(user, &region) {
        return Err(Fail::Code(ErrorCode::NotFound));
    }
    let status: BillStatus = row.try_get::<String, _>("status")?.parse().unwrap_or(BillStatus::Cancelled);
    let account_id: i64 = row.try_get("account_id")?;
    let account_no: String = row.try_get("account_no")?;
    let label: String = row.try_get("period")?;
    let now = state.clock.seconds();
    let result_id = match action {
        BillAction::Release => {
            if status != BillStatus::Held {
                return Err(Fail::Code(ErrorCode::Conflict));
            }
            sqlx::query("UPDATE bills SET status = 'issued', issued_at = $1 WHERE id = $2 AND status = 'held'")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let issued = Issued {
                bill_id: id,
                account_id,
                account_no: account_no.clone(),
                period: label.clone(),
                total: Money::from_fen(row.try_get("total_fen")?),
                due_on: day(&row.try_get::<String, _>("due_on")?)?,
            };
            notify_issued(&mut tx, &state.config.public_url(), &[issued]).await?;
            audit::record(&mut tx, actor, "bill.release", &format!("bill:{id}"), json!({ "account": account_no }))
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
            let new_id = rebill(&mut tx, state, id, account_id, &label, row.try_get("run_id")?).await?;
            let detail = json!({ "account": account_no, "credited": -total, "reason": reason, "rebill": new_id });
            audit::record(&mut tx, actor, "bill.credit_and_rebill", &format!("bill:{id}"), detail).await?;
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
    state: &AppState,
    replaces: i64,
    account_id: i64,
    label: &str,
    run_id: Option<i64>,
) -> Outcome<i64> {
    let account = sqlx::query(
        "SELECT id, account_no, tariff_code, contracted_kva, billing_hold, org_id, reading_day FROM electricity_accounts WHERE id = $1",
    )
    .bind(account_id)
    .fetch_all(&mut *conn)
    .await?;
    let reading_day: i64 = account.first().map(|r| r.try_get("reading_day")).transpose()?.unwrap_or(1);
    let period = shared::api::billing::parse_period(label)
        .and_then(|month| Period::new(month, u32::try_from(reading_day).ok()?))
        .ok_or_else(|| Fail::Internal(anyhow::anyhow!("bill period {label}")))?;
    let loaded = Loaded::load(conn, &account, &period, state).await?;
    let Some(row) = loaded.accounts.first() else { return Err(Fail::Code(ErrorCode::NotFound)) };
    let mut bill = match decide(&loaded.input(row, state), &period) {
        Decision::Bill(bill) => *bill,
        Decision::Exception(_, detail) => {
            tracing::info!(replaces, %detail, "rebill refused");
            return Err(Fail::Code(ErrorCode::StepNotAllowed));
        }
    };
    // The operator has just reviewed it.
    bill.held = false;
    let target = Target { period: &period, run_id, replaces: Some(replaces) };
    let issued = store(conn, state, &target, &loaded, &[(account_id, bill)], &[]).await?;
    let Some(new) = issued.first() else { return Err(Fail::Code(ErrorCode::Conflict)) };
    notify_issued(conn, &state.config.public_url(), &issued).await?;
    Ok(new.bill_id)
}

/// Leaves a refund or back-billing for an account's next bill.
pub async fn adjust(state: &AppState, actor: &Actor, user: &SessionUser, new: &NewAdjustment) -> Outcome<i64> {
    let reason = new.reason.trim();
    let mut fields = Vec::new();
    let fen =
        new.amount.to_fen().filter(|f| *f != 0 && f.abs() <= 100_000_000 && new.amount == new.amount.round_to_fen());
    if fen.is_none() {
        fields.push(FieldError::new("amount", Problem::InvalidAmount));
    }
    if reason.is_empty() {
        fields.push(FieldError::new("reason", Problem::Required));
    } else if reason.chars().count() > 500 {
        fields.push(FieldError::new("reason", Problem::TooLong));
    }
    let Some(fen) = fen.filter(|_| fields.is_empty()) else { return Err(Fail::Fields(fields)) };
    let mut tx = state.db.begin().await?;
    let account = workable_account(&mut tx, user, &new.account_no).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO billing_adjustments (account_id, amount_fen, reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5)
         RETURNING id",
    )
    .bind(account.id)
    .bind(fen)
    .bind(reason)
    .bind(&actor.label)
    .bind(state.clock.seconds())
    .fetch_one(&mut *tx)
    .await?;
    let detail = json!({ "adjustment": id, "amount_fen": fen, "reason": reason });
    audit::record(&mut tx, actor, "billing.adjustment", &format!("account:{}", account.account_no), detail).await?;
    tx.commit().await?;
    Ok(id)
}
