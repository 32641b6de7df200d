//! People the partnership cares for, the identifiers each agency knows them
//! by, and the people around them (carers and nominated contacts).

use chrono::{DateTime, Utc};
use concordat_domain::identifier::{Identifier, IdentifierSystem};
use concordat_domain::ids::{markers, PersonId, RelatedPersonId};
use concordat_domain::nhs_number::NhsNumber;
use concordat_domain::person::{
    Address, BirthDate, EthnicCategory, Person, PersonName, Postcode, Sex,
};
use concordat_domain::related_person::{RelatedPerson, Relationship};
use concordat_domain::text::{EmailAddress, PhoneNumber};
use sqlx::any::AnyRow;

use std::collections::HashMap;

use crate::access_versions::{versions_from_row, AccessVersions};
use crate::coalesce::{padded, BatchRead};
use crate::{rows, time, Conn, StoreError};

const PERSON_COLUMNS: &str =
    "p.id, p.given_name, p.family_name, p.birth_date, p.address_lines, p.town, p.postcode, p.phone, \
     p.sex, p.ethnic_category";

/// Records a person and their identifiers. An identifier another person
/// already holds (the same NHS number, say) is refused.
pub async fn insert_person(
    conn: &mut Conn,
    person: &Person,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let address = person.address();
    let lines = address
        .map(|a| serde_json::to_string(a.lines()))
        .transpose()
        .map_err(|e| StoreError::corrupt("address", e))?;
    sqlx::query(
        "INSERT INTO persons (id, given_name, family_name, family_name_key, birth_date, \
         address_lines, town, postcode, phone, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(person.id().to_string())
    .bind(person.name().given().to_owned())
    .bind(person.name().family().to_owned())
    .bind(family_name_key(person.name().family()))
    .bind(time::encode_date(person.birth_date().date()))
    .bind(lines)
    .bind(address.map(|a| a.town().to_owned()))
    .bind(address.map(|a| a.postcode().as_str().to_owned()))
    .bind(person.phone().map(|p| p.as_str().to_owned()))
    .bind(time::encode(now))
    .execute(&mut *conn)
    .await?;
    for identifier in person.identifiers() {
        sqlx::query(
            "INSERT INTO person_identifiers (system, value, person_id) VALUES ($1, $2, $3)",
        )
        .bind(identifier.system().as_str().to_owned())
        .bind(identifier.value().to_owned())
        .bind(person.id().to_string())
        .execute(&mut *conn)
        .await
        .map_err(|e| StoreError::unique_or(e, "identifier", identifier.value().to_owned()))?;
    }
    Ok(())
}

/// Records the person's sex and NHS ethnic category, as they describe
/// themselves. Neither is an access fact: nothing to invalidate.
pub async fn set_demography(
    conn: &mut Conn,
    person: PersonId,
    sex: Option<Sex>,
    ethnic_category: Option<EthnicCategory>,
) -> Result<(), StoreError> {
    sqlx::query("UPDATE persons SET sex = $1, ethnic_category = $2 WHERE id = $3")
        .bind(sex.map(|s| s.as_str().to_owned()))
        .bind(ethnic_category.map(|c| c.as_str().to_owned()))
        .bind(person.to_string())
        .execute(conn)
        .await?;
    Ok(())
}

/// The key surnames are matched on: case and surrounding space ignored.
pub fn family_name_key(family: &str) -> String {
    family.trim().to_lowercase()
}

pub async fn person_by_id(conn: &mut Conn, id: PersonId) -> Result<Option<Person>, StoreError> {
    let sql = format!(
        "SELECT {PERSON_COLUMNS}, i.system, i.value FROM persons p \
         LEFT JOIN person_identifiers i ON i.person_id = p.id WHERE p.id = $1 ORDER BY i.system"
    );
    let rows = sqlx::query(&sql)
        .bind(id.to_string())
        .fetch_all(&mut *conn)
        .await?;
    one_person(&rows)
}

/// Each person in `ids` (if there is one) with the access versions that
/// apply to them, in ONE statement: this is on every record read (through
/// [`PersonsWithVersions`]).
pub async fn persons_with_versions(
    conn: &mut Conn,
    ids: &[PersonId],
) -> Result<Vec<(Option<Person>, AccessVersions)>, StoreError> {
    let keys = padded(ids);
    let on = format!("p.id IN ({})", rows::parameters(conn, 1, keys.len().max(1)));
    let binds = if keys.is_empty() {
        vec![None]
    } else {
        keys.iter().map(|id| Some(id.to_string())).collect()
    };
    let (partnership, people) = with_versions(conn, &on, binds).await?;
    Ok(ids
        .iter()
        .map(|id| answer(partnership, people.get(id)))
        .collect())
}

/// What a read of one person answers: the person found (with their own
/// access version), or no one, under the partnership's version.
fn answer(partnership: i64, found: Option<&(Person, i64)>) -> (Option<Person>, AccessVersions) {
    (
        found.map(|(person, _)| person.clone()),
        AccessVersions {
            partnership,
            person: found.map(|(_, version)| *version),
        },
    )
}

/// The person with each of `numbers` (if there is one), in the same
/// order, each with the access versions that apply to them, in ONE
/// statement: a crisis look-up finds and decides under them without
/// reading the person again.
pub async fn persons_with_versions_by_nhs_numbers(
    conn: &mut Conn,
    numbers: &[NhsNumber],
) -> Result<Vec<(Option<Person>, AccessVersions)>, StoreError> {
    let keys = padded(numbers);
    let on = format!(
        "p.id IN (SELECT person_id FROM person_identifiers WHERE system = {} AND value IN ({}))",
        rows::parameters(conn, 1, 1),
        rows::parameters(conn, 2, keys.len().max(1)),
    );
    let mut binds = vec![Some(IdentifierSystem::nhs_number().as_str().to_owned())];
    if keys.is_empty() {
        binds.push(None);
    }
    binds.extend(keys.iter().map(|n| Some(n.as_str().to_owned())));
    let (partnership, people) = with_versions(conn, &on, binds).await?;
    // A person holds one NHS number at most (`Person::with_identifier`).
    let by_number: HashMap<NhsNumber, (Person, i64)> = people
        .into_values()
        .filter_map(|(person, version)| Some((person.nhs_number()?, (person, version))))
        .collect();
    Ok(numbers
        .iter()
        .map(|n| answer(partnership, by_number.get(n)))
        .collect())
}

/// The partnership's access version, and the people `on` names (a join
/// condition on `persons p`, with `binds` for its parameters) each with
/// their own, read in one statement.
async fn with_versions(
    conn: &mut Conn,
    on: &str,
    binds: Vec<Option<String>>,
) -> Result<(i64, HashMap<PersonId, (Person, i64)>), StoreError> {
    // At least one row: the version row always exists; the people and their
    // identifiers are outer-joined, one row per identifier.
    let sql = format!(
        "SELECT v.version AS partnership_version, p.access_version AS person_version, \
         {PERSON_COLUMNS}, i.system, i.value \
         FROM access_version v \
         LEFT JOIN persons p ON {on} \
         LEFT JOIN person_identifiers i ON i.person_id = p.id \
         WHERE v.id = 1 ORDER BY p.id, i.system"
    );
    let mut query = sqlx::query(&sql);
    for bind in binds {
        query = query.bind(bind);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let first = rows
        .first()
        .ok_or_else(|| StoreError::corrupt("access version", "the row is missing"))?;
    let partnership = versions_from_row(first)?.partnership;
    let mut people: HashMap<PersonId, (Person, i64)> = HashMap::new();
    for (person, row) in people_from_joined(&rows)? {
        people.insert(person.id(), (person, rows::int(row, "person_version")?));
    }
    Ok((partnership, people))
}

/// A person as a shared read names them: by id (a record read), or by NHS
/// number (a crisis look-up, a FHIR search).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PersonKey {
    Id(PersonId),
    NhsNumber(NhsNumber),
}

impl From<PersonId> for PersonKey {
    fn from(id: PersonId) -> Self {
        Self::Id(id)
    }
}

impl From<NhsNumber> for PersonKey {
    fn from(number: NhsNumber) -> Self {
        Self::NhsNumber(number)
    }
}

/// [`persons_with_versions`] and [`persons_with_versions_by_nhs_numbers`],
/// shared by the requests that ask at once: one task and one kept
/// connection for both, so a look-up by NHS number takes no connection
/// from the requests' pool; a batch naming people both ways is read in
/// two statements.
#[derive(Debug)]
pub struct PersonsWithVersions;

impl BatchRead for PersonsWithVersions {
    type Key = PersonKey;
    type Value = (Option<Person>, AccessVersions);

    async fn read_many(
        conn: &mut Conn,
        keys: &[PersonKey],
    ) -> Result<Vec<Self::Value>, StoreError> {
        let ids: Vec<PersonId> = keys
            .iter()
            .filter_map(|k| match k {
                PersonKey::Id(id) => Some(*id),
                PersonKey::NhsNumber(_) => None,
            })
            .collect();
        let numbers: Vec<NhsNumber> = keys
            .iter()
            .filter_map(|k| match k {
                PersonKey::NhsNumber(n) => Some(*n),
                PersonKey::Id(_) => None,
            })
            .collect();
        let mut by_id = if ids.is_empty() {
            Vec::new()
        } else {
            persons_with_versions(conn, &ids).await?
        }
        .into_iter();
        let mut by_number = if numbers.is_empty() {
            Vec::new()
        } else {
            persons_with_versions_by_nhs_numbers(conn, &numbers).await?
        }
        .into_iter();
        keys.iter()
            .map(|k| {
                match k {
                    PersonKey::Id(_) => by_id.next(),
                    PersonKey::NhsNumber(_) => by_number.next(),
                }
                .ok_or_else(|| StoreError::corrupt("shared read", "a key went unanswered"))
            })
            .collect()
    }
}

pub async fn person_by_identifier(
    conn: &mut Conn,
    system: &IdentifierSystem,
    value: &str,
) -> Result<Option<Person>, StoreError> {
    let sql = format!(
        "SELECT {PERSON_COLUMNS}, i.system, i.value FROM persons p \
         JOIN person_identifiers found ON found.person_id = p.id \
         LEFT JOIN person_identifiers i ON i.person_id = p.id \
         WHERE found.system = $1 AND found.value = $2 ORDER BY i.system"
    );
    let rows = sqlx::query(&sql)
        .bind(system.as_str().to_owned())
        .bind(value.to_owned())
        .fetch_all(&mut *conn)
        .await?;
    one_person(&rows)
}

pub async fn person_by_nhs_number(
    conn: &mut Conn,
    nhs_number: &NhsNumber,
) -> Result<Option<Person>, StoreError> {
    person_by_identifier(conn, &IdentifierSystem::nhs_number(), nhs_number.as_str()).await
}

/// The id of the person with NHS number `nhs_number`, read from the
/// identifiers' key alone: for a caller that reads the person itself
/// afterwards (through the kept reads), so the row is not read twice.
pub async fn person_id_by_nhs_number(
    conn: &mut Conn,
    nhs_number: &NhsNumber,
) -> Result<Option<PersonId>, StoreError> {
    let row =
        sqlx::query("SELECT person_id FROM person_identifiers WHERE system = $1 AND value = $2")
            .bind(IdentifierSystem::nhs_number().as_str().to_owned())
            .bind(nhs_number.as_str().to_owned())
            .fetch_optional(conn)
            .await?;
    row.as_ref().map(|r| rows::id(r, "person_id")).transpose()
}

pub async fn count_persons(conn: &mut Conn) -> Result<i64, StoreError> {
    let row = sqlx::query("SELECT COUNT(*) AS n FROM persons")
        .fetch_one(conn)
        .await?;
    rows::int(&row, "n")
}

/// The one person in rows shaped for [`people_from_joined`], if any.
fn one_person(rows: &[AnyRow]) -> Result<Option<Person>, StoreError> {
    Ok(people_from_joined(rows)?
        .into_iter()
        .next()
        .map(|(person, _)| person))
}

/// A person from a row selected with [`PERSON_COLUMNS`], and their identifiers.
fn person_from_parts(row: &AnyRow, identifiers: Vec<Identifier>) -> Result<Person, StoreError> {
    let what = "person";
    let bad = |e: &dyn std::fmt::Display| StoreError::corrupt(what, e);
    let id: PersonId = rows::id(row, "id")?;
    let name = PersonName::new(
        &rows::text(row, "given_name")?,
        &rows::text(row, "family_name")?,
    )
    .map_err(|e| bad(&e))?;
    let birth_date = BirthDate::parse(&rows::text(row, "birth_date")?).map_err(|e| bad(&e))?;
    let address = match (
        rows::opt_text(row, "address_lines")?,
        rows::opt_text(row, "town")?,
        rows::opt_text(row, "postcode")?,
    ) {
        (Some(lines), Some(town), Some(postcode)) => {
            let lines: Vec<String> = serde_json::from_str(&lines).map_err(|e| bad(&e))?;
            let postcode = Postcode::parse(&postcode).map_err(|e| bad(&e))?;
            Some(Address::new(lines, &town, postcode).map_err(|e| bad(&e))?)
        }
        _ => None,
    };
    let phone = rows::opt_text(row, "phone")?
        .map(|p| PhoneNumber::parse(&p))
        .transpose()
        .map_err(|e| bad(&e))?;
    let sex = rows::opt_text(row, "sex")?
        .map(|s| Sex::parse(&s))
        .transpose()
        .map_err(|e| bad(&e))?;
    let ethnic_category = rows::opt_text(row, "ethnic_category")?
        .map(|c| EthnicCategory::parse(&c))
        .transpose()
        .map_err(|e| bad(&e))?;
    Ok(
        Person::new(id, name, birth_date, address, phone, identifiers)
            .map_err(|e| bad(&e))?
            .with_demography(sex, ethnic_category),
    )
}

pub async fn insert_related_person(
    conn: &mut Conn,
    related: &RelatedPerson,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO related_persons (id, person_id, given_name, family_name, relationship, \
         phone, email, nominated_carer) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(related.id().to_string())
    .bind(related.person_id().to_string())
    .bind(related.name().given().to_owned())
    .bind(related.name().family().to_owned())
    .bind(related.relationship().as_str())
    .bind(related.phone().map(|p| p.as_str().to_owned()))
    .bind(related.email().map(|e| e.as_str().to_owned()))
    .bind(i64::from(related.nominated_carer()))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn related_persons_of(
    conn: &mut Conn,
    person: PersonId,
) -> Result<Vec<RelatedPerson>, StoreError> {
    let rows = sqlx::query(
        "SELECT id, person_id, given_name, family_name, relationship, phone, email, nominated_carer \
         FROM related_persons WHERE person_id = $1 ORDER BY family_name, given_name",
    )
    .bind(person.to_string())
    .fetch_all(conn)
    .await?;
    rows.iter().map(related_from_row).collect()
}

/// The person `related` is related to, if there is such a related person.
pub async fn person_of_related_person(
    conn: &mut Conn,
    related: RelatedPersonId,
) -> Result<Option<PersonId>, StoreError> {
    let row = sqlx::query("SELECT person_id FROM related_persons WHERE id = $1")
        .bind(related.to_string())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(|r| rows::id(r, "person_id")).transpose()
}

fn related_from_row(row: &AnyRow) -> Result<RelatedPerson, StoreError> {
    let bad = |e: &dyn std::fmt::Display| StoreError::corrupt("related person", e);
    let name = PersonName::new(
        &rows::text(row, "given_name")?,
        &rows::text(row, "family_name")?,
    )
    .map_err(|e| bad(&e))?;
    let relationship =
        Relationship::parse(&rows::text(row, "relationship")?).map_err(|e| bad(&e))?;
    let phone = rows::opt_text(row, "phone")?
        .map(|p| PhoneNumber::parse(&p))
        .transpose()
        .map_err(|e| bad(&e))?;
    let email = rows::opt_text(row, "email")?
        .map(|e| EmailAddress::parse(&e))
        .transpose()
        .map_err(|e| bad(&e))?;
    Ok(RelatedPerson::new(
        rows::id(row, "id")?,
        rows::id(row, "person_id")?,
        name,
        relationship,
        phone,
        email,
        rows::flag(row, "nominated_carer")?,
    ))
}

/// The ids of the people with this family name, and this given name when
/// one is given (case ignored), at most `limit`: whom a governance search
/// of the audit by name means.
pub async fn ids_by_name(
    conn: &mut Conn,
    family: &str,
    given: Option<&str>,
    limit: u32,
) -> Result<Vec<PersonId>, StoreError> {
    let given_condition = if given.is_some() {
        " AND LOWER(given_name) = $2"
    } else {
        ""
    };
    let sql = format!(
        "SELECT id FROM persons WHERE family_name_key = $1{given_condition} \
         ORDER BY id LIMIT {limit}"
    );
    let mut query = sqlx::query(&sql).bind(family_name_key(family));
    if let Some(given) = given {
        query = query.bind(given.trim().to_lowercase());
    }
    let rows = query.fetch_all(&mut *conn).await?;
    rows.iter().map(|r| rows::id(r, "id")).collect()
}

/// The people with this surname (case ignored) and date of birth, and this
/// postcode when one is given — at most `limit`, for a crisis look-up that
/// must show every candidate rather than guess. A record merged into
/// another is not a candidate: the one it is part of is.
pub async fn persons_by_surname_and_birth_date(
    conn: &mut Conn,
    surname: &str,
    birth_date: chrono::NaiveDate,
    postcode: Option<&Postcode>,
    limit: u32,
) -> Result<Vec<Person>, StoreError> {
    let postcode_condition = if postcode.is_some() {
        " AND postcode = $3"
    } else {
        ""
    };
    // The people first (the limit counts people), then each with their
    // identifiers in the same statement.
    let sql = format!(
        "SELECT {PERSON_COLUMNS}, i.system, i.value FROM persons p \
         LEFT JOIN person_identifiers i ON i.person_id = p.id \
         WHERE p.id IN (SELECT id FROM persons WHERE family_name_key = $1 \
         AND birth_date = $2{postcode_condition} AND merged_into IS NULL \
         ORDER BY given_name, id LIMIT {limit}) \
         ORDER BY p.given_name, p.id, i.system"
    );
    let mut query = sqlx::query(&sql)
        .bind(family_name_key(surname))
        .bind(time::encode_date(birth_date));
    if let Some(p) = postcode {
        query = query.bind(p.as_str().to_owned());
    }
    let rows = query.fetch_all(&mut *conn).await?;
    Ok(people_from_joined(&rows)?
        .into_iter()
        .map(|(person, _)| person)
        .collect())
}

/// The people in rows of persons outer-joined to their identifiers
/// (`system`, `value`: one row per identifier), in the order each first
/// appears, each with its first row for the other columns a query added.
fn people_from_joined(rows: &[AnyRow]) -> Result<Vec<(Person, &AnyRow)>, StoreError> {
    let mut found: Vec<(&AnyRow, Vec<Identifier>)> = Vec::new();
    let mut position: HashMap<PersonId, usize> = HashMap::new();
    for row in rows {
        let Some(id) = rows::opt_id::<markers::Person>(row, "id")? else {
            continue;
        };
        let at = *position.entry(id).or_insert_with(|| {
            found.push((row, Vec::new()));
            found.len() - 1
        });
        if let (Some(system), Some(value)) = (
            rows::opt_text(row, "system")?,
            rows::opt_text(row, "value")?,
        ) {
            found[at].1.push(
                Identifier::new(&system, &value).map_err(|e| StoreError::corrupt("person", e))?,
            );
        }
    }
    found
        .into_iter()
        .map(|(row, identifiers)| Ok((person_from_parts(row, identifiers)?, row)))
        .collect()
}
