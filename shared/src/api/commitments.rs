//! `GET /api/v1/commitments`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::commitments::{Commitment, ServiceArea};
use crate::validation::{FieldError, Problem, parse_day};

/// Query parameters of `GET /api/v1/commitments`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams), into_params(parameter_in = Query))]
pub struct CommitmentsQuery {
    /// Only this service area (`connection`, `complaint`, `meter_test`, `reconnection`,
    /// `outage`, `repair`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
    /// The day to answer for, `YYYY-MM-DD` (default: today in the utility's time zone).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// A checked [`CommitmentsQuery`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CommitmentsFilter {
    /// Only this area, if given.
    pub area: Option<ServiceArea>,
    /// The day asked for, if given.
    pub at: Option<NaiveDate>,
}

impl CommitmentsQuery {
    /// Checks the parameters, naming every field that is wrong.
    pub fn validate(&self) -> Result<CommitmentsFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let area = match self.area.as_deref() {
            None | Some("") => None,
            Some(text) => text.parse().map_err(|_| errors.push(FieldError::new("area", Problem::UnknownArea))).ok(),
        };
        let at = match self.at.as_deref() {
            None | Some("") => None,
            Some(text) => {
                let day = parse_day(text);
                if day.is_none() {
                    errors.push(FieldError::new("at", Problem::InvalidDate));
                }
                day
            }
        };
        if errors.is_empty() { Ok(CommitmentsFilter { area, at }) } else { Err(errors) }
    }
}

/// The service commitments in force on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommitmentsResponse {
    /// The day the list is for (utility time zone), `YYYY-MM-DD`.
    #[serde(with = "crate::validation::day")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date, example = "2026-11-24"))]
    pub as_of: NaiveDate,
    /// The area asked for, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<ServiceArea>,
    /// The commitments, in display order.
    pub items: Vec<Commitment>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(area: Option<&str>, at: Option<&str>) -> CommitmentsQuery {
        CommitmentsQuery { area: area.map(str::to_owned), at: at.map(str::to_owned) }
    }

    #[test]
    fn accepts_known_areas_and_real_days() {
        let filter = query(Some("repair"), Some("2026-10-08")).validate().expect("valid");
        assert_eq!(filter.area, Some(ServiceArea::Repair));
        assert_eq!(filter.at, NaiveDate::from_ymd_opt(2026, 10, 8));
        assert_eq!(query(None, None).validate(), Ok(CommitmentsFilter::default()));
        assert_eq!(query(Some(""), Some("")).validate(), Ok(CommitmentsFilter::default()));
    }

    #[test]
    fn names_every_bad_field() {
        let errors = query(Some("billing"), Some("2026-13-01")).validate().expect_err("invalid");
        assert_eq!(
            errors,
            vec![FieldError::new("area", Problem::UnknownArea), FieldError::new("at", Problem::InvalidDate)]
        );
    }
}
