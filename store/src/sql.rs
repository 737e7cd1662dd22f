//! Small helpers for SQL built at run time.

/// Rows per multi-row `INSERT`: with up to a dozen columns, far below both
/// backends' bind limits (SQLite 32,766; PostgreSQL 65,535).
pub(crate) const ROWS_PER_INSERT: usize = 500;

/// `$start, $start+1, ...`: `count` numbered placeholders, for `IN (...)`
/// lists and multi-row `VALUES` (sqlx `Any` binds no arrays).
pub(crate) fn placeholders(start: usize, count: usize) -> String {
    (start..start + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($first, ...), (...), ...`: `rows` rows of `columns` numbered
/// placeholders each, for a multi-row `VALUES` bound row by row.
pub(crate) fn value_rows(first: usize, rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| format!("({})", placeholders(first + columns * row, columns)))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_from_start() {
        assert_eq!(super::placeholders(3, 3), "$3, $4, $5");
        assert_eq!(super::placeholders(1, 0), "");
    }

    #[test]
    fn rows_number_on_from_row_to_row() {
        assert_eq!(super::value_rows(2, 2, 3), "($2, $3, $4), ($5, $6, $7)");
        assert_eq!(super::value_rows(1, 0, 3), "");
    }
}
