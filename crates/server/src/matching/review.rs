//! The clerical review of held events: the queue of a sending
//! organisation's events that matching could not settle, one event beside
//! the people it may be, and the reviewer's decision.
//!
//! Reviewers are the practitioners of the organisation that sent the
//! events, for direct care: the events are their organisation's own
//! reports. Each candidate's demographics are read through the access
//! decision under a `match-review` relationship that opening the event
//! writes with its audit entry — the reviewer's alone, demographics only,
//! for an hour — so the person's access log shows who compared their
//! details and why. A candidate the decision refuses is listed as withheld.
//! Only the people matching listed may be chosen: a review never opens
//! anyone else's record.

use chrono::{DateTime, NaiveDate, Utc};
use concordat_domain::category::DataCategory;
use concordat_domain::ids::{ContactEventId, PersonId};
use concordat_domain::purpose::Purpose;
use concordat_store::audit::{AuditAction, Outcome};
use concordat_store::held_events::{self, HeldCandidate, HeldEvent, HeldStatus};
use concordat_store::relationships::{CareRelationship, RelationshipKind};
use serde::Serialize;

use super::evidence::Evidence;
use super::new_person::{self, NewRecord};
use super::recording::record_for;
use crate::authorisation::{act_entry, authorise_opening, AccessError, Refused, Viewer};
use crate::error::ServiceError;
use crate::record::views::DemographicsView;
use crate::AppState;

/// Held events listed at once.
pub const QUEUE_LIMIT: i64 = 200;

/// How long opening an event lets the reviewer read its candidates'
/// demographics.
const REVIEW_FOR: chrono::Duration = chrono::Duration::hours(1);

/// The reviewer's note, at most.
pub const NOTE_MAX_CHARS: usize = 1_000;

/// Checks that `viewer` may review held events: a practitioner, for
/// direct care.
pub fn may_review(viewer: &Viewer) -> Result<(), ServiceError> {
    if !viewer.user.role().is_practitioner() {
        return Err(ServiceError::Forbidden(format!(
            "matching contact events to people is for practitioners of the organisation that \
             sent them; your role is {}",
            viewer.user.role().as_str()
        )));
    }
    if viewer.purpose != Purpose::DirectCare {
        return Err(ServiceError::Forbidden(format!(
            "matching contact events to people is for direct care ({}); this request is for {}",
            Purpose::DirectCare.code(),
            viewer.purpose.code()
        )));
    }
    Ok(())
}

/// A held event as its sender sent it: what happened and whom it
/// describes.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QueueEntry {
    #[schema(value_type = String, format = Uuid)]
    pub id: uuid::Uuid,
    /// The sender's id for the event.
    pub event_id: String,
    /// The kind of contact, as sent: `call-999`, `ed-attendance`, …
    pub kind: String,
    pub occurred_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
    /// `review` (someone may be the person) or `unmatched` (no one is
    /// likely enough); once decided, `linked`, `not-recorded` or
    /// `unmatched`.
    pub status: &'static str,
    /// A reviewer looked and could not say.
    pub unsure: bool,
    pub described: Described,
    /// The people it may be, counted.
    pub candidates: usize,
    /// What the last reviewer wrote, or why it could not be compared.
    pub note: String,
}

/// The person as the event describes them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Described {
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub postcode: Option<String>,
    pub phone: Option<String>,
    pub sex: Option<String>,
    /// The sender's own identifier, `system|value`.
    pub identifier: Option<String>,
}

fn entry_of(held: &HeldEvent, candidates: usize) -> QueueEntry {
    let d = &held.details;
    QueueEntry {
        id: held.id,
        event_id: held.event_id.clone(),
        kind: held.kind.clone(),
        occurred_at: held.occurred_at,
        received_at: held.received_at,
        status: held.status.as_str(),
        unsure: held.unsure,
        described: Described {
            given_name: d.given_name.clone(),
            family_name: d.family_name.clone(),
            birth_date: d.birth_date,
            postcode: d.postcode.clone(),
            phone: d.phone.clone(),
            sex: d.sex.clone(),
            identifier: d.identifier.as_ref().map(|(s, v)| format!("{s}|{v}")),
        },
        candidates,
        note: held.decision_note.clone(),
    }
}

/// How many of `user`'s organisation's held events wait for a reviewer,
/// for their home page: none for anyone who may not review them.
pub async fn waiting_for(
    state: &AppState,
    user: &concordat_domain::user::User,
) -> Result<usize, ServiceError> {
    if !user.role().is_practitioner() {
        return Ok(0);
    }
    let mut conn = state.store.read().await?;
    Ok(held_events::undecided_of_organisation(
        &mut conn,
        user.organisation_id(),
        &[HeldStatus::Review, HeldStatus::Unmatched],
        QUEUE_LIMIT,
    )
    .await?
    .len())
}

