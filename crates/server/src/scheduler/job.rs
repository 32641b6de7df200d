//! The job vocabulary every kind of job shares with the runner: how a job
//! fails ([`JobError`]), how it finishes ([`complete`]), and how long a
//! failed one waits ([`backoff`], [`MAX_ATTEMPTS`]). The runner dispatches
//! to the kinds (escalations, deliveries, webhooks) and the kinds speak
//! this, so it names neither: a leaf, importing nothing from this crate.

use chrono::{DateTime, Duration, Utc};
use concordat_store::jobs::{self, Job, JobStatus};
use concordat_store::{StoreError, WriteTx};

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
