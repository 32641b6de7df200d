//! Counts of failed sign-ins, per account name and per client address. The
//! policy (how many, how slow, how long a lock) belongs to the server; this
//! module only keeps the counts durable and shared between nodes.

use chrono::{DateTime, Utc};

use crate::{rows, time, Conn, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Account,
    Address,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Scope::Account => "account",
            Scope::Address => "address",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureRecord {
    pub failures: i64,
    pub last_failure_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
}

pub async fn failures(
    conn: &mut Conn,
    scope: Scope,
    key: &str,
) -> Result<Option<FailureRecord>, StoreError> {
    let row = sqlx::query(
        "SELECT failures, last_failure_at, locked_until FROM sign_in_failures \
         WHERE scope = $1 AND key = $2",
    )
    .bind(scope.as_str())
    .bind(key.to_owned())
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        Ok(FailureRecord {
            failures: rows::int(&row, "failures")?,
            last_failure_at: rows::instant(&row, "last_failure_at")?,
            locked_until: rows::opt_instant(&row, "locked_until")?,
        })
    })
    .transpose()
}

pub async fn save_failures(
    conn: &mut Conn,
    scope: Scope,
    key: &str,
    record: &FailureRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO sign_in_failures (scope, key, failures, last_failure_at, locked_until) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (scope, key) DO UPDATE SET failures = excluded.failures, \
         last_failure_at = excluded.last_failure_at, locked_until = excluded.locked_until",
    )
    .bind(scope.as_str())
    .bind(key.to_owned())
    .bind(record.failures)
    .bind(time::encode(record.last_failure_at))
    .bind(record.locked_until.map(time::encode))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn clear_failures(conn: &mut Conn, scope: Scope, key: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM sign_in_failures WHERE scope = $1 AND key = $2")
        .bind(scope.as_str())
        .bind(key.to_owned())
        .execute(conn)
        .await?;
    Ok(())
}
