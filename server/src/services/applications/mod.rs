//! Connection applications (业扩报装): the state machine of `shared::connection` stored
//! with its clock. Every change is one transaction: the application row (guarded by its
//! version, so two handlers acting at once cannot both win), its step rows, an append-only
//! history row, and the notices it causes.
//!
//! Clock keeping: a step's time is cut into segments. While a step is open the utility's
//! clock runs and the step is due `limit − utility days used` working days after the
//! segment began; while it is with the customer, the days count as the customer's. Days are
//! counted on the working-day calendar (an event at any hour counts from the next working
//! day).

pub mod customer;
pub mod detail;
pub mod documents;
pub mod staff;
pub mod stats;

use serde_json::{Value, json};
use shared::api::ErrorCode;
use shared::api::applications::{ApplicationForm, ApplicationSummary, reference};
use shared::calendar::WorkingCalendar;
use shared::connection::{
    ApplicationKind, ApplicationStatus, CustomerClass, HistoryAction, Limits, Party, Process, Refusal, Step, StepState,
    StepStatus, Waiting, total_limit_code,
};
use shared::roles::{StaffRole, UserKind};
use shared::{Locale, in_force_on};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::accounts::energise::Supply;
use super::sessions::SessionUser;
use super::{Actor, Fail, Outcome, notices, utc};
use crate::clock::day_of;
use crate::context::Ctx;

/// The limits in force today (on the context's clock) for a kind and class of application.
async fn limits(ctx: &Ctx, kind: ApplicationKind, class: CustomerClass, dual: bool) -> Outcome<Limits> {
    let versions = ctx.commitments().await?;
    let set = in_force_on(&versions, ctx.today());
    let days = |code: &str| set.limit_of(code).map(|(value, _)| value).unwrap_or(1);
    Ok(Limits {
        total: days(total_limit_code(class, dual)),
        steps: shared::connection::steps_for(kind, class)
            .iter()
            .map(|step| (*step, days(step.limit_code(class, dual))))
            .collect(),
    })
}

/// One step as stored.
#[derive(Debug, Clone)]
pub struct StepRow {
    /// The machine's view.
    pub status: StepStatus,
    /// The handler who owns it.
    pub owner_id: Option<i64>,
    /// When it started.
    pub started_at: Option<i64>,
    /// When it finished.
    pub finished_at: Option<i64>,
    /// When the current clock segment began.
    pub segment_started_at: Option<i64>,
    /// The last day of its limit while open.
    pub due_day: Option<String>,
    /// Working days the utility used.
    pub utility_days: i64,
    /// Working days with the customer.
    pub customer_days: i64,
    /// The latest outcome or note.
    pub outcome: Option<String>,
}

/// An application as stored.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// Its number.
    pub id: i64,
    /// Who applied.
    pub applicant_id: i64,
    /// Their organisation, for an enterprise.
    pub org_id: Option<i64>,
    /// The region.
    pub region: Option<String>,
    /// The form.
    pub form: ApplicationForm,
    /// The handler.
    pub handler_id: Option<i64>,
    /// The limits it keeps.
    pub limits: Option<Limits>,
    /// The optimistic-lock version.
    pub version: i64,
    /// Dual supply.
    pub dual_supply: bool,
    /// When accepted.
    pub accepted_at: Option<i64>,
    /// The machine's state.
    pub process: Process,
    /// The step rows, in order.
    pub steps: Vec<StepRow>,
}

impl Loaded {
    /// What energising needs of it (`services::accounts::energise`).
    pub fn supply(&self) -> Supply<'_> {
        Supply {
            id: self.id,
            applicant_id: self.applicant_id,
            org_id: self.org_id,
            region: self.region.as_deref(),
            kind: self.process.kind,
            class: self.process.class,
            form: &self.form,
        }
    }
}

fn parse<T: std::str::FromStr>(text: &str) -> Result<T, sqlx::Error> {
    text.parse().map_err(|_| sqlx::Error::Decode(format!("unknown value {text:?}").into()))
}

