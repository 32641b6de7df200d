//! Contact events sent without an NHS number, on both stores: the sender
//! is answered alike whoever the event describes; the matching job records
//! an event for the one person it certainly describes and leaves one like
//! no one unmatched; a near match waits for a reviewer of the sending
//! organisation, who reads each candidate through the access decision
//! (audited, under a match-review relationship of their own) and links it,
//! says it is no one listed, or is unsure. And what an attacker with a
//! staff account would try: another organisation's event, a person the
//! event was never matched to, the wrong purpose, a source system reading
//! the queue.

use concordat_domain::ids::PersonId;
use concordat_store::persons;
use serde_json::{json, Value};

use crate::fixtures::{
    count, csrf_token, get_json, location, page, person_id, post_form, post_json, signed_in,
    DANIEL, GARY,
};
use crate::harness::TestApp;

/// What a dispatcher knows of the person with `nhs`: everything the
/// record has but the NHS number.
pub(crate) async fn described(app: &TestApp, nhs: &str) -> Value {
    let mut conn = app.store.read().await.unwrap();
    let nhs = concordat_domain::nhs_number::NhsNumber::parse(nhs).unwrap();
    let person = persons::person_by_nhs_number(&mut conn, &nhs)
        .await
        .unwrap()
        .unwrap();
    let mut details = json!({
        "given_name": person.name().given(),
        "family_name": person.name().family(),
        "birth_date": person.birth_date().date().to_string(),
    });
    if let Some(address) = person.address() {
        details["postcode"] = json!(address.postcode().as_str());
    }
    if let Some(sex) = person.sex() {
        details["sex"] = json!(sex.as_str());
    }
    details
}

pub(crate) fn call_999(event_id: &str, person: Value) -> Value {
    json!({
        "source_system": "ambulance-cad", "event_id": event_id, "kind": "call-999",
        "person": person, "occurred_at": "2026-03-03T02:10:00Z",
        "outcome": "Crew attended; advice given"
    })
}

fn nobody() -> Value {
    json!({
        "given_name": "Zebedee", "family_name": "Quaxworthy", "birth_date": "1931-02-02",
        "postcode": "NS9 9ZZ"
    })
}

pub(crate) async fn held_status(app: &TestApp, event_id: &str) -> String {
    crate::fixtures::texts(
        app,
        &format!("SELECT status FROM held_events WHERE event_id = '{event_id}'"),
        "status",
    )
    .await
    .pop()
    .unwrap_or_default()
}

/// Sends the ambulance service's event, runs the matching job; the held
/// event's id.
pub(crate) async fn held(app: &TestApp, event: Value) -> String {
    let cad = app.token_for("ambulance-cad", "TREAT").await;
    let sent = post_json(app, &cad, "/api/v1/events", event).await;
    assert_eq!(sent.status(), 202);
    let id = sent.json::<Value>().await.unwrap()["held"]
        .as_str()
        .unwrap()
        .to_owned();
    app.run_jobs().await;
    id
}

async fn contacts_of(app: &TestApp, person: PersonId, event_id: &str) -> i64 {
    count(
        app,
        &format!(
            "SELECT COUNT(*) AS n FROM contact_events WHERE person_id = '{person}' \
             AND source_event_id = '{event_id}'"
        ),
    )
    .await
}

