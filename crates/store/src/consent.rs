//! A person's consent directives. Every change moves the person's access
//! version, so it applies to the very next request on every node.

use chrono::{DateTime, Utc};
use concordat_domain::category::DataCategory;
use concordat_domain::consent::{ConsentDirective, ConsentEffect, ConsentScope, RecordedVia};
use concordat_domain::ids::{ConsentId, PersonId, UserId};
use concordat_domain::purpose::Purpose;
use sqlx::any::AnyRow;

use crate::{access_versions, rows, time, Conn, StoreError};

pub async fn insert_directive(conn: &mut Conn, d: &ConsentDirective) -> Result<(), StoreError> {
    let scope = d.scope();
    sqlx::query(
        "INSERT INTO consent_directives (id, person_id, effect, organisation_id, category, purpose, \
         recorded_by, recorded_at, via, capacity_note, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(d.id().to_string())
    .bind(d.person_id().to_string())
    .bind(d.effect().as_str())
    .bind(scope.organisation.map(|o| o.to_string()))
    .bind(scope.category.map(|c| c.as_str()))
    .bind(scope.purpose.map(|p| p.as_str()))
    .bind(d.recorded_by().to_string())
    .bind(time::encode(d.recorded_at()))
    .bind(d.via().as_str())
    .bind(d.capacity_note().map(str::to_owned))
    .bind(d.expires_at().map(time::encode))
    .execute(&mut *conn)
    .await?;
    access_versions::person_changed(conn, d.person_id()).await?;
    Ok(())
}

/// Withdraws a directive of `person`; false if there was none in force.
pub async fn withdraw_directive(
    conn: &mut Conn,
    person: PersonId,
    id: ConsentId,
    by: UserId,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done = sqlx::query(
        "UPDATE consent_directives SET withdrawn_at = $1, withdrawn_by = $2 \
         WHERE id = $3 AND person_id = $4 AND withdrawn_at IS NULL",
    )
    .bind(time::encode(at))
    .bind(by.to_string())
    .bind(id.to_string())
    .bind(person.to_string())
    .execute(&mut *conn)
    .await?;
    let withdrawn = done.rows_affected() > 0;
    if withdrawn {
        access_versions::person_changed(conn, person).await?;
    }
    Ok(withdrawn)
}

/// Every directive of a person, withdrawn and expired included (the caller
/// decides what is in force at its `now`), oldest first.
pub async fn directives_of(
    conn: &mut Conn,
    person: PersonId,
) -> Result<Vec<ConsentDirective>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, person_id, effect, organisation_id, category, purpose, recorded_by, recorded_at, \
         via, capacity_note, expires_at, withdrawn_at FROM consent_directives \
         WHERE person_id = $1 ORDER BY recorded_at, id",
    )
    .bind(person.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(from_row).collect()
}

/// The person a directive belongs to, if the directive exists.
pub async fn person_of_directive(
    conn: &mut Conn,
    id: ConsentId,
) -> Result<Option<PersonId>, StoreError> {
    let row = sqlx::query("SELECT person_id FROM consent_directives WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(|r| rows::id(r, "person_id")).transpose()
}

fn from_row(row: &AnyRow) -> Result<ConsentDirective, StoreError> {
    let bad = |e: &dyn std::fmt::Display| StoreError::corrupt("consent directive", e);
    let scope = ConsentScope {
        organisation: rows::opt_id(row, "organisation_id")?,
        category: rows::opt_text(row, "category")?
            .map(|c| DataCategory::parse(&c))
            .transpose()
            .map_err(|e| bad(&e))?,
        purpose: rows::opt_text(row, "purpose")?
            .map(|p| Purpose::parse(&p))
            .transpose()
            .map_err(|e| bad(&e))?,
    };
    let directive = ConsentDirective::new(
        rows::id(row, "id")?,
        rows::id(row, "person_id")?,
        ConsentEffect::parse(&rows::text(row, "effect")?).map_err(|e| bad(&e))?,
        scope,
        rows::id(row, "recorded_by")?,
        rows::instant(row, "recorded_at")?,
        RecordedVia::parse(&rows::text(row, "via")?).map_err(|e| bad(&e))?,
        rows::opt_text(row, "capacity_note")?.as_deref(),
        rows::opt_instant(row, "expires_at")?,
    )
    .map_err(|e| bad(&e))?;
    Ok(match rows::opt_instant(row, "withdrawn_at")? {
        Some(at) => directive.withdrawn(at),
        None => directive,
    })
}
