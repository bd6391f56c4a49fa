//! Service commitments: the time limits the utility publishes and is measured against
//! (domain brief §3, §5–7).
//!
//! The numbers are configuration rows in the database, versioned with the date they take
//! effect; this module names them and answers "what is the limit for X" over a set of them.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The codes of the commitments the utility ships with. Each is a row in the database; an
/// administrator may add others.
pub mod codes {
    /// Whole connection process, residential low voltage.
    pub const CONNECTION_TOTAL_RESIDENTIAL: &str = "connection.total.residential";
    /// Whole connection process, low-voltage non-residential.
    pub const CONNECTION_TOTAL_LV_NON_RESIDENTIAL: &str = "connection.total.lv_non_residential";
    /// Whole connection process, high voltage with a single supply.
    pub const CONNECTION_TOTAL_HV_SINGLE: &str = "connection.total.hv_single";
    /// Whole connection process, high voltage with a dual supply.
    pub const CONNECTION_TOTAL_HV_DUAL: &str = "connection.total.hv_dual";
    /// Supply scheme reply, residential.
    pub const SCHEME_REPLY_RESIDENTIAL: &str = "connection.scheme_reply.residential";
    /// Supply scheme reply, low voltage.
    pub const SCHEME_REPLY_LV: &str = "connection.scheme_reply.lv";
    /// Supply scheme reply, high voltage single supply.
    pub const SCHEME_REPLY_HV_SINGLE: &str = "connection.scheme_reply.hv_single";
    /// Supply scheme reply, high voltage dual supply.
    pub const SCHEME_REPLY_HV_DUAL: &str = "connection.scheme_reply.hv_dual";
    /// Energising after a passed inspection, residential.
    pub const ENERGISE_RESIDENTIAL: &str = "connection.energise.residential";
    /// Energising after a passed inspection, non-residential.
    pub const ENERGISE_NON_RESIDENTIAL: &str = "connection.energise.non_residential";
    /// Acceptance of a connection application (Gridhall default; no published figure).
    pub const STEP_ACCEPTANCE: &str = "connection.step.acceptance";
    /// Site survey, non-residential (Gridhall default).
    pub const STEP_SITE_SURVEY: &str = "connection.step.site_survey";
    /// Design review, high voltage (Gridhall default).
    pub const STEP_DESIGN_REVIEW: &str = "connection.step.design_review";
    /// Mid-construction inspection, high voltage (Gridhall default).
    pub const STEP_MID_INSPECTION: &str = "connection.step.mid_inspection";
    /// Completion inspection (Gridhall default).
    pub const STEP_COMPLETION_INSPECTION: &str = "connection.step.completion_inspection";
    /// Issuing the supply contract (Gridhall default).
    pub const STEP_CONTRACT: &str = "connection.step.contract";
    /// First contact with a complainant.
    pub const COMPLAINT_FIRST_CONTACT: &str = "complaint.first_contact";
    /// Reply with the resolution of a complaint.
    pub const COMPLAINT_REPLY: &str = "complaint.reply";
    /// Reply to a meter anomaly.
    pub const COMPLAINT_METER_ANOMALY: &str = "complaint.meter_anomaly";
    /// Reply to any other service request.
    pub const SERVICE_REQUEST_REPLY: &str = "complaint.service_request";
    /// Result of a meter test the customer asked for.
    pub const METER_TEST_RESULT: &str = "meter_test.result";
    /// Reconnection after the debt is paid.
    pub const RECONNECTION_AFTER_PAYMENT: &str = "reconnection.after_payment";
    /// Notice ahead of a planned outage.
    pub const OUTAGE_PLANNED_NOTICE: &str = "outage.planned_notice";
    /// Notice ahead of temporary maintenance.
    pub const OUTAGE_TEMPORARY_NOTICE: &str = "outage.temporary_notice";
    /// First notice to a large customer ahead of a planned outage.
    pub const OUTAGE_LARGE_CUSTOMER_FIRST: &str = "outage.large_customer_first";
    /// Second notice to a large customer ahead of a planned outage.
    pub const OUTAGE_LARGE_CUSTOMER_SECOND: &str = "outage.large_customer_second";
    /// Confirmation to a large customer just before the outage.
    pub const OUTAGE_LARGE_CUSTOMER_CONFIRM: &str = "outage.large_customer_confirm";
    /// Repair crew arrival, urban.
    pub const REPAIR_ARRIVAL_URBAN: &str = "repair.arrival.urban";
    /// Repair crew arrival, rural.
    pub const REPAIR_ARRIVAL_RURAL: &str = "repair.arrival.rural";
    /// Repair crew arrival, remote areas.
    pub const REPAIR_ARRIVAL_REMOTE: &str = "repair.arrival.remote";

