//! The surface's own rules: FHIR JSON or a 406, parameters read or
//! refused (never ignored), and a CapabilityStatement that lists exactly
//! what the router serves.

use concordat_server::fhir::table::Interaction;
use concordat_server::fhir::RESOURCES;

use super::{by_nhs, get, get_with, plan_of, Answer};
use crate::fixtures::GARY;
use crate::harness::TestApp;

const FHIR_JSON: &str = "application/fhir+json; charset=utf-8";

async fn anything_but_fhir_json_is_not_acceptable(app: TestApp) {
    let (gary, _) = plan_of(&app, GARY).await;
    let token = app.token_for("crisis.nurse", "TREAT").await;
    let path = format!("/fhir/Patient/{gary}");
    for accept in ["application/fhir+json", "application/json", "*/*"] {
        let answer = get_with(&app, &token, &path, &[("accept", accept)]).await;
        assert_eq!(answer.status, 200, "{accept}");
        assert_eq!(answer.headers["content-type"], FHIR_JSON);
    }
    for format in [
        "json",
        "application/json",
        "application/fhir%2Bjson",
        "application/fhir+json",
    ] {
        let answer = get(&app, &token, &format!("{path}?_format={format}")).await;
        assert_eq!(answer.status, 200, "{format}: {}", answer.text);
    }
    for accept in ["application/fhir+xml", "text/html", "application/xml"] {
        let answer = get_with(&app, &token, &path, &[("accept", accept)]).await;
        assert_eq!(answer.status, 406, "{accept}");
        assert_eq!(answer.headers["content-type"], FHIR_JSON);
        assert_eq!(answer.issue(), "not-supported");
    }
    // `_format` wins over `Accept`, both ways.
    let xml = get_with(
        &app,
        &token,
        &format!("{path}?_format=json"),
        &[("accept", "application/fhir+xml")],
    )
    .await;
    assert_eq!(xml.status, 200);
    // The attack: `_format=xml` answers 406 whoever is named, before the
    // record is read, so it tells nothing either.
    let nobody = uuid::Uuid::new_v4();
    let on_gary = get(&app, &token, &format!("{path}?_format=xml")).await;
    let on_nobody = get(&app, &token, &format!("/fhir/Patient/{nobody}?_format=xml")).await;
    assert_eq!(on_gary.status, 406);
    assert_eq!(on_gary.comparable(), on_nobody.comparable());
    let metadata = get_with(
        &app,
        "",
        "/fhir/metadata",
        &[("accept", "application/fhir+xml")],
    )
    .await;
    assert_eq!(metadata.status, 406);
}

/// Asks `interaction` of `resource`, with ids that name no one.
async fn ask(app: &TestApp, token: &str, resource: &str, interaction: Interaction) -> Answer {
    let id = uuid::Uuid::new_v4();
    let path = match interaction {
        Interaction::Read => format!("/fhir/{resource}/{id}"),
        Interaction::Vread => format!("/fhir/{resource}/{id}/_history/1"),
        Interaction::HistoryInstance => format!("/fhir/{resource}/{id}/_history"),
        Interaction::SearchType => format!("/fhir/{resource}?_format=json"),
        Interaction::Create => {
            let response = app
                .client
                .post(app.url(&format!("/fhir/{resource}")))
                .bearer_auth(token)
                .header("content-type", "application/fhir+json")
                .body("{}")
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            return Answer {
                status,
                headers,
                text: response.text().await.unwrap(),
            };
        }
    };
    get(app, token, &path).await
}

