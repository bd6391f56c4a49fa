//! Portable SQL for batches: `IN` lists and multi-row inserts with numbered parameters,
//! which both SQLite and PostgreSQL accept. Billing writes thousands of rows a run; one
//! statement per hundred rows instead of one per row is most of its speed.

use sqlx::AnyConnection;

/// A value to bind.
#[derive(Debug, Clone)]
pub enum Cell {
    /// An integer or NULL.
    Int(Option<i64>),
    /// Text or NULL.
    Text(Option<String>),
}

/// `$first, $first+1, …` for `count` parameters.
pub fn in_list(first: usize, count: usize) -> String {
    (first..first + count).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Binds cells in order to a query.
macro_rules! bind_cells {
    ($query:expr, $cells:expr) => {{
        let mut query = $query;
        for cell in $cells {
            query = match cell {
                Cell::Int(value) => query.bind(*value),
                Cell::Text(value) => query.bind(value.clone()),
            };
        }
        query
    }};
}

/// `($1, $2), ($3, $4)` for `rows` rows of `width` parameters.
fn values_list(rows: usize, width: usize) -> String {
    (0..rows).map(|r| format!("({})", in_list(r * width + 1, width))).collect::<Vec<_>>().join(", ")
}

/// Rows per statement: well under SQLite's 32,766 parameters for the widest table.
const ROWS_PER_STATEMENT: usize = 200;

/// Inserts rows (each with one cell per column) in as few statements as the parameter
/// limits allow.
pub async fn insert_rows(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Cell>>,
) -> Result<(), sqlx::Error> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let values = values_list(chunk.len(), columns.len());
        let sql = format!("INSERT INTO {table} ({}) VALUES {values}", columns.join(", "));
        let query = bind_cells!(sqlx::query(sqlx::AssertSqlSafe(sql)), chunk.iter().flatten());
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Inserts rows like [`insert_rows`], skipping any a unique index refuses, and answers
/// the `returning` columns of the rows inserted.
pub async fn insert_returning(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Cell>>,
    returning: &str,
) -> Result<Vec<sqlx::any::AnyRow>, sqlx::Error> {
    let mut inserted = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let values = values_list(chunk.len(), columns.len());
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {values} ON CONFLICT DO NOTHING RETURNING {returning}",
            columns.join(", ")
        );
        let query = bind_cells!(sqlx::query(sqlx::AssertSqlSafe(sql)), chunk.iter().flatten());
        inserted.extend(query.fetch_all(&mut *conn).await?);
    }
    Ok(inserted)
}

#[cfg(test)]
mod tests {
    use super::in_list;

    #[test]
    fn parameters_are_numbered_from_the_first() {
        assert_eq!(in_list(3, 3), "$3, $4, $5");
        assert_eq!(in_list(1, 0), "");
    }
}
