//! The scheduler: runs the job table's due rows (deadlines, escalations,
//! deliveries, retries) by the application's clock. Every node runs one;
//! on PostgreSQL any number of nodes share the table and each job runs
//! once; on SQLite, one node. Jobs whose effect is in this database finish
//! in the same transaction as the effect, so a job that loses its lease to
//! another node (its node stalled) commits nothing.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use concordat_store::jobs::{self, Job, JobStatus};
use concordat_store::{StoreError, WriteTx};
use tokio::sync::watch;

use crate::AppState;

/// How long a claimed job is this node's before another may take it.
pub const LEASE_MINUTES: i64 = 5;
/// Jobs claimed at once.
const BATCH: i64 = 100;
/// Attempts before a job that keeps failing is set aside as dead.
pub const MAX_ATTEMPTS: i64 = 8;

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The job cannot be done as written (unknown kind, bad payload).
    #[error("{0}")]
    Unusable(String),
    /// It may work later (a receiver that is down).
    #[error("{0}")]
    Transient(String),
}

/// A name for this node in the job table: unique per process.
pub fn node_name() -> String {
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    format!("node-{}-{}", std::process::id(), &suffix[..8])
}

/// Waits before attempt `attempts + 1`: 30 s, 1 min, 2 min, … up to 4 h.
pub fn backoff(attempts: i64) -> Duration {
    let exponent = u32::try_from(attempts.clamp(1, 10) - 1).unwrap_or(0);
    let seconds = 30i64.saturating_mul(1i64 << exponent);
    Duration::seconds(seconds.min(4 * 3600))
}

/// Marks `job` done in `tx`, the transaction holding its effect, and
/// commits both. False, with nothing committed, if the job is no longer
/// this node's (its lease ran out and another node took it).
pub async fn complete(
    mut tx: WriteTx<'_>,
    job: &Job,
    node: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    if !jobs::finish(&mut tx, job.id, node, JobStatus::Done, None, now).await? {
        return Ok(false);
    }
    tx.commit().await?;
    Ok(true)
}

/// Runs every job due now; returns how many were claimed.
pub async fn run_due(state: &AppState, node: &str) -> Result<usize, StoreError> {
    let now = state.clock.now();
    let claimed = {
        let mut tx = state.store.write().await?;
        let claimed = jobs::claim_due(
            &mut tx,
            node,
            now,
            now + Duration::minutes(LEASE_MINUTES),
            BATCH,
        )
        .await?;
        tx.commit().await?;
        claimed
    };
    for job in &claimed {
        if let Err(error) = dispatch(state, node, job).await {
            set_aside(state, node, job, &error).await?;
        }
    }
    Ok(claimed.len())
}

async fn dispatch(state: &AppState, node: &str, job: &Job) -> Result<(), JobError> {
    match job.kind.as_str() {
        crate::referrals::escalation::KIND => {
            crate::referrals::escalation::run(state, node, job).await
        }
        crate::messages::escalation::KIND => {
            crate::messages::escalation::run(state, node, job).await
        }
        crate::webhooks::KIND => crate::webhooks::run(state, node, job).await,
        crate::delivery::EMAIL_KIND | crate::delivery::SMS_KIND => {
            crate::delivery::run(state, node, job).await
        }
        other => Err(JobError::Unusable(format!(
            "no handler for jobs of kind `{other}`"
        ))),
    }
}

/// A failed job waits and is tried again, or after [`MAX_ATTEMPTS`] (or if
/// it can never work) is kept as dead for an administrator.
async fn set_aside(
    state: &AppState,
    node: &str,
    job: &Job,
    error: &JobError,
) -> Result<(), StoreError> {
    tracing::warn!(kind = %job.kind, attempts = job.attempts, %error, "job failed");
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let message = error.to_string();
    let give_up = matches!(error, JobError::Unusable(_)) || job.attempts >= MAX_ATTEMPTS;
    if give_up {
        jobs::finish(&mut tx, job.id, node, JobStatus::Dead, Some(&message), now).await?;
    } else {
        jobs::retry_at(&mut tx, job.id, node, now + backoff(job.attempts), &message).await?;
    }
    tx.commit().await
}

/// Runs due jobs every `poll` until `stop` turns true.
pub async fn run(state: AppState, poll: StdDuration, mut stop: watch::Receiver<bool>) {
    let node = node_name();
    tracing::info!(%node, "scheduler started");
    loop {
        match run_due(&state, &node).await {
            // A full batch: there may be more due now.
            Ok(n) if n as i64 == BATCH => continue,
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "scheduler could not claim jobs"),
        }
        tokio::select! {
            _ = tokio::time::sleep(poll) => {}
            _ = stop.changed() => break,
        }
        if *stop.borrow() {
            break;
        }
    }
    tracing::info!(%node, "scheduler stopped");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_and_stops_at_four_hours() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(3), Duration::seconds(120));
        assert_eq!(backoff(10), Duration::hours(4));
        assert_eq!(backoff(50), Duration::hours(4));
    }
}