async fn the_capability_statement_lists_exactly_what_the_router_serves(app: TestApp) {
    // Read without a token: a client reads it before it has one.
    let answer = get(&app, "", "/fhir/metadata").await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let statement = answer.json();
    assert_eq!(statement["resourceType"], "CapabilityStatement");
    assert_eq!(statement["fhirVersion"], "4.0.1");
    assert_eq!(statement["format"], serde_json::json!(["json"]));
    let listed = statement["rest"][0]["resource"].as_array().unwrap();
    let names: Vec<&str> = listed.iter().map(|r| r["type"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        vec![
            "Patient",
            "CarePlan",
            "Flag",
            "Consent",
            "Encounter",
            "Organization",
            "ServiceRequest",
            "Task",
            "Communication",
            "AuditEvent",
            "Contract",
            "CareTeam",
            "Practitioner",
            "PractitionerRole",
            "RelatedPerson",
            "Group",
            "Measure",
            "MeasureReport",
        ]
    );
    assert_eq!(names, RESOURCES.iter().map(|r| r.name).collect::<Vec<_>>());

    let token = app.token_for("crisis.nurse", "TREAT").await;
    // The operations of the whole server: each listed reaches its handler,
    // and one not listed meets the fallback.
    let system: Vec<&str> = statement["rest"][0]["operation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(system, vec!["export"]);
    for (name, listed) in [("export", true), ("purge", false)] {
        let answered = get(&app, &token, &format!("/fhir/${name}")).await;
        let unserved = answered.status == 404 && answered.issue() == "not-supported";
        assert_eq!(listed, !unserved, "${name}: {}", answered.text);
    }
    for resource in RESOURCES
        .iter()
        .map(|r| r.name)
        .chain(["Observation", "Condition", "Location"])
    {
        let entry = listed.iter().find(|r| r["type"] == resource);
        for interaction in Interaction::ALL {
            let said = entry.is_some_and(|e| {
                e["interaction"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|i| i["code"] == interaction.code())
            });
            let answered = ask(&app, &token, resource, interaction).await;
            // An interaction not served meets the router's fallback (no
            // such address, or not that method there); one served reaches
            // its handler, whatever it then says.
            let unserved =
                matches!(answered.status, 404 | 405) && answered.issue() == "not-supported";
            assert_eq!(
                said,
                !unserved,
                "{resource} {}: {}",
                interaction.code(),
                answered.text
            );
        }
        let Some(entry) = entry else { continue };
        // Each operation listed reaches its handler.
        for operation in entry["operation"].as_array().into_iter().flatten() {
            let name = operation["name"].as_str().unwrap();
            let id = uuid::Uuid::new_v4();
            let answered = match name {
                "everything" => get(&app, &token, &format!("/fhir/{resource}/{id}/${name}")).await,
                "export" if resource == "Group" => {
                    get(&app, &token, &format!("/fhir/{resource}/{id}/${name}")).await
                }
                _ => get(&app, &token, &format!("/fhir/{resource}/${name}")).await,
            };
            assert!(
                !(matches!(answered.status, 404 | 405) && answered.issue() == "not-supported"),
                "{resource} ${name}: {}",
                answered.text
            );
        }
        // Each search parameter listed is read (the answer may still be
        // that its value is wrong, but never that it is unknown).
        for param in entry["searchParam"].as_array().into_iter().flatten() {
            let name = param["name"].as_str().unwrap();
            let answered = get(&app, &token, &format!("/fhir/{resource}?{name}=x")).await;
            assert!(
                !answered.text.contains("unknown search parameter"),
                "{name}: {}",
                answered.text
            );
        }
    }
}

async fn unknown_parameters_chains_and_has_are_refused_never_ignored(app: TestApp) {
    let (gary, plan) = plan_of(&app, GARY).await;
    let token = app.token_for("crisis.nurse", "TREAT").await;
    let nhs = by_nhs(GARY);
    for (path, code) in [
        (format!("{nhs}&name=Gary"), "not-supported"),
        (format!("{nhs}&_sort=birthdate"), "not-supported"),
        (format!("{nhs}&identifier=x"), "not-supported"),
        (
            "/fhir/Patient?identifier:missing=true".to_owned(),
            "not-supported",
        ),
        (
            "/fhir/Patient?_has:Flag:patient:status=active".to_owned(),
            "not-supported",
        ),
        (
            format!("/fhir/CarePlan?patient.identifier=https://fhir.nhs.uk/Id/nhs-number%7C{GARY}"),
            "not-supported",
        ),
        (
            format!("/fhir/Flag?subject:Patient={gary}"),
            "not-supported",
        ),
        (
            format!("/fhir/Patient/{gary}?_elements=name"),
            "not-supported",
        ),
        (
            format!("/fhir/CarePlan/{plan}?_summary=true"),
            "not-supported",
        ),
        (
            "/fhir/Patient?identifier=http://example.org/other%7C1".to_owned(),
            "not-supported",
        ),
        (
            "/fhir/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C1234567890".to_owned(),
            "invalid",
        ),
        ("/fhir/Patient".to_owned(), "invalid"),
        ("/fhir/CarePlan".to_owned(), "invalid"),
        ("/fhir/Flag?patient=Group/1".to_owned(), "invalid"),
        (
            format!(
                "/fhir/Flag?patient=Patient/{gary}&subject=Patient/{}",
                uuid::Uuid::new_v4()
            ),
            "invalid",
        ),
    ] {
        let answer = get(&app, &token, &path).await;
        assert_eq!(answer.status, 400, "{path}: {}", answer.text);
        assert_eq!(answer.issue(), code, "{path}");
    }
    // The same person named by both is one search.
    let both = get(
        &app,
        &token,
        &format!("/fhir/Flag?patient=Patient/{gary}&subject={gary}"),
    )
    .await;
    assert_eq!(both.status, 200, "{}", both.text);
}

crate::on_both_stores!(
    anything_but_fhir_json_is_not_acceptable,
    the_capability_statement_lists_exactly_what_the_router_serves,
    unknown_parameters_chains_and_has_are_refused_never_ignored,
);
