//! Times as people in the utility's area read them.

use chrono::{DateTime, Datelike, FixedOffset, Timelike, Utc};

/// The utility's offset from UTC: China Standard Time has no daylight saving, so a fixed
/// +08:00 is exact for the default `Asia/Shanghai` (and keeps the time zone database out of
/// the Wasm).
const UTILITY_OFFSET_SECS: i32 = 8 * 3600;

/// `2026-11-24 10:30` in the utility's time. Written out rather than through chrono's
/// `format`, which would bring its formatting machinery into the Wasm.
pub fn format_time(time: DateTime<Utc>) -> String {
    let Some(offset) = FixedOffset::east_opt(UTILITY_OFFSET_SECS) else {
        return time.to_rfc3339();
    };
    let local = time.with_timezone(&offset);
    format!("{:04}-{:02}-{:02} {:02}:{:02}", local.year(), local.month(), local.day(), local.hour(), local.minute())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_china_standard_time() {
        let time = DateTime::from_timestamp(1_764_000_000, 0).expect("time");
        assert_eq!(time.to_rfc3339(), "2025-11-24T16:00:00+00:00");
        assert_eq!(format_time(time), "2025-11-25 00:00");
    }
}
