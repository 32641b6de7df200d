//! Organisations' webhook endpoints and the deliveries made to them. A
//! delivery's progress (waiting, retrying, delivered, dead) is its job's in
//! the scheduler's table (kind `webhook-delivery`, subject = the delivery's
//! id); each attempt is in the delivery log (`delivery_attempts`).

use std::fmt;

use chrono::{DateTime, Utc};
use concordat_domain::ids::{OrganisationId, UserId};
use sqlx::any::AnyRow;

use crate::delivery::uuid_of;
use crate::{rows, time, Conn, StoreError};

/// The job kind that delivers to a webhook; named here because the
/// delivery log reads its state from the job.
pub const JOB_KIND: &str = "webhook-delivery";

/// The shared secret that signs deliveries. It never prints: `Debug` and
/// `Display` show that one is set, not what it is.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(String);

impl WebhookSecret {
    pub fn new(secret: String) -> Self {
        Self(secret)
    }

    /// The secret itself, for signing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(..)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub id: uuid::Uuid,
    pub organisation: OrganisationId,
    pub url: String,
    pub secret: WebhookSecret,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_webhook(conn: &mut Conn, w: &Webhook) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO webhooks (id, organisation_id, url, secret, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(w.id.to_string())
    .bind(w.organisation.to_string())
    .bind(w.url.clone())
    .bind(w.secret.expose().to_owned())
    .bind(w.created_by.to_string())
    .bind(time::encode(w.created_at))
    .execute(conn)
    .await?;
    Ok(())
}

const WEBHOOK_COLUMNS: &str = "id, organisation_id, url, secret, created_by, created_at";

/// The endpoints in use, of one organisation or (with `None`) of all.
pub async fn active_webhooks(
    conn: &mut Conn,
    organisation: Option<OrganisationId>,
) -> Result<Vec<Webhook>, StoreError> {
    let found = match organisation {
        Some(org) => {
            sqlx::query(&format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE disabled = 0 AND organisation_id = $1 \
                 ORDER BY created_at, id"
        ))
            .bind(org.to_string())
            .fetch_all(conn)
            .await?
        }
        None => {
            sqlx::query(&format!(
                "SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE disabled = 0 ORDER BY created_at, id"
            ))
            .fetch_all(conn)
            .await?
        }
    };
    found.iter().map(webhook_from_row).collect()
}

fn webhook_from_row(row: &AnyRow) -> Result<Webhook, StoreError> {
    Ok(Webhook {
        id: uuid_of(row, "id")?,
        organisation: rows::id(row, "organisation_id")?,
        url: rows::text(row, "url")?,
        secret: WebhookSecret(rows::text(row, "secret")?),
        created_by: rows::id(row, "created_by")?,
        created_at: rows::instant(row, "created_at")?,
    })
}

/// One event for one endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// Also the idempotency key the receiver sees on every attempt.
    pub id: uuid::Uuid,
    pub webhook: uuid::Uuid,
    pub organisation: OrganisationId,
    pub event_type: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// One live endpoint of `organisation`, by id.
pub async fn webhook_of(
    conn: &mut Conn,
    id: uuid::Uuid,
    organisation: OrganisationId,
) -> Result<Option<Webhook>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {WEBHOOK_COLUMNS} FROM webhooks \
         WHERE id = $1 AND organisation_id = $2 AND disabled = 0"
    ))
    .bind(id.to_string())
    .bind(organisation.to_string())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(webhook_from_row).transpose()
}