/// Loads an application with its steps.
pub async fn load(conn: &mut AnyConnection, id: i64) -> Outcome<Option<Loaded>> {
    let Some(row) = sqlx::query(
        "SELECT id, applicant_id, org_id, kind, customer_class, status, form, region, green_channel, dual_supply,
                handler_id, limits, version, accepted_at
           FROM applications WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let steps = sqlx::query(
        "SELECT step, state, waiting, offer_version, owner_id, started_at, finished_at, segment_started_at, due_day,
                utility_days, customer_days, outcome
           FROM application_steps WHERE application_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let steps = steps.iter().map(step_from_row).collect::<Result<Vec<_>, sqlx::Error>>()?;
    let form: String = row.try_get("form")?;
    let limits: Option<String> = row.try_get("limits")?;
    let process = Process {
        kind: parse(&row.try_get::<String, _>("kind")?)?,
        class: parse(&row.try_get::<String, _>("customer_class")?)?,
        status: parse(&row.try_get::<String, _>("status")?)?,
        green_channel: row.try_get::<i64, _>("green_channel")? != 0,
        steps: steps.iter().map(|s| s.status).collect(),
    };
    Ok(Some(Loaded {
        id: row.try_get("id")?,
        applicant_id: row.try_get("applicant_id")?,
        org_id: row.try_get("org_id")?,
        region: row.try_get("region")?,
        form: serde_json::from_str(&form).map_err(|e| Fail::Internal(e.into()))?,
        handler_id: row.try_get("handler_id")?,
        limits: limits.map(|l| serde_json::from_str(&l)).transpose().map_err(|e| Fail::Internal(e.into()))?,
        version: row.try_get("version")?,
        dual_supply: row.try_get::<i64, _>("dual_supply")? != 0,
        accepted_at: row.try_get("accepted_at")?,
        process,
        steps,
    }))
}

fn step_from_row(row: &AnyRow) -> Result<StepRow, sqlx::Error> {
    let waiting: Option<String> = row.try_get("waiting")?;
    let offer: Option<i64> = row.try_get("offer_version")?;
    Ok(StepRow {
        status: StepStatus {
            step: parse(&row.try_get::<String, _>("step")?)?,
            state: parse(&row.try_get::<String, _>("state")?)?,
            waiting: waiting.map(|w| parse::<Waiting>(&w)).transpose()?,
            offer_version: offer.and_then(|v| u32::try_from(v).ok()),
        },
        owner_id: row.try_get("owner_id")?,
        started_at: row.try_get("started_at")?,
        finished_at: row.try_get("finished_at")?,
        segment_started_at: row.try_get("segment_started_at")?,
        due_day: row.try_get("due_day")?,
        utility_days: row.try_get("utility_days")?,
        customer_days: row.try_get("customer_days")?,
        outcome: row.try_get("outcome")?,
    })
}

/// Whether a staff member's stations cover an application's (one without a station yet,
/// a draft, only someone who covers every station).
pub fn region_allowed(user: &SessionUser, region: Option<&str>) -> bool {
    user.reaches(region)
}

/// Staff roles that see connection applications (`shared::roles::can::READ_APPLICATIONS`).
pub const READERS: &[StaffRole] = shared::roles::can::READ_APPLICATIONS;
/// Staff roles that work them (`can::WORK_APPLICATIONS`).
pub const WORKERS: &[StaffRole] = shared::roles::can::WORK_APPLICATIONS;

/// Whether a person may see an application: its applicant, their organisation, or staff
/// who read applications in its region. Anyone else is told it does not exist.
pub fn may_see(user: &SessionUser, app: &Loaded) -> bool {
    match user.kind {
        UserKind::Customer => app.applicant_id == user.user_id,
        UserKind::Enterprise => app.org_id.is_some() && user.org.map(|(org, _)| org) == app.org_id,
        UserKind::Staff => user.holds(READERS) && region_allowed(user, app.region.as_deref()),
    }
}

/// Loads an application the person may see; `NotFound` otherwise.
pub async fn load_visible(conn: &mut AnyConnection, user: &SessionUser, id: i64) -> Outcome<Loaded> {
    match load(conn, id).await? {
        Some(app) if may_see(user, &app) => Ok(app),
        _ => Err(Fail::Code(ErrorCode::NotFound)),
    }
}

/// The error for a refusal of the machine.
pub fn refused(refusal: Refusal) -> Fail {
    match refusal {
        Refusal::Superseded => Fail::Code(ErrorCode::OfferSuperseded),
        Refusal::NotNow => Fail::Code(ErrorCode::StepNotAllowed),
        Refusal::WrongParty => Fail::Code(ErrorCode::Forbidden),
    }
}

/// A change to record with a transition.
pub struct Change {
    /// What the history row records.
    pub action: HistoryAction,
    /// The step it concerned.
    pub step: Option<Step>,
    /// The reason or the outcome, shown on the timeline.
    pub note: Option<String>,
    /// Machine-readable detail for the history row.
    pub detail: Value,
}

/// The limits in effect (halved in the green channel).
fn effective(limits: &Limits, green: bool) -> Limits {
    if green { limits.halved() } else { limits.clone() }
}

fn days_i64(n: u32) -> i64 {
    i64::from(n)
}

/// Applies the clock to the step rows for the move from `app.process` to `next`.
fn keep_time(
    ctx: &Ctx,
    calendar: &WorkingCalendar,
    app: &Loaded,
    next: &Process,
    limits: Option<&Limits>,
    handler: Option<i64>,
) -> Vec<StepRow> {
    let today = ctx.today();
    let count = |from: Option<i64>| -> i64 {
        from.map(|at| days_i64(calendar.working_days_between(day_of(at, ctx.zone()), today))).unwrap_or(0)
    };
    app.steps
        .iter()
        .zip(&next.steps)
        .map(|(old, new)| {
            let mut row = old.clone();
            row.status = *new;
            let was = old.status.state;
            if was != new.state || old.status.waiting != new.waiting {
                // Close the segment that was running.
                match was {
                    StepState::Open => row.utility_days += count(old.segment_started_at),
                    StepState::WithCustomer => row.customer_days += count(old.segment_started_at),
                    StepState::Pending | StepState::Done => {}
                }
                row.segment_started_at = Some(ctx.now());
                if was == StepState::Pending && new.state != StepState::Pending {
                    row.started_at = Some(ctx.now());
                    row.owner_id = row.owner_id.or(handler);
                }
                if new.state == StepState::Done {
                    row.finished_at = Some(ctx.now());
                }
                if new.state == StepState::Pending {
                    row.segment_started_at = None;
                }
            }
            row.due_day = match (new.state, limits) {
                (StepState::Open, Some(limits)) => {
                    let remaining = u32::try_from(days_i64(limits.of(new.step)) - row.utility_days).unwrap_or(0);
                    let start = row.segment_started_at.map(|at| day_of(at, ctx.zone())).unwrap_or(today);
                    Some(shared::validation::format_day(calendar.add_working_days(start, remaining)))
                }
                _ => None,
            };
            row
        })
        .collect()
}

/// Stores a transition: the rows, the history, and the notices. Answers `Conflict` when
/// someone else changed the application meanwhile.
pub async fn transition(
    ctx: &Ctx,
    conn: &mut AnyConnection,
    actor: &Actor,
    app: &Loaded,
    next: &Process,
    change: Change,
) -> Outcome<()> {
    let kind = next.kind;
    let class = next.class;
    let status_changed = next.status != app.process.status;
    // Limits are taken when the application is received and again at acceptance: it keeps
    // those in force when it was accepted.
    let mut limits = app.limits.clone();
    let mut accepted_at = app.accepted_at;
    if matches!(change.action, HistoryAction::Submit | HistoryAction::Accept) {
        limits = Some(self::limits(ctx, kind, class, app.dual_supply).await?);
    }
    if change.action == HistoryAction::Accept {
        accepted_at = Some(ctx.now());
    }
    let effective_limits = limits.as_ref().map(|l| effective(l, next.green_channel));
    let calendar = ctx.calendar().await?;
    let steps = keep_time(ctx, &calendar, app, next, effective_limits.as_ref(), app.handler_id);
    for row in &steps {
        sqlx::query(
            "UPDATE application_steps SET state = $1, waiting = $2, offer_version = $3, owner_id = $4, started_at = $5,
                    finished_at = $6, segment_started_at = $7, due_day = $8, utility_days = $9, customer_days = $10,
                    outcome = $11
              WHERE application_id = $12 AND step = $13",
        )
        .bind(row.status.state.as_str())
        .bind(row.status.waiting.map(|w| w.as_str()))
        .bind(row.status.offer_version.map(i64::from))
        .bind(row.owner_id)
        .bind(row.started_at)
        .bind(row.finished_at)
        .bind(row.segment_started_at)
        .bind(&row.due_day)
        .bind(row.utility_days)
        .bind(row.customer_days)
        .bind(if Some(row.status.step) == change.step && change.note.is_some() {
            change.note.clone()
        } else {
            row.outcome.clone()
        })
        .bind(app.id)
        .bind(row.status.step.as_str())
        .execute(&mut *conn)
        .await?;
    }
    let utility_days: i64 = steps.iter().map(|s| s.utility_days).sum();
    let customer_days: i64 = steps.iter().map(|s| s.customer_days).sum();
    let current = next.current().next().map(|s| s.step.as_str());
    let due_day = steps.iter().filter_map(|s| s.due_day.clone()).min();
    let total_due_day = match (&effective_limits, accepted_at) {
        (Some(limits), Some(at)) if next.status.is_open() => {
            let days = limits.total.saturating_add(u32::try_from(customer_days).unwrap_or(0));
            Some(shared::validation::format_day(calendar.add_working_days(day_of(at, ctx.zone()), days)))
        }
        _ => None,
    };
    let finished = !next.status.is_open() && next.status != ApplicationStatus::Draft;
    let within_limit = match (&effective_limits, next.status) {
        (Some(limits), ApplicationStatus::Completed) => Some(i64::from(utility_days <= days_i64(limits.total))),
        _ => None,
    };
    let updated = sqlx::query(
        "UPDATE applications SET status = $1, green_channel = $2, current_step = $3, due_day = $4, total_due_day = $5,
                limits = $6, utility_days = $7, customer_days = $8, accepted_at = $9,
                submitted_at = CASE WHEN $10 = 1 THEN $11 ELSE submitted_at END,
                finished_at = CASE WHEN $12 = 1 THEN $11 ELSE finished_at END,
                within_limit = $13, updated_at = $11, version = version + 1,
                open_queue = $16, queue_due = COALESCE($4, '9999-12-31')
          WHERE id = $14 AND version = $15",
    )
    .bind(next.status.as_str())
    .bind(i64::from(next.green_channel))
    .bind(current)
    .bind(due_day)
    .bind(total_due_day)
    .bind(limits.as_ref().map(|l| serde_json::to_string(l).unwrap_or_default()))
    .bind(utility_days)
    .bind(customer_days)
    .bind(accepted_at)
    .bind(i64::from(change.action == HistoryAction::Submit))
    .bind(ctx.now())
    .bind(i64::from(finished && status_changed))
    .bind(within_limit)
    .bind(app.id)
    .bind(app.version)
    .bind(i64::from(next.status.is_open()))
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(Fail::Code(ErrorCode::Conflict));
    }
    history(conn, ctx, actor, app.id, &change, Some(app.process.status), next.status).await?;
    notify_parties(ctx, conn, app, next, &change).await?;
    Ok(())
}

/// Appends a history row.
pub async fn history(
    conn: &mut AnyConnection,
    ctx: &Ctx,
    actor: &Actor,
    id: i64,
    change: &Change,
    from: Option<ApplicationStatus>,
    to: ApplicationStatus,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO application_history (application_id, at, actor_id, actor_label, action, step, status_from, status_to, note, detail)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(id)
    .bind(ctx.now())
    .bind(actor.user_id)
    .bind(&actor.label)
    .bind(change.action.as_str())
    .bind(change.step.map(|s| s.as_str()))
    .bind(from.map(|s| s.as_str()))
    .bind(to.as_str())
    .bind(&change.note)
    .bind(change.detail.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// The path of an application's page for a party.
pub fn page_link(id: i64, party: Party) -> String {
    match party {
        Party::Customer => format!("/applications/{id}"),
        Party::Utility => format!("/staff/applications/{id}"),
    }
}

/// Tells the other party what happened: the applicant of every step the utility takes,
/// the handler of every step the customer takes.
async fn notify_parties(
    ctx: &Ctx,
    conn: &mut AnyConnection,
    app: &Loaded,
    next: &Process,
    change: &Change,
) -> Result<(), sqlx::Error> {
    let reference = reference(app.id);
    // What the customer side does is told to the handler; what the utility does, to the
    // applicant.
    let to_customer = change.action.party() == Party::Utility;
    let (recipient, party) =
        if to_customer { (Some(app.applicant_id), Party::Customer) } else { (app.handler_id, Party::Utility) };
    let Some(recipient) = recipient else { return Ok(()) };
    let todo: Vec<Waiting> = next.waiting_for(Party::Customer).into_iter().filter_map(|(_, w)| w).collect();
    let note = change.note.clone();
    let step = change.step;
    let status = next.status;
    let action = change.action;
    notices::notify(
        ctx,
        conn,
        recipient,
        &format!("application:{}", app.id),
        if to_customer {
            notices::Email::IfChosen(shared::roles::Notice::Applications)
        } else {
            notices::Email::Always
        },
        &page_link(app.id, party),
        move |locale| {
            use shared::i18n::connection as names;
            let title = format!("{reference} {}", names::action(locale, action));
            let mut body = match step {
                Some(step) => format!("{}：{}", names::step(locale, step), names::action(locale, action)),
                None => names::action(locale, action).to_owned(),
            };
            body.push_str(if locale == Locale::Zh { "。当前状态：" } else { ". Status: " });
            body.push_str(names::status(locale, status));
            if let Some(note) = &note {
                body.push_str(if locale == Locale::Zh { "。说明：" } else { ". Note: " });
                body.push_str(note);
            }
            for waiting in &todo {
                body.push_str(if locale == Locale::Zh { "。待您办理：" } else { ". Your next step: " });
                body.push_str(names::waiting(locale, *waiting));
            }
            (title, body)
        },
    )
    .await
}

/// The list line of an application row (selected with [`SUMMARY_COLUMNS`]).
pub fn summary_from_row(row: &AnyRow) -> Result<ApplicationSummary, sqlx::Error> {
    let id: i64 = row.try_get("id")?;
    let address: Option<String> = row.try_get("supply_address")?;
    let account: Option<String> = row.try_get("account_no")?;
    let due: Option<String> = row.try_get("due_day")?;
    let current: Option<String> = row.try_get("current_step")?;
    Ok(ApplicationSummary {
        id,
        reference: reference(id),
        kind: parse(&row.try_get::<String, _>("kind")?)?,
        customer_class: parse(&row.try_get::<String, _>("customer_class")?)?,
        status: parse(&row.try_get::<String, _>("status")?)?,
        current_step: current.map(|s| parse(&s)).transpose()?,
        waiting_for_customer: row.try_get::<i64, _>("waiting")? != 0,
        due_day: due.and_then(|d| shared::validation::parse_day(&d)),
        region: row.try_get("region")?,
        place: address.filter(|a| !a.is_empty()).or(account).unwrap_or_default(),
        applicant: row.try_get("applicant")?,
        handler: row.try_get("handler")?,
        green_channel: row.try_get::<i64, _>("green_channel")? != 0,
        updated_at: utc(row.try_get("updated_at")?),
    })
}

/// The columns [`summary_from_row`] reads, from `applications a` joined to the applicant
/// `u` and the handler `h`.
pub const SUMMARY_COLUMNS: &str = "a.id, a.kind, a.customer_class, a.status, a.current_step, a.due_day, a.region,
     a.supply_address, a.account_no, a.green_channel, a.updated_at, u.display_name AS applicant,
     h.display_name AS handler,
     CASE WHEN a.status IN ('submitted', 'in_progress') AND a.due_day IS NULL THEN 1 ELSE 0 END AS waiting";

/// Detail of an action for the history row.
pub fn detail(pairs: Value) -> Value {
    if pairs.is_null() { json!({}) } else { pairs }
}
