//! Browser sessions. The cookie holds a random secret; the store holds only its
//! SHA-256, so a copy of the database does not hand out live sessions.

use chrono::{DateTime, Utc};
use concordat_domain::ids::UserId;
use concordat_domain::user::User;

use crate::users::{user_from_row, USER_COLUMNS};
use crate::{rows, time, Conn, StoreError};

#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub id_hash: &'a str,
    pub user_id: UserId,
    pub csrf_token: &'a str,
    pub now: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A stored session and the user it belongs to.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub user: User,
    pub csrf_token: String,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert_session(conn: &mut Conn, s: &NewSession<'_>) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO web_sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $4, $5)",
    )
    .bind(s.id_hash.to_owned())
    .bind(s.user_id.to_string())
    .bind(s.csrf_token.to_owned())
    .bind(time::encode(s.now))
    .bind(time::encode(s.expires_at))
    .execute(conn)
    .await?;
    Ok(())
}

/// The session with this id hash, whatever its state; the caller judges
/// expiry and whether the user is disabled.
pub async fn session_by_hash(
    conn: &mut Conn,
    id_hash: &str,
) -> Result<Option<SessionRecord>, StoreError> {
    let sql = format!(
        "SELECT {USER_COLUMNS}, s.csrf_token, s.created_at, s.last_seen_at, s.expires_at \
         FROM web_sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1"
    );
    let row = sqlx::query(&sql)
        .bind(id_hash.to_owned())
        .fetch_optional(conn)
        .await?;
    row.map(|row| {
        Ok(SessionRecord {
            user: user_from_row(&row)?,
            csrf_token: rows::text(&row, "csrf_token")?,
            created_at: rows::instant(&row, "created_at")?,
            last_seen_at: rows::instant(&row, "last_seen_at")?,
            expires_at: rows::instant(&row, "expires_at")?,
        })
    })
    .transpose()
}

pub async fn touch_session(
    conn: &mut Conn,
    id_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE web_sessions SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(time::encode(now))
        .bind(id_hash.to_owned())
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn delete_session(conn: &mut Conn, id_hash: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM web_sessions WHERE id_hash = $1")
        .bind(id_hash.to_owned())
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of a user (used when an account is disabled).
pub async fn delete_sessions_of_user(conn: &mut Conn, user: UserId) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM web_sessions WHERE user_id = $1")
        .bind(user.to_string())
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
