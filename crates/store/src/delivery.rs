//! What leaves the partnership's own inboxes: emails and text messages to
//! people without an account (nominated carers), and the delivery log of
//! every attempt at sending one or at calling an organisation's webhook.

use chrono::{DateTime, Utc};
use concordat_domain::ids::PersonId;
use sqlx::any::AnyRow;

use crate::{rows, time, Conn, StoreError};

/// How a message leaves: by email or by text message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Email,
    Sms,
    Webhook,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Sms => "sms",
            Self::Webhook => "webhook",
        }
    }

    fn parse(raw: &str) -> Result<Self, StoreError> {
        match raw {
            "email" => Ok(Self::Email),
            "sms" => Ok(Self::Sms),
            "webhook" => Ok(Self::Webhook),
            other => Err(StoreError::corrupt(
                "delivery",
                format!("channel `{other}`"),
            )),
        }
    }
}

/// An email or text message waiting to be (or already) sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundMessage {
    pub id: uuid::Uuid,
    pub channel: Channel,
    /// An email address or a phone number.
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// Whom the message is about, if anyone.
    pub person: Option<PersonId>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

pub async fn insert_message(conn: &mut Conn, m: &OutboundMessage) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO outbound_messages (id, channel, recipient, subject, body, person_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(m.id.to_string())
    .bind(m.channel.as_str())
    .bind(m.recipient.clone())
    .bind(m.subject.clone())
    .bind(m.body.clone())
    .bind(m.person.map(|p| p.to_string()))
    .bind(time::encode(m.created_at))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn message_by_id(
    conn: &mut Conn,
    id: uuid::Uuid,
) -> Result<Option<OutboundMessage>, StoreError> {
    let row = sqlx::query(
        "SELECT id, channel, recipient, subject, body, person_id, created_at, sent_at \
         FROM outbound_messages WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(message_from_row).transpose()
}

pub async fn mark_sent(
    conn: &mut Conn,
    id: uuid::Uuid,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE outbound_messages SET sent_at = $1 WHERE id = $2")
        .bind(time::encode(at))
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

fn message_from_row(row: &AnyRow) -> Result<OutboundMessage, StoreError> {
    Ok(OutboundMessage {
        id: uuid_of(row, "id")?,
        channel: Channel::parse(&rows::text(row, "channel")?)?,
        recipient: rows::text(row, "recipient")?,
        subject: rows::text(row, "subject")?,
        body: rows::text(row, "body")?,
        person: rows::opt_id(row, "person_id")?,
        created_at: rows::instant(row, "created_at")?,
        sent_at: rows::opt_instant(row, "sent_at")?,
    })
}

/// What came of one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOutcome {
    Delivered,
    /// The receiver refused or could not be reached; it may be tried again.
    Failed,
    /// Nothing was sent: the channel is not set up in this deployment.
    NotSent,
}

impl AttemptOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Delivered => "delivered",
            Self::Failed => "failed",
            Self::NotSent => "not-sent",
        }
    }

    fn parse(raw: &str) -> Result<Self, StoreError> {
        match raw {
            "delivered" => Ok(Self::Delivered),
            "failed" => Ok(Self::Failed),
            "not-sent" => Ok(Self::NotSent),
            other => Err(StoreError::corrupt(
                "delivery",
                format!("outcome `{other}`"),
            )),
        }
    }
}

/// One row of the delivery log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    pub channel: Channel,
    /// The webhook delivery or outbound message tried.
    pub delivery_id: uuid::Uuid,
    pub attempt: i64,
    pub at: DateTime<Utc>,
    pub outcome: AttemptOutcome,
    /// The receiver's HTTP status, for webhooks that answered.
    pub status_code: Option<i64>,
    /// What happened, in words; never a secret.
    pub detail: String,
}

pub async fn record_attempt(conn: &mut Conn, a: &Attempt) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO delivery_attempts (id, channel, delivery_id, attempt, at, outcome, status_code, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(a.channel.as_str())
    .bind(a.delivery_id.to_string())
    .bind(a.attempt)
    .bind(time::encode(a.at))
    .bind(a.outcome.as_str())
    .bind(a.status_code)
    .bind(a.detail.clone())
    .execute(conn)
    .await?;
    Ok(())
}

/// The attempts at one delivery, first first.
pub async fn attempts_of(
    conn: &mut Conn,
    delivery: uuid::Uuid,
) -> Result<Vec<Attempt>, StoreError> {
    let found = sqlx::query(
        "SELECT channel, delivery_id, attempt, at, outcome, status_code, detail \
         FROM delivery_attempts WHERE delivery_id = $1 ORDER BY attempt, at",
    )
    .bind(delivery.to_string())
    .fetch_all(conn)
    .await?;
    found
        .iter()
        .map(|row| {
            Ok(Attempt {
                channel: Channel::parse(&rows::text(row, "channel")?)?,
                delivery_id: uuid_of(row, "delivery_id")?,
                attempt: rows::int(row, "attempt")?,
                at: rows::instant(row, "at")?,
                outcome: AttemptOutcome::parse(&rows::text(row, "outcome")?)?,
                status_code: rows::opt_int(row, "status_code")?,
                detail: rows::text(row, "detail")?,
            })
        })
        .collect()
}

pub(crate) fn uuid_of(row: &AnyRow, col: &str) -> Result<uuid::Uuid, StoreError> {
    uuid::Uuid::parse_str(&rows::text(row, col)?).map_err(|e| StoreError::corrupt("delivery", e))
}