/// The viewer's organisation's held events that wait for a reviewer,
/// oldest first. The listing is audited.
pub async fn queue(state: &AppState, viewer: &Viewer) -> Result<Vec<QueueEntry>, ServiceError> {
    may_review(viewer)?;
    let mut conn = state.store.read().await?;
    let held = held_events::undecided_of_organisation(
        &mut conn,
        viewer.user.organisation_id(),
        &[HeldStatus::Review, HeldStatus::Unmatched],
        QUEUE_LIMIT,
    )
    .await?;
    let mut entries = Vec::with_capacity(held.len());
    for h in &held {
        let count = held_events::candidates(&mut conn, h.id).await?.len();
        entries.push(entry_of(h, count));
    }
    drop(conn);
    let entry = act_entry(
        state,
        viewer,
        None,
        AuditAction::Read,
        Outcome::Allowed,
        vec![format!(
            "listed the contact events held for matching: {}",
            entries.len()
        )],
    );
    state.audit.record(entry).await.map_err(AccessError::from)?;
    Ok(entries)
}

/// A person a held event may be, as the reviewer sees them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewedCandidate {
    pub person_id: PersonId,
    pub rank: i64,
    pub evidence: Evidence,
    /// Their demographics, when the access decision allows the reviewer
    /// to compare them.
    pub demographics: Option<DemographicsView>,
    /// Why the demographics are withheld, when they are.
    pub withheld: Option<String>,
}

/// One held event beside the people it may be.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Item {
    pub event: QueueEntry,
    /// Whether it waits for a reviewer's decision.
    pub open: bool,
    /// Only while the event waits for a decision.
    pub candidates: Vec<ReviewedCandidate>,
    /// The contact recorded for the person, once linked.
    pub contact_event: Option<ContactEventId>,
}

/// The held event `raw_id` of the viewer's organisation. While it waits
/// for a decision each candidate is read for comparison, under a
/// `match-review` relationship and audited. Any other id — unparseable,
/// unknown, another organisation's — is not found.
pub async fn item(state: &AppState, viewer: &Viewer, raw_id: &str) -> Result<Item, ServiceError> {
    may_review(viewer)?;
    let held = own_held(state, viewer, raw_id, false).await?;
    let stored = {
        let mut conn = state.store.read().await?;
        held_events::candidates(&mut conn, held.id).await?
    };
    let open = undecided(&held);
    let mut candidates = Vec::new();
    if open {
        for candidate in &stored {
            candidates.push(compare(state, viewer, &held, candidate).await?);
        }
    }
    Ok(Item {
        event: entry_of(&held, stored.len()),
        open,
        candidates,
        contact_event: held.contact_event,
    })
}

fn undecided(held: &HeldEvent) -> bool {
    matches!(held.status, HeldStatus::Review | HeldStatus::Unmatched) && held.decided_at.is_none()
}

pub(super) async fn own_held(
    state: &AppState,
    viewer: &Viewer,
    raw_id: &str,
    for_update: bool,
) -> Result<HeldEvent, ServiceError> {
    let Ok(id) = raw_id.parse::<uuid::Uuid>() else {
        return Err(ServiceError::NotFound);
    };
    let mut conn = state.store.read().await?;
    held_events::by_id(&mut conn, id, for_update)
        .await?
        .filter(|h| h.organisation == viewer.user.organisation_id())
        .ok_or(ServiceError::NotFound)
}

/// Reads one candidate's demographics for the reviewer, under the
/// `match-review` relationship the reading itself opens.
async fn compare(
    state: &AppState,
    viewer: &Viewer,
    held: &HeldEvent,
    candidate: &HeldCandidate,
) -> Result<ReviewedCandidate, ServiceError> {
    let evidence: Evidence = serde_json::from_str(&candidate.evidence)
        .map_err(|e| ServiceError::Internal(format!("a candidate's evidence: {e}")))?;
    let (person, versions) = state.reads.persons.read(candidate.person.into()).await?;
    let now = state.clock.now();
    let relationship = CareRelationship {
        id: uuid::Uuid::new_v4(),
        person: candidate.person,
        organisation: viewer.user.organisation_id(),
        user: Some(viewer.user.id()),
        team: None,
        contact_kind: None,
        kind: RelationshipKind::MatchReview,
        reason: format!("contact event {} sent without an NHS number", held.event_id),
        started_at: now,
        ends_at: now + REVIEW_FOR,
    };
    let authorisation = authorise_opening(
        state,
        viewer,
        versions,
        relationship,
        &[DataCategory::Demographics],
        AuditAction::Read,
        format!(
            "comparing with contact event {} sent without an NHS number, to decide whether it \
             is this person's",
            held.event_id
        ),
    )
    .await?;
    let (demographics, withheld) = match (&person, authorisation.refusal()) {
        (Some(person), None) => (
            Some(crate::record::demographics(state, viewer, person, versions).await?),
            None,
        ),
        (_, Some(Refused::Denied { reason, .. })) => (None, Some(reason)),
        (_, Some(Refused::NotFound)) => (
            None,
            Some("the access decision does not let you see this person's details".to_owned()),
        ),
        (None, None) => (None, Some("no longer recorded".to_owned())),
    };
    Ok(ReviewedCandidate {
        person_id: candidate.person,
        rank: candidate.rank,
        evidence,
        demographics,
        withheld,
    })
}

