//! Regression tests for the holes found by probing consent-first access from
//! outside (issue 11), on both stores: contact events that granted their
//! sender's whole organisation a relationship with anyone; refusals that
//! told a caller whether a person exists; purposes the consent and
//! break-glass endpoints did not bind; refused break-glass attempts the
//! audit missed; and an information governance lead's audit search that
//! covered the whole partnership.

use chrono::Duration;
use concordat_domain::identifier::Identifier;
use concordat_domain::ids::PersonId;
use concordat_domain::nhs_number::NhsNumber;
use concordat_domain::person::{BirthDate, Person, PersonName};
use concordat_store::persons;
use serde_json::json;

use crate::existence::report::PER_REQUEST_HEADERS;
use crate::fixtures::{
    count, crisis_look_up_path, csrf_token, get_json, person_id, post_json, user, DANIEL, GARY,
    LEAH,
};
use crate::harness::{problem, TestApp, DEMO_PASSWORD};

/// A valid NHS number no one in the demo has.
const NO_ONE: &str = "9434765919";

/// A person no demo user has any relationship with: no care team, no
/// referral, no contact.
async fn stranger(app: &TestApp, first_nine: u32) -> (PersonId, String) {
    let nhs = (first_nine..first_nine + 20)
        .find_map(NhsNumber::from_first_nine)
        .expect("a valid NHS number");
    let person = Person::new(
        PersonId::new(),
        PersonName::new("Robin", "Stranger").unwrap(),
        BirthDate::new(
            chrono::NaiveDate::from_ymd_opt(1988, 7, 9).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 3, 3).unwrap(),
        )
        .unwrap(),
        None,
        None,
        vec![Identifier::nhs(nhs)],
    )
    .unwrap();
    let mut tx = app.store.write().await.unwrap();
    persons::insert_person(&mut tx, &person, concordat_server::Clock::now(&app.clock))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (person.id(), nhs.as_str().to_owned())
}

fn by_nhs(nhs: &str) -> String {
    format!("/api/v1/persons?nhs_number={nhs}")
}

/// Status and body of a GET, for comparing two answers.
async fn answer(app: &TestApp, token: &str, path: &str) -> (u16, serde_json::Value) {
    let response = app.get_with_token(path, token).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

fn event(system: &str, id: &str, kind: &str, nhs: &str) -> serde_json::Value {
    json!({
        "source_system": system, "event_id": id, "kind": kind,
        "nhs_number": nhs, "occurred_at": "2026-03-03T08:00:00Z"
    })
}

// Finding 1 -----------------------------------------------------------------

mod contact_events;
mod refusals_and_purposes;
