//! Webhooks: an organisation's own systems told of events that concern it,
//! as signed JSON over HTTPS. Which events concern an organisation:
//!
//! - a contact event (an admission, a 999 call…) about a person whose care
//!   team has a member from the organisation — the people it looks after;
//! - a referral sent to one of its teams, and each escalation of one.
//!
//! A delivery carries references (ids, kinds, times), not the record: the
//! receiving system reads what it needs through the API, under the access
//! decision like any other caller. Each delivery is a job
//! (`webhook-delivery`), tried at once and, while the receiver fails, again
//! after the scheduler's backoff, until [`MAX_ATTEMPTS`] make it dead; an
//! administrator can retry a dead one. Delivery is at least once: a
//! receiver that answered 2xx too late may see the same delivery again, and
//! tells by the `Idempotency-Key` header, which is the same on every
//! attempt.
//!
//! Every request is signed: `X-Concordat-Signature: sha256=<hex>` is the
//! HMAC-SHA256, keyed with the endpoint's secret, of
//! `"<X-Concordat-Timestamp>.<body>"`, the timestamp in Unix seconds. The
//! secret is set when the endpoint is registered and never shown again.
//!
//! Where a webhook may point is [`destinations`]' rule (https, and no
//! address inside the deployment's networks unless named), checked at
//! registration and on the address of every connection. The delivery log
//! keeps what became of each attempt as an [`AttemptClass`], never what
//! the receiver said.

use chrono::{DateTime, Utc};
use concordat_domain::ids::{OrganisationId, UserId};
use concordat_store::delivery::{self, Attempt, Channel};
use concordat_store::jobs::{self, Job};
use concordat_store::webhooks::{self, Delivery, Webhook, WebhookSecret};
use concordat_store::{Conn, StoreError};

use crate::error::ServiceError;
#[cfg(doc)]
use crate::scheduler::job::MAX_ATTEMPTS;
use crate::scheduler::job::{complete, JobError};
use crate::AppState;

pub use attempt::AttemptClass;
pub use concordat_store::webhooks::JOB_KIND as KIND;
pub use destinations::Destinations;

mod attempt;
pub mod destinations;
pub mod endpoints;
pub mod signing;

/// Shortest secret accepted: guessable secrets make signatures worthless.
pub const MIN_SECRET: usize = 16;

/// Registers `url` for `organisation`, signing with `secret`.
pub async fn register(
    state: &AppState,
    organisation: OrganisationId,
    by: UserId,
    url: &str,
    secret: String,
) -> Result<Webhook, ServiceError> {
    let url = url.trim();
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| ServiceError::invalid("url", format!("`{url}` is not a URL: {e}")))?;
    state
        .config
        .delivery
        .webhooks
        .check_registration(&parsed)
        .await
        .map_err(|refused| ServiceError::invalid("url", format!("`{url}`: {refused}")))?;
    if secret.chars().count() < MIN_SECRET {
        return Err(ServiceError::invalid(
            "secret",
            format!("the secret must be at least {MIN_SECRET} characters"),
        ));
    }
    let hook = Webhook {
        id: uuid::Uuid::new_v4(),
        organisation,
        url: parsed.to_string(),
        secret: WebhookSecret::new(secret),
        created_by: by,
        created_at: state.clock.now(),
    };
    let mut tx = state.store.write().await?;
    webhooks::insert_webhook(&mut tx, &hook).await?;
    tx.commit().await?;
    Ok(hook)
}

/// Queues `event_type` with `data` for each of `hooks` (an organisation's
/// endpoints), in the caller's transaction: the delivery exists exactly
/// when the event does. Returns how many deliveries were queued.
pub async fn enqueue(
    conn: &mut Conn,
    hooks: &[&Webhook],
    event_type: &str,
    data: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    for hook in hooks {
        let id = uuid::Uuid::new_v4();
        let body = serde_json::json!({
            "id": id,
            "type": event_type,
            "created_at": now,
            "organisation_id": hook.organisation,
            "data": data,
        });
        webhooks::insert_delivery(
            conn,
            &Delivery {
                id,
                webhook: hook.id,
                organisation: hook.organisation,
                event_type: event_type.to_owned(),
                body: body.to_string(),
                created_at: now,
                delivered_at: None,
            },
        )
        .await?;
        jobs::schedule(conn, KIND, &id.to_string(), 0, now, "{}", now).await?;
    }
    Ok(hooks.len())
}