async fn an_event_that_fits_one_person_is_recorded_for_them_and_one_like_no_one_is_left(
    app: TestApp,
) {
    let gary = person_id(&app, GARY).await;
    let cad = app.token_for("ambulance-cad", "TREAT").await;

    let fits = post_json(
        &app,
        &cad,
        "/api/v1/events",
        call_999("H-1", described(&app, GARY).await),
    )
    .await;
    let fits_status = fits.status();
    let fits: Value = fits.json().await.unwrap();
    let none = post_json(&app, &cad, "/api/v1/events", call_999("H-2", nobody())).await;
    let none_status = none.status();
    let none: Value = none.json().await.unwrap();
    // Alike whoever the event describes: status, fields and words.
    assert_eq!(fits_status, 202);
    assert_eq!(none_status, 202);
    assert_eq!(fits["status"], "held");
    assert_eq!(fits["reason"], none["reason"]);
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&fits), keys(&none));
    assert_eq!(
        contacts_of(&app, gary, "H-1").await,
        0,
        "nothing recorded yet"
    );
    // Sent again, it is held once.
    let again = post_json(
        &app,
        &cad,
        "/api/v1/events",
        call_999("H-1", described(&app, GARY).await),
    )
    .await;
    assert_eq!(again.status(), 200);
    let again: Value = again.json().await.unwrap();
    assert_eq!(again["held"], fits["held"]);

    app.run_jobs().await;
    assert_eq!(held_status(&app, "H-1").await, "linked");
    assert_eq!(contacts_of(&app, gary, "H-1").await, 1);
    assert_eq!(held_status(&app, "H-2").await, "unmatched");
    // The holding (each time it was sent) and the recording are both in
    // the audit.
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM audit_log WHERE reasons LIKE '%held for matching: H-1%'"
        )
        .await,
        2
    );
    assert!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{gary}' AND action = 'write' \
                 AND reasons LIKE '%ambulance-cad/H-1%'"
            )
        )
        .await
            >= 1
    );
    // The unmatched event waits for the reviewers of the sender's
    // organisation, with no one to compare it with.
    let paramedic = app.token_for("paramedic", "TREAT").await;
    let (status, queue) = get_json(&app, &paramedic, "/api/v1/matching").await;
    assert_eq!(status, 200);
    let queue = queue.as_array().unwrap();
    assert_eq!(queue.len(), 1, "{queue:?}");
    assert_eq!(queue[0]["event_id"], "H-2");
    assert_eq!(queue[0]["candidates"], 0);
}

async fn a_batch_holds_its_lines_without_an_nhs_number_beside_those_it_records(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let gary = person_id(&app, GARY).await;
    let cad = app.token_for("ambulance-cad", "TREAT").await;
    let mut numbered = call_999("B-1", Value::Null);
    numbered.as_object_mut().unwrap().remove("person");
    numbered["nhs_number"] = json!(DANIEL);
    let described = call_999("B-2", described(&app, GARY).await);
    let bad = call_999(
        "B-3",
        json!({"family_name": "Holt", "birth_date": "31/01/1979"}),
    );
    let body = format!("{numbered}\n{described}\n{bad}\n");
    let response = app
        .client
        .post(app.url("/api/v1/events:batch"))
        .bearer_auth(&cad)
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.unwrap();
    assert_eq!(
        report["totals"],
        json!({"lines": 3, "recorded": 1, "duplicates": 0, "held": 1, "errors": 1})
    );
    assert_eq!(report["lines"][1]["status"], "held");
    assert!(report["lines"][2]["reason"]
        .as_str()
        .unwrap()
        .contains("person.birth_date"));
    assert_eq!(contacts_of(&app, daniel, "B-1").await, 1);
    app.run_jobs().await;
    assert_eq!(contacts_of(&app, gary, "B-2").await, 1);
}

/// Gary's emergency contacts in one month from the ambulance service, the
/// police and the emergency department, none with his NHS number and two
/// with his name as a dispatcher heard it: matched to him, they put him on
/// the frequent-contact list, as six contacts with his number would.
async fn contacts_without_his_nhs_number_put_gary_on_the_frequent_contact_list(app: TestApp) {
    use concordat_server::Clock as _;
    let gary = person_id(&app, GARY).await;
    // The community team offers support to people on the list.
    let team = crate::fixtures::user(&app, "mh.practitioner")
        .await
        .team_id()
        .expect("the practitioner's team");
    {
        let mut tx = app.store.write().await.unwrap();
        concordat_store::frequent_contact::set_support_team(&mut tx, team, true)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }
    let him = described(&app, GARY).await;
    let mut heard = him.clone();
    heard["given_name"] = json!("Gaz");
    let senders = [
        ("ambulance-cad", "call-999", &him),
        ("police-control", "street-triage", &him),
        ("northshire-ed", "ed-attendance", &heard),
        ("ambulance-cad", "call-999", &heard),
        ("police-control", "street-triage", &him),
        ("northshire-ed", "ed-attendance", &him),
    ];
    for (i, (system, kind, person)) in senders.iter().enumerate() {
        let token = app.token_for(system, "TREAT").await;
        let at = app.clock.now() - chrono::Duration::days(20 - i as i64 * 3);
        let event = json!({
            "source_system": system, "event_id": format!("G-{i}"), "kind": kind,
            "person": person, "occurred_at": at.to_rfc3339(), "outcome": "Seen and advised"
        });
        let sent = post_json(&app, &token, "/api/v1/events", event).await;
        assert_eq!(sent.status(), 202, "{}", sent.text().await.unwrap());
    }
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM frequent_contact_entries WHERE person_id = '{gary}'"
            )
        )
        .await,
        0
    );
    app.run_jobs().await;
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM contact_events WHERE person_id = '{gary}' \
                 AND source_event_id LIKE 'G-%'"
            )
        )
        .await,
        6
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM frequent_contact_entries WHERE person_id = '{gary}' \
                 AND status = 'identified'"
            )
        )
        .await,
        1,
        "on the list after the sixth"
    );
}

