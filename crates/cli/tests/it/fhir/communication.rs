//! `Communication` over FHIR: professional messages about a person, for
//! the thread's participants only; fetching one leaves no read receipt.

use serde_json::{json, Value};

use super::{assert_gary_meets_no_one, audited, get, STRANGERS};
use crate::fixtures::{count, get_json, person_id, post_json, GARY};
use crate::harness::TestApp;

/// The GP's thread about Gary to his crisis nurse, asking for an
/// acknowledgement within a day, and the nurse's reply: the thread's id.
pub async fn garys_thread(app: &TestApp) -> String {
    let gary = person_id(app, GARY).await;
    let gp = app.token_for("gp", "TREAT").await;
    let started = post_json(
        app,
        &gp,
        &format!("/api/v1/persons/{gary}/threads"),
        json!({
            "subject": "Stopped his sertraline",
            "to_usernames": ["crisis.nurse"],
            "body": "Gary tells me he stopped his sertraline a week ago.",
            "acknowledge_within_hours": 24
        }),
    )
    .await;
    assert_eq!(started.status(), 201);
    let thread = started.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let (status, _) = get_json(app, &nurse, &format!("/api/v1/threads/{thread}")).await;
    assert_eq!(status, 200);
    let replied = post_json(
        app,
        &nurse,
        &format!("/api/v1/threads/{thread}/messages"),
        json!({"body": "Thank you; I will visit him tomorrow."}),
    )
    .await;
    assert_eq!(replied.status(), 201);
    thread
}

async fn reads(app: &TestApp) -> i64 {
    count(app, "SELECT COUNT(*) AS n FROM message_reads").await
}

async fn messages_are_communications_for_the_threads_participants(app: TestApp) {
    let thread = garys_thread(&app).await;
    let gary = person_id(&app, GARY).await;
    let gp = app.token_for("gp", "TREAT").await;

    let receipts = reads(&app).await;
    let before = audited(&app, gary).await;
    let found = get(
        &app,
        &gp,
        &format!("/fhir/Communication?patient=Patient/{gary}"),
    )
    .await;
    assert_eq!(found.status, 200, "{}", found.text);
    assert_eq!(
        audited(&app, gary).await,
        before + 1,
        "the search is audited"
    );
    let found = found.json();
    assert_eq!(found["total"], 2, "{found}");
    let first = &found["entry"][0]["resource"];
    let reply = &found["entry"][1]["resource"];
    assert_eq!(first["status"], "completed");
    assert_eq!(first["subject"]["reference"], format!("Patient/{gary}"));
    assert_eq!(first["topic"]["text"], "Stopped his sertraline");
    assert_eq!(
        first["payload"][0]["contentString"],
        "Gary tells me he stopped his sertraline a week ago."
    );
    assert_eq!(first["extension"][0]["valueIdentifier"]["value"], thread);
    assert_eq!(
        first["extension"][1]["url"],
        "urn:concordat:fhir:extension:acknowledge-due"
    );
    assert!(first["received"].is_string(), "the nurse read it: {first}");
    assert_eq!(
        first["meta"]["lastUpdated"], first["received"],
        "last changed when read"
    );
    assert!(first.get("inResponseTo").is_none());
    assert_eq!(
        reply["inResponseTo"][0]["reference"],
        format!("Communication/{}", first["id"].as_str().unwrap())
    );
    assert!(reply.get("received").is_none(), "the GP has not read it");

    let id = reply["id"].as_str().unwrap();
    let read = get(&app, &gp, &format!("/fhir/Communication/{id}")).await;
    assert_eq!(read.status, 200, "{}", read.text);
    assert_eq!(&read.json(), reply);
    assert_eq!(reads(&app).await, receipts, "fetching left no read receipt");
}

async fn a_message_is_no_one_to_whoever_is_not_in_its_thread(app: TestApp) {
    garys_thread(&app).await;
    let gary = person_id(&app, GARY).await;
    let gp = app.token_for("gp", "TREAT").await;
    let found = get(
        &app,
        &gp,
        &format!("/fhir/Communication?patient=Patient/{gary}"),
    )
    .await
    .json();
    let id = found["entry"][0]["resource"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (who, purpose) in STRANGERS {
        let token = app.token_for(who, purpose).await;
        assert_gary_meets_no_one(&app, &token, "Communication", &id, "patient").await;
    }
}

crate::on_both_stores!(
    messages_are_communications_for_the_threads_participants,
    a_message_is_no_one_to_whoever_is_not_in_its_thread,
);
