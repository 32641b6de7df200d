//! Merging two person records found to be one person, and undoing it.
//!
//! Only a reviewer does it, never the matching job: a practitioner of the
//! organisation whose held event lists both records as the person it may
//! be, for direct care, who has opened that event (so the access decision
//! lets them compare both records' details) and chooses which record is
//! kept. The other — a record started from contacts, holding nothing but
//! identifiers, contacts and what those contacts opened — is folded into
//! it: its identifiers, contacts, contact relationships, held events and
//! frequent-contact entries move to the kept record, and it points at that
//! record, left out of searches and matching. A record that holds more (a
//! plan, sharing choices, a carer, an account…) is never folded in: those
//! belong to the teams that made them, and merging them would change what
//! the person agreed. Two records with identifiers from one system that
//! differ are two people as far as anyone can tell, and are not merged.
//!
//! Each merge and undo is audited on both records. What moved is kept by
//! id with the merge, so a reviewer of the same organisation can undo it
//! and both records are as they were.

use chrono::{DateTime, Utc};
use concordat_access::AccessAction;
use concordat_domain::category::DataCategory;
use concordat_domain::ids::PersonId;
use concordat_store::audit::{AuditAction, Outcome};
use concordat_store::held_events;
use concordat_store::merges::{self, MergeAsked, MergeId, PersonMerge};
use serde::Serialize;

use super::review::{audit_reviewer, may_review, own_held, NOTE_MAX_CHARS};
use crate::authorisation::{act_entry, AccessError, Viewer};
use crate::error::ServiceError;
use crate::AppState;

/// Merges listed at once.
pub const LIST_LIMIT: i64 = 200;

/// A merge as a reviewer sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Merge {
    #[schema(value_type = String, format = Uuid)]
    pub id: MergeId,
    /// The record kept.
    pub kept_person_id: PersonId,
    /// The record folded into it.
    pub merged_person_id: PersonId,
    /// The sender's id of the held event that listed both.
    pub event_id: String,
    /// Each record as the reviewer saw it when merging.
    pub kept: String,
    pub merged: String,
    pub merged_at: DateTime<Utc>,
    pub note: String,
    /// What moved: "1 identifier, 3 contacts, …".
    pub moved: String,
    /// When it was undone, if it was.
    pub undone_at: Option<DateTime<Utc>>,
    pub undo_note: String,
}

fn view(m: &PersonMerge) -> Merge {
    Merge {
        id: m.id,
        kept_person_id: m.kept,
        merged_person_id: m.merged,
        event_id: m.event_id.clone(),
        kept: m.kept_label.clone(),
        merged: m.merged_label.clone(),
        merged_at: m.merged_at,
        note: m.note.clone(),
        moved: m.moved.describe(),
        undone_at: m.undone_at,
        undo_note: m.undo_note.clone(),
    }
}

/// "Gary Holt, NHS 999 000 0034": a record as a reviewer tells it from
/// another of the same name.
fn label(person: &concordat_domain::person::Person) -> String {
    match person.nhs_number() {
        Some(nhs) => format!("{}, NHS {}", person.name(), nhs.spaced()),
        None => format!("{}, no NHS number", person.name()),
    }
}

