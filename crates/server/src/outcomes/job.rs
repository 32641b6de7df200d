//! Keeping the figures up to date as things happen: a job every few
//! minutes recomputes this month and the two before it (a referral sent
//! last month may be answered this one; a contact may be sent late), then
//! schedules the next. One job per time slot, so any number of nodes
//! schedule it once between them.

use chrono::{DateTime, Duration, DurationRound, Utc};
use concordat_domain::outcomes::Month;
use concordat_store::jobs::{self, Job};
use concordat_store::{Conn, StoreError};

use super::refresh::refresh_month;
use crate::scheduler::job::{complete, JobError};
use crate::AppState;

pub const KIND: &str = "outcomes-refresh";

/// How often the figures are recomputed.
pub const EVERY_MINUTES: i64 = 5;

/// Months recomputed each time, ending with this one.
pub const MONTHS: usize = 3;

/// The slot after `now`: when the next refresh runs.
fn next_slot(now: DateTime<Utc>) -> DateTime<Utc> {
    let every = Duration::minutes(EVERY_MINUTES);
    now.duration_trunc(every).unwrap_or(now) + every
}

/// Schedules the refresh of the slot after `now`, unless it is already
/// scheduled (or ran).
pub async fn schedule_next(conn: &mut Conn, now: DateTime<Utc>) -> Result<bool, StoreError> {
    let at = next_slot(now);
    jobs::schedule(
        conn,
        KIND,
        &concordat_store::time::encode(at),
        0,
        at,
        "{}",
        now,
    )
    .await
}

/// Makes sure a refresh is coming: called when the scheduler starts.
pub async fn keep_scheduled(state: &AppState) -> Result<(), StoreError> {
    let mut tx = state.store.write().await?;
    schedule_next(&mut tx, state.clock.now()).await?;
    tx.commit().await
}

pub async fn run(state: &AppState, node: &str, job: &Job) -> Result<(), JobError> {
    let now = state.clock.now();
    // The next refresh is scheduled first, so one that fails (and is
    // retried, or in the end set aside) never ends the chain.
    {
        let mut tx = state.store.write().await?;
        schedule_next(&mut tx, now).await?;
        tx.commit().await?;
    }
    let calendar = crate::referrals::calendar::calendar(state);
    for month in Month::of(now).trailing(MONTHS) {
        refresh_month(&state.store, &calendar, month, now)
            .await
            .map_err(|e| JobError::Transient(format!("outcomes for {month}: {e}")))?;
    }
    let tx = state.store.write().await?;
    complete(tx, job, node, now).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn the_next_slot_is_on_the_next_five_minutes() {
        let at = Utc.with_ymd_and_hms(2026, 12, 7, 9, 3, 27).unwrap();
        assert_eq!(
            next_slot(at),
            Utc.with_ymd_and_hms(2026, 12, 7, 9, 5, 0).unwrap()
        );
        let on = Utc.with_ymd_and_hms(2026, 12, 7, 9, 5, 0).unwrap();
        assert_eq!(
            next_slot(on),
            Utc.with_ymd_and_hms(2026, 12, 7, 9, 10, 0).unwrap()
        );
    }
}
