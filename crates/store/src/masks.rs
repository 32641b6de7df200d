//! Field masks on a person's record: a field withheld from everyone but the
//! named roles, with the reason it was set.

use chrono::{DateTime, Utc};
use concordat_domain::ids::{PersonId, UserId};
use concordat_domain::role::Role;

use crate::{access_versions, rows, time, Conn, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldMaskRecord {
    pub id: uuid::Uuid,
    pub person: PersonId,
    /// The field's name as the record renders it ("address", "phone").
    pub field: String,
    pub visible_to: Vec<Role>,
    pub reason: String,
}

pub async fn insert_mask(
    conn: &mut Conn,
    mask: &FieldMaskRecord,
    by: UserId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let visible_to: Vec<&str> = mask.visible_to.iter().map(|r| r.as_str()).collect();
    sqlx::query(
        "INSERT INTO field_masks (id, person_id, field, visible_to, reason, recorded_by, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(mask.id.to_string())
    .bind(mask.person.to_string())
    .bind(mask.field.clone())
    .bind(serde_json::to_string(&visible_to).map_err(|e| StoreError::corrupt("field mask", e))?)
    .bind(mask.reason.clone())
    .bind(by.to_string())
    .bind(time::encode(at))
    .execute(&mut *conn)
    .await?;
    access_versions::person_changed(conn, mask.person).await?;
    Ok(())
}

/// The masks in force on a person's record.
pub async fn masks_of(
    conn: &mut Conn,
    person: PersonId,
) -> Result<Vec<FieldMaskRecord>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, field, visible_to, reason FROM field_masks \
         WHERE person_id = $1 AND removed_at IS NULL ORDER BY field",
    )
    .bind(person.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            let bad = |e: &dyn std::fmt::Display| StoreError::corrupt("field mask", e);
            let roles: Vec<String> =
                serde_json::from_str(&rows::text(row, "visible_to")?).map_err(|e| bad(&e))?;
            Ok(FieldMaskRecord {
                id: uuid::Uuid::parse_str(&rows::text(row, "id")?).map_err(|e| bad(&e))?,
                person,
                field: rows::text(row, "field")?,
                visible_to: roles
                    .iter()
                    .map(|r| Role::parse(r).map_err(|e| bad(&e)))
                    .collect::<Result<_, _>>()?,
                reason: rows::text(row, "reason")?,
            })
        })
        .collect()
}
