//! Reading files as metering systems write them: CSV with a header row, in UTF-8 (with or
//! without a byte-order mark) or GBK, with Windows or Unix line endings. The header names
//! the columns, in English or Chinese; a file is either register readings or 15-minute
//! interval data. Lines become the same [`ReadingLine`]s and [`IntervalLine`]s the API
//! takes, numbered as in the file, and are checked by the same code.

use encoding_rs::{Encoding, GB18030, UTF_8};
use shared::api::billing::{IntervalLine, ReadingLine, RejectReason};

/// The largest file accepted: a month of register readings for a million meters, or of
/// 15-minute data for a few hundred large customers.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// What a file holds.
#[derive(Debug, Default)]
pub struct ParsedFile {
    /// The encoding it was read in (`UTF-8`, `GBK`).
    pub encoding: &'static str,
    /// Register readings with their line numbers.
    pub readings: Vec<(u64, ReadingLine)>,
    /// Interval data with their line numbers.
    pub intervals: Vec<(u64, IntervalLine)>,
    /// Lines that could not be split into fields: (line, meter number if any, reason).
    pub bad_lines: Vec<(u64, Option<String>, RejectReason)>,
}

/// Why a whole file is refused (nothing in it is imported).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileError {
    /// The file is empty or has only a header.
    Empty,
    /// The header lacks a required column; the columns a file needs.
    Header(&'static str),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Column {
    Meter,
    Day,
    Active,
    Peak,
    Flat,
    Valley,
    Critical,
    Reactive,
    Demand,
    Start,
    Kwh,
    Kvarh,
}

/// Header names, English and Chinese, of each column.
const NAMES: &[(Column, &[&str])] = &[
    (Column::Meter, &["meter_no", "meter", "表号", "电能表编号", "表计编号"]),
    (Column::Day, &["read_on", "date", "抄表日期", "日期"]),
    (Column::Active, &["active", "reading", "有功总", "总示数", "示数", "有功总示数"]),
    (Column::Peak, &["peak", "峰", "峰示数"]),
    (Column::Flat, &["flat", "平", "平示数"]),
    (Column::Valley, &["valley", "谷", "谷示数"]),
    (Column::Critical, &["critical", "critical_peak", "尖", "尖示数"]),
    (Column::Reactive, &["reactive", "无功", "无功总", "无功示数"]),
    (Column::Demand, &["demand", "max_demand", "最大需量", "需量"]),
    (Column::Start, &["starts_at", "time", "start", "时间", "开始时间"]),
    (Column::Kwh, &["kwh", "energy", "电量", "有功电量"]),
    (Column::Kvarh, &["kvarh", "无功电量"]),
];

fn column_of(name: &str) -> Option<Column> {
    let name = name.trim().to_lowercase();
    NAMES.iter().find(|(_, names)| names.contains(&name.as_str())).map(|(c, _)| *c)
}

/// Decodes the bytes: a byte-order mark decides; else UTF-8 if valid; else GBK (read as
/// GB18030, its superset), which Chinese metering systems still write.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return (text.into_owned(), encoding.name());
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), UTF_8.name()),
        Err(_) => {
            let (text, _) = GB18030.decode_without_bom_handling(bytes);
            (text.into_owned(), "GBK")
        }
    }
}