/// Never links without review: every match waits for a reviewer.
/// Every near match waits for a reviewer: nothing is linked by the job.
pub(crate) fn review_everything(config: &mut concordat_server::ServerConfig) {
    config.link = concordat_link::Thresholds::new(0.5, 1.0).unwrap();
}

async fn a_reviewer_reads_each_candidate_under_the_decision_and_links_the_event(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let cad = app.token_for("ambulance-cad", "TREAT").await;
    let held = post_json(
        &app,
        &cad,
        "/api/v1/events",
        call_999("R-1", described(&app, GARY).await),
    )
    .await;
    let held: Value = held.json().await.unwrap();
    let id = held["held"].as_str().unwrap().to_owned();
    app.run_jobs().await;
    assert_eq!(held_status(&app, "R-1").await, "review");

    let paramedic = app.token_for("paramedic", "TREAT").await;
    let (status, item) = get_json(&app, &paramedic, &format!("/api/v1/matching/{id}")).await;
    assert_eq!(status, 200, "{item}");
    let first = &item["candidates"][0];
    assert_eq!(first["person_id"], gary.to_string());
    assert_eq!(first["demographics"]["family_name"], "Holt");
    assert!(first["evidence"]["probability"].as_f64().unwrap() > 0.5);
    assert_eq!(first["evidence"]["fields"].as_array().unwrap().len(), 7);
    // Read under a match-review relationship of the reviewer's own, audited.
    let reviewer = crate::fixtures::user(&app, "paramedic").await.id();
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM care_relationships WHERE person_id = '{gary}' \
                 AND kind = 'match-review' AND user_id = '{reviewer}'"
            )
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{gary}' AND action = 'read' \
                 AND outcome = 'allowed' AND reasons LIKE '%comparing with contact event R-1%'"
            )
        )
        .await,
        1
    );
    // The relationship lets the reviewer see demographics and nothing else.
    let (status, _) = get_json(
        &app,
        &paramedic,
        &format!("/api/v1/persons/{gary}?categories=crisis-plan"),
    )
    .await;
    assert_ne!(status, 200, "a match review opens nothing but demographics");

    let linked = post_json(
        &app,
        &paramedic,
        &format!("/api/v1/matching/{id}/decision"),
        json!({"decision": "link", "person_id": gary.to_string(), "note": "same address and date of birth"}),
    )
    .await;
    assert_eq!(linked.status(), 200);
    let linked: Value = linked.json().await.unwrap();
    assert_eq!(linked["event"]["status"], "linked");
    assert!(linked["contact_event"].is_string());
    assert_eq!(contacts_of(&app, gary, "R-1").await, 1);
    // Decided once.
    let again = post_json(
        &app,
        &paramedic,
        &format!("/api/v1/matching/{id}/decision"),
        json!({"decision": "not-linked"}),
    )
    .await;
    assert_eq!(again.status(), 409);
    let (_, queue) = get_json(&app, &paramedic, "/api/v1/matching").await;
    assert_eq!(queue.as_array().unwrap().len(), 0);
}

