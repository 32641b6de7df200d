//! Reviewing an entry: the support team chooses help — an offer of
//! support, a crisis plan review, a multi-agency case — and keeps the
//! person on the list until the next review, or takes them off it. Its
//! words are checked: nothing proposing a lesser response, no stigmatising
//! label. The person is told what was decided.

use concordat_access::AccessAction;
use concordat_domain::dates::long_date;
use concordat_domain::frequent_contact::{check_words, review_by, EntryStatus, NextStep};
use concordat_store::frequent_contact::{self as store, Entry, EntryId};
use concordat_store::relationships::{self, Opening, RelationshipKind};
use concordat_store::teams;

use super::list::support_team_of;
use super::terms::{CATEGORY, SUPPORT_REASON};
use crate::authorisation::{actor, Viewer};
use crate::crisis::require;
use crate::delivery::{Message, Outbox};
use crate::error::ServiceError;
use crate::told::tell_the_person;
use crate::AppState;

/// What a review decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Stay on the list until the next review, for this next step.
    Continue(NextStep),
    /// Come off the list.
    End,
}

/// A review as entered.
#[derive(Debug, Clone)]
pub struct Review {
    pub outcome: Outcome,
    pub note: String,
}

/// Reviews `entry` for `viewer`, a member of the team offering support.
/// An entry that is not current, or that the viewer may not read, is
/// [`ServiceError::NotFound`] (as no entry is).
pub async fn review(
    state: &AppState,
    viewer: &Viewer,
    entry: EntryId,
    input: Review,
) -> Result<Entry, ServiceError> {
    let team = support_team_of(state, viewer).await?;
    check_words(&input.note).map_err(|e| ServiceError::invalid("note", e))?;
    let person = {
        let mut conn = state.store.read().await?;
        store::entry_by_id(&mut conn, entry, false)
            .await?
            .filter(|e| e.team == team && e.status.is_current())
            .ok_or(ServiceError::NotFound)?
            .person
    };
    require(state, viewer, person, AccessAction::Read, CATEGORY).await?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let mut found = store::entry_by_id(&mut tx, entry, true)
        .await?
        .filter(|e| e.team == team && e.status.is_current())
        .ok_or(ServiceError::NotFound)?;
    found.note = input.note.trim().to_owned();
    found.reviewed_by = Some(viewer.user.id());
    found.reviewer_name = viewer.user.display_name().as_str().to_owned();
    found.reviewed_at = Some(now);
    let mut grant = None;
    let told = match input.outcome {
        Outcome::Continue(step) => {
            found.status = EntryStatus::Reviewed;
            found.next_step = Some(step);
            found.review_by = review_by(now);
            store::save(&mut tx, &found).await?;
            grant = Some(extended_access(&mut tx, viewer, &found, step, now).await?);
            let step_number = steps_taken(&found);
            super::ending::schedule(&mut tx, &found, step_number, now).await?;
            format!(
                "The support team looked at how things are going. What happens next: {}. They \
                 will look again by {}. The help you get when you call stays the same.",
                step.label().to_lowercase(),
                long_date(found.review_by.date_naive())
            )
        }
        Outcome::End => {
            super::ending::end(&mut tx, &mut found, EntryStatus::Ended, now).await?;
            "The support team looked at how things are going and has taken you off the \
             frequent contact list. They can no longer read your record for this."
                .to_owned()
        }
    };
    let mut outbox = Outbox::default();
    let message = Message {
        kind: "frequent-contact".into(),
        subject: "Your frequent contact entry was reviewed".into(),
        body: told,
        link: Some("/my/frequent-contact".into()),
        person: Some(found.person),
    };
    tell_the_person(&mut tx, &mut outbox, found.person, &message, now).await?;
    outbox.flush(&mut tx, now).await?;
    tx.commit().await?;
    // The extended access is written with the audit entry that says so.
    if let Some(grant) = grant {
        super::access::open(state, grant).await?;
    }
    Ok(found)
}

/// The support team's access kept until the next review: its live
/// relationship extended, or a new one if it has none (its identification's
/// audit failed, say).
async fn extended_access(
    conn: &mut concordat_store::Conn,
    viewer: &Viewer,
    entry: &Entry,
    step: NextStep,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<super::access::Grant, ServiceError> {
    let team = teams::team_by_id(conn, entry.team)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let live = relationships::relationships_of(conn, entry.person, team.organisation_id())
        .await?
        .into_iter()
        .find(|r| {
            r.kind == RelationshipKind::ActiveContact
                && r.team == Some(entry.team)
                && r.reason == SUPPORT_REASON
                && r.ends_at > now
        });
    let opening = match live {
        Some(r) => Opening::Renewed {
            id: r.id,
            person: entry.person,
            ends_at: entry.review_by,
        },
        None => Opening::New(super::access::relationship(
            entry.person,
            entry.team,
            team.organisation_id(),
            now,
            entry.review_by,
        )),
    };
    Ok(super::access::Grant {
        actor: Some(actor(&viewer.user)),
        purpose: Some(viewer.purpose),
        what: format!("reviewed frequent contact: {}", step.label().to_lowercase()),
        until: entry.review_by,
        opening,
    })
}

/// A fresh step number for the ending job after each review: the review
/// date in days, so each review's ending is its own step.
fn steps_taken(entry: &Entry) -> i64 {
    entry.review_by.timestamp() / 86_400
}
