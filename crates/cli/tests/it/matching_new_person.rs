//! A held event that matches no one starts a person record only by a
//! reviewer's choice, on both stores: the record takes what the event said
//! (names, date of birth, phone, the sender's own identifier) and the
//! address the reviewer adds; the event is recorded for the new person
//! through the same ingest as any other, though they have no NHS number;
//! the next event about them finds them by matching. Bad input changes
//! nothing, and a staff account of another organisation or purpose reaches
//! nothing.

use concordat_domain::ids::PersonId;
use serde_json::{json, Value};

use crate::fixtures::{
    count, csrf_token, location, page, post_form, post_json, posts_alike_as_for_nothing, signed_in,
    texts,
};
use crate::harness::TestApp;
use crate::matching::{call_999, held, held_status, review_everything};

const AMBULANCE_PATIENT: &str = "https://ambulance.example/patient";

fn zebedee(identifier: &str) -> Value {
    json!({
        "given_name": "Zebedee", "family_name": "Quaxworthy", "birth_date": "1961-02-02",
        "postcode": "NS9 9ZZ", "phone": "07700 900123",
        "identifier": {"system": AMBULANCE_PATIENT, "value": identifier}
    })
}

async fn people_called(app: &TestApp, family: &str) -> Vec<PersonId> {
    texts(
        app,
        &format!("SELECT id FROM persons WHERE family_name = '{family}'"),
        "id",
    )
    .await
    .iter()
    .map(|id| PersonId::parse(id).unwrap())
    .collect()
}

async fn contacts_of(app: &TestApp, person: PersonId) -> i64 {
    count(
        app,
        &format!("SELECT COUNT(*) AS n FROM contact_events WHERE person_id = '{person}'"),
    )
    .await
}

async fn a_reviewer_starts_a_record_for_someone_no_one_knows_and_the_next_event_finds_them(
    app: TestApp,
) {
    let id = held(&app, call_999("N-1", zebedee("AMB-77"))).await;
    assert_eq!(held_status(&app, "N-1").await, "unmatched");
    assert!(
        people_called(&app, "Quaxworthy").await.is_empty(),
        "the job never starts a record"
    );

    let paramedic = app.token_for("paramedic", "TREAT").await;
    let decided = post_json(
        &app,
        &paramedic,
        &format!("/api/v1/matching/{id}/decision"),
        json!({"decision": "new-person", "note": "not known to us before",
               "address_line": "4 Harbour Row", "town": "Northshire"}),
    )
    .await;
    assert_eq!(decided.status(), 200);
    let decided: Value = decided.json().await.unwrap();
    assert_eq!(decided["event"]["status"], "linked");
    assert!(decided["contact_event"].is_string(), "{decided}");

    let people = people_called(&app, "Quaxworthy").await;
    assert_eq!(people.len(), 1);
    let zeb = people[0];
    // What the event said, the reviewer's address, and no NHS number.
    assert_eq!(
        texts(
            &app,
            &format!(
                "SELECT given_name || '|' || birth_date || '|' || postcode || '|' || town AS v \
                 FROM persons WHERE id = '{zeb}' AND phone IS NOT NULL"
            ),
            "v"
        )
        .await,
        vec!["Zebedee|1961-02-02|NS9 9ZZ|Northshire".to_owned()]
    );
    assert_eq!(
        texts(
            &app,
            &format!(
                "SELECT system || '|' || value AS v FROM person_identifiers \
                 WHERE person_id = '{zeb}'"
            ),
            "v"
        )
        .await,
        vec![format!("{AMBULANCE_PATIENT}|AMB-77")]
    );
    assert_eq!(contacts_of(&app, zeb).await, 1);
    // The reviewer's choice is audited against the new record.
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{zeb}' \
                 AND reasons LIKE '%started this person''s record from contact event N-1%' \
                 AND reasons LIKE '%not known to us before%'"
            )
        )
        .await,
        1
    );

    // The next call about them is matched to the new record by the job and
    // recorded there, NHS number or not.
    held(&app, call_999("N-2", zebedee("AMB-77"))).await;
    assert_eq!(held_status(&app, "N-2").await, "linked");
    assert_eq!(contacts_of(&app, zeb).await, 2);
    assert_eq!(people_called(&app, "Quaxworthy").await.len(), 1);
}

