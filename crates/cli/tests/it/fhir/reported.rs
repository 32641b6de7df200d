//! Contacts reported over FHIR by a registered source system: one
//! Encounter, or a batch of them, recorded by the service the JSON API's
//! events go through — the same callers, the same idempotency, the same
//! answer for a person the sender may not record contacts for.

use serde_json::{json, Value};

use super::{get, tools};
use crate::fixtures::{person_id, post_json, user, GARY};
use crate::harness::TestApp;

/// A crisis line call Gary made, as the trust's system reports it.
fn call(event_id: &str, nhs: &str) -> Value {
    json!({
        "resourceType": "Encounter",
        "meta": { "source": "nmht-pas" },
        "identifier": [{ "system": "urn:oid:2.16.840.1.113883.2.1.3.2.4.18.48", "value": event_id }],
        "status": "finished",
        "class": { "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "EMER" },
        "type": [{ "coding": [{
            "system": "urn:concordat:fhir:code-system:contact-kind",
            "code": "crisis-line-call",
        }] }],
        "subject": { "identifier": { "system": "https://fhir.nhs.uk/Id/nhs-number", "value": nhs } },
        "period": { "start": "2026-03-03T08:30:00Z" },
        "reasonCode": [{ "text": "Rang the crisis line at night" }],
        "extension": [{
            "url": "urn:concordat:fhir:extension:contact-outcome",
            "valueString": "Advice given; plan followed",
        }],
    })
}

async fn post_fhir(app: &TestApp, token: &str, path: &str, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url(path))
        .bearer_auth(token)
        .header("content-type", "application/fhir+json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

async fn a_source_system_reports_a_contact_as_an_encounter_once(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let pas = app.token_for("nmht-pas", "TREAT").await;
    let sent = post_fhir(&app, &pas, "/fhir/Encounter", &call("CL-9", GARY)).await;
    assert_eq!(sent.status(), 201);
    let location = sent.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&app.url("/fhir/Encounter/")),
        "{location}"
    );
    let id = location.rsplit('/').next().unwrap().to_owned();

    // Again, over FHIR or as a JSON event with the same id: already recorded.
    let again = post_fhir(&app, &pas, "/fhir/Encounter", &call("CL-9", GARY)).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.headers()["location"].to_str().unwrap(), location);
    let as_json = post_json(
        &app,
        &pas,
        "/api/v1/events",
        json!({"source_system": "nmht-pas", "event_id": "CL-9", "kind": "crisis-line-call",
               "nhs_number": GARY, "occurred_at": "2026-03-03T08:30:00Z"}),
    )
    .await;
    assert_eq!(as_json.status(), 200, "the same report, whichever surface");

    // Gary's crisis nurse reads it back, told of it as of any report.
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let read = get(&app, &nurse, &format!("/fhir/Encounter/{id}")).await;
    assert_eq!(read.status, 200, "{}", read.text);
    let encounter = read.json();
    assert_eq!(encounter["subject"]["reference"], format!("Patient/{gary}"));
    assert_eq!(
        encounter["type"][0]["coding"][0]["code"],
        "crisis-line-call"
    );
    assert_eq!(encounter["period"]["start"], "2026-03-03T08:30:00Z");
    let lead = user(&app, "crisis.nurse").await;
    let told = crate::fixtures::count(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM notifications WHERE user_id = '{}' AND kind = 'contact-recorded'",
            lead.id()
        ),
    )
    .await;
    assert_eq!(told, 1, "the lead professional is told once");
}

