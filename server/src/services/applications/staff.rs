//! What handlers and supervisors do: the work queue, claiming and assigning, each step's
//! outcome, the green channel, energising (which creates the account and the meter), and
//! the follow-up visit.

use serde_json::json;
use shared::api::ErrorCode;
use shared::api::applications::{
    ApplicationDetail, AssignRequest, FollowUpRequest, QUEUE_PAGE_SIZE, QueuePage, QueueQuery, StaffAction, Timeliness,
    meter_number,
};
use shared::connection::{Action, ApplicationKind, ApplicationStatus, CustomerClass, Party, Step};
use shared::roles::StaffRole;
use shared::validation::format_day;
use sqlx::{AnyConnection, Row};

use super::customer::detail;
use super::{Change, Env, Loaded, SUMMARY_COLUMNS, WORKERS, load_visible, refused, summary_from_row, transition};
use crate::services::sessions::SessionUser;
use crate::services::{Actor, Fail, Outcome, audit, secrets};

fn may_work(user: &SessionUser) -> Outcome<()> {
    if WORKERS.iter().any(|r| user.has_role(*r)) { Ok(()) } else { Err(Fail::Code(ErrorCode::Forbidden)) }
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
pub async fn queue(env: &Env<'_>, user: &SessionUser, query: &QueueQuery) -> Outcome<QueuePage> {
    let today = env.today();
    let soon = env.calendar.add_working_days(today, 1);
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
    let rows = statement.fetch_all(env.db.pool()).await?;
    let more = rows.len() > QUEUE_PAGE_SIZE as usize;
    let items = rows.iter().take(QUEUE_PAGE_SIZE as usize).map(summary_from_row).collect::<Result<_, _>>()?;
    Ok(QueuePage { items, more, today })
}

/// Claims an application (no handler named) or assigns it. Assigning to another is for
/// supervisors; the handler must be a connection handler covering the region.
pub async fn assign(
    env: &Env<'_>,
    actor: &Actor,
    user: &SessionUser,
    id: i64,
    request: &AssignRequest,
) -> Outcome<ApplicationDetail> {
    may_work(user)?;
    let target = request.handler_id.unwrap_or(user.user_id);
    if target != user.user_id && !user.has_role(StaffRole::Supervisor) {
        return Err(Fail::Code(ErrorCode::Forbidden));
    }
    let mut tx = env.db.begin().await?;
    let app = load_visible(&mut tx, user, id).await?;
    if !app.process.status.is_open() {
        return Err(Fail::Code(ErrorCode::StepNotAllowed));
    }
    let grants = crate::services::sessions::staff_grants(env.db, target).await?;
    let covers = match &app.region {
        Some(region) => shared::roles::stations::covers(&grants.1, region),
        None => shared::roles::stations::covers_every(&grants.1),
    };
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
        .bind(env.now)
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
    let change = Change { action: "assign", step: None, note: Some(name), detail: json!({"handler_id": target}) };
    super::history(&mut tx, env, actor, id, &change, Some(app.process.status), app.process.status).await?;
    audit::record(
        &mut tx,
        actor,
        "application.assigned",
        audit::Subject::Application(id),
        json!({"handler_id": target}),
    )
    .await?;
    if target != user.user_id {
        crate::services::notices::notify(
            &mut tx,
            &env.public_url,
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
    let mut conn = env.db.pool().acquire().await?;
    detail(&mut conn, user, id).await
}

/// Does what a handler asked.
pub async fn act(
    env: &Env<'_>,
    actor: &Actor,
    user: &SessionUser,
    id: i64,
    action: &StaffAction,
) -> Outcome<ApplicationDetail> {
    may_work(user)?;
    action.validate(env.today()).map_err(Fail::Fields)?;
    if matches!(action, StaffAction::GreenChannel { .. }) && !user.has_role(StaffRole::Supervisor) {
        return Err(Fail::Code(ErrorCode::Forbidden));
    }
    let mut tx = env.db.begin().await?;
    let app = load_visible(&mut tx, user, id).await?;
    let text = |t: &str| Some(t.trim().to_owned()).filter(|t| !t.is_empty());
    let (machine, change) = match action {
        StaffAction::Accept => {
            (Action::Accept, Change { action: "accept", step: Some(Step::Acceptance), note: None, detail: json!({}) })
        }
        StaffAction::Reject { reason } => (
            Action::Reject,
            Change { action: "reject", step: Some(Step::Acceptance), note: text(reason), detail: json!({}) },
        ),
        StaffAction::RequestDocuments { step, note } => (
            Action::RequestDocuments(*step),
            Change { action: "request_documents", step: Some(*step), note: text(note), detail: json!({}) },
        ),
        StaffAction::ScheduleSurvey { day, slot } => {
            return schedule_survey(env, tx, actor, user, &app, day, slot).await;
        }
        StaffAction::CompleteSurvey { findings } => (
            Action::CompleteSurvey,
            Change { action: "complete_survey", step: Some(Step::SiteSurvey), note: text(findings), detail: json!({}) },
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
            .bind(env.now)
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
                    action: "issue_offer",
                    step: Some(*step),
                    note: None,
                    detail: json!({"version": version, "fee_fen": fee_fen}),
                },
            )
        }
        StaffAction::Review { step, passed, note } => (
            Action::Review(*step, *passed),
            Change {
                action: if *passed { "review_passed" } else { "review_failed" },
                step: Some(*step),
                note: text(note),
                detail: json!({"passed": passed}),
            },
        ),
        StaffAction::Energise { meter_no } => (
            Action::Energise,
            Change {
                action: "energise",
                step: Some(Step::Energising),
                note: meter_number(meter_no).ok(),
                detail: json!({"meter_no": meter_number(meter_no).ok()}),
            },
        ),
        StaffAction::GreenChannel { reason } => (
            Action::GreenChannel,
            Change { action: "green_channel", step: None, note: text(reason), detail: json!({}) },
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
        transition(env, &mut tx, actor, &app, &next, change).await?;
        complete(env, &mut tx, &app, Some(&meter)).await?;
    } else {
        transition(env, &mut tx, actor, &app, &next, change).await?;
        if next.status == ApplicationStatus::Completed {
            complete(env, &mut tx, &app, None).await?;
        }
    }
    audit::record(&mut tx, actor, "application.action", audit::Subject::Application(id), json!({"action": action}))
        .await?;
    tx.commit().await?;
    let mut conn = env.db.pool().acquire().await?;
    detail(&mut conn, user, id).await
}

async fn schedule_survey(
    env: &Env<'_>,
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
        env,
        &mut tx,
        actor,
        app,
        &next,
        Change {
            action: "schedule_survey",
            step: Some(survey),
            note: Some(note),
            detail: json!({"day": day, "slot": slot}),
        },
    )
    .await?;
    tx.commit().await?;
    let mut conn = env.db.pool().acquire().await?;
    detail(&mut conn, user, app.id).await
}

fn account_class(class: CustomerClass, kind: ApplicationKind) -> &'static str {
    match (kind, class) {
        (ApplicationKind::Temporary, _) => "temporary",
        (_, CustomerClass::Residential) => "residential",
        (_, CustomerClass::LvNonResidential) => "low_voltage",
        (_, CustomerClass::HighVoltage) => "high_voltage",
    }
}

