//! `Consent` over FHIR: a person's directives as privacy consents, seen
//! by the person and their care team, audited on every read and search,
//! and, to anyone else, the answer for no one.

use concordat_domain::consent::ConsentScope;

use super::{
    assert_claimed_purpose_refused, assert_gary_meets_no_one, audited, garys_refusal, get,
    STRANGERS,
};
use crate::fixtures::{person_id, record_refusal, user, DANIEL, GARY};
use crate::harness::TestApp;

async fn a_directive_is_a_privacy_consent_the_care_team_reads(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let id = garys_refusal(&app).await;
    let police = user(&app, "police").await;
    let token = app.token_for("crisis.nurse", "TREAT").await;
    let before = audited(&app, gary).await;

    let found = get(
        &app,
        &token,
        &format!("/fhir/Consent?patient=Patient/{gary}"),
    )
    .await;
    assert_eq!(found.status, 200, "{}", found.text);
    let bundle = found.json();
    assert_eq!(bundle["total"], 1);
    let consent = &bundle["entry"][0]["resource"];
    assert_eq!(consent["id"], id);
    assert_eq!(consent["status"], "active");
    assert_eq!(consent["scope"]["coding"][0]["code"], "patient-privacy");
    assert_eq!(
        consent["category"][0]["coding"][0]["system"],
        "http://loinc.org"
    );
    assert_eq!(consent["patient"]["reference"], format!("Patient/{gary}"));
    assert!(consent["dateTime"].is_string());
    assert!(consent["organization"][0]["reference"]
        .as_str()
        .unwrap()
        .starts_with("Organization/"));
    let provision = &consent["provision"];
    assert_eq!(provision["type"], "deny");
    assert_eq!(
        provision["actor"][0]["reference"]["reference"],
        format!("Organization/{}", police.organisation_id())
    );
    assert_eq!(
        provision["purpose"][0]["system"],
        "http://terminology.hl7.org/CodeSystem/v3-ActReason"
    );
    assert_eq!(provision["purpose"][0]["code"], "ETREAT");
    assert_eq!(
        provision["class"][0]["system"],
        "urn:concordat:fhir:code-system:data-category"
    );
    assert_eq!(provision["class"][0]["code"], "crisis-plan");
    assert!(provision["period"]["start"].is_string());

    let read = get(&app, &token, &format!("/fhir/Consent/{id}")).await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(&read.json(), consent, "read and search agree");
    let upper = get(
        &app,
        &token,
        &format!("/fhir/Consent/{}", id.to_uppercase()),
    )
    .await;
    assert_eq!(upper.json(), read.json(), "any spelling of the id names it");
    assert_eq!(audited(&app, gary).await, before + 3, "one entry per look");

    // Withdrawn, it no longer applies.
    let withdrawn = crate::fixtures::post_json(
        &app,
        &token,
        &format!("/api/v1/persons/{gary}/consent/{id}/withdraw"),
        serde_json::json!({}),
    )
    .await;
    assert_eq!(withdrawn.status(), 204);
    let read = get(&app, &token, &format!("/fhir/Consent/{id}"))
        .await
        .json();
    assert_eq!(read["status"], "inactive");
    assert!(read["provision"]["period"]["end"].is_string());
}

async fn the_person_reads_their_own_consents(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let practitioner = user(&app, "mh.practitioner").await;
    let id = record_refusal(&app, daniel, ConsentScope::default(), &practitioner)
        .await
        .id()
        .to_string();
    let own = app.token_for("person", "PATRQT").await;
    let found = get(
        &app,
        &own,
        &format!("/fhir/Consent?subject=Patient/{daniel}"),
    )
    .await;
    assert_eq!(found.status, 200, "{}", found.text);
    let consent = &found.json()["entry"][0]["resource"];
    assert_eq!(consent["id"], id);
    // Everyone, everything, every purpose: no actor, class or purpose.
    assert!(consent["provision"].get("actor").is_none(), "{consent}");
    assert!(consent["provision"].get("class").is_none());
    assert_eq!(
        get(&app, &own, &format!("/fhir/Consent/{id}")).await.status,
        200
    );
}

async fn a_stranger_meets_the_answer_for_no_one_on_consents(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let id = garys_refusal(&app).await;
    let before = audited(&app, gary).await;
    for (username, purpose) in STRANGERS {
        let token = app.token_for(username, purpose).await;
        assert_gary_meets_no_one(&app, &token, "Consent", &id, "patient").await;
    }
    assert_eq!(
        audited(&app, gary).await,
        before + 6,
        "each read and search of Gary's, denied, audited"
    );
}

async fn a_claimed_purpose_is_refused_on_consents_as_on_the_api(app: TestApp) {
    let id = garys_refusal(&app).await;
    assert_claimed_purpose_refused(&app, "consent", "Consent", &id).await;
}

crate::on_both_stores!(
    a_directive_is_a_privacy_consent_the_care_team_reads,
    the_person_reads_their_own_consents,
    a_stranger_meets_the_answer_for_no_one_on_consents,
    a_claimed_purpose_is_refused_on_consents_as_on_the_api,
);
