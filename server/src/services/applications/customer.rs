//! What applicants do: start and save drafts, submit, follow, answer requests, accept the
//! scheme and the contract, cancel. Also the one view of an application both parties read.

use serde_json::json;
use shared::api::ErrorCode;
use shared::api::applications::{
    Acceptance, ApplicationDetail, ApplicationList, CustomerAction, DocumentView, FollowUp, HistoryEntry,
    IntakeWarning, NewApplication, OfferView, SaveDraft, StepView,
};
use shared::connection::{Action, ApplicationStatus, Party, Process, Step};
use shared::roles::UserKind;
use shared::validation::parse_day;
use shared::{Money, api::applications::ApplicationForm};
use sqlx::{AnyConnection, Row};

use super::{Change, Env, Loaded, SUMMARY_COLUMNS, load_visible, summary_from_row, transition};
use crate::services::sessions::SessionUser;
use crate::services::{Actor, Fail, Outcome, utc};

/// Whether the person applies for themselves or their organisation (staff do not apply).
fn applicant_org(user: &SessionUser) -> Outcome<Option<i64>> {
    match user.kind {
        UserKind::Customer => Ok(None),
        UserKind::Enterprise => Ok(user.org.map(|(org, _)| org)),
        UserKind::Staff => Err(Fail::Code(ErrorCode::Forbidden)),
    }
}

/// Starts a draft.
pub async fn create(
    env: &Env<'_>,
    actor: &Actor,
    user: &SessionUser,
    new: &NewApplication,
) -> Outcome<ApplicationDetail> {
    new.form.validate_draft(new.customer_class).map_err(Fail::Fields)?;
    let org_id = applicant_org(user)?;
    let process = Process::draft(new.kind, new.customer_class);
    let form = serde_json::to_string(&new.form).map_err(|e| Fail::Internal(e.into()))?;
    let mut tx = env.db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO applications (applicant_id, org_id, kind, customer_class, status, form, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'draft', $5, $6, $6) RETURNING id",
    )
    .bind(user.user_id)
    .bind(org_id)
    .bind(new.kind.as_str())
    .bind(new.customer_class.as_str())
    .bind(&form)
    .bind(env.now)
    .fetch_one(&mut *tx)
    .await?;
    for (position, step) in process.steps.iter().enumerate() {
        sqlx::query(
            "INSERT INTO application_steps (application_id, step, position, state) VALUES ($1, $2, $3, 'pending')",
        )
        .bind(id)
        .bind(step.step.as_str())
        .bind(i64::try_from(position).unwrap_or_default())
        .execute(&mut *tx)
        .await?;
    }
    let change = Change { action: "created", step: None, note: None, detail: json!({}) };
    super::history(&mut tx, env, actor, id, &change, None, ApplicationStatus::Draft).await?;
    store_form_columns(&mut tx, id, &new.form, new.customer_class).await?;
    tx.commit().await?;
    let mut conn = env.db.pool().acquire().await?;
    detail(&mut conn, user, id).await
}

