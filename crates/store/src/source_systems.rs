//! Registered source systems: which accounts report contacts, and which
//! kinds of contact each is registered for. The account itself is a user
//! with the `source-system` role (see `users`).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use concordat_domain::contact_event::ContactKind;
use concordat_domain::ids::UserId;
use concordat_domain::source_system::SourceSystem;

use crate::{rows, time, Conn, StoreError};

pub async fn insert_source_system(
    conn: &mut Conn,
    system: &SourceSystem,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO source_systems (user_id, kinds, created_at) VALUES ($1, $2, $3)")
        .bind(system.user().to_string())
        .bind(encode_kinds(system.kinds()))
        .bind(time::encode(now))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The registration of the account `user`, if it is a source system's.
pub async fn source_system_of(
    conn: &mut Conn,
    user: UserId,
) -> Result<Option<SourceSystem>, StoreError> {
    let row = sqlx::query("SELECT kinds FROM source_systems WHERE user_id = $1")
        .bind(user.to_string())
        .fetch_optional(conn)
        .await?;
    row.map(|row| {
        let kinds = decode_kinds(&rows::text(&row, "kinds")?)?;
        Ok(SourceSystem::from_stored(user, kinds))
    })
    .transpose()
}

fn encode_kinds(kinds: &BTreeSet<ContactKind>) -> String {
    kinds
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn decode_kinds(raw: &str) -> Result<BTreeSet<ContactKind>, StoreError> {
    raw.split(',')
        .filter(|k| !k.is_empty())
        .map(|k| ContactKind::parse(k).map_err(|e| StoreError::corrupt("source system", e)))
        .collect()
}
