//! `ServiceRequest` and `Task` over FHIR: a referral as what was asked and
//! as its lifecycle, for its parties only, each read audited.

use serde_json::{json, Value};

use super::{assert_gary_meets_no_one, audited, get, STRANGERS};
use crate::fixtures::{person_id, post_json, GARY};
use crate::harness::TestApp;
use crate::referrals::team;

pub const COMMUNITY: &str = "North Community Mental Health Team";

/// The GP's urgent referral of Gary to the community team: its id.
pub async fn garys_referral(app: &TestApp) -> String {
    let gp = app.token_for("gp", "TREAT").await;
    let community = team(app, COMMUNITY).await;
    let sent = post_json(
        app,
        &gp,
        "/api/v1/referrals",
        json!({
            "nhs_number": GARY, "to_team_id": community.to_string(), "urgency": "urgent",
            "reason": "Low mood since losing his job; not sleeping",
            "sections": [{"title": "Risk", "text": "Talked of ending his life last week"}]
        }),
    )
    .await;
    assert_eq!(sent.status(), 201);
    sent.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn a_referral_is_a_service_request_and_a_task_for_its_parties(app: TestApp) {
    let id = garys_referral(&app).await;
    let gary = person_id(&app, GARY).await;
    let gp = app.token_for("gp", "TREAT").await;

    let before = audited(&app, gary).await;
    let asked = get(&app, &gp, &format!("/fhir/ServiceRequest/{id}")).await;
    assert_eq!(asked.status, 200, "{}", asked.text);
    assert_eq!(audited(&app, gary).await, before + 1, "the read is audited");
    let asked = asked.json();
    assert_eq!(asked["status"], "active");
    assert_eq!(asked["intent"], "order");
    assert_eq!(asked["priority"], "urgent");
    assert_eq!(asked["subject"]["reference"], format!("Patient/{gary}"));
    assert_eq!(
        asked["reasonCode"][0]["text"],
        "Low mood since losing his job; not sleeping"
    );
    assert_eq!(
        asked["note"][0]["text"],
        "**Risk**\n\nTalked of ending his life last week"
    );
    assert!(
        asked["performer"][0]["display"]
            .as_str()
            .unwrap()
            .starts_with(COMMUNITY),
        "{asked}"
    );

    let task = get(&app, &gp, &format!("/fhir/Task/{id}")).await.json();
    assert_eq!(task["status"], "requested", "{task}");
    assert_eq!(task["businessStatus"]["coding"][0]["code"], "sent");
    assert_eq!(task["focus"]["reference"], format!("ServiceRequest/{id}"));
    assert_eq!(task["for"]["reference"], format!("Patient/{gary}"));
    assert_eq!(task["extension"][1]["valueInteger"], 0, "not escalated");
    assert!(task["restriction"]["period"]["end"].is_string());

    // The receiving team acknowledges and accepts: the Task follows, each
    // step on its timeline.
    let practitioner = app.token_for("mh.practitioner", "TREAT").await;
    for action in ["acknowledge", "accept"] {
        let acted = post_json(
            &app,
            &practitioner,
            &format!("/api/v1/referrals/{id}/{action}"),
            json!({"note": "Duty worker will ring him today"}),
        )
        .await;
        assert_eq!(acted.status(), 200, "{action}");
    }
    let task = get(&app, &practitioner, &format!("/fhir/Task/{id}")).await;
    assert_eq!(task.status, 200, "{}", task.text);
    let task = task.json();
    assert_eq!(task["status"], "accepted");
    assert_eq!(task["meta"]["lastUpdated"], task["lastModified"]);
    let steps: Vec<&str> = task["note"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap())
        .collect();
    for step in ["sent", "acknowledged", "accepted"] {
        assert!(steps.iter().any(|s| s.starts_with(step)), "{steps:?}");
    }

    // Searched by the person, each party finds what it reads.
    let asked = get(&app, &gp, &format!("/fhir/ServiceRequest/{id}"))
        .await
        .json();
    for (token, search, read) in [
        (
            &gp,
            format!("/fhir/ServiceRequest?patient=Patient/{gary}"),
            &asked,
        ),
        (
            &practitioner,
            format!("/fhir/Task?subject=Patient/{gary}"),
            &task,
        ),
    ] {
        let found = get(&app, token, &search).await;
        assert_eq!(found.status, 200, "{search}: {}", found.text);
        let found = found.json();
        assert_eq!(found["total"], 1, "{found}");
        assert_eq!(&found["entry"][0]["resource"], read, "{search}");
    }
}

async fn a_referral_is_no_one_to_whoever_is_no_party_to_it(app: TestApp) {
    let id = garys_referral(&app).await;
    for (who, purpose) in STRANGERS {
        let token = app.token_for(who, purpose).await;
        for kind in ["ServiceRequest", "Task"] {
            assert_gary_meets_no_one(&app, &token, kind, &id, "patient").await;
        }
    }
}

crate::on_both_stores!(
    a_referral_is_a_service_request_and_a_task_for_its_parties,
    a_referral_is_no_one_to_whoever_is_no_party_to_it,
);
