//! The matching job's kind and how one is scheduled: a leaf, so that
//! holding an event (`crate::contact_events`) can ask for matching without
//! importing the job, which records matched events through the same
//! ingest.

use chrono::{DateTime, Utc};
use concordat_store::{jobs, Conn, StoreError};

pub const KIND: &str = "match-held-events";

/// Schedules a matching job now.
pub async fn schedule(conn: &mut Conn, now: DateTime<Utc>) -> Result<(), StoreError> {
    jobs::schedule(
        conn,
        KIND,
        &uuid::Uuid::new_v4().to_string(),
        0,
        now,
        "{}",
        now,
    )
    .await?;
    Ok(())
}
