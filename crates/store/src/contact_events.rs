//! Contact events on a person's record.

use concordat_domain::contact_event::{ContactEvent, ContactKind, EventSource};
use concordat_domain::ids::PersonId;
use sqlx::any::AnyRow;

use crate::{rows, time, Conn, StoreError};

const COLUMNS: &str = "id, person_id, kind, occurred_at, recorded_at, recorded_by, recorder_name, \
     organisation_id, outcome, note, source_system, source_event_id";

/// Records `event`. An event whose source system and id are already
/// recorded is refused as a duplicate, so a source may safely send again.
pub async fn insert_event(conn: &mut Conn, e: &ContactEvent) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO contact_events ({COLUMNS}) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(e.id.to_string())
    .bind(e.person.to_string())
    .bind(e.kind.as_str())
    .bind(time::encode(e.occurred_at))
    .bind(time::encode(e.recorded_at))
    .bind(e.recorded_by.map(|u| u.to_string()))
    .bind(e.recorder_name.clone())
    .bind(e.organisation.map(|o| o.to_string()))
    .bind(e.outcome.clone())
    .bind(e.note.clone())
    .bind(e.source.as_ref().map(|s| s.system.clone()))
    .bind(e.source.as_ref().map(|s| s.event_id.clone()))
    .execute(conn)
    .await
    .map_err(|err| {
        let key = e.source.as_ref().map_or_else(
            || e.id.to_string(),
            |s| format!("{}/{}", s.system, s.event_id),
        );
        StoreError::unique_or(err, "contact event", key)
    })?;
    Ok(())
}

/// A person's contacts, most recent first.
pub async fn events_of(
    conn: &mut Conn,
    person: PersonId,
    limit: u32,
) -> Result<Vec<ContactEvent>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM contact_events WHERE person_id = $1 \
         ORDER BY occurred_at DESC, id LIMIT {limit}"
    ))
    .bind(person.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

fn from_row(row: &AnyRow) -> Result<ContactEvent, StoreError> {
    let source = match (
        rows::opt_text(row, "source_system")?,
        rows::opt_text(row, "source_event_id")?,
    ) {
        (Some(system), Some(event_id)) => Some(EventSource { system, event_id }),
        _ => None,
    };
    Ok(ContactEvent {
        id: rows::id(row, "id")?,
        person: rows::id(row, "person_id")?,
        kind: ContactKind::parse(&rows::text(row, "kind")?)
            .map_err(|e| StoreError::corrupt("contact event", e))?,
        occurred_at: rows::instant(row, "occurred_at")?,
        recorded_at: rows::instant(row, "recorded_at")?,
        recorded_by: rows::opt_id(row, "recorded_by")?,
        recorder_name: rows::text(row, "recorder_name")?,
        organisation: rows::opt_id(row, "organisation_id")?,
        outcome: rows::text(row, "outcome")?,
        note: rows::text(row, "note")?,
        source,
    })
}
