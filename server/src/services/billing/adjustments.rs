//! Four eyes on refunds and back-billing: an adjustment above the configured amount
//! (`GRIDHALL_ADJUSTMENT_APPROVAL_ABOVE`) is stored pending; another billing operator of
//! the account's supply station approves or rejects it, recorded in the audit log in the
//! same transaction; only an approved one is carried by a bill. The database refuses a
//! decision by the requester and a pending or rejected adjustment on a bill (migration 0005).

use serde_json::json;
use shared::Money;
use shared::api::ErrorCode;
use shared::api::billing::{AdjustmentDecision, AdjustmentStatus, AdjustmentView};
use sqlx::Row;
use sqlx::any::AnyRow;

use super::{OPERATORS, region_allowed};
use crate::context::Ctx;
use crate::services::sessions::SessionUser;
use crate::services::{Actor, Fail, Outcome, audit, utc};

const COLUMNS: &str =
    "ad.id, a.account_no, a.region, ad.amount_fen, ad.reason, ad.status, ad.created_by, ad.created_at,
     ad.requested_by, ad.decided_by_label";

/// An adjustment row (selected with [`COLUMNS`]) as the API shows it.
pub(super) fn view_from_row(row: &AnyRow) -> Outcome<AdjustmentView> {
    let status: String = row.try_get("status")?;
    Ok(AdjustmentView {
        id: row.try_get("id")?,
        account_no: row.try_get("account_no")?,
        amount: Money::from_fen(row.try_get("amount_fen")?),
        reason: row.try_get("reason")?,
        status: status.parse().map_err(|_| Fail::Internal(anyhow::anyhow!("adjustment status {status}")))?,
        requested_by: row.try_get("created_by")?,
        requested_at: utc(row.try_get("created_at")?),
        decided_by: row.try_get("decided_by_label")?,
    })
}

fn is_operator(user: &SessionUser) -> bool {
    user.holds(OPERATORS)
}

/// The adjustments waiting for a second operator in the caller's supply stations, oldest
/// first (the caller's own among them, marked by `requested_by`, for them to follow).
pub async fn pending(ctx: &Ctx, user: &SessionUser) -> Outcome<Vec<AdjustmentView>> {
    if !is_operator(user) {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {COLUMNS} FROM billing_adjustments ad JOIN electricity_accounts a ON a.id = ad.account_id
          WHERE ad.status = 'pending' ORDER BY ad.id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(ctx.db.pool()).await?;
    let mut views = Vec::new();
    for row in &rows {
        if region_allowed(user, &row.try_get::<String, _>("region")?) {
            views.push(view_from_row(row)?);
        }
    }
    Ok(views)
}

/// A second operator approves or rejects a pending adjustment. Someone else's only
/// (`OwnRequest` otherwise); once (`Conflict` when already decided, also when two decide
/// at once: the update is conditional on the row still pending).
pub async fn decide(
    ctx: &Ctx,
    actor: &Actor,
    user: &SessionUser,
    id: i64,
    decision: AdjustmentDecision,
) -> Outcome<AdjustmentView> {
    let mut tx = ctx.db.begin().await?;
    let select = format!(
        "SELECT {COLUMNS} FROM billing_adjustments ad JOIN electricity_accounts a ON a.id = ad.account_id WHERE ad.id = $1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(select.clone())).bind(id).fetch_optional(&mut *tx).await?;
    let Some(row) = row else { return Err(Fail::Code(ErrorCode::NotFound)) };
    if !is_operator(user) || !region_allowed(user, &row.try_get::<String, _>("region")?) {
        return Err(Fail::Code(ErrorCode::NotFound));
    }
    let before = view_from_row(&row)?;
    if before.status != AdjustmentStatus::Pending {
        return Err(Fail::Code(ErrorCode::Conflict));
    }
    if row.try_get::<Option<i64>, _>("requested_by")? == Some(user.user_id) {
        return Err(Fail::Code(ErrorCode::OwnRequest));
    }
    let status = match decision {
        AdjustmentDecision::Approve => AdjustmentStatus::Approved,
        AdjustmentDecision::Reject => AdjustmentStatus::Rejected,
    };
    let decided = sqlx::query(
        "UPDATE billing_adjustments SET status = $1, decided_by = $2, decided_by_label = $3, decided_at = $4
          WHERE id = $5 AND status = 'pending'",
    )
    .bind(status.as_str())
    .bind(user.user_id)
    .bind(&actor.label)
    .bind(ctx.clock.seconds())
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if decided != 1 {
        return Err(Fail::Code(ErrorCode::Conflict));
    }
    let detail = json!({
        "account": before.account_no,
        "amount_fen": before.amount.to_fen(),
        "reason": before.reason,
        "requested_by": before.requested_by,
    });
    audit::record(
        ctx,
        &mut tx,
        actor,
        &format!("billing.adjustment.{decision}"),
        audit::Subject::Adjustment(id),
        detail,
    )
    .await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(select)).bind(id).fetch_one(&mut *tx).await?;
    let view = view_from_row(&row)?;
    tx.commit().await?;
    Ok(view)
}
