//! The records linkage compares: a known person as the store lists them,
//! and a held event's details as they were sent.

use chrono::Datelike as _;
use concordat_link::{BirthDate, Record, Sex};
use concordat_store::held_events::HeldDetails;
use concordat_store::linkage::LinkageRow;

/// A known person as linkage compares them.
pub fn record_of(row: &LinkageRow) -> Record {
    let mut builder = Record::builder()
        .given_name(&row.given_name)
        .family_name(&row.family_name);
    if let Some(date) = birth_date(row.birth_date) {
        builder = builder.birth_date(date);
    }
    if let Some(postcode) = &row.postcode {
        builder = builder.postcode(postcode);
    }
    if let Some(phone) = &row.phone {
        builder = builder.phone(phone);
    }
    if let Some(sex) = row.sex.as_deref().and_then(sex_of) {
        builder = builder.sex(sex);
    }
    for (system, value) in &row.identifiers {
        builder = builder.identifier(system, value);
    }
    builder.build()
}

/// A held event's details as linkage compares them.
pub(super) fn held_record(details: &HeldDetails) -> Record {
    let mut builder = Record::builder();
    if let Some(given) = &details.given_name {
        builder = builder.given_name(given);
    }
    if let Some(family) = &details.family_name {
        builder = builder.family_name(family);
    }
    if let Some(date) = details.birth_date.and_then(birth_date) {
        builder = builder.birth_date(date);
    }
    if let Some(postcode) = &details.postcode {
        builder = builder.postcode(postcode);
    }
    if let Some(phone) = &details.phone {
        builder = builder.phone(phone);
    }
    if let Some(sex) = details.sex.as_deref().and_then(sex_of) {
        builder = builder.sex(sex);
    }
    if let Some((system, value)) = &details.identifier {
        builder = builder.identifier(system, value);
    }
    builder.build()
}

fn birth_date(date: chrono::NaiveDate) -> Option<BirthDate> {
    BirthDate::new(date.year(), date.month(), date.day()).ok()
}

/// A sex as agencies write it (`female`, `F`, `male`, `M`, `other`).
pub fn sex_of(raw: &str) -> Option<Sex> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "female" | "f" => Some(Sex::Female),
        "male" | "m" => Some(Sex::Male),
        "other" => Some(Sex::Other),
        _ => None,
    }
}
