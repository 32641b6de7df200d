//! `RelatedPerson` over FHIR: the person's nominated carers and what each
//! may be told, for the person and their care team, as their sharing
//! choices are; the answer for no one to anyone else.

use serde_json::json;

use super::{audited, get};
use crate::fixtures::{person_id, DANIEL};
use crate::harness::TestApp;

async fn the_person_sees_their_carer_and_what_she_may_be_told(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let own = app.token_for("person", "PATRQT").await;
    let found = get(
        &app,
        &own,
        &format!("/fhir/RelatedPerson?patient=Patient/{daniel}"),
    )
    .await;
    assert_eq!(found.status, 200, "{}", found.text);
    let found = found.json();
    assert_eq!(found["total"], 1, "his mother: {found}");
    let carer = &found["entry"][0]["resource"];
    assert_eq!(carer["patient"]["reference"], format!("Patient/{daniel}"));
    let id = carer["id"].as_str().unwrap().to_owned();

    // Daniel lets his mother be told of a discharge and nothing else.
    let set = app
        .client
        .put(app.url(&format!("/api/v1/persons/{daniel}/carers/{id}/sharing")))
        .bearer_auth(&own)
        .json(&json!({"may_tell": ["discharge"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(set.status(), 200);
    let before = audited(&app, daniel).await;
    let read = get(&app, &own, &format!("/fhir/RelatedPerson/{id}")).await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(
        audited(&app, daniel).await,
        before + 1,
        "the read is audited"
    );
    let carer = read.json();
    let told: Vec<&str> = carer["extension"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["url"] == "urn:concordat:fhir:extension:carer-may-be-told")
        .map(|e| e["valueCoding"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(told, vec!["discharge"]);

    // Naming no one, his own account searches his own record; a clinician
    // must name the person.
    let own_search = get(&app, &own, "/fhir/RelatedPerson").await;
    assert_eq!(own_search.status, 200, "{}", own_search.text);
    assert_eq!(own_search.json()["entry"][0]["resource"], carer);
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let unnamed = get(&app, &nurse, "/fhir/RelatedPerson").await;
    assert_eq!(unnamed.status, 400);
    assert_eq!(unnamed.issue(), "invalid");
}

async fn a_carer_is_no_one_to_whoever_may_not_see_the_choices(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let own = app.token_for("person", "PATRQT").await;
    let found = get(
        &app,
        &own,
        &format!("/fhir/RelatedPerson?patient=Patient/{daniel}"),
    )
    .await
    .json();
    let id = found["entry"][0]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let nobody = uuid::Uuid::new_v4().to_string();
    for (who, purpose) in [("dr.wood", "TREAT"), ("police", "ETREAT")] {
        let token = app.token_for(who, purpose).await;
        let read = get(&app, &token, &format!("/fhir/RelatedPerson/{id}")).await;
        let absent = get(&app, &token, &format!("/fhir/RelatedPerson/{nobody}")).await;
        assert_eq!(read.status, 404, "{who}: {}", read.text);
        assert_eq!(read.comparable(), absent.comparable(), "{who}");
        let on_daniel = get(
            &app,
            &token,
            &format!("/fhir/RelatedPerson?patient=Patient/{daniel}"),
        )
        .await;
        let on_nobody = get(
            &app,
            &token,
            &format!("/fhir/RelatedPerson?patient=Patient/{nobody}"),
        )
        .await;
        assert_eq!(
            super::as_if(&on_daniel, &daniel.to_string(), &nobody),
            on_nobody.comparable(),
            "{who}"
        );
    }
}

crate::on_both_stores!(
    the_person_sees_their_carer_and_what_she_may_be_told,
    a_carer_is_no_one_to_whoever_may_not_see_the_choices,
);
