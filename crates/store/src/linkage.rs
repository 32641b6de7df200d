//! What record linkage reads of every person: the parts agencies
//! recognise someone by, and their identifiers, in two passes over the
//! tables rather than one query per person.

use std::collections::HashMap;

use chrono::NaiveDate;
use concordat_domain::ids::PersonId;

use crate::{rows, time, Conn, StoreError};

/// One person as linkage compares them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkageRow {
    pub person: PersonId,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: NaiveDate,
    pub postcode: Option<String>,
    pub phone: Option<String>,
    pub sex: Option<String>,
    /// (system, value), the NHS number among them.
    pub identifiers: Vec<(String, String)>,
}

/// Every person, in id order; a record merged into another is part of
/// that one, not someone to match.
pub async fn rows_of_everyone(conn: &mut Conn) -> Result<Vec<LinkageRow>, StoreError> {
    let people = sqlx::query(
        "SELECT id, given_name, family_name, birth_date, postcode, phone, sex FROM persons \
         WHERE merged_into IS NULL ORDER BY id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut found = Vec::with_capacity(people.len());
    let mut at: HashMap<PersonId, usize> = HashMap::with_capacity(people.len());
    for row in &people {
        let person: PersonId = rows::id(row, "id")?;
        at.insert(person, found.len());
        found.push(LinkageRow {
            person,
            given_name: rows::text(row, "given_name")?,
            family_name: rows::text(row, "family_name")?,
            birth_date: time::decode_date(&rows::text(row, "birth_date")?)?,
            postcode: rows::opt_text(row, "postcode")?,
            phone: rows::opt_text(row, "phone")?,
            sex: rows::opt_text(row, "sex")?,
            identifiers: Vec::new(),
        });
    }
    let identifiers = sqlx::query("SELECT person_id, system, value FROM person_identifiers")
        .fetch_all(&mut *conn)
        .await?;
    for row in &identifiers {
        let person: PersonId = rows::id(row, "person_id")?;
        if let Some(i) = at.get(&person) {
            found[*i]
                .identifiers
                .push((rows::text(row, "system")?, rows::text(row, "value")?));
        }
    }
    for row in &mut found {
        row.identifiers.sort();
    }
    Ok(found)
}