    /// Every code the utility ships with, in display order.
    pub const ALL: [&str; 30] = [
        CONNECTION_TOTAL_RESIDENTIAL,
        CONNECTION_TOTAL_LV_NON_RESIDENTIAL,
        CONNECTION_TOTAL_HV_SINGLE,
        CONNECTION_TOTAL_HV_DUAL,
        SCHEME_REPLY_RESIDENTIAL,
        SCHEME_REPLY_LV,
        SCHEME_REPLY_HV_SINGLE,
        SCHEME_REPLY_HV_DUAL,
        ENERGISE_RESIDENTIAL,
        ENERGISE_NON_RESIDENTIAL,
        STEP_ACCEPTANCE,
        STEP_SITE_SURVEY,
        STEP_DESIGN_REVIEW,
        STEP_MID_INSPECTION,
        STEP_COMPLETION_INSPECTION,
        STEP_CONTRACT,
        COMPLAINT_FIRST_CONTACT,
        COMPLAINT_REPLY,
        COMPLAINT_METER_ANOMALY,
        SERVICE_REQUEST_REPLY,
        METER_TEST_RESULT,
        RECONNECTION_AFTER_PAYMENT,
        OUTAGE_PLANNED_NOTICE,
        OUTAGE_TEMPORARY_NOTICE,
        OUTAGE_LARGE_CUSTOMER_FIRST,
        OUTAGE_LARGE_CUSTOMER_SECOND,
        OUTAGE_LARGE_CUSTOMER_CONFIRM,
        REPAIR_ARRIVAL_URBAN,
        REPAIR_ARRIVAL_RURAL,
        REPAIR_ARRIVAL_REMOTE,
    ];
}

/// The part of the service a commitment belongs to; the home page filters by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ServiceArea {
    /// Connection applications (业扩报装).
    Connection,
    /// Complaints and service requests.
    Complaint,
    /// Meter tests.
    MeterTest,
    /// Reconnection after payment.
    Reconnection,
    /// Outage notices.
    Outage,
    /// Fault repair.
    Repair,
}

impl ServiceArea {
    /// Every area, in the order the portal lists them.
    pub const ALL: [ServiceArea; 6] = [
        ServiceArea::Connection,
        ServiceArea::Complaint,
        ServiceArea::MeterTest,
        ServiceArea::Reconnection,
        ServiceArea::Outage,
        ServiceArea::Repair,
    ];

    /// The name used in URLs, JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceArea::Connection => "connection",
            ServiceArea::Complaint => "complaint",
            ServiceArea::MeterTest => "meter_test",
            ServiceArea::Reconnection => "reconnection",
            ServiceArea::Outage => "outage",
            ServiceArea::Repair => "repair",
        }
    }
}

impl FromStr for ServiceArea {
    type Err = UnknownName;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        ServiceArea::ALL.into_iter().find(|area| area.as_str() == text).ok_or(UnknownName)
    }
}

/// The unit a limit is counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum LimitUnit {
    /// Working days on the utility's calendar (weekends and holidays off, makeup days on).
    WorkingDays,
    /// Calendar days.
    CalendarDays,
    /// Wall-clock hours.
    Hours,
    /// Wall-clock minutes.
    Minutes,
}

impl LimitUnit {
    /// Every unit.
    pub const ALL: [LimitUnit; 4] =
        [LimitUnit::WorkingDays, LimitUnit::CalendarDays, LimitUnit::Hours, LimitUnit::Minutes];

    /// The name used in JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            LimitUnit::WorkingDays => "working_days",
            LimitUnit::CalendarDays => "calendar_days",
            LimitUnit::Hours => "hours",
            LimitUnit::Minutes => "minutes",
        }
    }
}

impl FromStr for LimitUnit {
    type Err = UnknownName;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        LimitUnit::ALL.into_iter().find(|unit| unit.as_str() == text).ok_or(UnknownName)
    }
}

/// A name that is not one of an enumeration's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unknown name")]
pub struct UnknownName;

/// Why a text is not a commitment code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a commitment code is 1 to 64 characters of dot-separated lower-case words, e.g. complaint.reply")]
pub struct InvalidCode;

/// The stable name of a commitment, e.g. `complaint.reply`: dot-separated segments of
/// lower-case ASCII letters, digits and `_`, each starting with a letter; at most 64 bytes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "complaint.reply"))]
pub struct CommitmentCode(String);

impl CommitmentCode {
    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for CommitmentCode {
    type Err = InvalidCode;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let well_formed_segment = |segment: &str| {
            let mut bytes = segment.bytes();
            matches!(bytes.next(), Some(b'a'..=b'z'))
                && bytes.all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        };
        if text.len() <= 64 && text.split('.').all(well_formed_segment) {
            Ok(CommitmentCode(text.to_owned()))
        } else {
            Err(InvalidCode)
        }
    }
}