async fn a_report_is_refused_as_the_json_api_refuses_it(app: TestApp) {
    let pas = app.token_for("nmht-pas", "TREAT").await;
    let mut nameless = call("CL-1", GARY);
    nameless["meta"] = json!({});
    let mut kindless = call("CL-2", GARY);
    kindless["type"] = json!([{ "text": "a call" }]);
    let mut by_id = call("CL-3", GARY);
    by_id["subject"] = json!({ "reference": "Patient/123" });
    let mut not_a_kind = call("CL-9", GARY);
    not_a_kind["type"][0]["coding"][0]["code"] = json!("999-call");
    let mut someone_elses = call("CL-4", GARY);
    someone_elses["meta"]["source"] = json!("northshire-ed");
    for (body, field) in [
        (&nameless, "meta.source"),
        (&kindless, "type"),
        (&by_id, "subject"),
        (&someone_elses, "meta.source"),
        (&not_a_kind, "type"),
    ] {
        let refused = post_fhir(&app, &pas, "/fhir/Encounter", body).await;
        assert_eq!(refused.status(), 400, "{field}");
        let outcome: Value = refused.json().await.unwrap();
        assert_eq!(outcome["issue"][0]["code"], "invalid");
        assert_eq!(outcome["issue"][0]["expression"][0], field, "{outcome}");
    }
    // No one with that NHS number: the 404 for no one.
    let nobody = post_fhir(&app, &pas, "/fhir/Encounter", &call("CL-5", "9990001111")).await;
    assert_eq!(nobody.status(), 404);
    // Only FHIR JSON; only source systems.
    let as_text = app
        .client
        .post(app.url("/fhir/Encounter"))
        .bearer_auth(&pas)
        .header("content-type", "text/plain")
        .body(call("CL-6", GARY).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(as_text.status(), 415);
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let by_staff = post_fhir(&app, &nurse, "/fhir/Encounter", &call("CL-7", GARY)).await;
    let on_api = post_json(
        &app,
        &nurse,
        "/api/v1/events",
        json!({"source_system": "nmht-pas", "event_id": "CL-7", "kind": "crisis-line-call",
               "nhs_number": GARY, "occurred_at": "2026-03-03T08:30:00Z"}),
    )
    .await;
    assert_eq!(by_staff.status(), on_api.status());
    assert_eq!(by_staff.status(), 403);
    let none = post_fhir(&app, "", "/fhir/Encounter", &call("CL-8", GARY)).await;
    assert_eq!(none.status(), 401);
}

async fn a_batch_records_each_entry_on_its_own(app: TestApp) {
    let pas = app.token_for("nmht-pas", "TREAT").await;
    let entry = |resource: Value| json!({ "resource": resource, "request": { "method": "POST", "url": "Encounter" } });
    let mut kindless = call("B-2", GARY);
    kindless["type"] = json!([]);
    let batch = json!({
        "resourceType": "Bundle",
        "type": "batch",
        "entry": [
            entry(call("B-1", GARY)),
            entry(kindless),
            entry(call("B-1", GARY)),
            entry(call("B-3", "9990001111")),
            { "resource": call("B-4", GARY), "request": { "method": "PUT", "url": "Encounter/x" } },
        ],
    });
    let answered = post_fhir(&app, &pas, "/fhir", &batch).await;
    assert_eq!(answered.status(), 200);
    let answer: Value = answered.json().await.unwrap();
    assert_eq!(answer["type"], "batch-response");
    let statuses: Vec<&str> = answer["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["response"]["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "201 Created",
            "400 Bad Request",
            "200 OK",
            "404 Not Found",
            "400 Bad Request"
        ]
    );
    assert!(answer["entry"][0]["response"]["location"]
        .as_str()
        .unwrap()
        .starts_with(&app.url("/fhir/Encounter/")));
    let mut transaction = batch.clone();
    transaction["type"] = json!("transaction");
    let refused = post_fhir(&app, &pas, "/fhir", &transaction).await;
    assert_eq!(refused.status(), 400);
    let outcome: Value = refused.json().await.unwrap();
    assert_eq!(outcome["issue"][0]["code"], "not-supported");
    let empty = post_fhir(
        &app,
        &pas,
        "/fhir",
        &json!({"resourceType": "Bundle", "type": "batch"}),
    )
    .await;
    assert_eq!(empty.status(), 400);
    tools::validate(&[answer, outcome]);
}

/// `call`, about a person the trust's system knows only by `details` (the
/// JSON API's `person`), described in a contained Patient.
fn described_call(event_id: &str, details: &Value) -> Value {
    let mut encounter = call(event_id, GARY);
    let mut patient = json!({
        "resourceType": "Patient",
        "id": "p",
        "name": [{ "family": details["family_name"], "given": [details["given_name"]] }],
        "birthDate": details["birth_date"],
    });
    if let Some(postcode) = details["postcode"].as_str() {
        patient["address"] = json!([{ "postalCode": postcode }]);
    }
    if let Some(sex) = details["sex"].as_str() {
        patient["gender"] = json!(sex);
    }
    encounter["contained"] = json!([patient]);
    encounter["subject"] = json!({ "reference": "#p" });
    encounter
}

async fn an_encounter_without_an_nhs_number_describes_its_person_and_is_held(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let pas = app.token_for("nmht-pas", "TREAT").await;
    let him = described_call("CL-H1", &crate::matching::described(&app, GARY).await);
    let nobody = described_call(
        "CL-H2",
        &json!({"given_name": "Zebedee", "family_name": "Quaxworthy", "birth_date": "1931-02-02"}),
    );
    if let Some(report) = tools::validate(&[him.clone(), nobody.clone()]) {
        eprintln!("{report}");
    }
    // Alike whoever it describes.
    let held = post_fhir(&app, &pas, "/fhir/Encounter", &him).await;
    let unknown = post_fhir(&app, &pas, "/fhir/Encounter", &nobody).await;
    assert_eq!(held.status(), 202);
    assert_eq!(unknown.status(), 202);
    assert!(held.headers().get("location").is_none());
    let held: Value = held.json().await.unwrap();
    let unknown: Value = unknown.json().await.unwrap();
    assert_eq!(held, unknown);
    assert_eq!(held["resourceType"], "OperationOutcome");
    // Sent again: already held.
    assert_eq!(
        post_fhir(&app, &pas, "/fhir/Encounter", &him)
            .await
            .status(),
        200
    );
    // A subject that references nothing contained is refused by name.
    let mut dangling = him.clone();
    dangling["subject"] = json!({ "reference": "#someone" });
    let refused = post_fhir(&app, &pas, "/fhir/Encounter", &dangling).await;
    assert_eq!(refused.status(), 400);

    app.run_jobs().await;
    assert_eq!(
        crate::fixtures::count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM contact_events WHERE person_id = '{gary}' \
                 AND source_event_id = 'CL-H1'"
            )
        )
        .await,
        1,
        "matched to Gary and recorded"
    );
}

crate::on_both_stores!(
    an_encounter_without_an_nhs_number_describes_its_person_and_is_held,
    a_source_system_reports_a_contact_as_an_encounter_once,
    a_report_is_refused_as_the_json_api_refuses_it,
    a_batch_records_each_entry_on_its_own,
);
