//! What each resource says: a Patient in UK Core shape with its masks
//! shown as absent for a reason, the crisis plan as a CarePlan with its
//! versions in the person's words, safety flags with period and status.

use chrono::Duration;
use concordat_domain::role::Role;
use concordat_store::masks::{self, FieldMaskRecord};
use serde_json::json;

use super::{by_nhs, get, plan_of};
use crate::fixtures::{person_id, post_json, user, DANIEL, GARY};
use crate::harness::TestApp;

const NHS_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";

async fn a_patient_is_found_by_nhs_number_and_read_by_id(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let token = app.token_for("mh.practitioner", "TREAT").await;
    let found = get(&app, &token, &by_nhs(DANIEL)).await;
    assert_eq!(found.status, 200, "{}", found.text);
    let bundle = found.json();
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "searchset");
    assert_eq!(bundle["total"], 1);
    assert_eq!(bundle["link"][0]["relation"], "self");
    assert!(bundle["link"][0]["url"]
        .as_str()
        .unwrap()
        .ends_with(&by_nhs(DANIEL)));
    let entry = &bundle["entry"][0];
    assert!(entry["fullUrl"]
        .as_str()
        .unwrap()
        .ends_with(&format!("/fhir/Patient/{daniel}")));
    let patient = &entry["resource"];
    assert_eq!(patient["id"], daniel.to_string());
    assert_eq!(
        patient["meta"]["profile"][0],
        "https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"
    );
    let nhs = patient["identifier"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["system"] == NHS_SYSTEM)
        .expect("the NHS number");
    assert_eq!(nhs["value"], DANIEL);
    assert_eq!(patient["name"][0]["given"][0], "Daniel");
    assert_eq!(patient["name"][0]["family"], "Reid");
    assert!(patient["birthDate"].is_string());
    assert!(patient["address"][0]["line"].is_array(), "{patient}");

    let read = get(&app, &token, &format!("/fhir/Patient/{daniel}")).await;
    assert_eq!(read.status, 200);
    assert_eq!(&read.json(), patient, "read and search agree");
    // The person reads their own.
    let own = app.token_for("person", "PATRQT").await;
    assert_eq!(
        get(&app, &own, &format!("/fhir/Patient/{daniel}"))
            .await
            .status,
        200
    );
}

