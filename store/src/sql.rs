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

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_from_start() {
        assert_eq!(super::placeholders(3, 3), "$3, $4, $5");
        assert_eq!(super::placeholders(1, 0), "");
    }
}