async fn unsure_leaves_it_for_another_reviewer_and_none_of_them_takes_it_off_the_queue(
    app: TestApp,
) {
    let cad = app.token_for("ambulance-cad", "TREAT").await;
    let held = post_json(
        &app,
        &cad,
        "/api/v1/events",
        call_999("U-1", described(&app, GARY).await),
    )
    .await;
    let id = held.json::<Value>().await.unwrap()["held"]
        .as_str()
        .unwrap()
        .to_owned();
    app.run_jobs().await;
    let paramedic = app.token_for("paramedic", "TREAT").await;
    let path = format!("/api/v1/matching/{id}/decision");
    let unsure = post_json(
        &app,
        &paramedic,
        &path,
        json!({"decision": "unsure", "note": "twin?"}),
    )
    .await;
    assert_eq!(unsure.status(), 200);
    let (_, queue) = get_json(&app, &paramedic, "/api/v1/matching").await;
    assert_eq!(queue[0]["unsure"], true);
    assert_eq!(queue[0]["note"], "twin?");
    let none = post_json(&app, &paramedic, &path, json!({"decision": "not-linked"})).await;
    assert_eq!(none.status(), 200);
    let (_, queue) = get_json(&app, &paramedic, "/api/v1/matching").await;
    assert_eq!(queue.as_array().unwrap().len(), 0);
    assert_eq!(held_status(&app, "U-1").await, "unmatched");
    let bad = post_json(&app, &paramedic, &path, json!({"decision": "merge"})).await;
    assert_eq!(bad.status(), 400);
}

async fn a_staff_account_cannot_reach_past_its_organisation_its_purpose_or_the_candidates(
    app: TestApp,
) {
    let daniel = person_id(&app, DANIEL).await;
    let cad = app.token_for("ambulance-cad", "TREAT").await;
    let held = post_json(
        &app,
        &cad,
        "/api/v1/events",
        call_999("A-1", described(&app, GARY).await),
    )
    .await;
    let id = held.json::<Value>().await.unwrap()["held"]
        .as_str()
        .unwrap()
        .to_owned();
    app.run_jobs().await;
    let item = format!("/api/v1/matching/{id}");
    let decision = format!("{item}/decision");

    // Another organisation's reviewer: as for no such event, alike for an
    // unparseable id and an unknown one; its queue is its own.
    let police = app.token_for("police", "TREAT").await;
    let (status, other) = get_json(&app, &police, &item).await;
    let (unknown_status, unknown) = get_json(
        &app,
        &police,
        &format!("/api/v1/matching/{}", uuid::Uuid::new_v4()),
    )
    .await;
    let (junk_status, junk) = get_json(&app, &police, "/api/v1/matching/not-an-id").await;
    assert_eq!((status, unknown_status, junk_status), (404, 404, 404));
    assert_eq!(other["detail"], unknown["detail"]);
    assert_eq!(other["detail"], junk["detail"]);
    let (_, queue) = get_json(&app, &police, "/api/v1/matching").await;
    assert_eq!(queue.as_array().unwrap().len(), 0);
    let link = json!({"decision": "link", "person_id": person_id(&app, GARY).await.to_string()});
    assert_eq!(
        post_json(&app, &police, &decision, link).await.status(),
        404
    );

    // The sender's own reviewer links only someone they have compared:
    // without opening the event, Gary is as no one to them.
    let paramedic = app.token_for("paramedic", "TREAT").await;
    let unseen = json!({"decision": "link", "person_id": person_id(&app, GARY).await.to_string()});
    assert_eq!(
        post_json(&app, &paramedic, &decision, unseen)
            .await
            .status(),
        404
    );
    assert_eq!(held_status(&app, "A-1").await, "review");
    // And only a person matching listed.
    let elsewhere = json!({"decision": "link", "person_id": daniel.to_string()});
    let refused = post_json(&app, &paramedic, &decision, elsewhere).await;
    assert_eq!(refused.status(), 400);
    assert_eq!(contacts_of(&app, daniel, "A-1").await, 0);
    assert_eq!(held_status(&app, "A-1").await, "review");

    // Not for emergency treatment, and not for a source system.
    let urgent = app.token_for("paramedic", "ETREAT").await;
    assert_eq!(get_json(&app, &urgent, "/api/v1/matching").await.0, 403);
    assert_eq!(get_json(&app, &urgent, &item).await.0, 403);
    assert_eq!(get_json(&app, &cad, "/api/v1/matching").await.0, 403);
    // An event needs an NHS number or a description.
    let bare = json!({
        "source_system": "ambulance-cad", "event_id": "A-2", "kind": "call-999",
        "occurred_at": "2026-03-03T02:10:00Z"
    });
    let bare = post_json(&app, &cad, "/api/v1/events", bare).await;
    assert_eq!(bare.status(), 400);
    let thin = post_json(
        &app,
        &cad,
        "/api/v1/events",
        call_999("A-3", json!({"given_name": "Gary"})),
    )
    .await;
    assert_eq!(thin.status(), 400);
}

