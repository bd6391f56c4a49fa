//! Staff users: invited by an admin (or, for the first admin, from the command line), with
//! roles and regions; disabled rather than deleted, so the audit log keeps its names.

use std::collections::BTreeMap;

use serde_json::json;
use shared::api::ErrorCode;
use shared::api::staff::{CreateStaffRequest, Region, StaffUser, UpdateStaffRequest};
use shared::i18n::Locale;
use shared::roles::{GrantRefusal, Granter, StaffRole, may_grant, stations};
use shared::validation::{FieldError, Problem};
use sqlx::{AnyConnection, Row};

use super::one_time_links::{self, Purpose};
use super::sessions::SessionUser;
use super::{Actor, Fail, Outcome, audit, sessions};
use crate::context::Ctx;
use crate::mail::templates::{self, Template};
use crate::mail::{self};

/// Every supply station.
pub async fn regions(ctx: &Ctx) -> Outcome<Vec<Region>> {
    let rows = sqlx::query("SELECT code, name_zh, name_en FROM regions ORDER BY code").fetch_all(ctx.db.pool()).await?;
    Ok(rows
        .iter()
        .map(|r| {
            Ok(Region { code: r.try_get("code")?, name_zh: r.try_get("name_zh")?, name_en: r.try_get("name_en")? })
        })
        .collect::<Result<_, sqlx::Error>>()?)
}

/// Every staff user with roles and regions that the reader's stations cover
/// (`shared::roles::stations::covers_all_of`: someone limited to stations sees the staff
/// within them, not those of other stations or of every station).
pub async fn list(ctx: &Ctx, reader: &SessionUser) -> Outcome<Vec<StaffUser>> {
    let mut users = everyone(ctx).await?;
    users.retain(|u| stations::covers_all_of(&reader.regions, &u.regions));
    Ok(users)
}

