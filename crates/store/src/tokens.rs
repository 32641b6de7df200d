//! API bearer tokens, each bound to one purpose of use and an expiry. Only the
//! token's SHA-256 is stored.

use chrono::{DateTime, Utc};
use concordat_domain::ids::UserId;
use concordat_domain::purpose::Purpose;
use concordat_domain::user::User;

use std::collections::HashMap;

use sqlx::any::AnyRow;

use crate::coalesce::{padded, BatchRead};
use crate::users::{user_from_row, USER_COLUMNS};
use crate::{rows, time, Conn, StoreError};

#[derive(Debug, Clone)]
pub struct TokenRecord {
    pub user: User,
    pub purpose: Purpose,
    pub expires_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub async fn insert_token(
    conn: &mut Conn,
    token_hash: &str,
    user: UserId,
    purpose: Purpose,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO api_tokens (token_hash, user_id, purpose, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash.to_owned())
    .bind(user.to_string())
    .bind(purpose.code())
    .bind(time::encode(now))
    .bind(time::encode(expires_at))
    .execute(conn)
    .await?;
    Ok(())
}

/// The tokens with these hashes (each `None` if unknown), in ONE statement,
/// whatever their state; the caller judges expiry, revocation and whether
/// the user is disabled.
pub async fn tokens_by_hashes(
    conn: &mut Conn,
    hashes: &[String],
) -> Result<Vec<Option<TokenRecord>>, StoreError> {
    let keys = padded(hashes);
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT {USER_COLUMNS}, t.token_hash, t.purpose, t.expires_at, t.revoked_at \
         FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash IN ({})",
        rows::parameters(conn, 1, keys.len())
    );
    let mut query = sqlx::query(&sql);
    for hash in &keys {
        query = query.bind(hash.clone());
    }
    let mut found = HashMap::new();
    for row in query.fetch_all(conn).await? {
        found.insert(rows::text(&row, "token_hash")?, token_from_row(&row)?);
    }
    Ok(hashes.iter().map(|h| found.get(h).cloned()).collect())
}

/// [`tokens_by_hashes`], shared by the requests that ask at once.
#[derive(Debug)]
pub struct TokensByHash;

impl BatchRead for TokensByHash {
    type Key = String;
    type Value = Option<TokenRecord>;

    async fn read_many(conn: &mut Conn, keys: &[String]) -> Result<Vec<Self::Value>, StoreError> {
        tokens_by_hashes(conn, keys).await
    }
}

fn token_from_row(row: &AnyRow) -> Result<TokenRecord, StoreError> {
    let purpose = Purpose::parse_code(&rows::text(row, "purpose")?)
        .map_err(|e| StoreError::corrupt("api token", e))?;
    Ok(TokenRecord {
        user: user_from_row(row)?,
        purpose,
        expires_at: rows::instant(row, "expires_at")?,
        revoked_at: rows::opt_instant(row, "revoked_at")?,
    })
}

/// Revokes a token; revoking twice keeps the first time.
pub async fn revoke_token(
    conn: &mut Conn,
    token_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL",
    )
    .bind(time::encode(now))
    .bind(token_hash.to_owned())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Revokes every live token of `user` (their role or team changed: what
/// they may do is decided afresh when they ask for a new one).
pub async fn revoke_tokens_of_user(
    conn: &mut Conn,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(time::encode(now))
    .bind(user.to_string())
    .execute(&mut *conn)
    .await?;
    crate::access_versions::partnership_changed(conn).await?;
    Ok(done.rows_affected())
}