/// Copies the form's searchable fields to their columns.
async fn store_form_columns(
    conn: &mut AnyConnection,
    id: i64,
    form: &ApplicationForm,
    class: shared::connection::CustomerClass,
) -> Result<(), sqlx::Error> {
    let text = |t: &str| Some(t.trim().to_owned()).filter(|t| !t.is_empty());
    sqlx::query(
        "UPDATE applications SET form = $1, region = (SELECT code FROM regions WHERE code = $2), supply_address = $3,
                account_no = $4, dual_supply = $5 WHERE id = $6",
    )
    .bind(serde_json::to_string(form).unwrap_or_default())
    .bind(text(&form.region))
    .bind(text(&form.supply_address))
    .bind(text(&form.account_no))
    .bind(i64::from(class == shared::connection::CustomerClass::HighVoltage && form.dual_supply))
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

async fn own_draft(conn: &mut AnyConnection, user: &SessionUser, id: i64) -> Outcome<Loaded> {
    let app = load_visible(conn, user, id).await?;
    if app.process.status != ApplicationStatus::Draft {
        return Err(Fail::Code(ErrorCode::StepNotAllowed));
    }
    Ok(app)
}

/// Saves a draft's form.
pub async fn save(env: &Env<'_>, user: &SessionUser, id: i64, request: &SaveDraft) -> Outcome<ApplicationDetail> {
    let mut tx = env.db.begin().await?;
    let app = own_draft(&mut tx, user, id).await?;
    request.form.validate_draft(app.process.class).map_err(Fail::Fields)?;
    store_form_columns(&mut tx, id, &request.form, app.process.class).await?;
    sqlx::query("UPDATE applications SET updated_at = $1, version = version + 1 WHERE id = $2")
        .bind(env.now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let mut conn = env.db.pool().acquire().await?;
    detail(&mut conn, user, id).await
}

/// The applications a person may follow: their own (customers) or their organisation's.
pub async fn list(env: &Env<'_>, user: &SessionUser) -> Outcome<ApplicationList> {
    let (filter, key) = match user.kind {
        UserKind::Enterprise => ("a.org_id = $1", user.org.map(|(org, _)| org).unwrap_or(-1)),
        _ => ("a.applicant_id = $1 AND a.org_id IS NULL", user.user_id),
    };
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM applications a JOIN users u ON u.id = a.applicant_id
           LEFT JOIN users h ON h.id = a.handler_id
          WHERE {filter} ORDER BY a.id DESC LIMIT 200"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(key).fetch_all(env.db.pool()).await?;
    let items = rows.iter().map(summary_from_row).collect::<Result<_, _>>()?;
    Ok(ApplicationList { items })
}

/// Intake checks (domain brief §3), shown to the handler with their evidence.
async fn intake_warnings(conn: &mut AnyConnection, app: &Loaded) -> Outcome<Vec<IntakeWarning>> {
    use shared::connection::{ApplicationKind, CustomerClass};
    let mut warnings = Vec::new();
    let address = app.form.supply_address.trim();
    if app.process.kind.asks_address() && !address.is_empty() {
        let rows = sqlx::query(
            "SELECT account_no, customer_class, supply_address FROM electricity_accounts WHERE supply_address = $1 LIMIT 5",
        )
        .bind(address)
        .fetch_all(&mut *conn)
        .await?;
        for row in rows {
            let account: String = row.try_get("account_no")?;
            let class: String = row.try_get("customer_class")?;
            let evidence = format!("{account} · {}", row.try_get::<String, _>("supply_address")?);
            warnings.push(IntakeWarning { code: "address_has_account".into(), evidence: evidence.clone() });
            if app.process.kind == ApplicationKind::Temporary && class != "temporary" {
                warnings.push(IntakeWarning { code: "permanent_supply_exists".into(), evidence });
            }
        }
    }
    let large = app.process.class == CustomerClass::HighVoltage
        && matches!(app.process.kind, ApplicationKind::NewConnection | ApplicationKind::CapacityIncrease);
    if large {
        let approvals: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM application_documents WHERE application_id = $1 AND kind = 'project_approval'",
        )
        .bind(app.id)
        .fetch_one(&mut *conn)
        .await?;
        if approvals == 0 {
            warnings
                .push(IntakeWarning { code: "project_approval_missing".into(), evidence: "project_approval".into() });
        }
    }
    Ok(warnings)
}

/// The documents a kind must carry before it is sent.
fn required_documents(app: &Loaded) -> &'static [&'static str] {
    use shared::connection::ApplicationKind::*;
    match app.process.kind {
        NewConnection | CapacityIncrease | Temporary | ChangeOfName => &["id_or_licence", "property_proof"],
        CapacityDecrease => &["id_or_licence"],
    }
}

