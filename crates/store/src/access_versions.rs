//! Versions of the facts the access decision and the record read look at
//! (migration 0006). A node may keep what it has read about a person, and
//! use it only while the versions it read it under are still the ones in
//! the database — one cheap read per request — so a change made on any node
//! applies to the very next request on every node.
//!
//! INVARIANT: every store function that writes such a fact moves the
//! version itself, on the caller's connection (so in the caller's
//! transaction) and after the write. A reader reads the versions before the
//! facts, so whatever it keeps is at least as new as the versions it keeps
//! it under; moving the version first would let a reader keep old facts
//! under the new version.

use concordat_domain::ids::PersonId;

use crate::{rows, Conn, StoreError};

/// The versions in force at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AccessVersions {
    /// Agreements, organisations and user accounts.
    pub partnership: i64,
    /// The person's consent, care teams, relationships, break-glass
    /// overrides and masks, and what a crisis look-up shows of them (the
    /// agreed crisis plan, the safety flags); `None` when there is no such
    /// person. A person
    /// recorded later starts at `Some(0)`, so nothing kept about an id
    /// before the person existed passes for them.
    pub person: Option<i64>,
}

/// The versions that apply to `person`.
pub async fn access_versions(
    conn: &mut Conn,
    person: PersonId,
) -> Result<AccessVersions, StoreError> {
    let row = sqlx::query(
        "SELECT v.version AS partnership_version, p.access_version AS person_version \
         FROM access_version v LEFT JOIN persons p ON p.id = $1 WHERE v.id = 1",
    )
    .bind(person.to_string())
    .fetch_one(conn)
    .await?;
    versions_from_row(&row)
}

/// Reads the columns `partnership_version` and `person_version`.
pub(crate) fn versions_from_row(row: &sqlx::any::AnyRow) -> Result<AccessVersions, StoreError> {
    Ok(AccessVersions {
        partnership: rows::int(row, "partnership_version")?,
        person: rows::opt_int(row, "person_version")?,
    })
}

/// Something about `person` that access depends on has changed.
pub(crate) async fn person_changed(conn: &mut Conn, person: PersonId) -> Result<(), StoreError> {
    let sql = person_changed_sql(conn);
    sqlx::query(&sql)
        .bind(person.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// The statement [`person_changed`] runs, binding the person's id; its
/// parameter is anonymous on SQLite, so it can go in a statement list.
pub(crate) fn person_changed_sql(conn: &Conn) -> String {
    format!(
        "UPDATE persons SET access_version = access_version + 1 WHERE id = {}",
        rows::parameters(conn, 1, 1)
    )
}

/// Something partnership-wide that access depends on has changed.
pub(crate) async fn partnership_changed(conn: &mut Conn) -> Result<(), StoreError> {
    sqlx::query("UPDATE access_version SET version = version + 1 WHERE id = 1")
        .execute(conn)
        .await?;
    Ok(())
}
