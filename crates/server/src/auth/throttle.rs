//! Slowing and then locking repeated failed sign-ins, per account name and per
//! client address. The counts live in the store so every node sees them.

use chrono::{DateTime, Utc};
use concordat_store::throttle::{self as counts, FailureRecord, Scope};
use concordat_store::StoreError;

use crate::config::ThrottlePolicy;
use crate::AppState;

/// Whether a sign-in attempt may go ahead, and after how long a pause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    Open { delay: std::time::Duration },
    Locked { until: DateTime<Utc> },
}

/// The keys an attempt is counted under.
#[derive(Debug, Clone)]
pub struct AttemptKeys {
    pub account: String,
    pub address: String,
}

impl AttemptKeys {
    pub fn new(username_as_typed: &str, address: &str) -> Self {
        Self {
            // PostgreSQL's text cannot hold NUL: a name typed with one is
            // counted under a stand-in rather than failing the sign-in with
            // a server error (no username has one).
            account: username_as_typed
                .trim()
                .to_lowercase()
                .replace('\0', "\u{FFFD}"),
            address: address.to_owned(),
        }
    }
}

pub async fn gate(state: &AppState, keys: &AttemptKeys) -> Result<Gate, StoreError> {
    let now = state.clock.now();
    let policy = &state.config.throttle;
    let mut conn = state.store.read().await?;
    let account = counts::failures(&mut conn, Scope::Account, &keys.account).await?;
    let address = counts::failures(&mut conn, Scope::Address, &keys.address).await?;
    let locked_until = [&account, &address]
        .into_iter()
        .flatten()
        .filter_map(|r| r.locked_until)
        .filter(|until| *until > now)
        .max();
    if let Some(until) = locked_until {
        return Ok(Gate::Locked { until });
    }
    let recent = [account, address]
        .into_iter()
        .flatten()
        .map(|r| current_count(&r, now, policy))
        .max()
        .unwrap_or(0);
    Ok(Gate::Open {
        delay: delay_for(recent, policy),
    })
}

pub async fn record_failure(state: &AppState, keys: &AttemptKeys) -> Result<(), StoreError> {
    let now = state.clock.now();
    let policy = &state.config.throttle;
    let mut tx = state.store.write().await?;
    for (scope, key, lock_after) in [
        (Scope::Account, &keys.account, policy.account_lock_after),
        (Scope::Address, &keys.address, policy.address_lock_after),
    ] {
        let previous = counts::failures(&mut tx, scope, key).await?;
        let failures = previous
            .as_ref()
            .map_or(0, |r| current_count(r, now, policy))
            + 1;
        let locked_until = (failures >= lock_after).then(|| now + policy.lock_for);
        let record = FailureRecord {
            failures,
            last_failure_at: now,
            locked_until,
        };
        counts::save_failures(&mut tx, scope, key, &record).await?;
    }
    tx.commit().await
}

/// A successful sign-in forgives the account's failures. The address keeps
/// its count, so one known password cannot reset a guessing run from there.
pub async fn record_success(state: &AppState, keys: &AttemptKeys) -> Result<(), StoreError> {
    let mut tx = state.store.write().await?;
    counts::clear_failures(&mut tx, Scope::Account, &keys.account).await?;
    tx.commit().await
}

/// Failures still counting: none once the window has passed since the last
/// one, or once a lock has run its course.
fn current_count(record: &FailureRecord, now: DateTime<Utc>, policy: &ThrottlePolicy) -> i64 {
    let lock_served = record.locked_until.is_some_and(|until| until <= now);
    if lock_served || now - record.last_failure_at > policy.window {
        0
    } else {
        record.failures
    }
}

fn delay_for(failures: i64, policy: &ThrottlePolicy) -> std::time::Duration {
    let counted = failures - policy.free_failures;
    if counted <= 0 {
        return std::time::Duration::ZERO;
    }
    let doublings = u32::try_from(counted - 1).unwrap_or(u32::MAX).min(16);
    policy
        .base_delay
        .saturating_mul(2u32.saturating_pow(doublings))
        .min(policy.max_delay)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn record(failures: i64, ago: Duration, now: DateTime<Utc>) -> FailureRecord {
        FailureRecord {
            failures,
            last_failure_at: now - ago,
            locked_until: None,
        }
    }

    #[test]
    fn the_first_failures_are_not_delayed() {
        let policy = ThrottlePolicy::default();
        for n in 0..=policy.free_failures {
            assert_eq!(delay_for(n, &policy), std::time::Duration::ZERO);
        }
    }

    #[test]
    fn delays_double_and_stop_at_the_ceiling() {
        let policy = ThrottlePolicy::default();
        let first = delay_for(policy.free_failures + 1, &policy);
        let second = delay_for(policy.free_failures + 2, &policy);
        assert_eq!(first, policy.base_delay);
        assert_eq!(second, policy.base_delay * 2);
        assert_eq!(delay_for(1_000, &policy), policy.max_delay);
    }

    #[test]
    fn failures_are_forgotten_after_the_window() {
        let policy = ThrottlePolicy::default();
        let now = Utc::now();
        assert_eq!(
            current_count(&record(5, Duration::minutes(1), now), now, &policy),
            5
        );
        let stale = record(5, policy.window + Duration::seconds(1), now);
        assert_eq!(current_count(&stale, now, &policy), 0);
    }

    #[test]
    fn a_served_lock_starts_the_count_again() {
        let policy = ThrottlePolicy::default();
        let now = Utc::now();
        let mut r = record(10, Duration::minutes(1), now);
        r.locked_until = Some(now - Duration::seconds(1));
        assert_eq!(current_count(&r, now, &policy), 0);
        r.locked_until = Some(now + Duration::seconds(1));
        assert_eq!(current_count(&r, now, &policy), 10);
    }
}