/// Every staff user with roles and regions, unfiltered (for callers that filter by a rule
/// of their own).
pub async fn everyone(ctx: &Ctx) -> Outcome<Vec<StaffUser>> {
    let rows = sqlx::query(
        "SELECT id, display_name, email, CASE WHEN disabled_at IS NULL THEN 0 ELSE 1 END AS disabled,
                CASE WHEN password_hash IS NULL THEN 1 ELSE 0 END AS pending
           FROM users WHERE kind = 'staff' ORDER BY display_name, id",
    )
    .fetch_all(ctx.db.pool())
    .await?;
    let mut roles: BTreeMap<i64, Vec<StaffRole>> = BTreeMap::new();
    for row in sqlx::query("SELECT user_id, role FROM staff_roles ORDER BY role").fetch_all(ctx.db.pool()).await? {
        let role: String = row.try_get("role")?;
        if let Ok(role) = role.parse() {
            roles.entry(row.try_get("user_id")?).or_default().push(role);
        }
    }
    let mut regions: BTreeMap<i64, Vec<String>> = BTreeMap::new();
    for row in sqlx::query("SELECT user_id, region FROM staff_regions ORDER BY region").fetch_all(ctx.db.pool()).await?
    {
        regions.entry(row.try_get("user_id")?).or_default().push(row.try_get("region")?);
    }
    Ok(rows
        .iter()
        .map(|row| {
            let id: i64 = row.try_get("id")?;
            let mut user_roles = roles.remove(&id).unwrap_or_default();
            user_roles.sort();
            Ok(StaffUser {
                id,
                display_name: row.try_get("display_name")?,
                email: row.try_get("email")?,
                roles: user_roles,
                regions: regions.remove(&id).unwrap_or_default(),
                disabled: row.try_get::<i64, _>("disabled")? == 1,
                invitation_pending: row.try_get::<i64, _>("pending")? == 1,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?)
}

async fn check_regions(conn: &mut AnyConnection, regions: &[String]) -> Outcome<()> {
    for region in regions {
        let known: Option<String> = sqlx::query_scalar("SELECT code FROM regions WHERE code = $1")
            .bind(region)
            .fetch_optional(&mut *conn)
            .await?;
        if known.is_none() {
            return Err(Fail::Fields(vec![FieldError::new("regions", Problem::UnknownRegion)]));
        }
    }
    Ok(())
}

async fn set_grants(
    conn: &mut AnyConnection,
    user_id: i64,
    roles: Option<&[StaffRole]>,
    regions: Option<&[String]>,
) -> Outcome<()> {
    if let Some(roles) = roles {
        sqlx::query("DELETE FROM staff_roles WHERE user_id = $1").bind(user_id).execute(&mut *conn).await?;
        let mut unique = roles.to_vec();
        unique.sort();
        unique.dedup();
        for role in unique {
            sqlx::query("INSERT INTO staff_roles (user_id, role) VALUES ($1, $2)")
                .bind(user_id)
                .bind(role.as_str())
                .execute(&mut *conn)
                .await?;
        }
    }
    if let Some(regions) = regions {
        check_regions(conn, regions).await?;
        sqlx::query("DELETE FROM staff_regions WHERE user_id = $1").bind(user_id).execute(&mut *conn).await?;
        let mut unique = regions.to_vec();
        unique.sort();
        unique.dedup();
        for region in unique {
            sqlx::query("INSERT INTO staff_regions (user_id, region) VALUES ($1, $2)")
                .bind(user_id)
                .bind(region)
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

fn refusal(refusal: GrantRefusal) -> Fail {
    match refusal {
        GrantRefusal::Stations => Fail::Code(ErrorCode::StationNotHeld),
        GrantRefusal::Roles => Fail::Code(ErrorCode::RoleNotHeld),
    }
}

/// Creates a staff user without a password and returns their id and the invitation link
/// (also emailed to them).
///
/// `granter` is the admin inviting (`None` from the command line, which holds every grant):
/// nobody grants a station they do not hold (`shared::roles::may_grant`).
pub async fn invite(
    ctx: &Ctx,
    actor: &Actor,
    granter: Option<&SessionUser>,
    request: &CreateStaffRequest,
    locale: Locale,
) -> Outcome<(i64, String)> {
    let (email, name) = request.validate().map_err(Fail::Fields)?;
    if let Some(granter) = granter {
        let granter = Granter { roles: &granter.staff_roles, stations: &granter.regions };
        may_grant(granter, None, Some(&request.roles), Some(&request.regions)).map_err(refusal)?;
    }
    let mut tx = ctx.db.begin().await?;
    one_time_links::refuse_taken_email(&mut tx, &email).await?;
    let user_id: i64 = sqlx::query(
        "INSERT INTO users (kind, email, display_name, language, created_at) VALUES ('staff', $1, $2, $3, $4) RETURNING id",
    )
    .bind(&email)
    .bind(&name)
    .bind(locale.tag())
    .bind(ctx.now())
    .fetch_one(&mut *tx)
    .await?
    .try_get("id")?;
    set_grants(&mut tx, user_id, Some(&request.roles), Some(&request.regions)).await?;
    let token = one_time_links::issue_token(ctx, &mut tx, user_id, Purpose::Invitation).await?;
    let link = one_time_links::link(&ctx.config, "/welcome", &token);
    let inviter = if locale == Locale::Zh { "供电公司" } else { "The power supply company" };
    let message = templates::render(&email, &Template::Invitation { name: &name, inviter, link: &link }, locale);
    mail::enqueue(ctx, &mut tx, &message).await?;
    audit::record(
        ctx,
        &mut tx,
        actor,
        "staff.created",
        audit::Subject::User(user_id),
        json!({"roles": request.roles, "regions": request.regions}),
    )
    .await?;
    tx.commit().await?;
    Ok((user_id, link))
}

/// Changes roles, regions or the disabled flag. A change of privileges ends the person's
/// sessions. An admin cannot disable themselves or take away their own admin role (so
/// there is always someone to undo a mistake).
///
/// Nobody grants a station they do not hold, changes staff beyond their stations (they
/// are not found), or gives themselves a role they do not hold (`shared::roles::may_grant`).
pub async fn update(
    ctx: &Ctx,
    actor: &Actor,
    granter: &SessionUser,
    user_id: i64,
    request: &UpdateStaffRequest,
) -> Outcome<()> {
    request.validate().map_err(Fail::Fields)?;
    let mut tx = ctx.db.begin().await?;
    let kind: Option<String> =
        sqlx::query_scalar("SELECT kind FROM users WHERE id = $1").bind(user_id).fetch_optional(&mut *tx).await?;
    if kind.as_deref() != Some("staff") {
        return Err(Fail::Code(ErrorCode::NotFound));
    }
    let current: Vec<String> = sqlx::query_scalar("SELECT region FROM staff_regions WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(&mut *tx)
        .await?;
    // Staff beyond the admin's stations are not theirs to see, let alone change.
    if !stations::covers_all_of(&granter.regions, &current) {
        return Err(Fail::Code(ErrorCode::NotFound));
    }

    if actor.user_id == Some(user_id)
        && (request.disabled == Some(true) || request.roles.as_ref().is_some_and(|r| !r.contains(&StaffRole::Admin)))
    {
        return Err(Fail::Code(ErrorCode::Conflict));
    }
    let grants = Granter { roles: &granter.staff_roles, stations: &granter.regions };
    let target = Some((granter.user_id == user_id, current.as_slice()));
    may_grant(grants, target, request.roles.as_deref(), request.regions.as_deref()).map_err(refusal)?;
    set_grants(&mut tx, user_id, request.roles.as_deref(), request.regions.as_deref()).await?;
    if let Some(disabled) = request.disabled {
        sqlx::query("UPDATE users SET disabled_at = CASE WHEN $1 = 1 THEN COALESCE(disabled_at, $2) ELSE NULL END WHERE id = $3")
            .bind(i64::from(disabled))
            .bind(ctx.now())
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    sessions::revoke_all(ctx, &mut tx, user_id, None).await?;
    audit::record(
        ctx,
        &mut tx,
        actor,
        "staff.changed",
        audit::Subject::User(user_id),
        json!({"roles": request.roles, "regions": request.regions, "disabled": request.disabled}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
