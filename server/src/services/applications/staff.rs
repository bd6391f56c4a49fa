//! What handlers and supervisors do: the work queue, claiming and assigning, each step's
//! outcome, the green channel, energising (through `services::accounts::energise`), and
//! the follow-up visit.

use crate::context::Ctx;
use serde_json::json;
use shared::api::ErrorCode;
use shared::api::applications::{
    ApplicationDetail, AssignRequest, FollowUpRequest, QUEUE_PAGE_SIZE, QueuePage, QueueQuery, StaffAction, Timeliness,
    meter_number,
};
use shared::connection::{Action, ApplicationStatus, HistoryAction, Party, Step};
use shared::roles::StaffRole;
use shared::validation::format_day;

use super::detail::detail;
use super::{Change, Loaded, SUMMARY_COLUMNS, WORKERS, load_visible, refused, summary_from_row, transition};
use crate::services::accounts::energise::energise;
use crate::services::sessions::SessionUser;
use crate::services::{Actor, Fail, Outcome, audit, secrets};

fn may_work(user: &SessionUser) -> Outcome<()> {
    if user.holds(WORKERS) { Ok(()) } else { Err(Fail::Code(ErrorCode::Forbidden)) }
}

/// A value bound to the queue's SQL.
enum Bound {
    Int(i64),
    Text(String),
}

/// The queue's conditions with their numbered parameters.
#[derive(Default)]
struct Filters {
    filters: Vec<String>,
    binds: Vec<Bound>,
}

impl Filters {
    /// Adds a condition whose `?` is the next parameter.
    fn push(&mut self, sql: &str, value: Bound) {
        self.binds.push(value);
        self.filters.push(sql.replace('?', &format!("${}", self.binds.len())));
    }

    /// Adds `column IN (…)` over text values.
    fn push_list(&mut self, column: &str, values: &[String]) {
        let mut places = Vec::new();
        for value in values {
            self.binds.push(Bound::Text(value.clone()));
            places.push(format!("${}", self.binds.len()));
        }
        self.filters.push(format!("{column} ({})", places.join(", ")));
    }
}

/// A page of the queue: open applications in the caller's regions, filtered, by due day.
/// Only the filters asked for are in the SQL (each a bound parameter), so the planner can
/// use the `applications_queue*` indexes: equality on the open flag and one of region,
/// class or step, then the order by (queue_due, id) read straight from the index.
pub async fn queue(ctx: &Ctx, user: &SessionUser, query: &QueueQuery) -> Outcome<QueuePage> {
    let today = ctx.today();
    let soon = ctx.calendar().await?.add_working_days(today, 1);
    if let Some(region) = &query.region
        && !super::region_allowed(user, Some(region))
    {
        return Ok(QueuePage { items: Vec::new(), more: false, today });
    }
    let mut w = Filters::default();
    w.push("a.open_queue = ?", Bound::Int(if query.closed == Some(true) { 0 } else { 1 }));
    if let Some(class) = query.class {
        w.push("a.customer_class = ?", Bound::Text(class.as_str().to_owned()));
    }
    if let Some(step) = query.step {
        w.push("a.current_step = ?", Bound::Text(step.as_str().to_owned()));
    }
    match (&query.region, user.regions.as_slice()) {
        (Some(region), _) => w.push("a.region = ?", Bound::Text(region.clone())),
        (None, []) => {}
        (None, [only]) => w.push("a.region = ?", Bound::Text(only.clone())),
        (None, many) => w.push_list("a.region IN", many),
    }
    // Timeliness is a range of due days: overdue before today, due soon up to the next
    // working day, on time after it. Waiting for the customer sorts last ('9999-12-31').
    match query.timeliness {
        None => {}
        Some(Timeliness::Overdue) => w.push("a.queue_due < ?", Bound::Text(format_day(today))),
        Some(Timeliness::DueSoon) => {
            w.push("a.queue_due >= ?", Bound::Text(format_day(today)));
            w.push("a.queue_due <= ?", Bound::Text(format_day(soon)));
        }
        Some(Timeliness::OnTime) => {
            w.push("a.queue_due > ?", Bound::Text(format_day(soon)));
            w.filters.push("a.due_day IS NOT NULL".to_owned());
        }
    }
    if query.mine == Some(true) {
        w.push("a.handler_id = ?", Bound::Int(user.user_id));
    }
    let Filters { filters, binds } = w;
    let order = if query.desc == Some(true) { "DESC" } else { "ASC" };
    let page = i64::from(query.page.unwrap_or(0).min(10_000));
    let size = i64::from(QUEUE_PAGE_SIZE);
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM applications a JOIN users u ON u.id = a.applicant_id
           LEFT JOIN users h ON h.id = a.handler_id
          WHERE {}
          ORDER BY a.queue_due {order}, a.id {order}
          LIMIT {} OFFSET {}",
        filters.join(" AND "),
        size + 1,
        page * size,
    );
    let mut statement = sqlx::query(sqlx::AssertSqlSafe(sql));
    for value in binds {
        statement = match value {
            Bound::Int(n) => statement.bind(n),
            Bound::Text(text) => statement.bind(text),
        };
    }
    let rows = statement.fetch_all(ctx.db.pool()).await?;
    let more = rows.len() > QUEUE_PAGE_SIZE as usize;
    let items = rows.iter().take(QUEUE_PAGE_SIZE as usize).map(summary_from_row).collect::<Result<_, _>>()?;
    Ok(QueuePage { items, more, today })
}

