//! The checks of the application API's requests.

use chrono::NaiveDate;

use super::*;
use crate::connection::{ApplicationKind, CustomerClass, Step, Voltage};
use crate::validation::{FieldError, Problem};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).expect("day")
}

fn residential() -> ApplicationForm {
    ApplicationForm {
        region: "PD01".into(),
        supply_address: "上海市浦东新区世纪大道100号3室".into(),
        usage: "住宅".into(),
        capacity_kva: "8".into(),
        voltage: "220v".into(),
        wanted_date: "2026-12-10".into(),
        contact_name: "张伟".into(),
        contact_mobile: "13800138000".into(),
        ..ApplicationForm::default()
    }
}

fn fields(errors: Vec<FieldError>) -> Vec<String> {
    errors.into_iter().map(|e| format!("{}:{:?}", e.field, e.problem)).collect()
}

#[test]
fn a_complete_residential_form_passes() {
    let checked =
        residential().validate(ApplicationKind::NewConnection, CustomerClass::Residential, today()).expect("valid");
    assert_eq!(checked.capacity_kva, Some(8));
    assert_eq!(checked.voltage, Some(Voltage::V220));
}

#[test]
fn refuses_absurd_capacities_addresses_and_dates() {
    for (kva, problem) in
        [("-5", "InvalidValue"), ("1000000000000", "InvalidValue"), ("0", "OutOfRange"), ("500", "OutOfRange")]
    {
        let form = ApplicationForm { capacity_kva: kva.into(), ..residential() };
        let errors =
            fields(form.validate(ApplicationKind::NewConnection, CustomerClass::Residential, today()).expect_err(kva));
        assert_eq!(errors, [format!("capacity_kva:{problem}")], "{kva}");
    }
    let form = ApplicationForm { supply_address: "路".repeat(10 * 1024), ..residential() };
    let errors =
        fields(form.validate(ApplicationKind::NewConnection, CustomerClass::Residential, today()).expect_err("long"));
    assert_eq!(errors, ["supply_address:TooLong"]);
    let form = ApplicationForm { wanted_date: "2026-11-01".into(), voltage: "10kv".into(), ..residential() };
    let errors =
        fields(form.validate(ApplicationKind::NewConnection, CustomerClass::Residential, today()).expect_err("past"));
    assert_eq!(errors, ["voltage:OutOfRange", "wanted_date:OutOfRange"]);
}

#[test]
fn each_kind_asks_only_what_it_needs() {
    let form = ApplicationForm {
        region: "PD01".into(),
        contact_name: "张伟".into(),
        contact_mobile: "13800138000".into(),
        ..ApplicationForm::default()
    };
    let errors = fields(
        form.validate(ApplicationKind::ChangeOfName, CustomerClass::Residential, today()).expect_err("no account"),
    );
    assert_eq!(errors, ["account_no:Required", "new_holder_name:Required"]);
    let errors =
        fields(form.validate(ApplicationKind::NewConnection, CustomerClass::Residential, today()).expect_err("empty"));
    assert_eq!(
        errors,
        [
            "usage:Required",
            "supply_address:Required",
            "capacity_kva:Required",
            "voltage:Required",
            "wanted_date:Required"
        ]
    );
    let temporary = ApplicationForm { until_date: "2026-12-01".into(), ..residential() };
    let errors = fields(
        temporary.validate(ApplicationKind::Temporary, CustomerClass::Residential, today()).expect_err("ends before"),
    );
    assert_eq!(errors, ["until_date:OutOfRange"]);
}

#[test]
fn drafts_may_be_incomplete_but_not_malformed() {
    assert!(ApplicationForm::default().validate_draft(CustomerClass::Residential).is_ok());
    let form = ApplicationForm { contact_mobile: "12345".into(), ..ApplicationForm::default() };
    assert_eq!(
        fields(form.validate_draft(CustomerClass::Residential).expect_err("mobile")),
        ["contact_mobile:InvalidMobile"]
    );
}

#[test]
fn staff_actions_check_their_text() {
    let offer = StaffAction::IssueOffer { step: Step::SupplyScheme, body: "方案".into(), fee: "-3".into() };
    assert_eq!(fields(offer.validate(today()).expect_err("fee")), ["fee:InvalidAmount"]);
    let review = StaffAction::Review { step: Step::CompletionInspection, passed: false, note: " ".into() };
    assert_eq!(fields(review.validate(today()).expect_err("defects")), ["note:Required"]);
    assert_eq!(meter_number("zj-01"), Err(Problem::InvalidValue));
    assert_eq!(meter_number("zj0012345678"), Ok("ZJ0012345678".into()));
}
