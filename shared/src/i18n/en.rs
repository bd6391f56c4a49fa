//! English.

use chrono::{Datelike, NaiveDate};

use super::{FieldMessages, FooterMessages, HomeMessages, Messages, NotFoundMessages};
use crate::api::ErrorCode;
use crate::commitments::{LimitUnit, ServiceArea, codes};
use crate::validation::Problem;

pub(super) const MESSAGES: Messages = Messages {
    product_name: "Online Service Hall",
    utility_name: "Gridhall Power Supply",
    skip_to_content: "Skip to main content",
    language_label: "Language",
    language_name: "English",
    nav_label: "Main",
    nav_home: "Home",
    nav_api_docs: "Open API",
    home: HomeMessages {
        title: "Service commitments",
        commitments_heading: "Our service commitments",
        commitments_intro: "These are the time limits we publicly commit to for connections, repairs, complaints and more. Working days follow the official public-holiday calendar: weekends and holidays do not count, makeup working days do.",
        filter_label: "Filter by service area",
        filter_all: "All",
        column_service: "Service",
        column_limit: "Time limit",
        column_area: "Area",
        column_since: "In force since",
        loading: "Loading our service commitments…",
        empty: "No published commitments in this area.",
        retry: "Try again",
        as_of,
    },
    footer: FooterMessages {
        hotline: "Service hotline 95598, open 24 hours a day",
        working_days_note: "Time limits count only the utility's own time, not time spent waiting on the customer.",
    },
    not_found: NotFoundMessages {
        title: "Page not found",
        body: "The page you asked for does not exist or has moved.",
        back_home: "Back to the home page",
    },
    error,
    field: FieldMessages { problem: field_problem },
    area,
    commitment,
    limit,
    date,
    apply: &super::apply::EN,
    bills: &super::bills::EN,
    portal: &super::portal_en::PORTAL,
};

fn as_of(date: &str, count: usize) -> String {
    match count {
        1 => format!("As of {date}: 1 commitment"),
        n => format!("As of {date}: {n} commitments"),
    }
}

fn error(code: ErrorCode) -> &'static str {
    match code {
        ErrorCode::BadRequest => "The request could not be understood. Please check it and try again.",
        ErrorCode::MalformedJson => "The request body is not valid JSON.",
        ErrorCode::UnsupportedMediaType => "The request body must be JSON (Content-Type: application/json).",
        ErrorCode::ValidationFailed => "Some fields need correcting.",
        ErrorCode::Unauthenticated => "Please log in first.",
        ErrorCode::Forbidden => "You are not allowed to do this.",
        ErrorCode::NotFound => "We could not find what you asked for.",
        ErrorCode::MethodNotAllowed => "This address does not support that action.",
        ErrorCode::Conflict => "The data has changed meanwhile. Please reload and try again.",
        ErrorCode::PayloadTooLarge => "What you sent is too large.",
        ErrorCode::RateLimited => "Too many attempts. Please wait a moment and try again.",
        ErrorCode::Timeout => "This took too long. Please try again later.",
        ErrorCode::Internal => "Something went wrong on our side. It has been logged; please try again later.",
        ErrorCode::Unavailable => "The service is temporarily unavailable. Please try again later.",
        ErrorCode::InvalidCredentials => "The email address or password is not correct.",
        ErrorCode::EmailUnconfirmed => {
            "Your email address is not confirmed yet. We have sent a new confirmation email: open its link, then log in."
        }
        ErrorCode::AccountDisabled => "This login has been disabled. Call 95598 if you think this is a mistake.",
        ErrorCode::LinkExpired => {
            "This link or code is no longer valid (already used or expired). Please ask for a new one."
        }
        ErrorCode::ProofMismatch => {
            "The account number and the details you gave do not match. Please check and try again."
        }
        ErrorCode::EmailTaken => "This email address already has a login.",
        ErrorCode::StepNotAllowed => {
            "The application is not at a step where this can be done. Please refresh to see where it stands."
        }
        ErrorCode::OfferSuperseded => {
            "A newer version of this document has been issued. Please read the latest version before accepting it."
        }
        ErrorCode::OwnRequest => "Another operator must approve this: nobody approves their own request.",
        ErrorCode::UnsupportedFile => "This type of file is not accepted: please upload a PDF, JPEG or PNG file.",
        ErrorCode::SecondFactorRequired => {
            "Enter the six-digit code from your authenticator app (or a recovery code) to continue."
        }
        ErrorCode::SecondFactorInvalid => {
            "This code is not right, was already used, or has expired. Wait for the next code and try again."
        }
        ErrorCode::SecondFactorEnrolmentRequired => {
            "Staff logins need a second factor: set up your authenticator app to finish logging in."
        }
        ErrorCode::StationNotHeld => {
            "This reaches supply stations you are not assigned to. Ask an administrator who covers them."
        }
        ErrorCode::RoleNotHeld => "You cannot give yourself a role you do not hold. Ask another administrator.",
        ErrorCode::WeakLinkCannotUnlink => {
            "You linked this account with the holder's name and last bill, so you cannot remove its other logins. Link it again with a code sent to the address on file, or call 95598."
        }
        ErrorCode::Network => "Could not reach the server. Please check your connection and try again.",
        ErrorCode::Unknown => "An unknown error occurred. Please try again later.",
    }
}

fn area(area: ServiceArea) -> &'static str {
    match area {
        ServiceArea::Connection => "Connections",
        ServiceArea::Complaint => "Complaints and requests",
        ServiceArea::MeterTest => "Meter tests",
        ServiceArea::Reconnection => "Reconnection",
        ServiceArea::Outage => "Outage notices",
        ServiceArea::Repair => "Fault repair",
    }
}