/// Reads a file into lines.
pub fn parse(bytes: &[u8]) -> Result<ParsedFile, FileError> {
    let (text, encoding) = decode(bytes);
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let mut records = reader.records();
    let Some(Ok(header)) = records.next() else { return Err(FileError::Empty) };
    let columns: Vec<Option<Column>> = header.iter().map(column_of).collect();
    let find = |c: Column| columns.iter().position(|x| *x == Some(c));
    let interval = find(Column::Start).is_some();
    let required: &[Column] = if interval {
        &[Column::Meter, Column::Start, Column::Kwh]
    } else {
        &[Column::Meter, Column::Day, Column::Active]
    };
    if required.iter().any(|c| find(*c).is_none()) {
        return Err(FileError::Header(if interval { "meter_no, starts_at, kwh" } else { "meter_no, read_on, active" }));
    }
    let mut parsed = ParsedFile { encoding, ..ParsedFile::default() };
    let mut line_no = 1u64;
    for record in records {
        line_no += 1;
        let Ok(record) = record else {
            parsed.bad_lines.push((line_no, None, RejectReason::BadLine));
            continue;
        };
        if record.iter().all(str::is_empty) {
            continue;
        }
        let field = |c: Column| find(c).and_then(|i| record.get(i)).map(str::to_owned);
        let optional = |c: Column| field(c).filter(|v| !v.is_empty());
        let meter_no = field(Column::Meter).unwrap_or_default();
        if required.iter().any(|c| field(*c).is_none_or(|v| v.is_empty())) {
            let meter = Some(meter_no).filter(|m| !m.is_empty());
            parsed.bad_lines.push((line_no, meter, RejectReason::BadLine));
            continue;
        }
        if interval {
            parsed.intervals.push((
                line_no,
                IntervalLine {
                    meter_no,
                    starts_at: field(Column::Start).unwrap_or_default(),
                    kwh: field(Column::Kwh).unwrap_or_default(),
                    kvarh: optional(Column::Kvarh),
                },
            ));
        } else {
            parsed.readings.push((
                line_no,
                ReadingLine {
                    meter_no,
                    read_on: field(Column::Day).unwrap_or_default(),
                    active: field(Column::Active).unwrap_or_default(),
                    peak: optional(Column::Peak),
                    flat: optional(Column::Flat),
                    valley: optional(Column::Valley),
                    critical: optional(Column::Critical),
                    reactive: optional(Column::Reactive),
                    demand: optional(Column::Demand),
                },
            ));
        }
    }
    if parsed.readings.is_empty() && parsed.intervals.is_empty() && parsed.bad_lines.is_empty() {
        return Err(FileError::Empty);
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_a_bom_and_windows_line_endings() {
        let file = "\u{feff}meter_no,read_on,active\r\nM1,2026-10-01,1234.5\r\nM2,2026-10-01,88\r\n";
        let parsed = parse(file.as_bytes()).expect("parsed");
        assert_eq!(parsed.encoding, "UTF-8");
        assert_eq!(parsed.readings.len(), 2);
        assert_eq!(parsed.readings[0].0, 2);
        assert_eq!(parsed.readings[0].1.meter_no, "M1");
        assert_eq!(parsed.readings[1].1.active, "88");
    }

    #[test]
    fn gbk_with_chinese_headers() {
        let text = "表号,抄表日期,有功总,峰,平,谷\nM1,2026/10/01,100,30,50,20\n";
        let (bytes, _, _) = GB18030.encode(text);
        assert!(std::str::from_utf8(&bytes).is_err(), "the test file must not be UTF-8");
        let parsed = parse(&bytes).expect("parsed");
        assert_eq!(parsed.encoding, "GBK");
        let line = &parsed.readings[0].1;
        assert_eq!(
            (line.read_on.as_str(), line.peak.as_deref(), line.valley.as_deref()),
            ("2026/10/01", Some("30"), Some("20"))
        );
    }

    #[test]
    fn interval_files_short_lines_and_bad_headers() {
        let parsed = parse(b"meter_no,starts_at,kwh,kvarh\nM9,2026-10-01T00:15,1.25,0.5\nM9,2026-10-01T00:30\n\n")
            .expect("parsed");
        assert_eq!(parsed.intervals.len(), 1);
        assert_eq!(parsed.intervals[0].1.kvarh.as_deref(), Some("0.5"));
        assert_eq!(parsed.bad_lines, vec![(3, Some("M9".to_owned()), RejectReason::BadLine)]);
        assert_eq!(
            parse(b"meter,when,value\nM1,2026-10-01,1\n").err(),
            Some(FileError::Header("meter_no, read_on, active"))
        );
        assert_eq!(parse(b"").err(), Some(FileError::Empty));
        assert_eq!(parse(b"meter_no,read_on,active\r\n").err(), Some(FileError::Empty));
    }
}
