//! The checks of the billing API's types.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::*;

#[test]
fn readings_are_plain_decimals_to_the_thousandth() {
    assert_eq!(parse_reading("1234.5"), Ok(1_234_500));
    assert_eq!(parse_reading(" 0 "), Ok(0));
    assert_eq!(parse_reading("12.345"), Ok(12_345));
    assert_eq!(parse_reading("12.3450"), Ok(12_345));
    assert_eq!(parse_reading("-3"), Err(RejectReason::Negative));
    for bad in ["1e400", "NaN", "inf", "", "12,5", "0x10", "12.3456", "1000000000000", "1e3"] {
        assert_eq!(parse_reading(bad), Err(RejectReason::BadNumber), "{bad}");
    }
    assert_eq!(from_milli(1_234_500), Decimal::new(12345, 1));
}

#[test]
fn days_periods_and_quarter_hours() {
    assert_eq!(parse_period("2026-10"), NaiveDate::from_ymd_opt(2026, 10, 1));
    assert_eq!(parse_period("2026-13"), None);
    assert_eq!(parse_day("2026/10/05"), NaiveDate::from_ymd_opt(2026, 10, 5));
    assert!(parse_interval_start("2026-10-05T10:15").is_some());
    assert!(parse_interval_start("2026-10-05 10:15:00").is_some());
    assert!(parse_interval_start("2026-10-05T10:10").is_none());
}
