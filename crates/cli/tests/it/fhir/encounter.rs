//! `Encounter` over FHIR: a person's contacts with services, each with
//! its kind as type and class, its period and its status, seen as the
//! JSON API shows them, audited on every read and search, and, to anyone
//! without a relationship, the answer for no one.

use serde_json::json;

use super::{
    assert_claimed_purpose_refused, assert_gary_meets_no_one, audited, garys_contact, get,
    STRANGERS,
};
use crate::fixtures::{person_id, GARY};
use crate::harness::TestApp;

async fn contacts_are_encounters_with_their_kind_class_and_status(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let call = garys_contact(&app, "crisis-line-call").await;
    let admission = garys_contact(&app, "admission").await;
    let nurse = crate::fixtures::user(&app, "crisis.nurse").await;
    let token = app.token_for("crisis.nurse", "TREAT").await;
    let before = audited(&app, gary).await;

    let found = get(
        &app,
        &token,
        &format!("/fhir/Encounter?patient=Patient/{gary}"),
    )
    .await;
    assert_eq!(found.status, 200, "{}", found.text);
    let bundle = found.json();
    assert_eq!(bundle["total"], 2);
    let entries = bundle["entry"].as_array().unwrap();
    let of = |id: &str| {
        entries
            .iter()
            .map(|e| &e["resource"])
            .find(|r| r["id"] == id)
            .unwrap()
            .clone()
    };
    let call_encounter = of(&call);
    assert_eq!(call_encounter["status"], "finished");
    assert_eq!(call_encounter["class"]["code"], "EMER");
    assert_eq!(
        call_encounter["class"]["system"],
        "http://terminology.hl7.org/CodeSystem/v3-ActCode"
    );
    assert_eq!(
        call_encounter["type"][0]["coding"][0],
        json!({"system": "urn:concordat:fhir:code-system:contact-kind",
               "code": "crisis-line-call", "display": "Crisis line call"})
    );
    assert_eq!(
        call_encounter["subject"]["reference"],
        format!("Patient/{gary}")
    );
    assert_eq!(
        call_encounter["serviceProvider"]["reference"],
        format!("Organization/{}", nurse.organisation_id())
    );
    assert!(call_encounter["period"]["start"].is_string());
    let admitted = of(&admission);
    assert_eq!(admitted["class"]["code"], "IMP");
    assert_eq!(admitted["status"], "in-progress");
    assert!(admitted["period"].get("end").is_none());

    let read = get(&app, &token, &format!("/fhir/Encounter/{call}")).await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(read.json(), call_encounter, "read and search agree");
    assert_eq!(audited(&app, gary).await, before + 2, "one entry per look");

    // Discharged by the same organisation, the admission is over.
    let discharge = garys_contact(&app, "discharge").await;
    let token = app.token_for("crisis.nurse", "TREAT").await;
    let admitted = get(&app, &token, &format!("/fhir/Encounter/{admission}"))
        .await
        .json();
    assert_eq!(admitted["status"], "finished", "{admitted}");
    let discharged = get(&app, &token, &format!("/fhir/Encounter/{discharge}"))
        .await
        .json();
    assert_eq!(admitted["period"]["end"], discharged["period"]["start"]);
}

async fn a_stranger_meets_the_answer_for_no_one_on_encounters(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let id = garys_contact(&app, "crisis-line-call").await;
    let before = audited(&app, gary).await;
    for (username, purpose) in STRANGERS {
        let token = app.token_for(username, purpose).await;
        assert_gary_meets_no_one(&app, &token, "Encounter", &id, "subject").await;
    }
    assert_eq!(
        audited(&app, gary).await,
        before + 6,
        "each read and search of Gary's, denied, audited"
    );
}

async fn a_claimed_purpose_is_refused_on_encounters_as_on_the_api(app: TestApp) {
    let id = garys_contact(&app, "crisis-line-call").await;
    assert_claimed_purpose_refused(&app, "contacts", "Encounter", &id).await;
}

crate::on_both_stores!(
    contacts_are_encounters_with_their_kind_class_and_status,
    a_stranger_meets_the_answer_for_no_one_on_encounters,
    a_claimed_purpose_is_refused_on_encounters_as_on_the_api,
);
