//! Computing a month's figures and keeping them: read the month's history,
//! count it, replace the month's rows in one transaction. Doing it twice
//! changes nothing, so the scheduler may repeat it and a rebuild may run
//! over months already kept. It needs only the store and the working
//! calendar, so the command line rebuilds without a server.

use chrono::{DateTime, Utc};
use concordat_domain::calendar::WorkingCalendar;
use concordat_domain::outcomes::{tally, Month};
use concordat_store::outcomes as store;
use concordat_store::Store;

use crate::error::ServiceError;

/// How many records a month was counted from.
pub type Records = i64;

/// Computes `month`'s figures and keeps them in place of what was kept.
pub async fn refresh_month(
    store: &Store,
    calendar: &WorkingCalendar,
    month: Month,
    now: DateTime<Utc>,
) -> Result<Records, ServiceError> {
    let history = {
        let mut conn = store.read().await?;
        store::history(&mut conn, month, crate::crisis::lookup::LISTED).await?
    };
    let records = store::records(&history);
    let calendar = calendar.clone();
    // A large month is a second or so of counting: off the threads that
    // answer requests.
    let tallies = tokio::task::spawn_blocking(move || tally(month, &history, &calendar))
        .await
        .map_err(|e| ServiceError::Internal(format!("counting {month} stopped: {e}")))?;
    let mut tx = store.write().await?;
    store::replace_month(&mut tx, month, &tallies, records, now).await?;
    tx.commit().await?;
    Ok(records)
}

/// The months a rebuild covers: from the month of the earliest thing a
/// measure counts to the month of `now` (just that month when nothing is
/// recorded).
pub async fn months_to_rebuild(
    store: &Store,
    now: DateTime<Utc>,
) -> Result<Vec<Month>, ServiceError> {
    let earliest = {
        let mut conn = store.read().await?;
        store::earliest(&mut conn).await?
    };
    Ok(Month::of(earliest.unwrap_or(now).min(now)).through(Month::of(now)))
}

/// Computes every month from the earliest record to this one, telling
/// `progress` after each month how many are done of how many, and how
/// many records that month held.
pub async fn rebuild(
    store: &Store,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
    mut progress: impl FnMut(usize, usize, Month, Records),
) -> Result<Records, ServiceError> {
    let months = months_to_rebuild(store, now).await?;
    let mut total = 0;
    for (done, month) in months.iter().enumerate() {
        let records = refresh_month(store, calendar, *month, now).await?;
        total += records;
        progress(done + 1, months.len(), *month, records);
    }
    Ok(total)
}
