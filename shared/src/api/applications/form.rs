//! The application form: its fields, the checks both sides run, a new draft and a saved one.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::connection::{ApplicationKind, CustomerClass, Voltage};
use crate::validation::{self as v, Checks, FieldError, Problem};

/// The longest supply address, in characters.
pub const ADDRESS_MAX_CHARS: usize = 200;
/// The longest free text (use, findings, reasons), in characters.
pub const TEXT_MAX_CHARS: usize = 2000;
/// The longest scheme or contract text, in characters.
pub const OFFER_MAX_CHARS: usize = 20_000;
/// The most capacity one application may ask for, in kVA.
pub const CAPACITY_MAX_KVA: u32 = 100_000;
/// The most a residential application may ask for, in kVA.
pub const RESIDENTIAL_MAX_KVA: u32 = 100;
/// The largest document accepted, in bytes.
pub const DOCUMENT_MAX_BYTES: usize = 10 * 1024 * 1024;

/// What the customer writes. Every field is text as typed, so that a draft can be saved
/// half-filled; [`ApplicationForm::validate`] checks it for submission.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ApplicationForm {
    /// The supply station (region) code.
    pub region: String,
    /// Where the supply is wanted.
    pub supply_address: String,
    /// What the electricity is for (住宅, 商铺, 厂房 …).
    pub usage: String,
    /// Requested capacity in kVA (the new total for a change of capacity).
    pub capacity_kva: String,
    /// `220v`, `380v`, `10kv`, `35kv` or `110kv`.
    pub voltage: String,
    /// High voltage only: a dual supply.
    pub dual_supply: bool,
    /// The day the customer would like power, `YYYY-MM-DD`.
    pub wanted_date: String,
    /// Temporary supply: the last day, `YYYY-MM-DD`.
    pub until_date: String,
    /// Who to contact.
    pub contact_name: String,
    /// Their mobile number.
    pub contact_mobile: String,
    /// The existing account, for a change of capacity or name.
    pub account_no: String,
    /// Change of name: the new holder.
    pub new_holder_name: String,
}

/// A form that passed [`ApplicationForm::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedForm {
    /// The region code.
    pub region: String,
    /// The supply address (empty when the kind concerns an existing account).
    pub supply_address: String,
    /// The capacity in kVA, when the kind asks for it.
    pub capacity_kva: Option<u32>,
    /// The voltage, when the kind asks for it.
    pub voltage: Option<Voltage>,
    /// The existing account, when the kind needs one.
    pub account_no: Option<String>,
    /// Dual supply (high voltage only).
    pub dual_supply: bool,
}

fn optional<T>(text: &str, parse: impl FnOnce(&str) -> Result<T, Problem>) -> Result<Option<T>, Problem> {
    if text.trim().is_empty() { Ok(None) } else { parse(text).map(Some) }
}

fn capacity(text: &str, class: CustomerClass) -> Result<u32, Problem> {
    if text.trim().is_empty() {
        return Err(Problem::Required);
    }
    let value: u32 = text.trim().parse().map_err(|_| Problem::InvalidValue)?;
    let max = if class == CustomerClass::Residential { RESIDENTIAL_MAX_KVA } else { CAPACITY_MAX_KVA };
    if value == 0 || value > max { Err(Problem::OutOfRange) } else { Ok(value) }
}

fn voltage(text: &str, class: CustomerClass) -> Result<Voltage, Problem> {
    if text.trim().is_empty() {
        return Err(Problem::Required);
    }
    let voltage: Voltage = text.trim().parse().map_err(|_| Problem::InvalidValue)?;
    if voltage.fits(class) { Ok(voltage) } else { Err(Problem::OutOfRange) }
}

pub(super) fn future_day(text: &str, today: NaiveDate) -> Result<NaiveDate, Problem> {
    if text.trim().is_empty() {
        return Err(Problem::Required);
    }
    let day = v::parse_day(text.trim()).ok_or(Problem::InvalidDate)?;
    if day < today || day > today + chrono::Duration::days(3 * 366) { Err(Problem::OutOfRange) } else { Ok(day) }
}

pub(super) fn bounded(text: &str, max: usize) -> Result<(), Problem> {
    if text.chars().count() > max { Err(Problem::TooLong) } else { Ok(()) }
}