/// The effects of a finished application: a new account and meter linked to the applicant
/// (new or temporary supply), the new capacity (changes of capacity), the new holder
/// (change of name).
pub async fn complete(env: &Env<'_>, conn: &mut AnyConnection, app: &Loaded, meter: Option<&str>) -> Outcome<()> {
    let kind = app.process.kind;
    let form = &app.form;
    let capacity: Option<i64> = form.capacity_kva.trim().parse().ok();
    let account_id: Option<i64> = match kind {
        ApplicationKind::NewConnection | ApplicationKind::Temporary => {
            // Accounts opened online are numbered 39 + the application number: unique and
            // traceable to the application.
            let account_no = format!("39{:08}", app.id);
            let applicant = sqlx::query("SELECT display_name, email FROM users WHERE id = $1")
                .bind(app.applicant_id)
                .fetch_one(&mut *conn)
                .await?;
            let holder: String = match app.org_id {
                Some(org) => {
                    sqlx::query_scalar("SELECT name FROM organisations WHERE id = $1")
                        .bind(org)
                        .fetch_one(&mut *conn)
                        .await?
                }
                None => applicant.try_get("display_name")?,
            };
            let email: String = applicant.try_get("email")?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO electricity_accounts (account_no, holder_name, supply_address, region, customer_class, payment_mode,
                                                   email_on_file, org_id, created_at, contracted_kva, voltage)
                 VALUES ($1, $2, $3, $4, $5, 'postpaid', $6, $7, $8, $9, $10) RETURNING id",
            )
            .bind(&account_no)
            .bind(holder)
            .bind(form.supply_address.trim())
            .bind(&app.region)
            .bind(account_class(app.process.class, kind))
            .bind(email)
            .bind(app.org_id)
            .bind(env.now)
            .bind(capacity)
            .bind(form.voltage.trim())
            .fetch_one(&mut *conn)
            .await?;
            if app.org_id.is_none() {
                sqlx::query("INSERT INTO account_links (account_id, user_id, proof, linked_at) VALUES ($1, $2, 'application', $3)")
                    .bind(id)
                    .bind(app.applicant_id)
                    .bind(env.now)
                    .execute(&mut *conn)
                    .await?;
            }
            sqlx::query("UPDATE applications SET created_account = $1 WHERE id = $2")
                .bind(&account_no)
                .bind(app.id)
                .execute(&mut *conn)
                .await?;
            Some(id)
        }
        ApplicationKind::CapacityIncrease | ApplicationKind::CapacityDecrease => {
            let id: Option<i64> = sqlx::query_scalar("SELECT id FROM electricity_accounts WHERE account_no = $1")
                .bind(form.account_no.trim())
                .fetch_optional(&mut *conn)
                .await?;
            sqlx::query("UPDATE electricity_accounts SET contracted_kva = $1 WHERE id = $2")
                .bind(capacity)
                .bind(id)
                .execute(&mut *conn)
                .await?;
            id
        }
        ApplicationKind::ChangeOfName => {
            sqlx::query("UPDATE electricity_accounts SET holder_name = $1 WHERE account_no = $2")
                .bind(form.new_holder_name.trim())
                .bind(form.account_no.trim())
                .execute(&mut *conn)
                .await?;
            None
        }
    };
    if let (Some(meter), Some(account_id)) = (meter, account_id) {
        sqlx::query("INSERT INTO meters (meter_no, account_id, multiplier, installed_at, application_id) VALUES ($1, $2, 1, $3, $4)")
            .bind(meter)
            .bind(account_id)
            .bind(env.now)
            .bind(app.id)
            .execute(&mut *conn)
            .await?;
        sqlx::query("UPDATE applications SET meter_no = $1 WHERE id = $2")
            .bind(meter)
            .bind(app.id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Records the follow-up visit (回访) of a finished application, once.
pub async fn follow_up(
    env: &Env<'_>,
    actor: &Actor,
    user: &SessionUser,
    id: i64,
    request: &FollowUpRequest,
) -> Outcome<ApplicationDetail> {
    may_work(user)?;
    request.validate().map_err(Fail::Fields)?;
    let mut tx = env.db.begin().await?;
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
    .bind(env.now)
    .bind(user.user_id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(Fail::Code(ErrorCode::StepNotAllowed));
    }
    let change = Change {
        action: "follow_up",
        step: None,
        note: Some(format!("{}/5 {comment}", request.score).trim().to_owned()),
        detail: json!({"score": request.score}),
    };
    super::history(&mut tx, env, actor, id, &change, Some(app.process.status), app.process.status).await?;
    tx.commit().await?;
    let mut conn = env.db.pool().acquire().await?;
    detail(&mut conn, user, id).await
}
