//! Checks by software Concordat did not write: every kind of answer the
//! surface gives is validated against the official FHIR R4 JSON schema
//! (`validate.cjs`), and a third-party FHIR client reads a person by NHS
//! number, their crisis plan, flags, consents and contacts, and the
//! partnership's organisations (`client.mjs`). Both run on node,
//! with the npm packages `scripts/test` installs into the folder named by
//! `CONCORDAT_TEST_FHIR_TOOLS`; without it these tests skip with a note,
//! unless `CONCORDAT_TEST_REQUIRE_ALL=1`, when they fail.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

use super::communication::garys_thread;
use super::referral::garys_referral;
use super::{by_nhs, consents_and_contacts_for_gary, get, mask_garys_address_but_for_gps, plan_of};

use crate::fixtures::{person_id, DANIEL, GARY, LEAH};
use crate::harness::TestApp;

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/fhir")
        .join(name)
}

/// The folder holding the tools' `node_modules`, or `None` (after a note)
/// to skip.
fn tools() -> Option<String> {
    let require_all = std::env::var("CONCORDAT_TEST_REQUIRE_ALL").is_ok_and(|v| v == "1");
    match std::env::var("CONCORDAT_TEST_FHIR_TOOLS") {
        Ok(dir) if !dir.trim().is_empty() => Some(dir),
        _ => {
            assert!(
                !require_all,
                "CONCORDAT_TEST_FHIR_TOOLS is not set but CONCORDAT_TEST_REQUIRE_ALL=1"
            );
            eprintln!(
                "skipped: CONCORDAT_TEST_FHIR_TOOLS is not set (scripts/test installs the tools)"
            );
            None
        }
    }
}

