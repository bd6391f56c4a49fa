//! Every CSV the portal writes goes through here, so that no cell can run as a formula when
//! the file is opened in a spreadsheet program (CSV injection, OWASP).
//!
//! Cells are typed: [`Cell::Text`] is anything that is words (an item's name, a reason, an
//! address, an account number: text that may come from a customer or an operator) and is
//! neutralised by [`neutralise`]; [`Cell::Number`] and [`Cell::Day`] are values the portal
//! computed and are written as they are, so `-5.00` in a money column stays a number the
//! spreadsheet adds up (a number cannot carry a formula). A caller cannot hand a bare string
//! to the writer.

use std::borrow::Cow;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{Fail, Outcome};

/// A cell of an exported row.
#[derive(Debug, Clone, Copy)]
pub enum Cell<'a> {
    /// Words: neutralised if a spreadsheet would read them as a formula.
    Text(&'a str),
    /// A number the portal computed (energy, quantities, prices), written as it is.
    Number(Decimal),
    /// A money amount, written with two decimals.
    Yuan(Decimal),
    /// A day, `YYYY-MM-DD`.
    Day(NaiveDate),
    /// Nothing.
    Empty,
}

/// The characters that make a spreadsheet read a cell as a formula when they come first:
/// `=`, `+`, `-`, `@`, tab and carriage return, and the full-width `＝＋－＠` that
/// spreadsheet programs in Chinese input also take as formula starts.
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'];

/// A text cell as it is written: one that a spreadsheet would run as a formula gets a
/// leading apostrophe (the spreadsheet's own mark for "text"), so it shows as typed and
/// never runs; any other text is unchanged.
pub fn neutralise(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some(first) if FORMULA_STARTS.contains(&first) => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

impl Cell<'_> {
    fn written(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(text) => neutralise(text),
            Cell::Number(number) => Cow::Owned(number.to_string()),
            Cell::Yuan(amount) => Cow::Owned(format!("{amount:.2}")),
            Cell::Day(day) => Cow::Owned(day.to_string()),
            Cell::Empty => Cow::Borrowed(""),
        }
    }
}

/// A CSV file being written: UTF-8 with a byte-order mark, so spreadsheet programs read the
/// Chinese correctly.
pub struct CsvFile {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvFile {
    /// An empty file with its header row (headers are the portal's own words).
    pub fn new(headers: &[&str]) -> Outcome<CsvFile> {
        let mut file = CsvFile { writer: csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec()) };
        let headers: Vec<Cell<'_>> = headers.iter().map(|h| Cell::Text(h)).collect();
        file.row(&headers)?;
        Ok(file)
    }

    /// Adds a row.
    pub fn row(&mut self, cells: &[Cell<'_>]) -> Outcome<()> {
        let written: Vec<Cow<'_, str>> = cells.iter().map(Cell::written).collect();
        self.writer.write_record(written.iter().map(|c| c.as_bytes())).map_err(|e| Fail::Internal(e.into()))
    }

    /// The file's bytes.
    pub fn finish(self) -> Outcome<Vec<u8>> {
        self.writer.into_inner().map_err(|e| Fail::Internal(anyhow::anyhow!("csv: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised_and_other_text_is_not() {
        for formula in
            ["=HYPERLINK(\"http://evil.example\",\"点此\")", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1", "＝1+1"]
        {
            assert_eq!(neutralise(formula), format!("'{formula}"), "{formula:?}");
        }
        for text in ["张伟", "北京市朝阳区=1号", "3100012345", "", " =1", "Total"] {
            assert_eq!(neutralise(text), text, "{text:?}");
        }
    }

    #[test]
    fn numbers_stay_numbers_and_text_cells_are_quoted_as_csv() {
        let mut file = CsvFile::new(&["Item", "Amount"]).expect("file");
        let minus = Decimal::new(-500, 2);
        file.row(&[Cell::Text("-refund, \"late\""), Cell::Yuan(minus)]).expect("row");
        file.row(&[Cell::Text("=1+1"), Cell::Number(Decimal::new(125, 1))]).expect("row");
        file.row(&[Cell::Day(NaiveDate::from_ymd_opt(2026, 1, 31).expect("day")), Cell::Empty]).expect("row");
        let text = String::from_utf8(file.finish().expect("bytes")).expect("utf-8");
        assert_eq!(text, "\u{feff}Item,Amount\n\"'-refund, \"\"late\"\"\",-5.00\n'=1+1,12.5\n2026-01-31,\n");
    }
}
