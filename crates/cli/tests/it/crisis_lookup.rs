//! The crisis look-up over the API on both stores: matching (exact NHS
//! number; surname and date of birth with and without postcode; ambiguous;
//! no match; refused), what it never returns, its audit with the reason,
//! and recording the contact that follows.

use chrono::{Duration, NaiveDate};
use concordat_domain::category::DataCategory;
use concordat_domain::consent::ConsentScope;
use concordat_domain::ids::PersonId;
use concordat_domain::person::{Address, BirthDate, Person, PersonName, Postcode};
use concordat_store::persons;
use serde_json::json;

use crate::fixtures::{
    count, get_json, person_id, post_json, record_refusal, user, CHLOE, GARY, LEAH,
};
use crate::harness::TestApp;

fn look_up(query: &str) -> String {
    format!("/api/v1/crisis-lookup?{query}")
}

async fn audit_reasons(app: &TestApp) -> Vec<String> {
    let mut conn = app.store.read().await.unwrap();
    sqlx::query_scalar("SELECT reasons FROM audit_log WHERE action = 'crisis-lookup' ORDER BY seq")
        .fetch_all(&mut *conn)
        .await
        .unwrap()
}

/// A second Gary Holt born the same day, elsewhere.
async fn namesake(app: &TestApp) -> PersonId {
    namesake_called(app, "Gareth").await
}

/// Another Holt born on Gary's birthday, called `given`.
pub(crate) async fn namesake_called(app: &TestApp, given: &str) -> PersonId {
    let id = PersonId::new();
    let today = concordat_server::Clock::now(&app.clock).date_naive();
    let person = Person::new(
        id,
        PersonName::new(given, "Holt").unwrap(),
        BirthDate::new(NaiveDate::from_ymd_opt(1979, 1, 23).unwrap(), today).unwrap(),
        Some(
            Address::new(
                ["9 Quay Street"],
                "Eastport",
                Postcode::parse("NS9 1AA").unwrap(),
            )
            .unwrap(),
        ),
        None,
        Vec::new(),
    )
    .unwrap();
    let mut tx = app.store.write().await.unwrap();
    persons::insert_person(&mut tx, &person, concordat_server::Clock::now(&app.clock))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

mod matching;
mod rules;
