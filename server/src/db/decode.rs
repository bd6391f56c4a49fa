//! Strict decoding of stored codes: a value this binary does not know is an error that
//! names the table, the row and the column, never a guess at a default.

use std::fmt::Display;
use std::str::FromStr;

use sqlx::Row;
use sqlx::any::AnyRow;

/// The error for a stored value that does not decode.
pub fn bad_value(table: &str, row: impl Display, column: &str, why: impl Display) -> sqlx::Error {
    sqlx::Error::Decode(format!("{table} row {row}: column {column}: {why}").into())
}

/// Parses a stored code into its enum, or fails naming where it was read.
pub fn code<T: FromStr>(table: &str, row: impl Display, column: &str, text: &str) -> Result<T, sqlx::Error> {
    text.parse().map_err(|_| bad_value(table, row, column, format_args!("unknown value {text:?}")))
}

/// Reads the code in `column` of a row of `table`, strictly; the row is named by its `key`
/// column (an integer id or a text key) when the query selected it.
pub fn column<T: FromStr>(row: &AnyRow, table: &str, key: &str, column: &str) -> Result<T, sqlx::Error> {
    let text: String = row.try_get(column)?;
    text.parse().map_err(|_| {
        let named = match row.try_get::<i64, _>(key) {
            Ok(id) => id.to_string(),
            Err(_) => row.try_get::<String, _>(key).unwrap_or_else(|_| "?".to_owned()),
        };
        bad_value(table, format_args!("{key}={named}"), column, format_args!("unknown value {text:?}"))
    })
}

#[cfg(test)]
mod tests {
    use shared::roles::UserKind;

    #[test]
    fn an_unknown_value_names_table_row_and_column() {
        let error = super::code::<UserKind>("users", 7, "kind", "wizard").expect_err("unknown");
        assert_eq!(
            error.to_string(),
            "error occurred while decoding: users row 7: column kind: unknown value \"wizard\""
        );
        assert_eq!(super::code::<UserKind>("users", 7, "kind", "staff").ok(), Some(UserKind::Staff));
    }
}