/// Claims an application (no handler named) or assigns it. Assigning to another is for
/// supervisors; the handler must be a connection handler covering the region.
pub async fn assign(
    ctx: &Ctx,
    actor: &Actor,
    user: &SessionUser,
    id: i64,
    request: &AssignRequest,
) -> Outcome<ApplicationDetail> {
    may_work(user)?;
    let target = request.handler_id.unwrap_or(user.user_id);
    if target != user.user_id && !user.holds(shared::roles::can::LEAD_APPLICATIONS) {
        return Err(Fail::Code(ErrorCode::Forbidden));
    }
    let mut tx = ctx.db.begin().await?;
    let app = load_visible(&mut tx, user, id).await?;
    if !app.process.status.is_open() {
        return Err(Fail::Code(ErrorCode::StepNotAllowed));
    }
    let grants = crate::services::sessions::staff_grants(ctx, target).await?;
    let covers = shared::roles::stations::reaches(&grants.1, app.region.as_deref());
    if !grants.0.contains(&StaffRole::ConnectionHandler) || !covers {
        return Err(Fail::Fields(vec![shared::validation::FieldError::new(
            "handler_id",
            shared::validation::Problem::InvalidValue,
        )]));
    }
    let name: String =
        sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1").bind(target).fetch_one(&mut *tx).await?;
    let updated = sqlx::query("UPDATE applications SET handler_id = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND version = $4")
        .bind(target)
        .bind(ctx.now())
        .bind(id)
        .bind(app.version)
        .execute(&mut *tx)
        .await?;
    if updated.rows_affected() != 1 {
        return Err(Fail::Code(ErrorCode::Conflict));
    }
    // The steps being worked pass to the new handler; later steps take them when they open.
    sqlx::query(
        "UPDATE application_steps SET owner_id = $1 WHERE application_id = $2 AND state IN ('open', 'with_customer')",
    )
    .bind(target)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let change =
        Change { action: HistoryAction::Assign, step: None, note: Some(name), detail: json!({"handler_id": target}) };
    super::history(&mut tx, ctx, actor, id, &change, Some(app.process.status), app.process.status).await?;
    audit::record(
        ctx,
        &mut tx,
        actor,
        "application.assigned",
        audit::Subject::Application(id),
        json!({"handler_id": target}),
    )
    .await?;
    if target != user.user_id {
        crate::services::notices::notify(
            ctx,
            &mut tx,
            target,
            &format!("application:{id}"),
            crate::services::notices::Email::Always,
            &super::page_link(id, Party::Utility),
            |locale| {
                let r = shared::api::applications::reference(id);
                if locale == shared::Locale::Zh {
                    (format!("{r} 已指派给您"), format!("业扩申请 {r} 已指派给您办理。"))
                } else {
                    (format!("{r} assigned to you"), format!("Connection application {r} is now yours to work."))
                }
            },
        )
        .await?;
    }
    tx.commit().await?;
    let mut conn = ctx.db.pool().acquire().await?;
    detail(&mut conn, user, id).await
}

