//! One-time links to set a password: an administrator makes one for a new
//! account (or one whose password is forgotten) and hands it to its owner;
//! no password is ever chosen, shown or sent by anyone else. Only the
//! SHA-256 of the link's secret is kept. A link works once, until it
//! expires, and making a new one for the same account retires the old.

use chrono::{DateTime, Utc};
use concordat_domain::ids::UserId;

use crate::{rows, time, Conn, StoreError};

/// A link as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordLink {
    pub secret_hash: String,
    pub user: UserId,
    pub made_by: UserId,
    pub made_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// Keeps `link`, retiring any unused link the account had.
pub async fn insert_link(conn: &mut Conn, link: &PasswordLink) -> Result<(), StoreError> {
    sqlx::query("UPDATE password_links SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(time::encode(link.made_at))
        .bind(link.user.to_string())
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO password_links (secret_hash, user_id, made_by, made_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(link.secret_hash.clone())
    .bind(link.user.to_string())
    .bind(link.made_by.to_string())
    .bind(time::encode(link.made_at))
    .bind(time::encode(link.expires_at))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The account a link is for, if the link is unused and unexpired at `now`.
pub async fn live_link(
    conn: &mut Conn,
    secret_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<UserId>, StoreError> {
    let row = sqlx::query(
        "SELECT user_id FROM password_links \
         WHERE secret_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(secret_hash.to_owned())
    .bind(time::encode(now))
    .fetch_optional(conn)
    .await?;
    row.map(|r| rows::id(&r, "user_id")).transpose()
}

/// Uses the link: true if it was live and is now spent (so that two
/// submissions racing each other cannot both set a password).
pub async fn spend_link(
    conn: &mut Conn,
    secret_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE password_links SET used_at = $1 \
         WHERE secret_hash = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(time::encode(now))
    .bind(secret_hash.to_owned())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
