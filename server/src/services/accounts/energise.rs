//! Energising (送电): what a finished connection application does to the accounts. A new
//! or temporary supply opens an account (numbered 39 + the application number) and its
//! meter, linked to the applicant; a change of capacity or of name changes the account.
//! It lives with the accounts because it opens them; the application's service calls it
//! in the transaction that completes the application, and it notes on the application
//! which account and meter it opened.

use shared::api::applications::ApplicationForm;
use shared::connection::{ApplicationKind, CustomerClass};
use sqlx::{AnyConnection, Row};

use crate::context::Ctx;
use crate::services::Outcome;

/// What energising needs of a finished application.
#[derive(Debug, Clone, Copy)]
pub struct Supply<'a> {
    /// The application's number.
    pub id: i64,
    /// Who applied.
    pub applicant_id: i64,
    /// Their organisation, for an enterprise.
    pub org_id: Option<i64>,
    /// The supply station.
    pub region: Option<&'a str>,
    /// What was applied for.
    pub kind: ApplicationKind,
    /// The customer class.
    pub class: CustomerClass,
    /// The form as accepted.
    pub form: &'a ApplicationForm,
}

fn account_class(class: CustomerClass, kind: ApplicationKind) -> &'static str {
    match (kind, class) {
        (ApplicationKind::Temporary, _) => "temporary",
        (_, CustomerClass::Residential) => "residential",
        (_, CustomerClass::LvNonResidential) => "low_voltage",
        (_, CustomerClass::HighVoltage) => "high_voltage",
    }
}

/// Energises a finished application: a new account and meter linked to the applicant
/// (new or temporary supply), the new capacity (changes of capacity), the new holder
/// (change of name).
pub async fn energise(ctx: &Ctx, conn: &mut AnyConnection, app: &Supply<'_>, meter: Option<&str>) -> Outcome<()> {
    let kind = app.kind;
    let form = app.form;
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
            .bind(app.region)
            .bind(account_class(app.class, kind))
            .bind(email)
            .bind(app.org_id)
            .bind(ctx.now())
            .bind(capacity)
            .bind(form.voltage.trim())
            .fetch_one(&mut *conn)
            .await?;
            if app.org_id.is_none() {
                sqlx::query("INSERT INTO account_links (account_id, user_id, proof, linked_at) VALUES ($1, $2, 'application', $3)")
                    .bind(id)
                    .bind(app.applicant_id)
                    .bind(ctx.now())
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
            .bind(ctx.now())
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