/// Replaces a live endpoint's secret: deliveries from now on are signed
/// with the new one. False if `organisation` has no such live endpoint.
pub async fn set_webhook_secret(
    conn: &mut Conn,
    id: uuid::Uuid,
    organisation: OrganisationId,
    secret: &WebhookSecret,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE webhooks SET secret = $1 WHERE id = $2 AND organisation_id = $3 AND disabled = 0",
    )
    .bind(secret.expose().to_owned())
    .bind(id.to_string())
    .bind(organisation.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Stops a live endpoint: nothing more is queued for it, and its
/// deliveries stay in the log. False if there was no such live endpoint.
pub async fn disable_webhook(
    conn: &mut Conn,
    id: uuid::Uuid,
    organisation: OrganisationId,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE webhooks SET disabled = 1 WHERE id = $1 AND organisation_id = $2 AND disabled = 0",
    )
    .bind(id.to_string())
    .bind(organisation.to_string())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn insert_delivery(conn: &mut Conn, d: &Delivery) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO webhook_deliveries (id, webhook_id, organisation_id, event_type, body, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(d.id.to_string())
    .bind(d.webhook.to_string())
    .bind(d.organisation.to_string())
    .bind(d.event_type.clone())
    .bind(d.body.clone())
    .bind(time::encode(d.created_at))
    .execute(conn)
    .await?;
    Ok(())
}

/// A delivery and the endpoint it goes to.
pub async fn delivery_with_webhook(
    conn: &mut Conn,
    id: uuid::Uuid,
) -> Result<Option<(Delivery, Webhook)>, StoreError> {
    let Some(row) = sqlx::query(
        "SELECT d.id, d.webhook_id, d.organisation_id, d.event_type, d.body, d.created_at, \
         d.delivered_at FROM webhook_deliveries d WHERE d.id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let delivery = delivery_from_row(&row)?;
    let hook = sqlx::query(&format!(
        "SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE id = $1"
    ))
    .bind(delivery.webhook.to_string())
    .fetch_optional(&mut *conn)
    .await?;
    match hook {
        Some(hook) => Ok(Some((delivery, webhook_from_row(&hook)?))),
        None => Ok(None),
    }
}

pub async fn mark_delivered(
    conn: &mut Conn,
    id: uuid::Uuid,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE webhook_deliveries SET delivered_at = $1 WHERE id = $2")
        .bind(time::encode(at))
        .bind(id.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

fn delivery_from_row(row: &AnyRow) -> Result<Delivery, StoreError> {
    Ok(Delivery {
        id: uuid_of(row, "id")?,
        webhook: uuid_of(row, "webhook_id")?,
        organisation: rows::id(row, "organisation_id")?,
        event_type: rows::text(row, "event_type")?,
        body: rows::text(row, "body")?,
        created_at: rows::instant(row, "created_at")?,
        delivered_at: rows::opt_instant(row, "delivered_at")?,
    })
}

/// A delivery as the log shows it: with its job's state and attempts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    pub delivery: Delivery,
    pub url: String,
    /// The job's status: pending, running, done, cancelled or dead.
    pub job_status: String,
    pub job_id: uuid::Uuid,
    pub attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
}

/// An organisation's deliveries, newest first; only those whose job has
/// `job_status` when given (`dead` for the dead letters).
pub async fn deliveries_of(
    conn: &mut Conn,
    organisation: OrganisationId,
    job_status: Option<&str>,
    limit: i64,
) -> Result<Vec<DeliveryRecord>, StoreError> {
    records(
        conn,
        organisation,
        job_status.map(|s| ("j.status", s.to_owned())),
        limit,
    )
    .await
}

/// One delivery of `organisation`'s, as the log shows it.
pub async fn delivery_of(
    conn: &mut Conn,
    organisation: OrganisationId,
    id: uuid::Uuid,
) -> Result<Option<DeliveryRecord>, StoreError> {
    Ok(
        records(conn, organisation, Some(("d.id", id.to_string())), 1)
            .await?
            .pop(),
    )
}

/// The log's rows for `organisation`, narrowed by one column's value.
async fn records(
    conn: &mut Conn,
    organisation: OrganisationId,
    narrow: Option<(&'static str, String)>,
    limit: i64,
) -> Result<Vec<DeliveryRecord>, StoreError> {
    let condition = narrow
        .as_ref()
        .map(|(column, _)| format!(" AND {column} = $3"))
        .unwrap_or_default();
    let sql = format!(
        "SELECT d.id, d.webhook_id, d.organisation_id, d.event_type, d.body, d.created_at, \
         d.delivered_at, w.url, j.id AS job_id, j.status AS job_status, j.attempts, j.run_at, \
         j.last_error FROM webhook_deliveries d \
         JOIN webhooks w ON w.id = d.webhook_id \
         JOIN jobs j ON j.kind = '{JOB_KIND}' AND j.subject_id = d.id AND j.step = 0 \
         WHERE d.organisation_id = $1{condition} \
         ORDER BY d.created_at DESC, d.id LIMIT $2"
    );
    let mut query = sqlx::query(&sql).bind(organisation.to_string()).bind(limit);
    if let Some((_, value)) = narrow {
        query = query.bind(value);
    }
    let found = query.fetch_all(conn).await?;
    found
        .iter()
        .map(|row| {
            Ok(DeliveryRecord {
                delivery: delivery_from_row(row)?,
                url: rows::text(row, "url")?,
                job_status: rows::text(row, "job_status")?,
                job_id: uuid_of(row, "job_id")?,
                attempts: rows::int(row, "attempts")?,
                next_attempt_at: rows::instant(row, "run_at")?,
                last_error: rows::opt_text(row, "last_error")?,
            })
        })
        .collect()
}
