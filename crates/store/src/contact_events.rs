//! Contact events on a person's record.

use concordat_domain::contact_event::{ContactEvent, ContactKind, EventSource};
use concordat_domain::ids::{ContactEventId, PersonId};
use sqlx::any::AnyRow;

use crate::{rows, time, Conn, StoreError};

const COLUMNS: &str = "id, person_id, kind, occurred_at, recorded_at, recorded_by, recorder_name, \
     organisation_id, outcome, note, source_system, source_event_id";

/// Records `event`. An event whose source system and id are already
/// recorded is refused as a duplicate, so a source may safely send again.
pub async fn insert_event(conn: &mut Conn, e: &ContactEvent) -> Result<(), StoreError> {
    let sql = format!(
        "INSERT INTO contact_events ({COLUMNS}) VALUES {}",
        rows::value_rows(conn, 1, 12)
    );
    bind_event(sqlx::query(&sql), e)
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

/// Binds `e`'s twelve [`COLUMNS`], in order.
fn bind_event<'q>(
    query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    e: &ContactEvent,
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    query
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

/// The contact `system` reported under its own id `event_id`, if it did.
pub async fn event_id_by_source(
    conn: &mut Conn,
    system: &str,
    event_id: &str,
) -> Result<Option<ContactEventId>, StoreError> {
    let row = sqlx::query(
        "SELECT id FROM contact_events WHERE source_system = $1 AND source_event_id = $2",
    )
    .bind(system.to_owned())
    .bind(event_id.to_owned())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(|r| rows::id(r, "id")).transpose()
}

/// One contact by its id, whoever it is about.
pub async fn event_by_id(
    conn: &mut Conn,
    id: ContactEventId,
) -> Result<Option<ContactEvent>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM contact_events WHERE id = $1"
    ))
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(from_row).transpose()
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

/// Rows per multi-row INSERT: 64 rows of 12 columns, bound as anonymous
/// parameters on SQLite (numbered ones cost the square of their count; with
/// them, 16 rows was the fastest).
const EVENTS_PER_INSERT: usize = 64;

/// Records each of `events` that is not already recorded (by its source
/// system and id), in as few statements as it can, and returns which were
/// new, in the order given. A duplicate is skipped rather than an error,
/// so the transaction goes on with the others (a failed statement would
/// end a PostgreSQL transaction).
pub async fn insert_new_events(
    conn: &mut Conn,
    events: &[ContactEvent],
) -> Result<Vec<bool>, StoreError> {
    let mut new = Vec::with_capacity(events.len());
    for chunk in events.chunks(EVENTS_PER_INSERT) {
        // RETURNING after DO NOTHING names only the rows inserted.
        let sql = format!(
            "INSERT INTO contact_events ({COLUMNS}) VALUES {} \
             ON CONFLICT (source_system, source_event_id) DO NOTHING RETURNING id",
            rows::value_rows(conn, chunk.len(), 12)
        );
        let mut query = sqlx::query(&sql);
        for e in chunk {
            query = bind_event(query, e);
        }
        let inserted: std::collections::HashSet<String> = query
            .fetch_all(&mut *conn)
            .await?
            .iter()
            .map(|row| rows::text(row, "id"))
            .collect::<Result<_, _>>()?;
        new.extend(chunk.iter().map(|e| inserted.contains(&e.id.to_string())));
    }
    Ok(new)
}

/// What an admission, discharge or planned-discharge-date event says about
/// the stay in hospital.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transition {
    pub planned_discharge_date: Option<chrono::NaiveDate>,
    pub ward: Option<String>,
    pub ward_phone: Option<String>,
}

pub async fn insert_transition(
    conn: &mut Conn,
    event: concordat_domain::ids::ContactEventId,
    t: &Transition,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO contact_event_transitions (event_id, planned_discharge_date, ward, ward_phone) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(event.to_string())
    .bind(t.planned_discharge_date.map(time::encode_date))
    .bind(t.ward.clone())
    .bind(t.ward_phone.clone())
    .execute(conn)
    .await?;
    Ok(())
}

/// Where and how a section 136 detention took the person.
pub async fn insert_detention(
    conn: &mut Conn,
    event: concordat_domain::ids::ContactEventId,
    d: &concordat_domain::contact_event::Detention,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO section_136_details (event_id, place_of_safety, conveyed_by) \
         VALUES ($1, $2, $3)",
    )
    .bind(event.to_string())
    .bind(d.place_of_safety.as_str())
    .bind(d.conveyed_by.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

/// A person's admissions, discharges and planned discharge dates, each with
/// what it said about the stay (ward, planned date), most recent first:
/// what a carer is told of a stay in hospital.
pub async fn stays_of(
    conn: &mut Conn,
    person: PersonId,
    limit: u32,
) -> Result<Vec<(ContactEvent, Transition)>, StoreError> {
    let columns = COLUMNS
        .split(", ")
        .map(|c| format!("e.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ");
    let found = sqlx::query(&format!(
        "SELECT {columns}, t.planned_discharge_date, t.ward, t.ward_phone \
         FROM contact_events e LEFT JOIN contact_event_transitions t ON t.event_id = e.id \
         WHERE e.person_id = $1 AND e.kind IN ('admission', 'discharge', 'planned-discharge-date') \
         ORDER BY e.occurred_at DESC, e.id LIMIT {limit}"
    ))
    .bind(person.to_string())
    .fetch_all(conn)
    .await?;
    found
        .iter()
        .map(|row| {
            let planned = rows::opt_text(row, "planned_discharge_date")?
                .map(|d| time::decode_date(&d))
                .transpose()?;
            Ok((
                from_row(row)?,
                Transition {
                    planned_discharge_date: planned,
                    ward: rows::opt_text(row, "ward")?,
                    ward_phone: rows::opt_text(row, "ward_phone")?,
                },
            ))
        })
        .collect()
}