impl ApplicationForm {
    /// The checks a draft must pass: every field within its length, and what is filled in
    /// well-formed. Nothing is required yet.
    pub fn validate_draft(&self, class: CustomerClass) -> Result<(), Vec<FieldError>> {
        let mut checks = Checks::new();
        for (field, text, max) in [
            ("region", &self.region, 16),
            ("supply_address", &self.supply_address, ADDRESS_MAX_CHARS),
            ("usage", &self.usage, 200),
            ("contact_name", &self.contact_name, v::NAME_MAX_CHARS),
            ("new_holder_name", &self.new_holder_name, v::NAME_MAX_CHARS),
            ("capacity_kva", &self.capacity_kva, 16),
            ("voltage", &self.voltage, 16),
            ("wanted_date", &self.wanted_date, 16),
            ("until_date", &self.until_date, 16),
            ("contact_mobile", &self.contact_mobile, 20),
            ("account_no", &self.account_no, 20),
        ] {
            checks.check(field, bounded(text, max));
        }
        checks.check("capacity_kva", optional(&self.capacity_kva, |t| capacity(t, class)));
        checks.check("voltage", optional(&self.voltage, |t| voltage(t, class)));
        checks.check("contact_mobile", optional(&self.contact_mobile, v::mobile));
        checks.check("account_no", optional(&self.account_no, v::account_number));
        checks.finish(Some(()))
    }

    /// The checks for submission: what the kind needs is filled in and right. `today` is
    /// the utility's day (wanted dates may not be in the past).
    pub fn validate(
        &self,
        kind: ApplicationKind,
        class: CustomerClass,
        today: NaiveDate,
    ) -> Result<CheckedForm, Vec<FieldError>> {
        let draft_errors = self.validate_draft(class).err().unwrap_or_default();
        let mut checks = Checks::new();
        let region = checks.check("region", v::required_text(&self.region, 16));
        checks.check("contact_name", v::required_text(&self.contact_name, v::NAME_MAX_CHARS));
        checks.check("contact_mobile", v::mobile(&self.contact_mobile));
        let supply_address = if kind.asks_address() {
            checks.check("usage", v::required_text(&self.usage, 200));
            checks.check("supply_address", v::required_text(&self.supply_address, ADDRESS_MAX_CHARS))
        } else {
            Some(String::new())
        };
        let (capacity_kva, voltage) = if kind.asks_capacity() {
            let kva = checks.check("capacity_kva", capacity(&self.capacity_kva, class));
            let volts = checks.check("voltage", voltage(&self.voltage, class));
            let wanted = checks.check("wanted_date", future_day(&self.wanted_date, today));
            if kind == ApplicationKind::Temporary
                && let (Some(until), Some(from)) =
                    (checks.check("until_date", future_day(&self.until_date, today)), wanted)
                && until <= from
            {
                checks.fail("until_date", Problem::OutOfRange);
            }
            (kva, volts)
        } else {
            (None, None)
        };
        let account_no = if kind.needs_existing_account() {
            let account = if self.account_no.trim().is_empty() {
                Err(Problem::Required)
            } else {
                v::account_number(&self.account_no)
            };
            checks.check("account_no", account).map(Some)
        } else {
            Some(None)
        };
        if kind == ApplicationKind::ChangeOfName {
            checks.check("new_holder_name", v::required_text(&self.new_holder_name, v::NAME_MAX_CHARS));
        }
        let checked = match (region, supply_address, account_no) {
            (Some(region), Some(supply_address), Some(account_no)) => Some(CheckedForm {
                region,
                supply_address,
                capacity_kva,
                voltage,
                account_no,
                dual_supply: class == CustomerClass::HighVoltage && self.dual_supply,
            }),
            _ => None,
        };
        match checks.finish(checked) {
            Ok(checked) if draft_errors.is_empty() => Ok(checked),
            Ok(_) => Err(draft_errors),
            Err(errors) => {
                // A field the draft check refused is named once, with the draft's reason.
                let mut all = draft_errors;
                let extra: Vec<FieldError> =
                    errors.into_iter().filter(|e| !all.iter().any(|d| d.field == e.field)).collect();
                all.extend(extra);
                Err(all)
            }
        }
    }
}

/// `POST /api/v1/applications`: a new draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewApplication {
    /// What is asked for.
    pub kind: ApplicationKind,
    /// The customer class.
    pub customer_class: CustomerClass,
    /// The form as far as it is filled in.
    #[serde(default)]
    pub form: ApplicationForm,
}

/// `PUT /api/v1/applications/{id}`: the draft's form, saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SaveDraft {
    /// The form.
    pub form: ApplicationForm,
}