impl TryFrom<String> for CommitmentCode {
    type Error = InvalidCode;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<CommitmentCode> for String {
    fn from(code: CommitmentCode) -> String {
        code.0
    }
}

impl fmt::Display for CommitmentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One published time limit, in the version in force on a given day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Commitment {
    /// Stable name, e.g. `connection.total.residential`.
    pub code: CommitmentCode,
    /// The part of the service it belongs to.
    pub area: ServiceArea,
    /// The limit, counted in `unit`.
    pub limit: u32,
    /// What `limit` counts.
    pub unit: LimitUnit,
    /// Revision number of this commitment; each change adds a version.
    pub version: u32,
    /// The first day (utility time zone) this version applies to, `YYYY-MM-DD`.
    #[serde(with = "crate::validation::day")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2025-01-01"))]
    pub effective_from: NaiveDate,
}

/// Picks, from every version of every commitment (in display order), the ones in force on
/// `day`: for each code the version with the latest `effective_from` not after `day`, the
/// highest version among those of the same day. Codes keep the order of their first row.
pub fn in_force_on(all_versions: &[Commitment], day: NaiveDate) -> Commitments {
    let mut chosen: Vec<&Commitment> = Vec::new();
    for candidate in all_versions.iter().filter(|c| c.effective_from <= day) {
        match chosen.iter_mut().find(|c| c.code == candidate.code) {
            Some(current) => {
                if (candidate.effective_from, candidate.version) > (current.effective_from, current.version) {
                    *current = candidate;
                }
            }
            None => chosen.push(candidate),
        }
    }
    Commitments(chosen.into_iter().cloned().collect())
}

/// The commitments in force on one day, in display order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Commitments(Vec<Commitment>);

impl Commitments {
    /// Wraps a list, keeping its order.
    pub fn new(items: Vec<Commitment>) -> Self {
        Commitments(items)
    }

    /// The commitment with this code, if one is in force.
    pub fn get(&self, code: &str) -> Option<&Commitment> {
        self.0.iter().find(|c| c.code.as_str() == code)
    }

    /// The limit and its unit for a code, if one is in force.
    pub fn limit_of(&self, code: &str) -> Option<(u32, LimitUnit)> {
        self.get(code).map(|c| (c.limit, c.unit))
    }

    /// The commitments of one area (all of them for `None`), in display order.
    pub fn in_area(&self, area: Option<ServiceArea>) -> impl Iterator<Item = &Commitment> {
        self.0.iter().filter(move |c| area.is_none_or(|a| c.area == a))
    }

    /// The areas that have at least one commitment, in the portal's order.
    pub fn areas(&self) -> Vec<ServiceArea> {
        ServiceArea::ALL.into_iter().filter(|a| self.0.iter().any(|c| c.area == *a)).collect()
    }

    /// All commitments, in display order.
    pub fn as_slice(&self) -> &[Commitment] {
        &self.0
    }

    /// The list itself.
    pub fn into_vec(self) -> Vec<Commitment> {
        self.0
    }

    /// How many are in force.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether none is in force.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn commitment(code: &str, area: ServiceArea, limit: u32, unit: LimitUnit) -> Commitment {
        Commitment {
            code: code.parse().expect("test code"),
            area,
            limit,
            unit,
            version: 1,
            effective_from: NaiveDate::from_ymd_opt(2025, 1, 1).expect("date"),
        }
    }

    fn sample() -> Commitments {
        Commitments::new(vec![
            commitment(codes::CONNECTION_TOTAL_RESIDENTIAL, ServiceArea::Connection, 5, LimitUnit::WorkingDays),
            commitment(codes::CONNECTION_TOTAL_HV_DUAL, ServiceArea::Connection, 32, LimitUnit::WorkingDays),
            commitment(codes::COMPLAINT_REPLY, ServiceArea::Complaint, 7, LimitUnit::WorkingDays),
            commitment(codes::RECONNECTION_AFTER_PAYMENT, ServiceArea::Reconnection, 24, LimitUnit::Hours),
            commitment(codes::REPAIR_ARRIVAL_URBAN, ServiceArea::Repair, 45, LimitUnit::Minutes),
        ])
    }

    #[test]
    fn looks_up_limits_by_code() {
        let set = sample();
        assert_eq!(set.limit_of(codes::CONNECTION_TOTAL_RESIDENTIAL), Some((5, LimitUnit::WorkingDays)));
        assert_eq!(set.limit_of(codes::RECONNECTION_AFTER_PAYMENT), Some((24, LimitUnit::Hours)));
        assert_eq!(set.limit_of(codes::REPAIR_ARRIVAL_URBAN), Some((45, LimitUnit::Minutes)));
        assert_eq!(set.limit_of(codes::OUTAGE_PLANNED_NOTICE), None);
        assert_eq!(set.limit_of("connection.total"), None);
    }

