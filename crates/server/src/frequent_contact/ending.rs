//! An entry nobody reviews ends by itself: a job at the entry's review
//! date takes the person off the list, ends the support team's
//! relationship and tells the person. A review moves the date and
//! schedules the next step; a job whose date was moved finds nothing to do.

use chrono::{DateTime, Utc};
use concordat_domain::frequent_contact::EntryStatus;
use concordat_store::frequent_contact::{self as store, Entry};
use concordat_store::jobs::{self, Job};
use concordat_store::relationships::{self, RelationshipKind};
use concordat_store::{teams, Conn, StoreError};

use super::terms::SUPPORT_REASON;
use crate::delivery::{Message, Outbox};
use crate::scheduler::job::{complete, JobError};
use crate::told::tell_the_person;
use crate::AppState;

pub const KIND: &str = "frequent-contact-review-due";

/// Schedules step `step` of the entry's ending, at its review date.
pub(super) async fn schedule(
    conn: &mut Conn,
    entry: &Entry,
    step: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    jobs::schedule(
        conn,
        KIND,
        &entry.id.to_string(),
        step,
        entry.review_by,
        "{}",
        now,
    )
    .await?;
    Ok(())
}

/// Ends `entry` at `now` as `status` (ended at review, or expired): the
/// support team's relationship ends with it.
pub(super) async fn end(
    conn: &mut Conn,
    entry: &mut Entry,
    status: EntryStatus,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    entry.status = status;
    entry.ended_at = Some(now);
    store::save(conn, entry).await?;
    if let Some(team) = teams::team_by_id(conn, entry.team).await? {
        relationships::end_relationships(
            conn,
            entry.person,
            team.organisation_id(),
            RelationshipKind::ActiveContact,
            SUPPORT_REASON,
            now,
        )
        .await?;
    }
    Ok(())
}

pub async fn run(state: &AppState, node: &str, job: &Job) -> Result<(), JobError> {
    let id = uuid::Uuid::parse_str(&job.subject_id)
        .map_err(|e| JobError::Unusable(format!("entry `{}`: {e}", job.subject_id)))?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let Some(mut entry) = store::entry_by_id(&mut tx, id, true).await? else {
        return Err(JobError::Unusable(format!(
            "no frequent contact entry {id}"
        )));
    };
    if entry.status.is_current() && entry.review_by <= now {
        end(&mut tx, &mut entry, EntryStatus::Expired, now).await?;
        let mut outbox = Outbox::default();
        let told = Message {
            kind: "frequent-contact".into(),
            subject: "You are no longer on the frequent contact list".into(),
            body: "You are no longer on the list of people in frequent contact with \
                   emergency services: nobody reviewed it in time, so it has ended. The \
                   support team can no longer read your record for this."
                .into(),
            link: Some("/my/frequent-contact".into()),
            person: Some(entry.person),
        };
        tell_the_person(&mut tx, &mut outbox, entry.person, &told, now).await?;
        outbox.flush(&mut tx, now).await?;
    }
    complete(tx, job, node, now).await?;
    Ok(())
}
