//! Reading columns out of rows from either store, with one error shape.

use concordat_domain::ids::Id;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::StoreError;

pub(crate) fn text(row: &AnyRow, col: &str) -> Result<String, StoreError> {
    Ok(row.try_get::<String, _>(col)?)
}

pub(crate) fn opt_text(row: &AnyRow, col: &str) -> Result<Option<String>, StoreError> {
    Ok(row.try_get::<Option<String>, _>(col)?)
}

pub(crate) fn int(row: &AnyRow, col: &str) -> Result<i64, StoreError> {
    Ok(row.try_get::<i64, _>(col)?)
}

pub(crate) fn opt_int(row: &AnyRow, col: &str) -> Result<Option<i64>, StoreError> {
    Ok(row.try_get::<Option<i64>, _>(col)?)
}

pub(crate) fn flag(row: &AnyRow, col: &str) -> Result<bool, StoreError> {
    Ok(int(row, col)? != 0)
}

pub(crate) fn id<T>(row: &AnyRow, col: &str) -> Result<Id<T>, StoreError> {
    let raw = text(row, col)?;
    Id::parse(&raw).map_err(|e| StoreError::corrupt("id", e))
}

pub(crate) fn opt_id<T>(row: &AnyRow, col: &str) -> Result<Option<Id<T>>, StoreError> {
    opt_text(row, col)?
        .map(|raw| Id::parse(&raw).map_err(|e| StoreError::corrupt("id", e)))
        .transpose()
}

pub(crate) fn instant(
    row: &AnyRow,
    col: &str,
) -> Result<chrono::DateTime<chrono::Utc>, StoreError> {
    crate::time::decode(&text(row, col)?)
}

pub(crate) fn opt_instant(
    row: &AnyRow,
    col: &str,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, StoreError> {
    opt_text(row, col)?
        .map(|raw| crate::time::decode(&raw))
        .transpose()
}

/// `(?, ?, …), (?, …), …` on SQLite, `($1, $2, …), ($n+1, …), …` on
/// PostgreSQL: the VALUES of a multi-row INSERT of `rows` rows of `columns`
/// parameters each, bound in order (see `backend::bulk_parameter`).
pub(crate) fn value_rows(conn: &crate::Conn, rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| format!("({})", parameters(conn, row * columns + 1, columns)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `count` parameters from the `from`th, bound in order: `?, ?, …` on
/// SQLite, `$from, …` on PostgreSQL. For an `IN (…)` list or one row.
pub(crate) fn parameters(conn: &crate::Conn, from: usize, count: usize) -> String {
    let backend = crate::backend::backend_of(conn);
    (from..from + count)
        .map(|n| crate::backend::bulk_parameter(backend, n))
        .collect::<Vec<_>>()
        .join(", ")
}
