//! What applicants do: start and save drafts, submit, follow, answer requests, accept the
//! scheme and the contract, cancel.

use crate::context::Ctx;
use crate::services::accounts::energise::energise;
use serde_json::json;
use shared::api::ErrorCode;
use shared::api::applications::ApplicationForm;
use shared::api::applications::{
    ApplicationDetail, ApplicationList, CustomerAction, DocumentKind, IntakeWarning, IntakeWarningCode, NewApplication,
    SaveDraft,
};
use shared::connection::{Action, ApplicationStatus, HistoryAction, Party, Process, Step};
use shared::roles::UserKind;
use sqlx::{AnyConnection, Row};

use super::detail::detail;
use super::{Change, Loaded, SUMMARY_COLUMNS, load_visible, summary_from_row, transition};
use crate::services::sessions::SessionUser;
use crate::services::{Actor, Fail, Outcome};

/// Whether the person applies for themselves or their organisation (staff do not apply).
fn applicant_org(user: &SessionUser) -> Outcome<Option<i64>> {
    match user.kind {
        UserKind::Customer => Ok(None),
        UserKind::Enterprise => Ok(user.org.map(|(org, _)| org)),
        UserKind::Staff => Err(Fail::Code(ErrorCode::Forbidden)),
    }
}

/// Starts a draft.
pub async fn create(ctx: &Ctx, actor: &Actor, user: &SessionUser, new: &NewApplication) -> Outcome<ApplicationDetail> {
    new.form.validate_draft(new.customer_class).map_err(Fail::Fields)?;
    let org_id = applicant_org(user)?;
    let process = Process::draft(new.kind, new.customer_class);
    let form = serde_json::to_string(&new.form).map_err(|e| Fail::Internal(e.into()))?;
    let mut tx = ctx.db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO applications (applicant_id, org_id, kind, customer_class, status, form, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'draft', $5, $6, $6) RETURNING id",
    )
    .bind(user.user_id)
    .bind(org_id)
    .bind(new.kind.as_str())
    .bind(new.customer_class.as_str())
    .bind(&form)
    .bind(ctx.now())
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
    let change = Change { action: HistoryAction::Created, step: None, note: None, detail: json!({}) };
    super::history(&mut tx, ctx, actor, id, &change, None, ApplicationStatus::Draft).await?;
    store_form_columns(&mut tx, id, &new.form, new.customer_class).await?;
    tx.commit().await?;
    let mut conn = ctx.db.pool().acquire().await?;
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
pub async fn save(ctx: &Ctx, user: &SessionUser, id: i64, request: &SaveDraft) -> Outcome<ApplicationDetail> {
    let mut tx = ctx.db.begin().await?;
    let app = own_draft(&mut tx, user, id).await?;
    request.form.validate_draft(app.process.class).map_err(Fail::Fields)?;
    store_form_columns(&mut tx, id, &request.form, app.process.class).await?;
    sqlx::query("UPDATE applications SET updated_at = $1, version = version + 1 WHERE id = $2")
        .bind(ctx.now())
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let mut conn = ctx.db.pool().acquire().await?;
    detail(&mut conn, user, id).await
}

/// The applications a person may follow: their own (customers) or their organisation's.
pub async fn list(ctx: &Ctx, user: &SessionUser) -> Outcome<ApplicationList> {
    let (filter, key) = match user.kind {
        UserKind::Enterprise => ("a.org_id = $1", user.org.map(|(org, _)| org).unwrap_or(-1)),
        _ => ("a.applicant_id = $1 AND a.org_id IS NULL", user.user_id),
    };
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM applications a JOIN users u ON u.id = a.applicant_id
           LEFT JOIN users h ON h.id = a.handler_id
          WHERE {filter} ORDER BY a.id DESC LIMIT 200"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(key).fetch_all(ctx.db.pool()).await?;
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
            warnings.push(IntakeWarning { code: IntakeWarningCode::AddressHasAccount, evidence: evidence.clone() });
            if app.process.kind == ApplicationKind::Temporary && class != "temporary" {
                warnings.push(IntakeWarning { code: IntakeWarningCode::PermanentSupplyExists, evidence });
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
            warnings.push(IntakeWarning {
                code: IntakeWarningCode::ProjectApprovalMissing,
                evidence: DocumentKind::ProjectApproval.as_str().into(),
            });
        }
    }
    Ok(warnings)
}

async fn submit(ctx: &Ctx, actor: &Actor, user: &SessionUser, id: i64) -> Outcome<()> {
    let mut tx = ctx.db.begin().await?;
    let app = own_draft(&mut tx, user, id).await?;
    let checked = app.form.validate(app.process.kind, app.process.class, ctx.today()).map_err(Fail::Fields)?;
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
        let visible = crate::services::accounts::for_user(ctx, user).await?;
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
    let missing: Vec<shared::validation::FieldError> = shared::api::applications::required_documents(app.process.kind)
        .iter()
        .filter(|k| !kinds.iter().any(|have| have == k.as_str()))
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
        ctx,
        &mut tx,
        actor,
        &app,
        &next,
        Change { action: HistoryAction::Submit, step: None, note: None, detail: json!({}) },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Does what a customer asked.
pub async fn act(
    ctx: &Ctx,
    actor: &Actor,
    user: &SessionUser,
    id: i64,
    action: &CustomerAction,
) -> Outcome<ApplicationDetail> {
    if matches!(action, CustomerAction::Submit) {
        submit(ctx, actor, user, id).await?;
    } else {
        let mut tx = ctx.db.begin().await?;
        let app = load_visible(&mut tx, user, id).await?;
        let (machine, change) = match action {
            // Handled above; kept so the match stays exhaustive.
            CustomerAction::Submit => return Err(Fail::Code(ErrorCode::StepNotAllowed)),
            CustomerAction::Cancel { reason } => {
                let note = Some(reason.trim().chars().take(2000).collect::<String>()).filter(|r| !r.is_empty());
                (Action::Cancel, Change { action: HistoryAction::Cancel, step: None, note, detail: json!({}) })
            }
            CustomerAction::ProvideDocuments { step } => (
                Action::ProvideDocuments(*step),
                Change { action: HistoryAction::ProvideDocuments, step: Some(*step), note: None, detail: json!({}) },
            ),
            CustomerAction::Ready { step, note } => {
                let note = Some(note.trim().chars().take(2000).collect::<String>()).filter(|r| !r.is_empty());
                (
                    Action::ReadyForReview(*step),
                    Change { action: HistoryAction::Ready, step: Some(*step), note, detail: json!({}) },
                )
            }
            CustomerAction::AcceptOffer { step, version } => (
                Action::AcceptOffer(*step, *version),
                Change {
                    action: HistoryAction::AcceptOffer,
                    step: Some(*step),
                    note: None,
                    detail: json!({"version": version}),
                },
            ),
        };
        let next = app.process.apply(machine, Party::Customer).map_err(super::refused)?;
        if let CustomerAction::AcceptOffer { step, version } = action {
            record_acceptance(ctx, &mut tx, actor, &app, *step, *version).await?;
        }
        transition(ctx, &mut tx, actor, &app, &next, change).await?;
        if next.status == ApplicationStatus::Completed {
            energise(ctx, &mut tx, &app.supply(), None).await?;
        }
        tx.commit().await?;
    }
    let mut conn = ctx.db.pool().acquire().await?;
    detail(&mut conn, user, id).await
}

/// Records who accepted which version, when and from where: an electronic signature.
async fn record_acceptance(
    ctx: &Ctx,
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
    .bind(ctx.now())
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