fn commitment(code: &str) -> Option<&'static str> {
    Some(match code {
        codes::CONNECTION_TOTAL_RESIDENTIAL => "New connection, residential: whole process",
        codes::CONNECTION_TOTAL_LV_NON_RESIDENTIAL => "New connection, low-voltage business: whole process",
        codes::CONNECTION_TOTAL_HV_SINGLE => "New connection, high voltage, single supply: whole process",
        codes::CONNECTION_TOTAL_HV_DUAL => "New connection, high voltage, dual supply: whole process",
        codes::SCHEME_REPLY_RESIDENTIAL => "Supply scheme reply, residential",
        codes::SCHEME_REPLY_LV => "Supply scheme reply, low voltage",
        codes::SCHEME_REPLY_HV_SINGLE => "Supply scheme reply, high voltage, single supply",
        codes::SCHEME_REPLY_HV_DUAL => "Supply scheme reply, high voltage, dual supply",
        codes::ENERGISE_RESIDENTIAL => "Meter fitted and power on after inspection, residential",
        codes::ENERGISE_NON_RESIDENTIAL => "Meter fitted and power on after inspection, non-residential",
        codes::STEP_ACCEPTANCE => "Acceptance of a connection application",
        codes::STEP_SITE_SURVEY => "Site survey, non-residential",
        codes::STEP_DESIGN_REVIEW => "Design review",
        codes::STEP_MID_INSPECTION => "Mid-construction inspection",
        codes::STEP_COMPLETION_INSPECTION => "Completion inspection",
        codes::STEP_CONTRACT => "Supply contract issued",
        codes::COMPLAINT_FIRST_CONTACT => "We contact you after a complaint",
        codes::COMPLAINT_REPLY => "Reply with the outcome of a complaint",
        codes::COMPLAINT_METER_ANOMALY => "Reply to a metering concern",
        codes::SERVICE_REQUEST_REPLY => "Reply to other service requests",
        codes::METER_TEST_RESULT => "Result of a meter test",
        codes::RECONNECTION_AFTER_PAYMENT => "Power back on after arrears are paid",
        codes::OUTAGE_PLANNED_NOTICE => "Notice before a planned outage",
        codes::OUTAGE_TEMPORARY_NOTICE => "Notice before temporary maintenance",
        codes::OUTAGE_LARGE_CUSTOMER_FIRST => "Large customers: first notice of a planned outage",
        codes::OUTAGE_LARGE_CUSTOMER_SECOND => "Large customers: second notice of a planned outage",
        codes::OUTAGE_LARGE_CUSTOMER_CONFIRM => "Large customers: confirmation before the outage",
        codes::REPAIR_ARRIVAL_URBAN => "Repair crew on site, urban areas",
        codes::REPAIR_ARRIVAL_RURAL => "Repair crew on site, rural areas",
        codes::REPAIR_ARRIVAL_REMOTE => "Repair crew on site, remote areas",
        _ => return None,
    })
}

fn limit(value: u32, unit: LimitUnit) -> String {
    let unit = match (unit, value == 1) {
        (LimitUnit::WorkingDays, true) => "working day",
        (LimitUnit::WorkingDays, false) => "working days",
        (LimitUnit::CalendarDays, true) => "day",
        (LimitUnit::CalendarDays, false) => "days",
        (LimitUnit::Hours, true) => "hour",
        (LimitUnit::Hours, false) => "hours",
        (LimitUnit::Minutes, true) => "minute",
        (LimitUnit::Minutes, false) => "minutes",
    };
    format!("{value} {unit}")
}

fn date(day: NaiveDate) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let month = MONTHS.get(day.month0() as usize).copied().unwrap_or_default();
    format!("{} {month} {}", day.day(), day.year())
}

fn field_problem(problem: Problem) -> &'static str {
    match problem {
        Problem::UnknownArea => "Unknown service area",
        Problem::InvalidDate => "Dates are written YYYY-MM-DD and must be real days",
        Problem::UnknownLanguage => "Only zh-CN and en are offered",
        Problem::InvalidValue => "Invalid value",
        Problem::Required => "Please fill this in",
        Problem::TooLong => "Too long",
        Problem::InvalidEmail => "Enter an email address, e.g. name@example.com",
        Problem::InvalidMobile => "Enter an 11-digit mobile number",
        Problem::PasswordTooShort => "Passwords need at least 10 characters",
        Problem::PasswordTooLong => "Passwords may have at most 128 characters",
        Problem::PasswordTooWeak => {
            "This password is too common or too easy to guess; choose a longer, more unusual one"
        }
        Problem::WrongPassword => "The current password is not correct",
        Problem::InvalidAccountNumber => "Account numbers have 10 digits",
        Problem::InvalidAmount => "Enter an amount in yuan with at most two decimals, e.g. 128.50",
        Problem::InvalidCode => "Codes have 6 digits",
        Problem::NoneChosen => "Choose at least one",
        Problem::UnknownRegion => "Unknown supply station",
        Problem::OutOfRange => "Outside the allowed range",
        Problem::AlreadyUsed => "Already in use; please check",
        Problem::NotYourAccount => "Not one of your accounts",
        Problem::TierBounds => "Each tier must end above the one before, and only the last is open-ended",
        Problem::PeriodPrices => "Each time-of-use period needs exactly one price",
        Problem::VersionOverlaps => "Overlaps the days of an existing version",
        Problem::BeforeToday => "Cannot be before today: prices are never back-dated",
        Problem::ReadingsHeader => {
            "The first line must name the columns: meter_no, read_on, active (interval data: meter_no, starts_at, kwh)"
        }
        Problem::EmptyFile => "The file has no readings",
    }
}
