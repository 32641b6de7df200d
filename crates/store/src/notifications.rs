//! In-app notifications: the inbox every signed-in user has.

use chrono::{DateTime, Utc};
use concordat_domain::ids::{OrganisationId, UserId};
use concordat_domain::role::Role;

use crate::{rows, time, Conn, StoreError};

#[derive(Debug, Clone)]
pub struct Notification {
    pub id: uuid::Uuid,
    pub user: UserId,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

pub async fn insert_notification(conn: &mut Conn, n: &Notification) -> Result<(), StoreError> {
    insert_notifications(conn, std::slice::from_ref(n)).await
}

/// The enabled users of an organisation with a given role (e.g. its
/// information governance leads, to be told of a break-glass).
pub async fn users_with_role(
    conn: &mut Conn,
    organisation: OrganisationId,
    role: Role,
) -> Result<Vec<UserId>, StoreError> {
    let rows = sqlx::query(
        "SELECT id FROM users WHERE organisation_id = $1 AND role = $2 AND disabled = 0 ORDER BY username",
    )
    .bind(organisation.to_string())
    .bind(role.as_str())
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| rows::id(r, "id")).collect()
}

pub async fn notifications_of(
    conn: &mut Conn,
    user: UserId,
    offset: i64,
    limit: i64,
) -> Result<Vec<Notification>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, kind, subject, body, link, created_at, read_at FROM notifications \
         WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT $2 OFFSET $3",
    )
    .bind(user.to_string())
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Notification {
                id: uuid::Uuid::parse_str(&rows::text(row, "id")?)
                    .map_err(|e| StoreError::corrupt("notification", e))?,
                user,
                kind: rows::text(row, "kind")?,
                subject: rows::text(row, "subject")?,
                body: rows::text(row, "body")?,
                link: rows::opt_text(row, "link")?,
                created_at: rows::instant(row, "created_at")?,
                read_at: rows::opt_instant(row, "read_at")?,
            })
        })
        .collect()
}

pub async fn unread_count(conn: &mut Conn, user: UserId) -> Result<i64, StoreError> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL",
    )
    .bind(user.to_string())
    .fetch_one(conn)
    .await?;
    rows::int(&row, "n")
}

pub async fn mark_read(
    conn: &mut Conn,
    user: UserId,
    at: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let done =
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
            .bind(time::encode(at))
            .bind(user.to_string())
            .execute(conn)
            .await?;
    Ok(done.rows_affected())
}

/// Inserts many notifications in few statements (a batch of events tells
/// many people at once).
pub async fn insert_notifications(conn: &mut Conn, all: &[Notification]) -> Result<(), StoreError> {
    // 64 rows per statement: see `contact_events::insert_new_events`.
    for chunk in all.chunks(64) {
        let sql = format!(
            "INSERT INTO notifications (id, user_id, kind, subject, body, link, created_at) \
             VALUES {}",
            rows::value_rows(conn, chunk.len(), 7)
        );
        let mut query = sqlx::query(&sql);
        for n in chunk {
            query = query
                .bind(n.id.to_string())
                .bind(n.user.to_string())
                .bind(n.kind.clone())
                .bind(n.subject.clone())
                .bind(n.body.clone())
                .bind(n.link.clone())
                .bind(time::encode(n.created_at));
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Settles the notifications of `kind` that link to `link` (a referral the
/// receiving team has now acted on): each marked read, its text replaced
/// by what was done, so no inbox still asks for what is finished.
pub async fn settle(
    conn: &mut Conn,
    kind: &str,
    link: &str,
    body: &str,
    at: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let done = sqlx::query(
        "UPDATE notifications SET read_at = COALESCE(read_at, $1), body = $2 \
         WHERE kind = $3 AND link = $4",
    )
    .bind(time::encode(at))
    .bind(body.to_owned())
    .bind(kind.to_owned())
    .bind(link.to_owned())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