async fn submit(env: &Env<'_>, actor: &Actor, user: &SessionUser, id: i64) -> Outcome<()> {
    let mut tx = env.db.begin().await?;
    let app = own_draft(&mut tx, user, id).await?;
    let checked = app.form.validate(app.process.kind, app.process.class, env.today()).map_err(Fail::Fields)?;
    let region_known: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM regions WHERE code = $1")
        .bind(&checked.region)
        .fetch_one(&mut *tx)
        .await?;
    if region_known == 0 {
        return Err(Fail::Fields(vec![shared::validation::FieldError::new(
            "region",
            shared::validation::Problem::UnknownRegion,
        )]));
    }
    if let Some(account_no) = &checked.account_no {
        // A change to an existing account must concern one the applicant may see.
        let visible = crate::services::accounts::for_user(env.db, user).await?;
        if !visible.iter().any(|a| &a.account_no == account_no) {
            return Err(Fail::Fields(vec![shared::validation::FieldError::new(
                "account_no",
                shared::validation::Problem::NotYourAccount,
            )]));
        }
    }
    let kinds: Vec<String> = sqlx::query_scalar("SELECT kind FROM application_documents WHERE application_id = $1")
        .bind(id)
        .fetch_all(&mut *tx)
        .await?;
    let missing: Vec<shared::validation::FieldError> = required_documents(&app)
        .iter()
        .filter(|k| !kinds.iter().any(|have| have == *k))
        .map(|k| shared::validation::FieldError::new(format!("documents.{k}"), shared::validation::Problem::Required))
        .collect();
    if !missing.is_empty() {
        return Err(Fail::Fields(missing));
    }
    let next = app.process.apply(Action::Submit, Party::Customer).map_err(super::refused)?;
    let warnings = intake_warnings(&mut tx, &app).await?;
    sqlx::query("UPDATE applications SET intake_warnings = $1 WHERE id = $2")
        .bind(serde_json::to_string(&warnings).unwrap_or_else(|_| "[]".into()))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    transition(
        env,
        &mut tx,
        actor,
        &app,
        &next,
        Change { action: "submit", step: None, note: None, detail: json!({}) },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Does what a customer asked.
pub async fn act(
    env: &Env<'_>,
    actor: &Actor,
    user: &SessionUser,
    id: i64,
    action: &CustomerAction,
) -> Outcome<ApplicationDetail> {
    if matches!(action, CustomerAction::Submit) {
        submit(env, actor, user, id).await?;
    } else {
        let mut tx = env.db.begin().await?;
        let app = load_visible(&mut tx, user, id).await?;
        let (machine, change) = match action {
            // Handled above; kept so the match stays exhaustive.
            CustomerAction::Submit => return Err(Fail::Code(ErrorCode::StepNotAllowed)),
            CustomerAction::Cancel { reason } => {
                let note = Some(reason.trim().chars().take(2000).collect::<String>()).filter(|r| !r.is_empty());
                (Action::Cancel, Change { action: "cancel", step: None, note, detail: json!({}) })
            }
            CustomerAction::ProvideDocuments { step } => (
                Action::ProvideDocuments(*step),
                Change { action: "provide_documents", step: Some(*step), note: None, detail: json!({}) },
            ),
            CustomerAction::Ready { step, note } => {
                let note = Some(note.trim().chars().take(2000).collect::<String>()).filter(|r| !r.is_empty());
                (Action::ReadyForReview(*step), Change { action: "ready", step: Some(*step), note, detail: json!({}) })
            }
            CustomerAction::AcceptOffer { step, version } => (
                Action::AcceptOffer(*step, *version),
                Change { action: "accept_offer", step: Some(*step), note: None, detail: json!({"version": version}) },
            ),
        };
        let next = app.process.apply(machine, Party::Customer).map_err(super::refused)?;
        if let CustomerAction::AcceptOffer { step, version } = action {
            record_acceptance(env, &mut tx, actor, &app, *step, *version).await?;
        }
        transition(env, &mut tx, actor, &app, &next, change).await?;
        if next.status == ApplicationStatus::Completed {
            super::staff::complete(env, &mut tx, &app, None).await?;
        }
        tx.commit().await?;
    }
    let mut conn = env.db.pool().acquire().await?;
    detail(&mut conn, user, id).await
}

/// Records who accepted which version, when and from where: an electronic signature.
async fn record_acceptance(
    env: &Env<'_>,
    conn: &mut AnyConnection,
    actor: &Actor,
    app: &Loaded,
    step: Step,
    version: u32,
) -> Outcome<()> {
    let updated = sqlx::query(
        "UPDATE application_offers SET accepted_by = $1, accepted_at = $2, accepted_ip = $3
          WHERE application_id = $4 AND step = $5 AND version = $6 AND accepted_at IS NULL",
    )
    .bind(actor.user_id)
    .bind(env.now)
    .bind(&actor.ip)
    .bind(app.id)
    .bind(step.as_str())
    .bind(i64::from(version))
    .execute(conn)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(Fail::Code(ErrorCode::OfferSuperseded));
    }
    Ok(())
}

fn money(fen: Option<i64>) -> Option<Money> {
    fen.map(Money::from_fen)
}

/// Everything about one application, as a person may see it.
pub async fn detail(conn: &mut AnyConnection, user: &SessionUser, id: i64) -> Outcome<ApplicationDetail> {
    let app = load_visible(conn, user, id).await?;
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS}, a.total_due_day, a.utility_days AS used_utility, a.customer_days AS used_customer,
                a.fee_fen, a.created_account, a.meter_no, a.intake_warnings, a.follow_up_score, a.follow_up_comment,
                a.followed_up_at
           FROM applications a JOIN users u ON u.id = a.applicant_id LEFT JOIN users h ON h.id = a.handler_id
          WHERE a.id = $1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_one(&mut *conn).await?;
    let summary = summary_from_row(&row)?;
    let effective = app.limits.as_ref().map(|l| if app.process.green_channel { l.halved() } else { l.clone() });
    let owners: Vec<(i64, String)> = sqlx::query(
        "SELECT DISTINCT u.id, u.display_name FROM application_steps s JOIN users u ON u.id = s.owner_id WHERE s.application_id = $1",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| Ok((r.try_get("id")?, r.try_get("display_name")?)))
    .collect::<Result<_, sqlx::Error>>()?;
    let steps = app
        .steps
        .iter()
        .map(|s| StepView {
            step: s.status.step,
            state: s.status.state,
            waiting: s.status.waiting,
            owner: s.owner_id.and_then(|o| owners.iter().find(|(id, _)| *id == o).map(|(_, n)| n.clone())),
            started_at: s.started_at.map(utc),
            due_day: s.due_day.as_deref().and_then(parse_day),
            finished_at: s.finished_at.map(utc),
            limit_days: effective.as_ref().map(|l| l.of(s.status.step)),
            utility_days: u32::try_from(s.utility_days).unwrap_or(0),
            customer_days: u32::try_from(s.customer_days).unwrap_or(0),
            note: s.outcome.clone(),
            offer_version: s.status.offer_version,
        })
        .collect();
    let offers = sqlx::query(
        "SELECT o.step, o.version, o.body, o.fee_fen, o.issued_at, o.accepted_at, o.accepted_ip, o.body_sha256,
                u.display_name AS accepted_name,
                (SELECT MAX(version) FROM application_offers x WHERE x.application_id = o.application_id AND x.step = o.step) AS latest
           FROM application_offers o LEFT JOIN users u ON u.id = o.accepted_by
          WHERE o.application_id = $1 ORDER BY o.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        let version: i64 = r.try_get("version")?;
        let latest: i64 = r.try_get("latest")?;
        let accepted_at: Option<i64> = r.try_get("accepted_at")?;
        Ok(OfferView {
            step: super::parse(&r.try_get::<String, _>("step")?)?,
            version: u32::try_from(version).unwrap_or(0),
            body: r.try_get("body")?,
            fee: money(r.try_get("fee_fen")?),
            issued_at: utc(r.try_get("issued_at")?),
            superseded: version < latest,
            accepted: match accepted_at {
                Some(at) => Some(Acceptance {
                    by: r.try_get::<Option<String>, _>("accepted_name")?.unwrap_or_default(),
                    at: utc(at),
                    ip: r.try_get::<Option<String>, _>("accepted_ip")?.unwrap_or_default(),
                    sha256: r.try_get("body_sha256")?,
                }),
                None => None,
            },
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let documents = sqlx::query(
        "SELECT id, kind, file_name, content_type, size_bytes, uploaded_at FROM application_documents
          WHERE application_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        Ok(DocumentView {
            id: r.try_get("id")?,
            kind: r.try_get("kind")?,
            file_name: r.try_get("file_name")?,
            content_type: r.try_get("content_type")?,
            size_bytes: r.try_get("size_bytes")?,
            uploaded_at: utc(r.try_get("uploaded_at")?),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let history = sqlx::query(
        "SELECT h.at, h.actor_id, h.actor_label, h.action, h.step, h.status_to, h.note, u.display_name, u.kind
           FROM application_history h LEFT JOIN users u ON u.id = h.actor_id
          WHERE h.application_id = $1 ORDER BY h.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| {
        let step: Option<String> = r.try_get("step")?;
        let name: Option<String> = r.try_get("display_name")?;
        let label: String = r.try_get("actor_label")?;
        Ok(HistoryEntry {
            at: utc(r.try_get("at")?),
            actor: name.unwrap_or(label),
            action: r.try_get("action")?,
            step: step.map(|s| super::parse(&s)).transpose()?,
            status: super::parse(&r.try_get::<String, _>("status_to")?)?,
            note: r.try_get("note")?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let warnings: String = row.try_get("intake_warnings")?;
    let intake_warnings =
        if user.kind == UserKind::Staff { serde_json::from_str(&warnings).unwrap_or_default() } else { Vec::new() };
    let score: Option<i64> = row.try_get("follow_up_score")?;
    let follow_up = match (score, row.try_get::<Option<i64>, _>("followed_up_at")?) {
        (Some(score), Some(at)) => Some(FollowUp {
            score: u8::try_from(score).unwrap_or(0),
            comment: row.try_get::<Option<String>, _>("follow_up_comment")?.unwrap_or_default(),
            at: utc(at),
        }),
        _ => None,
    };
    let total_due: Option<String> = row.try_get("total_due_day")?;
    Ok(ApplicationDetail {
        summary,
        form: app.form.clone(),
        steps,
        limits: effective,
        total_due_day: total_due.as_deref().and_then(parse_day),
        utility_days: u32::try_from(row.try_get::<i64, _>("used_utility")?).unwrap_or(0),
        customer_days: u32::try_from(row.try_get::<i64, _>("used_customer")?).unwrap_or(0),
        fee: money(row.try_get("fee_fen")?),
        offers,
        documents,
        history,
        intake_warnings,
        created_account: row.try_get("created_account")?,
        meter_no: row.try_get("meter_no")?,
        follow_up,
    })
}
