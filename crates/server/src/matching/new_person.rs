//! Starting a person record from a held event that matches no one: only
//! by a reviewer's choice, never by the matching job. The record holds what
//! the event said of the person — names, date of birth, phone, the sender's
//! own identifier — and the address the reviewer adds from their own
//! organisation's notes, since an event carries only a postcode. Nothing is
//! guessed: a detail the event did not give stays empty, and an event
//! without the names and date of birth every record needs cannot start one.

use concordat_domain::identifier::Identifier;
use concordat_domain::ids::PersonId;
use concordat_domain::person::{Address, BirthDate, Person, PersonName, Postcode};
use concordat_domain::text::PhoneNumber;
use concordat_store::held_events::HeldEvent;
use concordat_store::{persons, StoreError};

use crate::error::{FieldError, ServiceError};
use crate::AppState;

/// The address a reviewer adds to a new record: the first line and town,
/// with the postcode the event gave. Both empty for no address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewRecord {
    pub address_line: String,
    pub town: String,
}

/// The person `held` describes, as a new record with `added`; every
/// missing or unusable detail named in one answer.
pub fn person_of(
    held: &HeldEvent,
    added: &NewRecord,
    today: chrono::NaiveDate,
) -> Result<Person, ServiceError> {
    let d = &held.details;
    let mut faults = Vec::new();
    let mut fault = |field: &str, message: String| faults.push(FieldError::new(field, message));
    let needed = "which every person record needs: link the event to someone, or decide it \
                  is none of them";
    let given = d.given_name.as_deref().unwrap_or_default();
    let family = d.family_name.as_deref().unwrap_or_default();
    if given.trim().is_empty() {
        fault(
            "given_name",
            format!("The event gives no given name, {needed}"),
        );
    }
    if family.trim().is_empty() {
        fault(
            "family_name",
            format!("The event gives no family name, {needed}"),
        );
    }
    let name = PersonName::new(given, family).ok();
    let birth_date = match d.birth_date {
        None => {
            fault(
                "birth_date",
                format!("The event gives no date of birth, {needed}"),
            );
            None
        }
        Some(date) => BirthDate::new(date, today)
            .map_err(|e| fault("birth_date", e.to_string()))
            .ok(),
    };
    let address = address_of(d.postcode.as_deref(), added).unwrap_or_else(|(field, message)| {
        fault(field, message);
        None
    });
    let phone = d
        .phone
        .as_deref()
        .map(PhoneNumber::parse)
        .transpose()
        .map_err(|e| fault("phone", e.to_string()))
        .ok()
        .flatten();
    let identifiers = match &d.identifier {
        Some((system, value)) => match Identifier::new(system, value) {
            Ok(identifier) => vec![identifier],
            Err(e) => {
                fault("identifier", e.to_string());
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    match (name, birth_date) {
        (Some(name), Some(birth_date)) if faults.is_empty() => Person::new(
            PersonId::new(),
            name,
            birth_date,
            address,
            phone,
            identifiers,
        )
        .map_err(|e| ServiceError::invalid("identifier", e.to_string())),
        _ => Err(ServiceError::Invalid(faults)),
    }
}

/// The address from the reviewer's line and town and the event's postcode:
/// none when the reviewer gave neither; a named fault when only one, or
/// when the event gave no postcode to go with them.
fn address_of(
    postcode: Option<&str>,
    added: &NewRecord,
) -> Result<Option<Address>, (&'static str, String)> {
    let (line, town) = (added.address_line.trim(), added.town.trim());
    match (line.is_empty(), town.is_empty()) {
        (true, true) => return Ok(None),
        (false, true) => return Err(("town", "Give the town as well as the first line".into())),
        (true, false) => {
            return Err((
                "address_line",
                "Give the first line as well as the town".into(),
            ))
        }
        (false, false) => {}
    }
    let Some(postcode) = postcode else {
        return Err((
            "address_line",
            "The event gives no postcode, so no address can be recorded; leave the address empty"
                .into(),
        ));
    };
    let postcode = Postcode::parse(postcode).map_err(|e| ("address_line", e.to_string()))?;
    Address::new([line], town, postcode)
        .map(Some)
        .map_err(|e| ("address_line", e.to_string()))
}

/// Records `person`. An identifier someone already holds is a conflict:
/// the event is theirs, and the reviewer should link it instead.
pub async fn insert(state: &AppState, person: &Person) -> Result<(), ServiceError> {
    let mut tx = state.store.write().await?;
    match persons::insert_person(&mut tx, person, state.clock.now()).await {
        Ok(()) => {}
        Err(StoreError::Duplicate { .. }) => {
            return Err(ServiceError::Conflict(
                "someone Concordat knows already has the identifier this event gives; the \
                 event should be linked to them rather than start a new record"
                    .into(),
            ))
        }
        Err(other) => return Err(other.into()),
    }
    tx.commit().await?;
    Ok(())
}