/// Does what a handler asked.
pub async fn act(
    ctx: &Ctx,
    actor: &Actor,
    user: &SessionUser,
    id: i64,
    action: &StaffAction,
) -> Outcome<ApplicationDetail> {
    may_work(user)?;
    action.validate(ctx.today()).map_err(Fail::Fields)?;
    if matches!(action, StaffAction::GreenChannel { .. }) && !user.holds(shared::roles::can::LEAD_APPLICATIONS) {
        return Err(Fail::Code(ErrorCode::Forbidden));
    }
    let mut tx = ctx.db.begin().await?;
    let app = load_visible(&mut tx, user, id).await?;
    let text = |t: &str| Some(t.trim().to_owned()).filter(|t| !t.is_empty());
    let (machine, change) = match action {
        StaffAction::Accept => (
            Action::Accept,
            Change { action: HistoryAction::Accept, step: Some(Step::Acceptance), note: None, detail: json!({}) },
        ),
        StaffAction::Reject { reason } => (
            Action::Reject,
            Change {
                action: HistoryAction::Reject,
                step: Some(Step::Acceptance),
                note: text(reason),
                detail: json!({}),
            },
        ),
        StaffAction::RequestDocuments { step, note } => (
            Action::RequestDocuments(*step),
            Change { action: HistoryAction::RequestDocuments, step: Some(*step), note: text(note), detail: json!({}) },
        ),
        StaffAction::ScheduleSurvey { day, slot } => {
            return schedule_survey(ctx, tx, actor, user, &app, day, slot).await;
        }
        StaffAction::CompleteSurvey { findings } => (
            Action::CompleteSurvey,
            Change {
                action: HistoryAction::CompleteSurvey,
                step: Some(Step::SiteSurvey),
                note: text(findings),
                detail: json!({}),
            },
        ),
        StaffAction::IssueOffer { step, body, fee } => {
            let next = app.process.apply(Action::IssueOffer(*step), Party::Utility).map_err(refused)?;
            let version = next.step(*step).and_then(|s| s.offer_version).unwrap_or(1);
            let fee_fen = if *step == Step::SupplyScheme {
                shared::validation::yuan_amount(fee).ok().and_then(|m| m.to_fen())
            } else {
                None
            };
            sqlx::query(
                "INSERT INTO application_offers (application_id, step, version, body, fee_fen, issued_by, issued_at, body_sha256)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(step.as_str())
            .bind(i64::from(version))
            .bind(body.trim())
            .bind(fee_fen)
            .bind(user.user_id)
            .bind(ctx.now())
            .bind(secrets::hash(body.trim()))
            .execute(&mut *tx)
            .await?;
            if fee_fen.is_some() {
                sqlx::query("UPDATE applications SET fee_fen = $1 WHERE id = $2")
                    .bind(fee_fen)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
            }
            (
                Action::IssueOffer(*step),
                Change {
                    action: HistoryAction::IssueOffer,
                    step: Some(*step),
                    note: None,
                    detail: json!({"version": version, "fee_fen": fee_fen}),
                },
            )
        }
        StaffAction::Review { step, passed, note } => (
            Action::Review(*step, *passed),
            Change {
                action: if *passed { HistoryAction::ReviewPassed } else { HistoryAction::ReviewFailed },
                step: Some(*step),
                note: text(note),
                detail: json!({"passed": passed}),
            },
        ),
        StaffAction::Energise { meter_no } => (
            Action::Energise,
            Change {
                action: HistoryAction::Energise,
                step: Some(Step::Energising),
                note: meter_number(meter_no).ok(),
                detail: json!({"meter_no": meter_number(meter_no).ok()}),
            },
        ),
        StaffAction::GreenChannel { reason } => (
            Action::GreenChannel,
            Change { action: HistoryAction::GreenChannel, step: None, note: text(reason), detail: json!({}) },
        ),
    };
    let next = app.process.apply(machine, Party::Utility).map_err(refused)?;
    if app.handler_id.is_none() && !matches!(action, StaffAction::GreenChannel { .. }) {
        // Working an unclaimed application claims it.
        sqlx::query("UPDATE applications SET handler_id = $1 WHERE id = $2")
            .bind(user.user_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    let app = Loaded { handler_id: app.handler_id.or(Some(user.user_id)), ..app };
    if let StaffAction::Energise { meter_no } = action {
        let meter = meter_number(meter_no)
            .map_err(|p| Fail::Fields(vec![shared::validation::FieldError::new("meter_no", p)]))?;
        let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM meters WHERE meter_no = $1")
            .bind(&meter)
            .fetch_one(&mut *tx)
            .await?;
        if taken > 0 {
            return Err(Fail::Fields(vec![shared::validation::FieldError::new(
                "meter_no",
                shared::validation::Problem::AlreadyUsed,
            )]));
        }
        transition(ctx, &mut tx, actor, &app, &next, change).await?;
        energise(ctx, &mut tx, &app.supply(), Some(&meter)).await?;
    } else {
        transition(ctx, &mut tx, actor, &app, &next, change).await?;
        if next.status == ApplicationStatus::Completed {
            energise(ctx, &mut tx, &app.supply(), None).await?;
        }
    }
    audit::record(
        ctx,
        &mut tx,
        actor,
        "application.action",
        audit::Subject::Application(id),
        json!({"action": action}),
    )
    .await?;
    tx.commit().await?;
    let mut conn = ctx.db.pool().acquire().await?;
    detail(&mut conn, user, id).await
}

async fn schedule_survey(
    ctx: &Ctx,
    mut tx: sqlx::Transaction<'_, sqlx::Any>,
    actor: &Actor,
    user: &SessionUser,
    app: &Loaded,
    day: &str,
    slot: &str,
) -> Outcome<ApplicationDetail> {
    let survey = [Step::SiteSurvey, Step::SupplyScheme]
        .into_iter()
        .find(|s| app.process.step(*s).is_some_and(|st| st.state == shared::connection::StepState::Open))
        .ok_or(Fail::Code(ErrorCode::StepNotAllowed))?;
    let note = format!("{day} {slot}");
    sqlx::query("UPDATE application_steps SET outcome = $1 WHERE application_id = $2 AND step = $3")
        .bind(&note)
        .bind(app.id)
        .bind(survey.as_str())
        .execute(&mut *tx)
        .await?;
    let next = app.process.clone();
    transition(
        ctx,
        &mut tx,
        actor,
        app,
        &next,
        Change {
            action: HistoryAction::ScheduleSurvey,
            step: Some(survey),
            note: Some(note),
            detail: json!({"day": day, "slot": slot}),
        },
    )
    .await?;
    tx.commit().await?;
    let mut conn = ctx.db.pool().acquire().await?;
    detail(&mut conn, user, app.id).await
}

/// Records the follow-up visit (回访) of a finished application, once.
pub async fn follow_up(
    ctx: &Ctx,
    actor: &Actor,
    user: &SessionUser,
    id: i64,
    request: &FollowUpRequest,
) -> Outcome<ApplicationDetail> {
    may_work(user)?;
    request.validate().map_err(Fail::Fields)?;
    let mut tx = ctx.db.begin().await?;
    let app = load_visible(&mut tx, user, id).await?;
    if app.process.status != ApplicationStatus::Completed {
        return Err(Fail::Code(ErrorCode::StepNotAllowed));
    }
    let comment = request.comment.trim();
    let updated = sqlx::query(
        "UPDATE applications SET follow_up_score = $1, follow_up_comment = $2, followed_up_at = $3, followed_up_by = $4,
                version = version + 1
          WHERE id = $5 AND followed_up_at IS NULL",
    )
    .bind(i64::from(request.score))
    .bind(comment)
    .bind(ctx.now())
    .bind(user.user_id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(Fail::Code(ErrorCode::StepNotAllowed));
    }
    let change = Change {
        action: HistoryAction::FollowUp,
        step: None,
        note: Some(format!("{}/5 {comment}", request.score).trim().to_owned()),
        detail: json!({"score": request.score}),
    };
    super::history(&mut tx, ctx, actor, id, &change, Some(app.process.status), app.process.status).await?;
    tx.commit().await?;
    let mut conn = ctx.db.pool().acquire().await?;
    detail(&mut conn, user, id).await
}
