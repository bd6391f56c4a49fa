//! Meter readings, tariffs, billing runs and bills (domain brief §4).
//!
//! Who sees what: a customer the accounts linked to their login, an enterprise user or
//! token their organisation's, staff who read bills the accounts of their regions. Anyone
//! else is told the account or bill does not exist.

pub mod accounts;
pub mod adjustments;
pub mod bills;
pub mod compute;
pub mod imports;
pub mod inputs;
pub mod integration;
pub mod issue;
pub mod pdf;
pub mod readings;
pub mod readings_file;
pub mod run;
pub mod sql;
pub mod tariffs;
pub mod usage;

use shared::api::ErrorCode;
use shared::roles::{StaffRole, UserKind};
use sqlx::{AnyConnection, Row};

use super::sessions::{SessionUser, TokenCaller};
use super::{Fail, Outcome};

/// Staff who read bills and readings (`shared::roles::can::READ_BILLS`).
pub const READERS: &[StaffRole] = shared::roles::can::READ_BILLS;

/// Staff who import readings, run billing and correct bills (`can::OPERATE_BILLING`).
pub const OPERATORS: &[StaffRole] = shared::roles::can::OPERATE_BILLING;

/// Who is asking.
#[derive(Clone, Copy)]
pub enum Viewer<'a> {
    /// A logged-in person.
    User(&'a SessionUser),
    /// An enterprise's API token.
    Token(&'a TokenCaller),
}

/// An account someone may see.
#[derive(Debug, Clone)]
pub struct AccountRef {
    /// Its row.
    pub id: i64,
    /// Its number.
    pub account_no: String,
    /// Its supply station.
    pub region: String,
}

/// Whether staff may act in a region (`shared::roles::stations`: an empty list is every
/// region).
pub fn region_allowed(user: &SessionUser, region: &str) -> bool {
    user.reaches(Some(region))
}

/// Whether a viewer may see an account with this owner and region.
pub fn may_see(viewer: Viewer<'_>, linked: bool, org_id: Option<i64>, region: &str) -> bool {
    match viewer {
        Viewer::Token(token) => org_id == Some(token.org_id),
        Viewer::User(user) => match user.kind {
            UserKind::Customer => linked,
            UserKind::Enterprise => org_id.is_some() && user.org.map(|(org, _)| org) == org_id,
            UserKind::Staff => user.holds(READERS) && region_allowed(user, region),
        },
    }
}

fn viewer_user(viewer: Viewer<'_>) -> i64 {
    match viewer {
        Viewer::User(user) => user.user_id,
        Viewer::Token(_) => 0,
    }
}

/// Finds an account the viewer may see; `NotFound` otherwise.
pub async fn visible_account(conn: &mut AnyConnection, viewer: Viewer<'_>, account_no: &str) -> Outcome<AccountRef> {
    let row = sqlx::query(
        "SELECT a.id, a.account_no, a.region, a.org_id,
                EXISTS (SELECT 1 FROM account_links l WHERE l.account_id = a.id AND l.user_id = $2) AS linked
           FROM electricity_accounts a WHERE a.account_no = $1",
    )
    .bind(account_no.trim())
    .bind(viewer_user(viewer))
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Err(Fail::Code(ErrorCode::NotFound)) };
    let region: String = row.try_get("region")?;
    let linked = row.try_get::<bool, _>("linked").or_else(|_| row.try_get::<i64, _>("linked").map(|n| n != 0))?;
    if !may_see(viewer, linked, row.try_get("org_id")?, &region) {
        return Err(Fail::Code(ErrorCode::NotFound));
    }
    Ok(AccountRef { id: row.try_get("id")?, account_no: row.try_get("account_no")?, region })
}

/// Finds an account a staff member may work on (billing operators in their regions).
pub async fn workable_account(conn: &mut AnyConnection, user: &SessionUser, account_no: &str) -> Outcome<AccountRef> {
    let row = sqlx::query("SELECT id, account_no, region FROM electricity_accounts WHERE account_no = $1")
        .bind(account_no.trim())
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Err(Fail::Code(ErrorCode::NotFound)) };
    let region: String = row.try_get("region")?;
    if !user.holds(OPERATORS) || !region_allowed(user, &region) {
        return Err(Fail::Code(ErrorCode::NotFound));
    }
    Ok(AccountRef { id: row.try_get("id")?, account_no: row.try_get("account_no")?, region })
}

/// The regions a staff member works in, for filtering imports (empty: all).
pub fn regions_of(user: &SessionUser) -> Vec<String> {
    user.regions.clone()
}
