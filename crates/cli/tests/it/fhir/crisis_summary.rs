//! `GET /fhir/Patient/$crisis-summary`: the crisis look-up as a FHIR
//! operation, answered by the service the JSON API calls — the same
//! rules (crisis roles, emergency purpose, a reason), the same audit, and
//! a Bundle the independent validator accepts.

use serde_json::Value;

use super::get;
use super::tools::validate;
use crate::fixtures::{count, person_id, GARY, LEAH};
use crate::harness::TestApp;

const NHS: &str = "https://fhir.nhs.uk/Id/nhs-number%7C";

fn summary(query: &str) -> String {
    format!("/fhir/Patient/$crisis-summary?{query}")
}

async fn look_ups(app: &TestApp) -> i64 {
    count(
        app,
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'crisis-lookup'",
    )
    .await
}

fn kinds(bundle: &Value) -> Vec<String> {
    bundle["entry"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|e| e["resource"]["resourceType"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn police_find_gary_as_on_the_json_api(app: TestApp) {
    let police = app.token_for("police", "ETREAT").await;
    let gary = person_id(&app, GARY).await;
    let before = look_ups(&app).await;
    let answer = get(
        &app,
        &police,
        &summary(&format!(
            "identifier={NHS}{GARY}&reason=Found%20on%20the%20bridge"
        )),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let bundle = answer.json();
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    let kinds = kinds(&bundle);
    assert_eq!(kinds[0], "Patient");
    assert_eq!(
        bundle["entry"][0]["resource"]["id"],
        gary.to_string().as_str()
    );
    assert!(kinds.iter().any(|k| k == "CarePlan"), "{kinds:?}");
    assert!(kinds.iter().any(|k| k == "Flag"), "{kinds:?}");
    assert_eq!(look_ups(&app).await, before + 1);

    // The JSON API's look-up shows the same plan and flags and audits the
    // same kind of entry.
    let (status, json) = crate::fixtures::get_json(
        &app,
        &police,
        &format!("/api/v1/crisis-lookup?nhs_number={GARY}&reason=Found%20on%20the%20bridge"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        json["flags"].as_array().unwrap().len(),
        kinds.iter().filter(|k| *k == "Flag").count()
    );
    assert_eq!(look_ups(&app).await, before + 2);
    let audited = count(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'crisis-lookup' \
             AND person_id = '{gary}'"
        ),
    )
    .await;
    assert_eq!(audited, 2);

    // By surname and date of birth, as the look-up's surname and birth date.
    let by_details = get(
        &app,
        &police,
        &summary("family=Holt&birthdate=1979-01-23&reason=Welfare%20check"),
    )
    .await;
    assert_eq!(by_details.status, 200, "{}", by_details.text);
    assert_eq!(
        by_details.json()["entry"][0]["resource"]["id"],
        gary.to_string().as_str()
    );

    if let Some(report) = validate(&[bundle, by_details.json()]) {
        assert!(report.contains("validated; 0 invalid"), "{report}");
    }
}

async fn a_refusal_says_a_plan_exists(app: TestApp) {
    let police = app.token_for("police", "ETREAT").await;
    let refused = get(
        &app,
        &police,
        &summary(&format!(
            "identifier={NHS}{LEAH}&reason=Concern%20for%20welfare"
        )),
    )
    .await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(refused.issue(), "forbidden");
    let said = refused.json()["issue"][0]["diagnostics"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(said.starts_with("A crisis plan exists;"), "{said}");
    assert!(said.contains("consent-refused"), "{said}");
    assert!(!refused.text.contains("CarePlan"));
}

async fn only_crisis_roles_for_emergencies_with_a_reason(app: TestApp) {
    let gary = format!("identifier={NHS}{GARY}");
    let gp = app.token_for("gp", "ETREAT").await;
    let answer = get(&app, &gp, &summary(&format!("{gary}&reason=Worried"))).await;
    assert_eq!(answer.status, 403, "{}", answer.text);
    assert_eq!(answer.issue(), "forbidden");

    let treat = app.token_for("police", "TREAT").await;
    let answer = get(&app, &treat, &summary(&format!("{gary}&reason=Worried"))).await;
    assert_eq!(answer.status, 403, "{}", answer.text);
    assert!(answer.text.contains("emergency"), "{}", answer.text);

    let police = app.token_for("police", "ETREAT").await;
    let answer = get(&app, &police, &summary(&gary)).await;
    assert_eq!(answer.status, 400, "{}", answer.text);
    assert_eq!(answer.issue(), "invalid");
    assert_eq!(answer.json()["issue"][0]["expression"][0], "reason");

    let answer = get(
        &app,
        &police,
        &summary(&format!("{gary}&reason=x&name=Gary")),
    )
    .await;
    assert_eq!(answer.status, 400, "{}", answer.text);
    assert_eq!(answer.issue(), "not-supported");

    // A surname without a birth date is named as this operation names it.
    let answer = get(&app, &police, &summary("family=Holt&reason=Welfare")).await;
    assert_eq!(answer.status, 400, "{}", answer.text);
    assert!(answer.text.contains("birthdate"), "{}", answer.text);
}

async fn no_one_is_an_empty_bundle_and_audited(app: TestApp) {
    let police = app.token_for("police", "ETREAT").await;
    let before = look_ups(&app).await;
    let answer = get(
        &app,
        &police,
        &summary(&format!(
            "identifier={NHS}9990001111&reason=Welfare%20check"
        )),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let bundle = answer.json();
    assert_eq!(bundle["type"], "collection");
    assert!(bundle.get("entry").is_none(), "{bundle}");
    assert_eq!(look_ups(&app).await, before + 1);
    if let Some(report) = validate(&[bundle]) {
        assert!(report.contains("validated; 0 invalid"), "{report}");
    }
}

async fn the_operation_is_listed_and_routed_before_patient_ids(app: TestApp) {
    let statement = get(&app, "", "/fhir/metadata").await.json();
    let patient = &statement["rest"][0]["resource"][0];
    assert_eq!(patient["type"], "Patient");
    assert_eq!(patient["operation"][0]["name"], "crisis-summary");
    assert_eq!(
        patient["operation"][0]["definition"],
        "urn:concordat:fhir:operation:crisis-summary"
    );
    // `$crisis-summary` reaches the operation, not a read of a Patient
    // with that id; another `$name` is such a read, of no one.
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let answer = get(&app, &nurse, &summary("reason=x")).await;
    assert_eq!(answer.status, 403, "{}", answer.text);
    assert!(answer.text.contains("crisis look-up"), "{}", answer.text);
    let other = get(&app, &nurse, "/fhir/Patient/$everything").await;
    assert_eq!(other.status, 404, "{}", other.text);
    assert_eq!(other.issue(), "not-found");
}

/// Several people answer to the surname and date of birth: the Bundle lists
/// them by name, birth date and postcode district, as the JSON answer does,
/// and shows nobody's plan or flags; more than the look-up lists asks for
/// the postcode instead.
async fn namesakes_are_listed_and_too_many_ask_for_the_postcode(app: TestApp) {
    let police = app.token_for("police", "ETREAT").await;
    crate::crisis_lookup::namesake_called(&app, "Gareth").await;
    let by_details = summary("family=Holt&birthdate=1979-01-23&reason=Found%20on%20the%20bridge");
    let answer = get(&app, &police, &by_details).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let bundle = answer.json();
    assert_eq!(kinds(&bundle), ["Patient", "Patient"], "{bundle}");
    let mut given: Vec<&str> = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"]["name"][0]["given"][0].as_str().unwrap())
        .collect();
    given.sort_unstable();
    assert_eq!(given, ["Gareth", "Gary"]);
    if let Some(report) = validate(std::slice::from_ref(&bundle)) {
        assert!(report.contains("validated; 0 invalid"), "{report}");
    }

    // Ten more Holts born that day: more than ten match, none is shown.
    for n in 0..10 {
        crate::crisis_lookup::namesake_called(&app, &format!("Holt{n}")).await;
    }
    let answer = get(&app, &police, &by_details).await;
    assert_eq!(answer.status, 400, "{}", answer.text);
    assert!(
        answer.text.contains("address-postalcode"),
        "{}",
        answer.text
    );
    assert!(!answer.text.contains("Gareth"), "{}", answer.text);
}

crate::on_both_stores!(
    police_find_gary_as_on_the_json_api,
    a_refusal_says_a_plan_exists,
    only_crisis_roles_for_emergencies_with_a_reason,
    no_one_is_an_empty_bundle_and_audited,
    the_operation_is_listed_and_routed_before_patient_ids,
    namesakes_are_listed_and_too_many_ask_for_the_postcode,
);
