//! Professional message threads, their messages and read receipts.

use chrono::{DateTime, Utc};
use concordat_domain::ids::{MessageId, PersonId, TeamId, UserId};
use sqlx::any::AnyRow;

use crate::backend::lock_rows;
use crate::{rows, time, Conn, StoreError};

/// A thread's id is a message id space of its own; threads are named by
/// UUID.
pub type ThreadId = uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thread {
    pub id: ThreadId,
    pub person: PersonId,
    pub subject: String,
    pub started_by: UserId,
    pub started_at: DateTime<Utc>,
    pub users: Vec<UserId>,
    pub teams: Vec<TeamId>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: MessageId,
    pub thread: ThreadId,
    pub author: UserId,
    pub author_name: String,
    pub body: String,
    pub sent_at: DateTime<Utc>,
    pub acknowledge_due: Option<DateTime<Utc>>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub acknowledged_by: Option<UserId>,
    pub escalation_step: i64,
}

pub async fn insert_thread(conn: &mut Conn, t: &Thread) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO message_threads (id, person_id, subject, started_by, started_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(t.id.to_string())
    .bind(t.person.to_string())
    .bind(t.subject.clone())
    .bind(t.started_by.to_string())
    .bind(time::encode(t.started_at))
    .execute(&mut *conn)
    .await?;
    for user in &t.users {
        sqlx::query("INSERT INTO message_participants (thread_id, user_id) VALUES ($1, $2)")
            .bind(t.id.to_string())
            .bind(user.to_string())
            .execute(&mut *conn)
            .await?;
    }
    for team in &t.teams {
        sqlx::query("INSERT INTO message_participants (thread_id, team_id) VALUES ($1, $2)")
            .bind(t.id.to_string())
            .bind(team.to_string())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

pub async fn thread_by_id(conn: &mut Conn, id: ThreadId) -> Result<Option<Thread>, StoreError> {
    let row = sqlx::query(
        "SELECT id, person_id, subject, started_by, started_at FROM message_threads WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let mut thread = thread_from_row(&row)?;
    let participants =
        sqlx::query("SELECT user_id, team_id FROM message_participants WHERE thread_id = $1")
            .bind(id.to_string())
            .fetch_all(conn)
            .await?;
    for p in &participants {
        if let Some(user) = rows::opt_id(p, "user_id")? {
            thread.users.push(user);
        }
        if let Some(team) = rows::opt_id(p, "team_id")? {
            thread.teams.push(team);
        }
    }
    Ok(Some(thread))
}

/// What a list of threads is narrowed to: those about one person, and
/// those whose person's given or family name starts with `words` or whose
/// subject contains them.
#[derive(Debug, Clone, Default)]
pub struct ThreadNarrowing {
    pub person: Option<PersonId>,
    pub words: Option<String>,
}

/// The threads `user` (or their team) is part of, narrowed as
/// `narrowing` says, newest first.
pub async fn threads_of_user(
    conn: &mut Conn,
    user: UserId,
    team: Option<TeamId>,
    narrowing: &ThreadNarrowing,
    offset: u32,
    limit: u32,
) -> Result<Vec<ThreadId>, StoreError> {
    let words = narrowing
        .words
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty());
    let mut next = 3;
    let mut conditions = String::new();
    if narrowing.person.is_some() {
        conditions.push_str(&format!(" AND t.person_id = ${next}"));
        next += 1;
    }
    if words.is_some() {
        conditions.push_str(&format!(
            " AND (LOWER(t.subject) LIKE ${c} ESCAPE '\\' OR t.person_id IN \
             (SELECT id FROM persons WHERE family_name_key LIKE ${s} ESCAPE '\\' \
             OR LOWER(given_name) LIKE ${s} ESCAPE '\\'))",
            c = next,
            s = next + 1
        ));
    }
    let sql = format!(
        "SELECT t.id FROM message_threads t WHERE (t.started_by = $1 OR t.id IN \
         (SELECT thread_id FROM message_participants WHERE user_id = $1 OR team_id = $2)){conditions} \
         ORDER BY t.started_at DESC, t.id LIMIT {limit} OFFSET {offset}"
    );
    let mut query = sqlx::query(&sql)
        .bind(user.to_string())
        .bind(team.map_or_else(String::new, |t| t.to_string()));
    if let Some(person) = narrowing.person {
        query = query.bind(person.to_string());
    }
    if let Some(words) = words {
        let starts = crate::covered::starts(words);
        query = query.bind(format!("%{starts}")).bind(starts);
    }
    let rows = query.fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            uuid::Uuid::parse_str(&rows::text(r, "id")?)
                .map_err(|e| StoreError::corrupt("message thread", e))
        })
        .collect()
}

