//! Service commitments: which limits are in force on a day, and publishing a new version.
//!
//! Every version is kept (`db::commitments`); which one is in force on a day is decided by
//! `shared::in_force_on` over the context's cached copy (`Ctx::commitments`).

use serde_json::json;
use shared::api::applications::NewCommitmentVersion;
use shared::api::{CommitmentsFilter, CommitmentsResponse};
use shared::in_force_on;

use super::{Actor, Fail, Outcome, audit};
use crate::context::Ctx;
use crate::db::commitments::{self, NewVersion};

/// The commitments in force on the filter's day (default: today on the context's clock),
/// optionally of one area.
pub async fn in_force(ctx: &Ctx, filter: CommitmentsFilter) -> Outcome<CommitmentsResponse> {
    let as_of = filter.at.unwrap_or_else(|| ctx.today());
    let versions = ctx.commitments().await?;
    let mut items = in_force_on(&versions, as_of).into_vec();
    if let Some(area) = filter.area {
        items.retain(|c| c.area == area);
    }
    Ok(CommitmentsResponse { as_of, area: filter.area, items })
}

/// Publishes a new version of a commitment, taking effect on the request's day; its area
/// and unit are the commitment's. The version and its audit row commit together, and this
/// server answers with the new version at once. Versions already in force stay, so
/// applications already accepted keep the limits they had.
pub async fn publish(ctx: &Ctx, actor: &Actor, request: &NewCommitmentVersion) -> Outcome<u32> {
    let effective_from = request.validate(ctx.today()).map_err(Fail::Fields)?;
    let versions = ctx.commitments().await?;
    let code = request.code.trim();
    let current = versions.iter().find(|c| c.code.as_str() == code).ok_or_else(|| {
        Fail::Fields(vec![shared::validation::FieldError::new("code", shared::validation::Problem::InvalidValue)])
    })?;
    let new = NewVersion {
        code,
        area: current.area,
        limit: request.limit,
        unit: current.unit,
        effective_from,
        source: request.source.trim(),
    };
    let mut tx = ctx.db.begin().await?;
    let version = commitments::add_version(&mut tx, &new, ctx.now()).await?;
    audit::record(
        ctx,
        &mut tx,
        actor,
        "commitment.version_added",
        audit::Subject::Commitment(code),
        json!({"version": version, "limit": request.limit, "effective_from": request.effective_from}),
    )
    .await?;
    tx.commit().await?;
    ctx.forget_commitments();
    Ok(version)
}