async fn a_new_record_needs_what_every_record_needs_and_bad_input_changes_nothing(app: TestApp) {
    let paramedic = app.token_for("paramedic", "TREAT").await;
    let persons_before = count(&app, "SELECT COUNT(*) AS n FROM persons").await;

    // An event naming only a family name and the service's number cannot
    // start a record: the missing details are named, nothing is kept.
    let thin = held(
        &app,
        call_999(
            "T-1",
            json!({"family_name": "Quaxworthy",
                   "identifier": {"system": AMBULANCE_PATIENT, "value": "AMB-9"}}),
        ),
    )
    .await;
    let refused = post_json(
        &app,
        &paramedic,
        &format!("/api/v1/matching/{thin}/decision"),
        json!({"decision": "new-person"}),
    )
    .await;
    assert_eq!(refused.status(), 400);
    let body: Value = refused.json().await.unwrap();
    let named: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(named, ["given_name", "birth_date"], "{body}");
    assert_eq!(held_status(&app, "T-1").await, "unmatched");

    // A town without its first line, or an address for an event with no
    // postcode: named, nothing kept.
    let full = held(&app, call_999("T-2", zebedee("AMB-10"))).await;
    let path = format!("/api/v1/matching/{full}/decision");
    let half = post_json(
        &app,
        &paramedic,
        &path,
        json!({"decision": "new-person", "town": "Northshire"}),
    )
    .await;
    assert_eq!(half.status(), 400);
    let body: Value = half.json().await.unwrap();
    assert_eq!(body["errors"][0]["field"], "address_line", "{body}");
    let mut no_postcode = zebedee("AMB-11");
    no_postcode.as_object_mut().unwrap().remove("postcode");
    let bare = held(&app, call_999("T-3", no_postcode)).await;
    let addressed = post_json(
        &app,
        &paramedic,
        &format!("/api/v1/matching/{bare}/decision"),
        json!({"decision": "new-person", "address_line": "4 Harbour Row", "town": "Northshire"}),
    )
    .await;
    assert_eq!(addressed.status(), 400);
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM persons").await,
        persons_before
    );

    // Started once; deciding again is a conflict.
    let started = post_json(&app, &paramedic, &path, json!({"decision": "new-person"})).await;
    assert_eq!(started.status(), 200);
    let again = post_json(&app, &paramedic, &path, json!({"decision": "new-person"})).await;
    assert_eq!(again.status(), 409);
    assert_eq!(people_called(&app, "Quaxworthy").await.len(), 1);

    // Another event giving the same service number cannot start a second
    // record for it: the number names the first.
    let twin = held(&app, call_999("T-4", zebedee("AMB-10"))).await;
    assert_eq!(held_status(&app, "T-4").await, "review");
    let clash = post_json(
        &app,
        &paramedic,
        &format!("/api/v1/matching/{twin}/decision"),
        json!({"decision": "new-person"}),
    )
    .await;
    assert_eq!(clash.status(), 409);
    assert_eq!(held_status(&app, "T-4").await, "review");
    assert_eq!(people_called(&app, "Quaxworthy").await.len(), 1);
}

async fn another_organisation_or_purpose_starts_no_record(app: TestApp) {
    let id = held(&app, call_999("X-1", zebedee("AMB-12"))).await;
    let path = format!("/api/v1/matching/{id}/decision");
    let start = json!({"decision": "new-person"});

    // Another organisation's reviewer: as for no such event.
    let police = app.token_for("police", "TREAT").await;
    posts_alike_as_for_nothing(
        &app,
        &police,
        &path,
        &format!("/api/v1/matching/{}/decision", uuid::Uuid::new_v4()),
        start.clone(),
    )
    .await;
    // Not for emergency treatment; not for the sending system itself.
    let urgent = app.token_for("paramedic", "ETREAT").await;
    assert_eq!(
        post_json(&app, &urgent, &path, start.clone())
            .await
            .status(),
        403
    );
    let cad = app.token_for("ambulance-cad", "TREAT").await;
    assert_eq!(post_json(&app, &cad, &path, start).await.status(), 403);
    assert!(people_called(&app, "Quaxworthy").await.is_empty());
    assert_eq!(held_status(&app, "X-1").await, "unmatched");
}

async fn a_reviewer_starts_a_record_on_the_pages(app: TestApp) {
    let id = held(&app, call_999("W-1", zebedee("AMB-13"))).await;
    let paramedic = signed_in(&app, "paramedic").await;
    let path = format!("/matching/{id}");
    let (status, item) = page(&app, &paramedic, &path).await;
    assert_eq!(status, 200);
    assert!(item.contains("start a new record"), "{item}");
    let token = csrf_token(&item);

    // Half an address: the form comes back with what was typed and the
    // fault beside its field.
    let half = post_form(
        &app,
        &paramedic,
        &path,
        &[
            ("csrf_token", &token),
            ("decision", "new"),
            ("town", "Northshire"),
        ],
    )
    .await;
    assert_eq!(half.status(), 400);
    let body = half.text().await.unwrap();
    assert!(body.contains("id=\"address_line-error\""), "{body}");
    assert!(body.contains("value=\"Northshire\""));
    assert!(people_called(&app, "Quaxworthy").await.is_empty());

    let done = post_form(
        &app,
        &paramedic,
        &path,
        &[
            ("csrf_token", &token),
            ("decision", "new"),
            ("note", "first time we have met him"),
        ],
    )
    .await;
    assert_eq!(done.status(), 303);
    assert_eq!(location(&done), format!("{path}?done=new-person"));
    let (_, after) = page(&app, &paramedic, &format!("{path}?done=new-person")).await;
    assert!(after.contains("Started a new record for them"));
    let people = people_called(&app, "Quaxworthy").await;
    assert_eq!(people.len(), 1);
    assert_eq!(contacts_of(&app, people[0]).await, 1);
    // A forged form starts nothing.
    let next = held(&app, call_999("W-2", zebedee("AMB-14"))).await;
    let forged = post_form(
        &app,
        &paramedic,
        &format!("/matching/{next}"),
        &[("csrf_token", "forged"), ("decision", "new")],
    )
    .await;
    assert_ne!(forged.status(), 303);
    assert_eq!(people_called(&app, "Quaxworthy").await.len(), 1);
}

crate::on_both_stores!(reviewed with review_everything:
    a_new_record_needs_what_every_record_needs_and_bad_input_changes_nothing,
);

crate::on_both_stores!(
    a_reviewer_starts_a_record_for_someone_no_one_knows_and_the_next_event_finds_them,
    another_organisation_or_purpose_starts_no_record,
    a_reviewer_starts_a_record_on_the_pages,
);