pub async fn insert_message(conn: &mut Conn, m: &Message) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO messages (id, thread_id, author_id, author_name, body, sent_at, \
         acknowledge_due, escalation_step) VALUES ($1, $2, $3, $4, $5, $6, $7, 0)",
    )
    .bind(m.id.to_string())
    .bind(m.thread.to_string())
    .bind(m.author.to_string())
    .bind(m.author_name.clone())
    .bind(m.body.clone())
    .bind(time::encode(m.sent_at))
    .bind(m.acknowledge_due.map(time::encode))
    .execute(conn)
    .await?;
    Ok(())
}

const MESSAGE_COLUMNS: &str = "id, thread_id, author_id, author_name, body, sent_at, \
     acknowledge_due, acknowledged_at, acknowledged_by, escalation_step";

pub async fn messages_of(conn: &mut Conn, thread: ThreadId) -> Result<Vec<Message>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE thread_id = $1 ORDER BY sent_at, id"
    ))
    .bind(thread.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(message_from_row).collect()
}

pub async fn message_by_id(
    conn: &mut Conn,
    id: MessageId,
    for_update: bool,
) -> Result<Option<Message>, StoreError> {
    let lock = if for_update { lock_rows(conn) } else { "" };
    let row = sqlx::query(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = $1{lock}"
    ))
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(message_from_row).transpose()
}

/// Records an acknowledgement; false if the message was already
/// acknowledged (the first one counts).
pub async fn acknowledge(
    conn: &mut Conn,
    id: MessageId,
    by: UserId,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE messages SET acknowledged_at = $1, acknowledged_by = $2 \
         WHERE id = $3 AND acknowledged_at IS NULL",
    )
    .bind(time::encode(at))
    .bind(by.to_string())
    .bind(id.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn set_escalation_step(
    conn: &mut Conn,
    id: MessageId,
    step: i64,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE messages SET escalation_step = $1 WHERE id = $2")
        .bind(step)
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks the messages of a thread read by `user` (a read receipt each,
/// kept from the first reading).
pub async fn mark_read(
    conn: &mut Conn,
    thread: ThreadId,
    user: UserId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO message_reads (message_id, user_id, read_at) \
         SELECT id, $1, $2 FROM messages WHERE thread_id = $3 AND author_id <> $1 \
         ON CONFLICT (message_id, user_id) DO NOTHING",
    )
    .bind(user.to_string())
    .bind(time::encode(at))
    .bind(thread.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// Who has read each message of a thread: (message, reader, when).
pub async fn receipts_of(
    conn: &mut Conn,
    thread: ThreadId,
) -> Result<Vec<(MessageId, UserId, DateTime<Utc>)>, StoreError> {
    let rows = sqlx::query(
        "SELECT r.message_id, r.user_id, r.read_at FROM message_reads r \
         JOIN messages m ON m.id = r.message_id WHERE m.thread_id = $1 ORDER BY r.read_at",
    )
    .bind(thread.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                rows::id(r, "message_id")?,
                rows::id(r, "user_id")?,
                rows::instant(r, "read_at")?,
            ))
        })
        .collect()
}

fn thread_from_row(row: &AnyRow) -> Result<Thread, StoreError> {
    Ok(Thread {
        id: uuid::Uuid::parse_str(&rows::text(row, "id")?)
            .map_err(|e| StoreError::corrupt("message thread", e))?,
        person: rows::id(row, "person_id")?,
        subject: rows::text(row, "subject")?,
        started_by: rows::id(row, "started_by")?,
        started_at: rows::instant(row, "started_at")?,
        users: Vec::new(),
        teams: Vec::new(),
    })
}

fn message_from_row(row: &AnyRow) -> Result<Message, StoreError> {
    Ok(Message {
        id: rows::id(row, "id")?,
        thread: uuid::Uuid::parse_str(&rows::text(row, "thread_id")?)
            .map_err(|e| StoreError::corrupt("message", e))?,
        author: rows::id(row, "author_id")?,
        author_name: rows::text(row, "author_name")?,
        body: rows::text(row, "body")?,
        sent_at: rows::instant(row, "sent_at")?,
        acknowledge_due: rows::opt_instant(row, "acknowledge_due")?,
        acknowledged_at: rows::opt_instant(row, "acknowledged_at")?,
        acknowledged_by: rows::opt_id(row, "acknowledged_by")?,
        escalation_step: rows::int(row, "escalation_step")?,
    })
}
