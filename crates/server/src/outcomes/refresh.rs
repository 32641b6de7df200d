//! Computing a month's figures and keeping them: read the month's history,
//! count it, replace the month's rows in one transaction. Doing it twice
//! changes nothing, so the scheduler may repeat it and a rebuild may run
//! over months already kept.

use chrono::{DateTime, Utc};
use concordat_domain::outcomes::{tally, Month};
use concordat_store::outcomes as store;

use crate::error::ServiceError;
use crate::AppState;

/// How many records a month was counted from.
pub type Records = i64;

/// Computes `month`'s figures and keeps them in place of what was kept.
pub async fn refresh_month(state: &AppState, month: Month) -> Result<Records, ServiceError> {
    let history = {
        let mut conn = state.store.read().await?;
        store::history(&mut conn, month, crate::crisis::lookup::LISTED).await?
    };
    let records = store::records(&history);
    let calendar = crate::referrals::calendar::calendar(state);
    // A large month is a second or so of counting: off the threads that
    // answer requests.
    let tallies = tokio::task::spawn_blocking(move || tally(month, &history, &calendar))
        .await
        .map_err(|e| ServiceError::Internal(format!("counting {month} stopped: {e}")))?;
    let mut tx = state.store.write().await?;
    store::replace_month(&mut tx, month, &tallies, records, state.clock.now()).await?;
    tx.commit().await?;
    Ok(records)
}

/// The months a rebuild covers: from the month of the earliest thing a
/// measure counts to this month (just this month when nothing is kept).
pub async fn months_to_rebuild(state: &AppState) -> Result<Vec<Month>, ServiceError> {
    let now = state.clock.now();
    let earliest: Option<DateTime<Utc>> = {
        let mut conn = state.store.read().await?;
        store::earliest(&mut conn).await?
    };
    let this = Month::of(now);
    Ok(Month::of(earliest.unwrap_or(now).min(now)).through(this))
}

/// Computes every month from the earliest record to this one, telling
/// `progress` after each month how many are done and how many records
/// that month held.
pub async fn rebuild(
    state: &AppState,
    mut progress: impl FnMut(usize, usize, Month, Records),
) -> Result<Records, ServiceError> {
    let months = months_to_rebuild(state).await?;
    let mut total = 0;
    for (done, month) in months.iter().enumerate() {
        let records = refresh_month(state, *month).await?;
        total += records;
        progress(done + 1, months.len(), *month, records);
    }
    Ok(total)
}