/// Folds `merged` into `kept`, both listed for the viewer's organisation's
/// held event `raw_event`, with the reviewer's `note`.
pub async fn merge(
    state: &AppState,
    viewer: &Viewer,
    raw_event: &str,
    kept: PersonId,
    merged: PersonId,
    note: &str,
) -> Result<Merge, ServiceError> {
    may_review(viewer)?;
    let note = concordat_domain::text::paragraphs("note", note, NOTE_MAX_CHARS)
        .map_err(|e| ServiceError::invalid("note", e))?;
    let held = own_held(state, viewer, raw_event, false).await?;
    if kept == merged {
        return Err(ServiceError::invalid(
            "merged_person_id",
            "choose two different records",
        ));
    }
    let listed = {
        let mut conn = state.store.read().await?;
        held_events::candidates(&mut conn, held.id).await?
    };
    for (field, person) in [("kept_person_id", kept), ("merged_person_id", merged)] {
        if !listed.iter().any(|c| c.person == person) {
            return Err(ServiceError::invalid(
                field,
                "choose two of the people listed for this event",
            ));
        }
    }
    // Only records the reviewer may compare now (opening the event opened
    // that, through the decision); anyone else is as no one.
    for person in [kept, merged] {
        crate::crisis::require(
            state,
            viewer,
            person,
            AccessAction::Read,
            DataCategory::Demographics,
        )
        .await?;
    }
    let (kept_person, _) = state.reads.persons.read(kept.into()).await?;
    let (merged_person, _) = state.reads.persons.read(merged.into()).await?;
    let (Some(kept_person), Some(merged_person)) = (kept_person, merged_person) else {
        return Err(ServiceError::NotFound);
    };
    {
        let mut conn = state.store.read().await?;
        if merges::merged_into(&mut conn, kept, false).await?.is_some()
            || merges::merged_into(&mut conn, merged, false)
                .await?
                .is_some()
        {
            return Err(ServiceError::Conflict(
                "one of these records is already part of another".into(),
            ));
        }
        let held_apart = merges::held_apart(&mut conn, merged).await?;
        if !held_apart.is_empty() {
            return Err(ServiceError::Conflict(format!(
                "the record to fold in holds {}, which a merge cannot carry into another record; \
                 keep that record instead, or ask the teams that made them",
                concordat_domain::text::listed(&held_apart)
            )));
        }
    }
    for identifier in merged_person.identifiers() {
        if let Some(other) = kept_person.identifier(identifier.system()) {
            if other.value() != identifier.value() {
                return Err(ServiceError::Conflict(format!(
                    "both records have an identifier from {} and they differ ({} and {}): as \
                     far as anyone can tell they are two people",
                    identifier.system().as_str(),
                    other.value(),
                    identifier.value()
                )));
            }
        }
    }

    let id = uuid::Uuid::new_v4();
    let why = |whose: &str| {
        format!(
            "{whose} while reviewing contact event {} (sent without an NHS number)",
            held.event_id
        )
    };
    audit_both(
        state,
        viewer,
        [
            (kept, why(&format!("folded record {merged} into this one"))),
            (
                merged,
                why(&format!("folded this record into record {kept}")),
            ),
        ],
        &note,
    )
    .await?;
    let mut tx = state.store.write().await?;
    // Merged by someone else meanwhile: nothing is moved twice.
    if merges::merged_into(&mut tx, merged, true).await?.is_some()
        || merges::merged_into(&mut tx, kept, true).await?.is_some()
    {
        return Err(ServiceError::Conflict(
            "one of these records has just become part of another".into(),
        ));
    }
    let record = merges::merge(
        &mut tx,
        MergeAsked {
            id,
            kept,
            merged,
            organisation: viewer.user.organisation_id(),
            event_id: &held.event_id,
            kept_label: &label(&kept_person),
            merged_label: &label(&merged_person),
            by: viewer.user.id(),
            at: state.clock.now(),
            note: &note,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(view(&record))
}

/// Undoes the viewer's organisation's merge `raw_id`: every thing it moved
/// goes back, and both records stand apart again.
pub async fn undo(
    state: &AppState,
    viewer: &Viewer,
    raw_id: &str,
    note: &str,
) -> Result<Merge, ServiceError> {
    may_review(viewer)?;
    let note = concordat_domain::text::paragraphs("note", note, NOTE_MAX_CHARS)
        .map_err(|e| ServiceError::invalid("note", e))?;
    let found = own_merge(state, viewer, raw_id).await?;
    if found.undone_at.is_some() {
        return Err(ServiceError::Conflict(
            "this merge has already been undone".into(),
        ));
    }
    audit_both(
        state,
        viewer,
        [
            (
                found.kept,
                format!("undid the merge of record {} into this one", found.merged),
            ),
            (
                found.merged,
                format!("undid the merge of this record into record {}", found.kept),
            ),
        ],
        &note,
    )
    .await?;
    let now = state.clock.now();
    let mut tx = state.store.write().await?;
    let current = merges::by_id(&mut tx, found.id, true)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if current.undone_at.is_some() {
        return Err(ServiceError::Conflict(
            "this merge has already been undone".into(),
        ));
    }
    merges::undo(&mut tx, &current, viewer.user.id(), now, &note).await?;
    tx.commit().await?;
    let mut conn = state.store.read().await?;
    let undone = merges::by_id(&mut conn, found.id, false)
        .await?
        .ok_or(ServiceError::NotFound)?;
    Ok(view(&undone))
}

/// The viewer's organisation's merges, newest first; the listing is
/// audited.
pub async fn list(state: &AppState, viewer: &Viewer) -> Result<Vec<Merge>, ServiceError> {
    may_review(viewer)?;
    let found = {
        let mut conn = state.store.read().await?;
        merges::of_organisation(&mut conn, viewer.user.organisation_id(), LIST_LIMIT).await?
    };
    let entry = act_entry(
        state,
        viewer,
        None,
        AuditAction::Read,
        Outcome::Allowed,
        vec![format!(
            "listed the person records merged by reviewers of this organisation: {}",
            found.len()
        )],
    );
    state.audit.record(entry).await.map_err(AccessError::from)?;
    Ok(found.iter().map(view).collect())
}

/// The merge `raw_id` if the viewer's organisation made it; any other id —
/// unparseable, unknown, another organisation's — is not found.
async fn own_merge(
    state: &AppState,
    viewer: &Viewer,
    raw_id: &str,
) -> Result<PersonMerge, ServiceError> {
    let Ok(id) = raw_id.parse::<uuid::Uuid>() else {
        return Err(ServiceError::NotFound);
    };
    let mut conn = state.store.read().await?;
    merges::by_id(&mut conn, id, false)
        .await?
        .filter(|m| m.organisation == viewer.user.organisation_id())
        .ok_or(ServiceError::NotFound)
}

/// One entry on each record, written before anything changes.
async fn audit_both(
    state: &AppState,
    viewer: &Viewer,
    entries: [(PersonId, String); 2],
    note: &str,
) -> Result<(), ServiceError> {
    for (person, what) in entries {
        audit_reviewer(
            state,
            viewer,
            Some(person),
            what,
            note,
            &[DataCategory::Demographics, DataCategory::Contacts],
        )
        .await?;
    }
    Ok(())
}
