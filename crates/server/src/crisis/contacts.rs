//! Contacts with services recorded on a person's record by the member of
//! staff who attended — from a crisis look-up at the roadside, say — and
//! the lead professional told of each. Recording one needs a relationship
//! already (the look-up, the care team); the contact then keeps that user's
//! relationship for as long as the contact lasts (a section 136 detention,
//! 36 hours), for them alone. Contacts reported by systems come through
//! `crate::contact_events` instead; both tell the lead professionals alike
//! (`crate::contact_events::tell::tell_leads`).

use chrono::{DateTime, Utc};
use concordat_access::AccessAction;
use concordat_domain::category::DataCategory;
use concordat_domain::contact_event::{ContactEvent, ContactKind, ContactLasts, Detention};
use concordat_domain::ids::{ContactEventId, PersonId};
use concordat_domain::text::{bounded, paragraphs};
use concordat_store::audit::AuditAction;
use concordat_store::{care_teams, contact_events, organisations, persons, Conn};

use super::require;
use crate::authorisation::{authorise_noted, Viewer};
use crate::contact_events::tell::{leads_of, tell_leads};
use crate::delivery::Outbox;
use crate::error::ServiceError;
use crate::AppState;

/// A contact as entered, before checking.
#[derive(Debug, Clone)]
pub struct NewContact {
    pub kind: ContactKind,
    /// For a section 136 detention, where the person was taken and how.
    pub detention: Option<Detention>,
    /// When it happened; now if not given.
    pub occurred_at: Option<DateTime<Utc>>,
    /// Why the user was involved ("called by control room to the bridge"):
    /// recorded with the contact and in the audit.
    pub reason: String,
    pub outcome: String,
    pub note: String,
}

/// Records the contact and tells the lead professional of each of the
/// person's care teams, in their inbox, in the same transaction.
pub async fn record(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
    contact: NewContact,
) -> Result<ContactEvent, ServiceError> {
    let reason =
        bounded("reason", &contact.reason, 300).map_err(|e| ServiceError::invalid("reason", e))?;
    let outcome = bounded("outcome", &contact.outcome, 300)
        .map_err(|e| ServiceError::invalid("outcome", e))?;
    let note =
        paragraphs("note", &contact.note, 2_000).map_err(|e| ServiceError::invalid("note", e))?;
    let now = state.clock.now();
    let occurred_at = contact.occurred_at.unwrap_or(now);
    if occurred_at > now + chrono::Duration::minutes(5) {
        return Err(ServiceError::invalid(
            "occurred_at",
            "a contact cannot be recorded as happening in the future",
        ));
    }
    // Decided on the relationships the user has now: recording a contact
    // never opens the way to the record by itself.
    let authorisation = authorise_noted(
        state,
        viewer,
        person,
        AccessAction::Write,
        &[DataCategory::Contacts],
        AuditAction::Write,
        Some(format!(
            "contact recorded: {}: {}",
            contact.kind.label().to_lowercase(),
            reason
        )),
    )
    .await?;
    if let Some(refused) = authorisation.refusal() {
        return Err(refused.into());
    }
    let user = &viewer.user;
    let event = ContactEvent {
        id: ContactEventId::new(),
        person,
        kind: contact.kind,
        occurred_at,
        recorded_at: now,
        recorded_by: Some(user.id()),
        recorder_name: user.display_name().as_str().to_owned(),
        organisation: Some(user.organisation_id()),
        outcome,
        note,
        source: None,
    };
    // A street triage recorded from a look-up lasts as long as the look-up
    // it came from, which already holds the user's relationship; other
    // contacts keep it for as long as they last (a detention, 36 hours).
    let opened = if event.kind.lasts() == ContactLasts::LookUpWindow {
        Vec::new()
    } else {
        crate::contact_events::opening::opened_relationships(
            state,
            &event,
            user.organisation_id(),
            None,
            &[user.id()],
            &format!(
                "{} recorded by {}: {reason}",
                event.kind.label().to_lowercase(),
                event.recorder_name
            ),
            now,
        )
    };
    let mut tx = state.store.write().await?;
    contact_events::insert_event(&mut tx, &event).await?;
    if let Some(detention) = &contact.detention {
        contact_events::insert_detention(&mut tx, event.id, detention).await?;
    }
    crate::contact_events::opening::open_and_close(
        &mut tx,
        &event,
        user.organisation_id(),
        &opened,
        now,
    )
    .await?;
    let subject_person = persons::person_by_id(&mut tx, person)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let organisation = organisations::organisation_by_id(&mut tx, user.organisation_id())
        .await?
        .map(|o| o.name().to_owned())
        .unwrap_or_default();
    let teams = care_teams::care_teams_of_person(&mut tx, person).await?;
    let body = format!(
        "{} ({}) recorded {} at {}: {}",
        event.recorder_name,
        organisation,
        event.kind.label().to_lowercase(),
        concordat_domain::dates::when(event.occurred_at),
        event.outcome
    );
    let mut outbox = Outbox::default();
    tell_leads(
        &mut outbox,
        &leads_of(&teams),
        user.id(),
        &subject_person,
        &event,
        &body,
        now,
    );
    let counted: &[PersonId] = if event.kind.counts_as_emergency_contact() {
        &[person]
    } else {
        &[]
    };
    let identified = crate::frequent_contact::identify(
        &mut tx,
        &mut outbox,
        counted,
        state.config.frequent_contact,
        now,
    )
    .await?;
    outbox.flush(&mut tx, now).await?;
    tx.commit().await?;
    // The contact is recorded whatever becomes of this: a failure leaves
    // the support team without access to the person, never with access
    // the audit does not show.
    if let Err(error) = crate::frequent_contact::audit_identified(state, identified).await {
        tracing::error!(%error, "identification in frequent contact not audited; no access opened");
    }
    Ok(event)
}

/// The person's contacts, most recent first.
pub async fn list(
    state: &AppState,
    viewer: &Viewer,
    person: PersonId,
) -> Result<Vec<ContactEvent>, ServiceError> {
    require(
        state,
        viewer,
        person,
        AccessAction::Read,
        DataCategory::Contacts,
    )
    .await?;
    let mut conn = state.store.read().await?;
    list_allowed(&mut conn, person).await
}

/// [`list`], once a decision has allowed the reader the person's
/// `contacts`.
pub(crate) async fn list_allowed(
    conn: &mut Conn,
    person: PersonId,
) -> Result<Vec<ContactEvent>, ServiceError> {
    Ok(contact_events::events_of(conn, person, 200).await?)
}

/// The contact `id` names, with every contact of its person (most recent
/// first, as [`list`]), decided and audited as one look at them. An id that
/// names no contact is decided as a look at no one, so it answers as one
/// the caller may not know of. A contact older than the newest [`list`]
/// shows is not found by its id either: one look shows one list.
pub async fn around(
    state: &AppState,
    viewer: &Viewer,
    id: ContactEventId,
) -> Result<(ContactEvent, Vec<ContactEvent>), ServiceError> {
    let person = {
        let mut conn = state.store.read().await?;
        contact_events::event_by_id(&mut conn, id).await?
    }
    .map_or_else(PersonId::nobody, |e| e.person);
    let all = list(state, viewer, person).await?;
    let found = all
        .iter()
        .find(|e| e.id == id)
        .cloned()
        .ok_or(ServiceError::NotFound)?;
    Ok((found, all))
}