/// Queues `event_type` for every endpoint of `organisation`.
pub async fn enqueue_for(
    conn: &mut Conn,
    organisation: OrganisationId,
    event_type: &str,
    data: &serde_json::Value,
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let hooks = webhooks::active_webhooks(conn, Some(organisation)).await?;
    enqueue(
        conn,
        &hooks.iter().collect::<Vec<_>>(),
        event_type,
        data,
        now,
    )
    .await
}

/// What a webhook says of a referral: references, not its content.
pub fn referral_data(referral: &concordat_store::referrals::Referral) -> serde_json::Value {
    serde_json::json!({
        "referral_id": referral.id,
        "person_id": referral.person,
        "to_team_id": referral.to_team,
        "urgency": referral.urgency.as_str(),
        "acknowledge_due": referral.acknowledge_due,
    })
}

/// Runs a `webhook-delivery` job: one attempt, logged whatever comes of it.
pub async fn run(state: &AppState, node: &str, job: &Job) -> Result<(), JobError> {
    let id = uuid::Uuid::parse_str(&job.subject_id)
        .map_err(|e| JobError::Unusable(format!("delivery `{}`: {e}", job.subject_id)))?;
    let (delivery, hook) = {
        let mut conn = state.store.read().await?;
        webhooks::delivery_with_webhook(&mut conn, id).await?
    }
    .ok_or_else(|| JobError::Unusable(format!("no webhook delivery {id}")))?;
    let now = state.clock.now();
    if delivery.delivered_at.is_some() {
        let tx = state.store.write().await?;
        complete(tx, job, node, now).await?;
        return Ok(());
    }
    let (class, status_code) = attempt::send(state, &delivery, &hook, now).await;
    let mut tx = state.store.write().await?;
    delivery::record_attempt(
        &mut tx,
        &Attempt {
            channel: Channel::Webhook,
            delivery_id: id,
            attempt: job.attempts,
            at: now,
            outcome: class.outcome(),
            status_code,
            detail: class.as_str().to_owned(),
        },
    )
    .await?;
    if class == AttemptClass::Delivered {
        webhooks::mark_delivered(&mut tx, id, now).await?;
        complete(tx, job, node, now).await?;
        return Ok(());
    }
    tx.commit().await?;
    let why = format!("webhook delivery {id}: {}", class.as_str());
    Err(match class {
        // Trying again changes nothing until an administrator acts.
        AttemptClass::AddressRefused => JobError::Unusable(why),
        _ => JobError::Transient(why),
    })
}

/// Makes a dead delivery of `organisation`'s due again now.
pub async fn retry(
    state: &AppState,
    organisation: OrganisationId,
    id: uuid::Uuid,
) -> Result<(), ServiceError> {
    let mut tx = state.store.write().await?;
    let record = webhooks::delivery_of(&mut tx, organisation, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if record.job_status != "dead" {
        return Err(ServiceError::Conflict(format!(
            "only a dead delivery can be retried; this one is {}",
            delivery_state(&record.job_status, record.attempts)
        )));
    }
    jobs::revive(&mut tx, record.job_id, state.clock.now()).await?;
    tx.commit().await?;
    Ok(())
}

/// A delivery's state in words, from its job's status.
pub fn delivery_state(job_status: &str, attempts: i64) -> &'static str {
    match job_status {
        "done" => "delivered",
        "dead" => "dead",
        "cancelled" => "cancelled",
        "running" => "sending",
        _ if attempts > 0 => "retrying",
        _ => "pending",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_prints() {
        let secret = WebhookSecret::new("do-not-show-this-secret".into());
        assert!(!format!("{secret:?}").contains("do-not-show"));
    }
}
