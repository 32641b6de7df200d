//! The scheduler: runs the job table's due rows (deadlines, escalations,
//! deliveries, retries) by the application's clock. Every node runs one;
//! on PostgreSQL any number of nodes share the table and each job runs
//! once; on SQLite, one node. Jobs whose effect is in this database finish
//! in the same transaction as the effect, so a job that loses its lease to
//! another node (its node stalled) commits nothing.
//!
//! This runner dispatches to the kinds of job; what the kinds share with
//! it (how a job fails, finishes and waits) is [`job`], which they import
//! instead, so no kind of job imports the runner that calls it.

use std::time::Duration as StdDuration;

use chrono::Duration;
use concordat_store::jobs::{self, Job, JobStatus};
use concordat_store::StoreError;
use tokio::sync::watch;

use self::job::{backoff, JobError, MAX_ATTEMPTS};
use crate::AppState;

pub mod job;

/// How long a claimed job is this node's before another may take it.
pub const LEASE_MINUTES: i64 = 5;
/// Jobs claimed at once.
const BATCH: i64 = 100;

/// A name for this node in the job table: unique per process.
pub fn node_name() -> String {
    let suffix = uuid::Uuid::new_v4().simple().to_string();
    format!("node-{}-{}", std::process::id(), &suffix[..8])
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
        crate::escalation::referral::KIND => {
            crate::escalation::referral::run(state, node, job).await
        }
        crate::escalation::message::KIND => crate::escalation::message::run(state, node, job).await,
        crate::escalation::case_action::KIND => {
            crate::escalation::case_action::run(state, node, job).await
        }
        crate::webhooks::KIND => crate::webhooks::run(state, node, job).await,
        crate::delivery::EMAIL_KIND | crate::delivery::SMS_KIND => {
            crate::delivery::run(state, node, job).await
        }
        crate::fhir::export::job::KIND => crate::fhir::export::job::run(state, node, job).await,
        crate::frequent_contact::ENDING_KIND => {
            crate::frequent_contact::run_ending(state, node, job).await
        }
        crate::governance::break_glass_notice::KIND => {
            crate::governance::break_glass_notice::run(state, node, job).await
        }
        crate::corrections::overdue::KIND => {
            crate::corrections::overdue::run(state, node, job).await
        }
        crate::matching::job::KIND => crate::matching::job::run(state, node, job).await,
        crate::outcomes::job::KIND => crate::outcomes::job::run(state, node, job).await,
        crate::wellbeing::reminders::KIND => {
            crate::wellbeing::reminders::run(state, node, job).await
        }
        crate::fhir::export::job::EXPIRY_KIND => {
            crate::fhir::export::job::expire(state, node, job).await
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
    if let Err(error) = crate::outcomes::job::keep_scheduled(&state).await {
        tracing::error!(%error, "could not schedule the outcome figures' refresh");
    }
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
