//! `Patient` searched by name, date of birth and postcode: only among the
//! people the caller has a standing relationship with, each found decided
//! and audited as a read; to anyone else the answer for a name no one has;
//! a postcode matched only as the caller may see the address.

use concordat_store::persons;

use super::{as_if, audited, get, mask_garys_address_but_for_gps, STRANGERS};
use crate::fixtures::{person_id, GARY};
use crate::harness::TestApp;

/// Gary's family name, date of birth and postcode, as stored.
async fn garys_details(app: &TestApp) -> (String, String, String) {
    let gary = person_id(app, GARY).await;
    let mut conn = app.store.read().await.unwrap();
    let person = persons::person_by_id(&mut conn, gary)
        .await
        .unwrap()
        .unwrap();
    let postcode = person
        .address()
        .expect("Gary has an address")
        .postcode()
        .as_str()
        .to_owned();
    (
        person.name().family().to_owned(),
        person.birth_date().date().to_string(),
        postcode,
    )
}

fn ids(bundle: &serde_json::Value) -> Vec<String> {
    bundle["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|e| e["search"]["mode"] == "match")
        .map(|e| e["resource"]["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn a_name_finds_the_people_the_caller_cares_for(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let (family, born, postcode) = garys_details(&app).await;
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let before = audited(&app, gary).await;
    for search in [
        format!("/fhir/Patient?family={family}"),
        format!("/fhir/Patient?family={}", &family[..3].to_lowercase()),
        format!("/fhir/Patient?name={}", family.to_uppercase()),
        format!("/fhir/Patient?family={family}&birthdate={born}"),
        format!("/fhir/Patient?birthdate={born}"),
        format!(
            "/fhir/Patient?family={family}&address-postalcode={}",
            postcode.replace(' ', "").to_lowercase()
        ),
    ] {
        let found = get(&app, &nurse, &search).await;
        assert_eq!(found.status, 200, "{search}: {}", found.text);
        let found = found.json();
        assert!(ids(&found).contains(&gary.to_string()), "{search}: {found}");
        assert_eq!(found["total"].as_u64().unwrap() as usize, ids(&found).len());
        // Each found is exactly what a read shows.
        let read = get(&app, &nurse, &format!("/fhir/Patient/{gary}"))
            .await
            .json();
        let entry = found["entry"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["resource"]["id"] == gary.to_string().as_str())
            .unwrap();
        assert_eq!(entry["resource"], read);
    }
    assert!(audited(&app, gary).await > before, "each find is audited");
    // What does not match finds no one.
    for search in [
        format!("/fhir/Patient?family={family}&birthdate=1900-01-01"),
        format!("/fhir/Patient?family={family}&address-postalcode=ZZ9"),
        "/fhir/Patient?family=%25".to_owned(),
        "/fhir/Patient?family=_".to_owned(),
    ] {
        let found = get(&app, &nurse, &search).await;
        assert_eq!(found.status, 200, "{search}: {}", found.text);
        assert!(!ids(&found.json()).contains(&gary.to_string()), "{search}");
    }
}

async fn a_stranger_finds_no_one_by_name(app: TestApp) {
    let (family, born, _) = garys_details(&app).await;
    let gary = person_id(&app, GARY).await;
    let before = audited(&app, gary).await;
    for (who, purpose) in STRANGERS {
        let token = app.token_for(who, purpose).await;
        let searched = format!("family={family}&birthdate={born}");
        let on_gary = get(&app, &token, &format!("/fhir/Patient?{searched}")).await;
        // A name no one has, as long as his (the length of the answer
        // is compared too).
        let instead = format!("family={}&birthdate={born}", "Q".repeat(family.len()));
        let on_no_one = get(&app, &token, &format!("/fhir/Patient?{instead}")).await;
        assert_eq!(on_gary.status, 200, "{who}: {}", on_gary.text);
        assert_eq!(on_gary.json()["total"], 0, "{who}");
        assert_eq!(
            as_if(&on_gary, &searched, &instead),
            on_no_one.comparable(),
            "{who}"
        );
    }
    // The restriction is in the query: Gary was never read for them, so
    // nothing about him was decided, timed or audited.
    assert_eq!(audited(&app, gary).await, before);
}

async fn a_withheld_address_matches_no_postcode(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let (family, _, postcode) = garys_details(&app).await;
    mask_garys_address_but_for_gps(&app).await;
    let search = format!(
        "/fhir/Patient?family={family}&address-postalcode={}",
        postcode.replace(' ', "%20")
    );
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let hidden = get(&app, &nurse, &search).await.json();
    assert!(!ids(&hidden).contains(&gary.to_string()), "{hidden}");
    // By name alone the nurse still finds him, his address withheld.
    let by_name = get(&app, &nurse, &format!("/fhir/Patient?family={family}"))
        .await
        .json();
    assert!(ids(&by_name).contains(&gary.to_string()));
    let gp = app.token_for("gp", "TREAT").await;
    let shown = get(&app, &gp, &search).await.json();
    assert!(ids(&shown).contains(&gary.to_string()), "{shown}");
}

async fn a_search_by_demographics_says_what_it_needs(app: TestApp) {
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    for (search, code) in [
        ("/fhir/Patient?address-postalcode=NS1", "invalid"),
        ("/fhir/Patient?birthdate=14/05/1991", "invalid"),
        ("/fhir/Patient?family:exact=Okafor", "not-supported"),
        ("/fhir/Patient?phone=01632", "not-supported"),
    ] {
        let answer = get(&app, &nurse, search).await;
        assert_eq!(answer.status, 400, "{search}: {}", answer.text);
        assert_eq!(answer.issue(), code, "{search}");
    }
}

crate::on_both_stores!(
    a_name_finds_the_people_the_caller_cares_for,
    a_stranger_finds_no_one_by_name,
    a_withheld_address_matches_no_postcode,
    a_search_by_demographics_says_what_it_needs,
);