async fn a_masked_field_is_sent_as_absent_for_a_reason_never_left_out(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let practitioner = user(&app, "mh.practitioner").await;
    let mut tx = app.store.write().await.unwrap();
    for field in ["address", "phone"] {
        let mask = FieldMaskRecord {
            id: uuid::Uuid::new_v4(),
            person: daniel,
            field: field.into(),
            visible_to: vec![Role::CrisisClinician],
            reason: "fleeing domestic abuse".into(),
        };
        masks::insert_mask(
            &mut tx,
            &mask,
            practitioner.id(),
            concordat_server::Clock::now(&app.clock),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    let token = app.token_for("mh.practitioner", "TREAT").await;
    let patient = get(&app, &token, &format!("/fhir/Patient/{daniel}"))
        .await
        .json();
    let absent = json!([{
        "url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
        "valueCode": "masked",
    }]);
    assert_eq!(
        patient["address"],
        json!([{ "extension": absent }]),
        "{patient}"
    );
    assert!(
        !patient.to_string().contains("fleeing"),
        "the mask's reason stays home"
    );
    if let Some(telecom) = patient.get("telecom") {
        assert_eq!(
            telecom,
            &json!([{ "extension": absent, "system": "phone" }])
        );
    }
    // A crisis clinician, whom the masks spare, sees the address.
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let spared = get(&app, &nurse, &format!("/fhir/Patient/{daniel}")).await;
    if spared.status == 200 {
        assert!(spared.json()["address"][0]["line"].is_array());
    }
}

async fn a_crisis_plan_is_a_care_plan_with_its_versions_in_the_persons_words(app: TestApp) {
    let (gary, plan) = plan_of(&app, GARY).await;
    let token = app.token_for("crisis.nurse", "TREAT").await;
    let found = get(
        &app,
        &token,
        &format!("/fhir/CarePlan?patient=Patient/{gary}"),
    )
    .await;
    assert_eq!(found.status, 200, "{}", found.text);
    let bundle = found.json();
    assert_eq!(bundle["total"], 1);
    let agreed = &bundle["entry"][0]["resource"];
    assert_eq!(agreed["id"], plan);
    assert_eq!(agreed["status"], "active");
    assert_eq!(agreed["intent"], "plan");
    assert_eq!(agreed["meta"]["versionId"], "1");
    assert_eq!(agreed["subject"]["reference"], format!("Patient/{gary}"));
    let agreement = &agreed["extension"][0];
    assert_eq!(
        agreement["url"],
        "urn:concordat:fhir:extension:crisis-plan-agreement"
    );
    assert_eq!(
        agreement["extension"][0],
        json!({"url": "agreedByBoth", "valueBoolean": true})
    );
    assert_eq!(
        agreed["extension"][1]["url"],
        "urn:concordat:fhir:extension:crisis-plan-review-due"
    );
    let notes = agreed["note"].to_string();
    assert!(notes.contains("What helps"), "{notes}");

    // A new draft in the person's words: the care team's read shows it.
    let saved = post_json(
        &app,
        &token,
        &format!("/api/v1/persons/{gary}/crisis-plan/versions"),
        json!({"based_on": 1, "sections": {
            "what_helps": "Tea and a quiet room",
            "what_does_not_help": "Being crowded",
            "own_words": "I am not my diagnosis."
        }}),
    )
    .await;
    assert_eq!(saved.status(), 201);
    let read = get(&app, &token, &format!("/fhir/CarePlan/{plan}")).await;
    assert_eq!(read.headers["etag"], "W/\"2\"");
    let draft = read.json();
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["meta"]["versionId"], "2");
    assert_eq!(draft["description"], "I am not my diagnosis.");
    assert!(draft["note"].to_string().contains("Tea and a quiet room"));
    assert_eq!(draft["extension"][0]["extension"][0]["valueBoolean"], false);

    let first = get(&app, &token, &format!("/fhir/CarePlan/{plan}/_history/1"))
        .await
        .json();
    assert_eq!(first["meta"]["versionId"], "1");
    assert_eq!(first["status"], "active");
    let history = get(&app, &token, &format!("/fhir/CarePlan/{plan}/_history"))
        .await
        .json();
    assert_eq!(history["type"], "history");
    assert_eq!(history["total"], 2);
    assert_eq!(history["entry"][0]["resource"]["meta"]["versionId"], "2");
    assert_eq!(history["entry"][1]["request"]["method"], "POST");
    assert_eq!(
        get(&app, &token, &format!("/fhir/CarePlan/{plan}/_history/3"))
            .await
            .status,
        404
    );
}

async fn flags_carry_their_period_and_their_status_for_today(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let token = app.token_for("crisis.nurse", "TREAT").await;
    let today = concordat_server::Clock::now(&app.clock).date_naive();
    let raised = post_json(
        &app,
        &token,
        &format!("/api/v1/persons/{gary}/flags"),
        json!({
            "category": "risk-from-others", "severity": "high",
            "summary": "Former partner has made threats", "basis": "Reported by Gary",
            "ends_on": (today + Duration::days(1)).to_string()
        }),
    )
    .await;
    assert_eq!(raised.status(), 201);
    let id = raised.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let found = get(&app, &token, &format!("/fhir/Flag?patient=Patient/{gary}"))
        .await
        .json();
    assert_eq!(found["total"], 3, "two flags from the demo, one raised now");
    let flag = get(&app, &token, &format!("/fhir/Flag/{id}")).await.json();
    assert_eq!(flag["status"], "active");
    assert_eq!(flag["code"]["text"], "Former partner has made threats");
    assert_eq!(flag["code"]["coding"][0]["code"], "risk-from-others");
    assert_eq!(flag["category"][0]["coding"][0]["code"], "safety");
    assert_eq!(
        flag["period"]["end"],
        (today + Duration::days(1)).to_string()
    );
    assert_eq!(flag["subject"]["reference"], format!("Patient/{gary}"));

    // Past its end it is no longer active, whatever is stored.
    app.clock.advance(Duration::days(3));
    let token = app.token_for("crisis.nurse", "TREAT").await;
    let expired = get(&app, &token, &format!("/fhir/Flag/{id}")).await.json();
    assert_eq!(expired["status"], "inactive");
}

crate::on_both_stores!(
    a_patient_is_found_by_nhs_number_and_read_by_id,
    a_masked_field_is_sent_as_absent_for_a_reason_never_left_out,
    a_crisis_plan_is_a_care_plan_with_its_versions_in_the_persons_words,
    flags_carry_their_period_and_their_status_for_today,
);