/// Runs node on `script` with `args` and `stdin`: its exit status and output.
fn node(tools: &str, script: PathBuf, args: &[&str], stdin: &str) -> (bool, String) {
    let mut child = Command::new("node")
        .arg(script)
        .args(args)
        .env("CONCORDAT_TEST_FHIR_TOOLS", tools)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("node runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// The validator's report on `resources`, each of which must be valid
/// FHIR R4; `None` when the tools are not installed.
pub fn validate(resources: &[Value]) -> Option<String> {
    let tools = tools()?;
    let (valid, report) = node(
        &tools,
        script("validate.cjs"),
        &[],
        &Value::Array(resources.to_vec()).to_string(),
    );
    assert!(valid, "{report}");
    Some(report)
}

async fn every_kind_of_answer_is_valid_fhir_r4(app: TestApp) {
    let Some(tools) = tools() else { return };
    let (gary, plan) = plan_of(&app, GARY).await;
    // Gary's address withheld from all but GPs: the nurse's read shows it
    // absent for a reason.
    mask_garys_address_but_for_gps(&app).await;
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let claimed = app.token_for("crisis.nurse", "PATRQT").await;
    let flags = get(&app, &nurse, &format!("/fhir/Flag?patient=Patient/{gary}"))
        .await
        .json();
    let flag = flags["entry"][0]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut answers: Vec<Value> = Vec::new();
    for (token, path) in [
        ("", "/fhir/metadata".to_owned()),
        (nurse.as_str(), format!("/fhir/Patient/{gary}")),
        (nurse.as_str(), by_nhs(GARY)),
        (nurse.as_str(), format!("/fhir/CarePlan/{plan}")),
        (nurse.as_str(), format!("/fhir/CarePlan/{plan}/_history/1")),
        (nurse.as_str(), format!("/fhir/CarePlan/{plan}/_history")),
        (
            nurse.as_str(),
            format!("/fhir/CarePlan?subject=Patient/{gary}"),
        ),
        (nurse.as_str(), format!("/fhir/Flag/{flag}")),
        (nurse.as_str(), format!("/fhir/Flag?patient=Patient/{gary}")),
        // An empty search, a 404, a 403, a 400, a 401 and a 406.
        (nurse.as_str(), by_nhs("9990001111")),
        (
            nurse.as_str(),
            format!("/fhir/Patient/{}", uuid::Uuid::new_v4()),
        ),
        (claimed.as_str(), format!("/fhir/Patient/{gary}")),
        (nurse.as_str(), "/fhir/Patient?phone=x".to_owned()),
        ("", format!("/fhir/Patient/{gary}")),
        (nurse.as_str(), format!("/fhir/Patient/{gary}?_format=xml")),
        // A search by name, his address withheld from the nurse.
        (nurse.as_str(), "/fhir/Patient?name=Gary".to_owned()),
    ] {
        answers.push(get(&app, token, &path).await.json());
    }
    assert_eq!(
        answers[1]["address"][0]["extension"][0]["valueCode"],
        "masked"
    );
    for (i, status) in [
        (10, "not-found"),
        (11, "forbidden"),
        (12, "not-supported"),
        (13, "login"),
        (14, "not-supported"),
    ] {
        assert_eq!(answers[i]["issue"][0]["code"], status, "{}", answers[i]);
    }
    let (valid, report) = node(
        &tools,
        script("validate.cjs"),
        &[],
        &Value::Array(answers).to_string(),
    );
    assert!(valid, "{report}");
    assert!(report.contains("validated; 0 invalid"), "{report}");

    // The validator is not a rubber stamp: a Patient with a field R4 does
    // not have, and one with a wrongly typed field, are both refused.
    let broken = serde_json::json!([
        { "resourceType": "Patient", "id": "x", "colour": "blue" },
        { "resourceType": "Patient", "id": "y", "birthDate": 1990 },
    ]);
    let (valid, report) = node(&tools, script("validate.cjs"), &[], &broken.to_string());
    assert!(!valid, "{report}");
    assert!(report.contains("validated; 2 invalid"), "{report}");
}

async fn the_records_other_resources_and_its_audit_are_valid_fhir_r4(app: TestApp) {
    let Some(tools) = tools() else { return };
    consents_and_contacts_for_gary(&app).await;
    garys_referral(&app).await;
    garys_thread(&app).await;
    let gary = person_id(&app, GARY).await;
    let leah = person_id(&app, LEAH).await;
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let practitioner = app.token_for("mh.practitioner", "TREAT").await;
    let gp = app.token_for("gp", "TREAT").await;
    let own = app.token_for("person", "PATRQT").await;
    let daniel = person_id(&app, DANIEL).await;
    let mut answers: Vec<Value> = Vec::new();
    let mut reads = Vec::new();
    for (token, search) in [
        (&nurse, format!("/fhir/Consent?patient=Patient/{gary}")),
        // The demo's refusal: Leah's of everything to the police.
        (
            &practitioner,
            format!("/fhir/Consent?patient=Patient/{leah}"),
        ),
        (&nurse, format!("/fhir/Encounter?patient=Patient/{gary}")),
        (&nurse, "/fhir/Organization".to_owned()),
        (&gp, format!("/fhir/ServiceRequest?patient=Patient/{gary}")),
        (&gp, format!("/fhir/Task?patient=Patient/{gary}")),
        (&gp, format!("/fhir/Communication?patient=Patient/{gary}")),
        (&nurse, format!("/fhir/CareTeam?patient=Patient/{gary}")),
        (
            &own,
            format!("/fhir/RelatedPerson?patient=Patient/{daniel}"),
        ),
    ] {
        let found = get(&app, token, &search).await;
        assert_eq!(found.status, 200, "{search}: {}", found.text);
        let found = found.json();
        assert!(found["total"].as_u64().unwrap() > 0, "{search}: {found}");
        for entry in found["entry"].as_array().unwrap() {
            let resource = &entry["resource"];
            let kind = resource["resourceType"].as_str().unwrap();
            let id = resource["id"].as_str().unwrap();
            reads.push((token.clone(), format!("/fhir/{kind}/{id}")));
        }
        answers.push(found);
    }
    for (token, path) in reads {
        let read = get(&app, &token, &path).await;
        assert_eq!(read.status, 200, "{path}: {}", read.text);
        answers.push(read.json());
    }
    // Everything about Gary the GP may see, as one Bundle.
    let everything = get(&app, &gp, &format!("/fhir/Patient/{gary}/$everything")).await;
    assert_eq!(everything.status, 200, "{}", everything.text);
    answers.push(everything.json());
    // The staff Gary's care team names, as who they are and what they do.
    let care_team = answers
        .iter()
        .find(|a| a["resourceType"] == "CareTeam")
        .cloned()
        .expect("Gary's care team");
    for participant in care_team["participant"].as_array().unwrap() {
        let member = participant["member"]["reference"].as_str().unwrap();
        let id = member.trim_start_matches("Practitioner/");
        for kind in ["Practitioner", "PractitionerRole"] {
            let read = get(&app, &nurse, &format!("/fhir/{kind}/{id}")).await;
            assert_eq!(read.status, 200, "{kind}/{id}: {}", read.text);
            answers.push(read.json());
        }
    }
    // The audit, as the person and as governance search it (searched only),
    // and the agreements.
    let ig = app.token_for("ig.lead", "TREAT").await;
    for (token, search) in [
        (&own, "/fhir/AuditEvent".to_owned()),
        (&ig, "/fhir/AuditEvent?altid=gp".to_owned()),
        (&ig, format!("/fhir/AuditEvent?patient=Patient/{gary}")),
        (&ig, "/fhir/Contract".to_owned()),
    ] {
        let found = get(&app, token, &search).await;
        assert_eq!(found.status, 200, "{search}: {}", found.text);
        let found = found.json();
        for entry in found["entry"].as_array().into_iter().flatten() {
            answers.push(entry["resource"].clone());
        }
        answers.push(found);
    }
    let kinds: Vec<&str> = answers
        .iter()
        .filter_map(|a| a["resourceType"].as_str())
        .collect();
    for kind in [
        "AuditEvent",
        "CareTeam",
        "Contract",
        "Practitioner",
        "PractitionerRole",
        "RelatedPerson",
        "Consent",
        "Encounter",
        "Organization",
        "ServiceRequest",
        "Task",
        "Communication",
    ] {
        assert!(kinds.contains(&kind), "{kinds:?}");
    }
    let (valid, report) = node(
        &tools,
        script("validate.cjs"),
        &[],
        &Value::Array(answers).to_string(),
    );
    assert!(valid, "{report}");
    assert!(report.contains("; 0 invalid"), "{report}");
}

async fn a_third_party_client_reads_a_person_their_plan_and_flags(app: TestApp) {
    let Some(tools) = tools() else { return };
    consents_and_contacts_for_gary(&app).await;
    let referral = garys_referral(&app).await;
    garys_thread(&app).await;
    let (gary, plan) = plan_of(&app, GARY).await;
    let token = app.token_for("crisis.nurse", "TREAT").await;
    let base = app.url("/fhir");
    let (ok, output) = node(&tools, script("client.mjs"), &[&base, &token, GARY], "");
    assert!(ok, "{output}");
    let read: Value =
        serde_json::from_str(output.trim()).unwrap_or_else(|e| panic!("{e}: {output}"));
    assert_eq!(read["capability"]["fhirVersion"], "4.0.1");
    assert_eq!(read["found"]["total"], 1);
    assert_eq!(read["patient"]["id"], gary.to_string());
    assert_eq!(read["plans"]["entry"][0]["resource"]["id"], plan);
    assert_eq!(read["first"]["meta"]["versionId"], "1");
    assert_eq!(read["flags"]["total"], 2);
    assert_eq!(read["consents"]["total"], 1);
    assert_eq!(
        read["consents"]["entry"][0]["resource"]["resourceType"],
        "Consent"
    );
    assert_eq!(read["encounters"]["total"], 2);
    // Paged one at a time, the two pages are the two contacts, in order.
    for (page, at) in [("firstPage", 0), ("secondPage", 1)] {
        assert_eq!(read[page]["total"], 2, "{page}");
        assert_eq!(read[page]["entry"].as_array().unwrap().len(), 1, "{page}");
        assert_eq!(
            read[page]["entry"][0]["resource"], read["encounters"]["entry"][at]["resource"],
            "{page}"
        );
    }
    assert_eq!(
        read["organization"],
        read["organizations"]["entry"][0]["resource"]
    );
    // The crisis nurse is party to the GP's referral (the receiving trust)
    // and to the thread the GP wrote to her.
    for (kind, total) in [
        ("ServiceRequest", 1),
        ("Task", 1),
        ("Communication", 2),
        ("CareTeam", 1),
    ] {
        assert_eq!(
            read["about"][kind]["total"], total,
            "{kind}: {}",
            read["about"][kind]
        );
    }
    assert_eq!(
        read["about"]["Task"]["entry"][0]["resource"]["id"],
        referral
    );
    assert_eq!(read["practitioner"]["resourceType"], "Practitioner");
}

crate::on_both_stores!(
    every_kind_of_answer_is_valid_fhir_r4,
    the_records_other_resources_and_its_audit_are_valid_fhir_r4,
    a_third_party_client_reads_a_person_their_plan_and_flags,
);