/// What a reviewer decides of a held event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// It is this person's: record it for them.
    Link(PersonId),
    /// It is none of these people's.
    NotLinked,
    /// It is no one Concordat knows: start a record for them from what the
    /// event says, with the address the reviewer adds, and record the
    /// event for them.
    NewPerson(NewRecord),
    /// The reviewer cannot say; it waits for another.
    Unsure,
}

/// Decides the viewer's organisation's held event `raw_id` as `choice`,
/// with the reviewer's `note`, and answers where it now stands.
pub async fn decide(
    state: &AppState,
    viewer: &Viewer,
    raw_id: &str,
    choice: Choice,
    note: &str,
) -> Result<Item, ServiceError> {
    may_review(viewer)?;
    let note = concordat_domain::text::paragraphs("note", note, NOTE_MAX_CHARS)
        .map_err(|e| ServiceError::invalid("note", e))?;
    let mut held = own_held(state, viewer, raw_id, false).await?;
    if !undecided(&held) {
        return Err(ServiceError::Conflict(format!(
            "this event has already been decided: it is {}",
            held.status.as_str()
        )));
    }
    let now = state.clock.now();
    match choice {
        Choice::Link(person_id) => {
            let listed = {
                let mut conn = state.store.read().await?;
                held_events::candidates(&mut conn, held.id).await?
            };
            if !listed.iter().any(|c| c.person == person_id) {
                return Err(ServiceError::invalid(
                    "person",
                    "choose one of the people listed for this event",
                ));
            }
            // Only someone the reviewer may compare (opening the event
            // opened that for an hour, through the decision): a link is
            // never made to a person whose details they could not see.
            crate::crisis::require(
                state,
                viewer,
                person_id,
                concordat_access::AccessAction::Read,
                DataCategory::Demographics,
            )
            .await?;
            let (person, _) = state.reads.persons.read(person_id.into()).await?;
            let person = person.ok_or(ServiceError::NotFound)?;
            // A record a reviewer folded into another is part of that one:
            // a contact goes on the record it is part of.
            let merged = {
                let mut conn = state.store.read().await?;
                concordat_store::merges::merged_into(&mut conn, person_id, false).await?
            };
            if merged.is_some() {
                return Err(ServiceError::Conflict(
                    "this record has been merged into another of the people listed: choose that \
                     one"
                    .into(),
                ));
            }
            audit_decision(
                state,
                viewer,
                Some(person_id),
                format!(
                    "matched contact event {} (sent without an NHS number) to this person",
                    held.event_id
                ),
                &note,
            )
            .await?;
            record_for(state, &mut held, &person, Some((&viewer.user, &note))).await?;
        }
        Choice::NewPerson(added) => {
            let person = new_person::person_of(&held, &added, now.date_naive())?;
            audit_decision(
                state,
                viewer,
                Some(person.id()),
                format!(
                    "started this person's record from contact event {} (sent without an NHS \
                     number), which matched no one known",
                    held.event_id
                ),
                &note,
            )
            .await?;
            new_person::insert(state, &person).await?;
            record_for(state, &mut held, &person, Some((&viewer.user, &note))).await?;
        }
        Choice::NotLinked | Choice::Unsure => {
            let (what, unsure) = if choice == Choice::Unsure {
                ("could not say whom", true)
            } else {
                ("found none of the listed people to be the person of", false)
            };
            audit_decision(
                state,
                viewer,
                None,
                format!(
                    "{what} contact event {} (sent without an NHS number) is about",
                    held.event_id
                ),
                &note,
            )
            .await?;
            held.decision_note = note;
            if unsure {
                held.unsure = true;
            } else {
                held.status = HeldStatus::Unmatched;
                held.decided_by = Some(viewer.user.id());
                held.decided_at = Some(now);
            }
            let mut tx = state.store.write().await?;
            held_events::save(&mut tx, &held).await?;
            tx.commit().await?;
        }
    }
    let count = {
        let mut conn = state.store.read().await?;
        held_events::candidates(&mut conn, held.id).await?.len()
    };
    Ok(Item {
        event: entry_of(&held, count),
        open: undecided(&held),
        candidates: Vec::new(),
        contact_event: held.contact_event,
    })
}

async fn audit_decision(
    state: &AppState,
    viewer: &Viewer,
    person: Option<PersonId>,
    what: String,
    note: &str,
) -> Result<(), ServiceError> {
    audit_reviewer(state, viewer, person, what, note, &[DataCategory::Contacts]).await
}

/// A reviewer's act, with their note, audited (on `person`'s record when
/// it concerns one) before anything changes.
pub(super) async fn audit_reviewer(
    state: &AppState,
    viewer: &Viewer,
    person: Option<PersonId>,
    what: String,
    note: &str,
    categories: &[DataCategory],
) -> Result<(), ServiceError> {
    let mut reasons = vec![what];
    if !note.is_empty() {
        reasons.push(format!("reviewer's note: {note}"));
    }
    let mut entry = act_entry(
        state,
        viewer,
        person,
        AuditAction::Write,
        Outcome::Allowed,
        reasons,
    );
    entry.categories = categories.to_vec();
    state.audit.record(entry).await.map_err(AccessError::from)?;
    Ok(())
}