crate::on_both_stores!(
    an_event_that_fits_one_person_is_recorded_for_them_and_one_like_no_one_is_left,
    a_batch_holds_its_lines_without_an_nhs_number_beside_those_it_records,
    contacts_without_his_nhs_number_put_gary_on_the_frequent_contact_list,
);

async fn a_reviewer_matches_an_event_on_the_pages(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let cad = app.token_for("ambulance-cad", "TREAT").await;
    let held = post_json(
        &app,
        &cad,
        "/api/v1/events",
        call_999("P-1", described(&app, GARY).await),
    )
    .await;
    let id = held.json::<Value>().await.unwrap()["held"]
        .as_str()
        .unwrap()
        .to_owned();
    app.run_jobs().await;

    let paramedic = signed_in(&app, "paramedic").await;
    let (status, home) = page(&app, &paramedic, "/").await;
    assert_eq!(status, 200);
    assert!(
        home.contains("href=\"/matching\""),
        "the home page offers the queue"
    );
    let (status, queue) = page(&app, &paramedic, "/matching").await;
    assert_eq!(status, 200);
    assert!(queue.contains(&format!("/matching/{id}")), "{queue}");
    assert!(
        queue.contains("999 call") || queue.contains("call"),
        "{queue}"
    );
    let (status, item) = page(&app, &paramedic, &format!("/matching/{id}")).await;
    assert_eq!(status, 200);
    assert!(
        item.contains("Holt"),
        "the candidate's details side by side"
    );
    assert!(item.contains("Their record says"));
    let token = csrf_token(&item);

    // Nothing chosen: the form says so, and nothing is decided.
    let path = format!("/matching/{id}");
    let empty = post_form(
        &app,
        &paramedic,
        &path,
        &[("csrf_token", &token), ("decision", "")],
    )
    .await;
    assert_eq!(empty.status(), 400);
    assert!(empty
        .text()
        .await
        .unwrap()
        .contains("Choose the person it is about"));
    assert_eq!(held_status(&app, "P-1").await, "review");

    let gary_id = gary.to_string();
    let done = post_form(
        &app,
        &paramedic,
        &path,
        &[
            ("csrf_token", &token),
            ("decision", &gary_id),
            ("note", "same date of birth and address"),
        ],
    )
    .await;
    assert_eq!(done.status(), 303);
    assert_eq!(location(&done), format!("/matching/{id}?done=linked"));
    assert_eq!(contacts_of(&app, gary, "P-1").await, 1);
    let (_, after) = page(&app, &paramedic, &format!("/matching/{id}?done=linked")).await;
    assert!(after.contains("Matched: the contact is now on their record."));
    assert!(!after.contains("id=\"decide\""), "no form once decided");
    // Another organisation's staff meet the page for no such event.
    let police = signed_in(&app, "police").await;
    assert_eq!(page(&app, &police, &path).await.0, 404);
}

crate::on_both_stores!(reviewed with review_everything:
    a_reviewer_matches_an_event_on_the_pages,
    a_reviewer_reads_each_candidate_under_the_decision_and_links_the_event,
    unsure_leaves_it_for_another_reviewer_and_none_of_them_takes_it_off_the_queue,
    a_staff_account_cannot_reach_past_its_organisation_its_purpose_or_the_candidates,
);