    #[test]
    fn filters_by_area_keeping_order() {
        let set = sample();
        let connection: Vec<&str> = set.in_area(Some(ServiceArea::Connection)).map(|c| c.code.as_str()).collect();
        assert_eq!(connection, [codes::CONNECTION_TOTAL_RESIDENTIAL, codes::CONNECTION_TOTAL_HV_DUAL]);
        assert_eq!(set.in_area(None).count(), 5);
        assert_eq!(set.in_area(Some(ServiceArea::Outage)).count(), 0);
        assert_eq!(
            set.areas(),
            [ServiceArea::Connection, ServiceArea::Complaint, ServiceArea::Reconnection, ServiceArea::Repair]
        );
    }

    #[test]
    fn every_shipped_code_is_well_formed() {
        for code in codes::ALL {
            assert!(code.parse::<CommitmentCode>().is_ok(), "{code}");
        }
    }

    #[test]
    fn refuses_malformed_codes() {
        for bad in ["", ".", "a.", ".a", "Complaint.reply", "complaint..reply", "1st.reply", "a-b", "a b"] {
            assert_eq!(bad.parse::<CommitmentCode>(), Err(InvalidCode), "{bad:?}");
        }
        assert!("a".repeat(65).parse::<CommitmentCode>().is_err());
        assert!(serde_json::from_str::<CommitmentCode>("\"Bad Code\"").is_err());
    }

    #[test]
    fn area_and_unit_names_round_trip() {
        for area in ServiceArea::ALL {
            assert_eq!(area.as_str().parse::<ServiceArea>(), Ok(area));
            assert_eq!(serde_json::to_string(&area).expect("json"), format!("\"{}\"", area.as_str()));
        }
        for unit in LimitUnit::ALL {
            assert_eq!(unit.as_str().parse::<LimitUnit>(), Ok(unit));
        }
        assert_eq!("billing".parse::<ServiceArea>(), Err(UnknownName));
    }

    fn day(offset: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 1, 1).expect("date") + chrono::Duration::days(offset)
    }

    fn version(code: &str, limit: u32, version: u32, from: i64) -> Commitment {
        Commitment {
            version,
            effective_from: day(from),
            ..commitment(code, ServiceArea::Connection, limit, LimitUnit::WorkingDays)
        }
    }

    #[test]
    fn the_latest_version_in_effect_wins() {
        let all = vec![
            version("a", 5, 1, 0),
            version("b", 7, 1, 0),
            version("a", 4, 2, 100),
            version("a", 3, 3, 100),
            version("a", 2, 4, 200),
        ];
        let limits =
            |d| in_force_on(&all, day(d)).as_slice().iter().map(|c| (c.code.to_string(), c.limit)).collect::<Vec<_>>();
        assert_eq!(limits(-1), vec![]);
        assert_eq!(limits(0), vec![("a".to_owned(), 5), ("b".to_owned(), 7)]);
        assert_eq!(limits(99), vec![("a".to_owned(), 5), ("b".to_owned(), 7)]);
        // Two versions from the same day: the later revision is the correction.
        assert_eq!(limits(100), vec![("a".to_owned(), 3), ("b".to_owned(), 7)]);
        assert_eq!(limits(500), vec![("a".to_owned(), 2), ("b".to_owned(), 7)]);
    }

    proptest! {
        #[test]
        fn in_force_picks_one_version_per_code_and_none_later(
            rows in proptest::collection::vec((0_usize..4, 1_u32..50, 1_u32..6, 0_i64..400), 0..30),
            asked in 0_i64..400,
        ) {
            let codes = ["a", "b", "c", "d"];
            let all: Vec<Commitment> =
                rows.iter().map(|&(code, limit, v, from)| version(codes[code], limit, v, from)).collect();
            let chosen = in_force_on(&all, day(asked));
            for c in chosen.as_slice() {
                prop_assert!(c.effective_from <= day(asked));
                prop_assert_eq!(chosen.as_slice().iter().filter(|o| o.code == c.code).count(), 1);
                prop_assert!(!all.iter().any(|o| o.code == c.code && o.effective_from <= day(asked)
                    && (o.effective_from, o.version) > (c.effective_from, c.version)));
            }
            for code in codes {
                let any_in_effect = all.iter().any(|o| o.code.as_str() == code && o.effective_from <= day(asked));
                prop_assert_eq!(chosen.get(code).is_some(), any_in_effect);
            }
        }

        #[test]
        fn generated_codes_parse_and_display_unchanged(code in "[a-z][a-z0-9_]{0,9}(\\.[a-z][a-z0-9_]{0,9}){0,4}") {
            let parsed: CommitmentCode = code.parse().expect("well formed");
            prop_assert_eq!(parsed.to_string(), code);
        }
    }
}
