//! Two records of one person merged by a reviewer, and unmerged, on both
//! stores. A record started from an ambulance crew's contacts (a held event
//! a reviewer took for someone new) turns out to be Gary's: a later event
//! lists both, the reviewer compares them and folds the contact record into
//! Gary's — never the other way, since Gary's holds a plan and choices —
//! and the undo leaves both records exactly as they were. Records whose
//! identifiers from one system differ are never merged; and what an
//! attacker with a staff account would try reaches nothing.

use concordat_domain::ids::PersonId;
use serde_json::{json, Value};

use crate::fixtures::{
    count, csrf_token, get_json, location, page, person_id, post_form, post_json,
    posts_alike_as_for_nothing, signed_in, texts, GARY,
};
use crate::harness::TestApp;
use crate::matching::{call_999, described, held, review_everything};

const AMBULANCE_PATIENT: &str = "https://ambulance.example/patient";

/// Gary as the crew described him, with their own number for him.
async fn gary_by_the_crew(app: &TestApp, number: &str) -> Value {
    let mut details = described(app, GARY).await;
    details["identifier"] = json!({"system": AMBULANCE_PATIENT, "value": number});
    details
}

/// A record started by the reviewer from a held event about Gary.
async fn started_record(app: &TestApp, event_id: &str, number: &str) -> PersonId {
    let id = held(app, call_999(event_id, gary_by_the_crew(app, number).await)).await;
    let paramedic = app.token_for("paramedic", "TREAT").await;
    let started = post_json(
        app,
        &paramedic,
        &format!("/api/v1/matching/{id}/decision"),
        json!({"decision": "new-person", "note": "not on our system"}),
    )
    .await;
    assert_eq!(started.status(), 200);
    let owner = texts(
        app,
        &format!(
            "SELECT person_id FROM person_identifiers WHERE system = '{AMBULANCE_PATIENT}' \
             AND value = '{number}'"
        ),
        "person_id",
    )
    .await;
    PersonId::parse(&owner[0]).unwrap()
}

/// What a record holds that a merge moves, as one line to compare.
async fn holdings(app: &TestApp, person: PersonId) -> String {
    let list =
        |sql: String, column: &'static str| async move { texts(app, &sql, column).await.join(",") };
    format!(
        "identifiers [{}] contacts [{}] relationships [{}] merged into [{}]",
        list(
            format!(
                "SELECT system || '|' || value AS v FROM person_identifiers \
                 WHERE person_id = '{person}' ORDER BY system"
            ),
            "v"
        )
        .await,
        list(
            format!("SELECT id FROM contact_events WHERE person_id = '{person}' ORDER BY id"),
            "id"
        )
        .await,
        list(
            format!(
                "SELECT id FROM care_relationships WHERE person_id = '{person}' \
                 AND kind = 'active-contact' ORDER BY id"
            ),
            "id"
        )
        .await,
        list(
            format!("SELECT COALESCE(merged_into, '') AS m FROM persons WHERE id = '{person}'"),
            "m"
        )
        .await,
    )
}

async fn a_contact_record_is_folded_into_garys_and_the_undo_leaves_both_as_they_were(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let crews = started_record(&app, "M-1", "AMB-G1").await;
    assert_ne!(crews, gary);
    let gary_before = holdings(&app, gary).await;
    let crews_before = holdings(&app, crews).await;
    assert!(crews_before.contains("AMB-G1"), "{crews_before}");

    // A later call lists both; the reviewer opens it and compares them.
    let event = held(
        &app,
        call_999("M-2", gary_by_the_crew(&app, "AMB-G1").await),
    )
    .await;
    let paramedic = app.token_for("paramedic", "TREAT").await;
    let (status, item) = get_json(&app, &paramedic, &format!("/api/v1/matching/{event}")).await;
    assert_eq!(status, 200);
    let listed: Vec<&str> = item["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["person_id"].as_str().unwrap())
        .collect();
    assert!(listed.contains(&gary.to_string().as_str()), "{item}");
    assert!(listed.contains(&crews.to_string().as_str()), "{item}");
    let path = format!("/api/v1/matching/{event}/merge");

    // Gary's record holds a plan and his choices: it is never folded in.
    let wrong_way = post_json(
        &app,
        &paramedic,
        &path,
        json!({"kept_person_id": crews.to_string(), "merged_person_id": gary.to_string()}),
    )
    .await;
    assert_eq!(wrong_way.status(), 409);
    let why: Value = wrong_way.json().await.unwrap();
    assert!(
        why["detail"].as_str().unwrap().contains("a crisis plan"),
        "{why}"
    );
    assert_eq!(holdings(&app, gary).await, gary_before);

    let merged = post_json(
        &app,
        &paramedic,
        &path,
        json!({"kept_person_id": gary.to_string(), "merged_person_id": crews.to_string(),
               "note": "same man: the crew's number was given on both calls"}),
    )
    .await;
    assert_eq!(merged.status(), 201);
    let merged: Value = merged.json().await.unwrap();
    assert_eq!(merged["kept_person_id"], gary.to_string());
    assert!(
        merged["moved"]
            .as_str()
            .unwrap()
            .starts_with("1 identifier, 1 contact"),
        "{merged}"
    );
    // Gary's record now carries the crew's number and their contact; the
    // crew's record is part of his.
    let gary_after = holdings(&app, gary).await;
    assert!(gary_after.contains("AMB-G1"), "{gary_after}");
    assert_eq!(
        holdings(&app, crews).await,
        format!("identifiers [] contacts [] relationships [] merged into [{gary}]")
    );
    // Audited on both records, with the reviewer's note.
    for person in [gary, crews] {
        assert_eq!(
            count(
                &app,
                &format!(
                    "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{person}' \
                     AND action = 'write' AND reasons LIKE '%while reviewing contact event M-2%' \
                     AND reasons LIKE '%the crew''s number was given on both calls%'"
                )
            )
            .await,
            1
        );
    }
    // The event cannot now go on the folded record: it is part of Gary's.
    let onto_folded = post_json(
        &app,
        &paramedic,
        &format!("/api/v1/matching/{event}/decision"),
        json!({"decision": "link", "person_id": crews.to_string()}),
    )
    .await;
    assert_eq!(onto_folded.status(), 409);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM contact_events WHERE source_event_id = 'M-2'"
        )
        .await,
        0
    );
    // Merged once: the same again is a conflict.
    let again = post_json(
        &app,
        &paramedic,
        &path,
        json!({"kept_person_id": gary.to_string(), "merged_person_id": crews.to_string()}),
    )
    .await;
    assert_eq!(again.status(), 409);

    // The organisation's merges, and the undo.
    let (status, list) = get_json(&app, &paramedic, "/api/v1/matching/merges").await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let merge_id = merged["id"].as_str().unwrap();
    let undone = post_json(
        &app,
        &paramedic,
        &format!("/api/v1/matching/merges/{merge_id}/undo"),
        json!({"note": "the crew had two brothers"}),
    )
    .await;
    assert_eq!(undone.status(), 200);
    let undone: Value = undone.json().await.unwrap();
    assert!(undone["undone_at"].is_string());
    assert_eq!(holdings(&app, gary).await, gary_before);
    assert_eq!(holdings(&app, crews).await, crews_before);
    for person in [gary, crews] {
        assert_eq!(
            count(
                &app,
                &format!(
                    "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{person}' \
                     AND reasons LIKE '%undid the merge%' \
                     AND reasons LIKE '%the crew had two brothers%'"
                )
            )
            .await,
            1
        );
    }
    let twice = post_json(
        &app,
        &paramedic,
        &format!("/api/v1/matching/merges/{merge_id}/undo"),
        json!({}),
    )
    .await;
    assert_eq!(twice.status(), 409);
}

async fn records_whose_numbers_from_one_system_differ_are_two_people(app: TestApp) {
    let first = started_record(&app, "D-1", "AMB-D1").await;
    // The next call gives another number: the reviewer starts a second
    // record rather than link it.
    let second = started_record(&app, "D-2", "AMB-D2").await;
    let event = held(
        &app,
        call_999("D-3", gary_by_the_crew(&app, "AMB-D1").await),
    )
    .await;
    let paramedic = app.token_for("paramedic", "TREAT").await;
    assert_eq!(
        get_json(&app, &paramedic, &format!("/api/v1/matching/{event}"))
            .await
            .0,
        200
    );
    let before = (holdings(&app, first).await, holdings(&app, second).await);
    let refused = post_json(
        &app,
        &paramedic,
        &format!("/api/v1/matching/{event}/merge"),
        json!({"kept_person_id": first.to_string(), "merged_person_id": second.to_string()}),
    )
    .await;
    assert_eq!(refused.status(), 409);
    let why: Value = refused.json().await.unwrap();
    assert!(
        why["detail"].as_str().unwrap().contains("they differ"),
        "{why}"
    );
    assert_eq!(
        (holdings(&app, first).await, holdings(&app, second).await),
        before
    );
}

async fn a_staff_account_merges_nothing_it_has_not_compared_or_does_not_own(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let crews = started_record(&app, "S-1", "AMB-S1").await;
    let event = held(
        &app,
        call_999("S-2", gary_by_the_crew(&app, "AMB-S1").await),
    )
    .await;
    let path = format!("/api/v1/matching/{event}/merge");
    let fold = json!({"kept_person_id": gary.to_string(), "merged_person_id": crews.to_string()});
    let before = (holdings(&app, gary).await, holdings(&app, crews).await);

    // Another organisation's reviewer: as for no such event.
    let police = app.token_for("police", "TREAT").await;
    posts_alike_as_for_nothing(
        &app,
        &police,
        &path,
        &format!("/api/v1/matching/{}/merge", uuid::Uuid::new_v4()),
        fold.clone(),
    )
    .await;
    // The sender's own reviewer, without opening the event: Gary is as no
    // one to them.
    let paramedic = app.token_for("paramedic", "TREAT").await;
    assert_eq!(
        post_json(&app, &paramedic, &path, fold.clone())
            .await
            .status(),
        404
    );
    // Only people the event lists, and two of them.
    let (status, _) = get_json(&app, &paramedic, &format!("/api/v1/matching/{event}")).await;
    assert_eq!(status, 200);
    let daniel = person_id(&app, crate::fixtures::DANIEL).await;
    let unlisted = post_json(
        &app,
        &paramedic,
        &path,
        json!({"kept_person_id": gary.to_string(), "merged_person_id": daniel.to_string()}),
    )
    .await;
    assert_eq!(unlisted.status(), 400);
    let itself = post_json(
        &app,
        &paramedic,
        &path,
        json!({"kept_person_id": gary.to_string(), "merged_person_id": gary.to_string()}),
    )
    .await;
    assert_eq!(itself.status(), 400);
    let junk = post_json(
        &app,
        &paramedic,
        &path,
        json!({"kept_person_id": "not-an-id", "merged_person_id": crews.to_string()}),
    )
    .await;
    assert_eq!(junk.status(), 400);
    // Not for emergency treatment, nor for the sending system.
    let urgent = app.token_for("paramedic", "ETREAT").await;
    assert_eq!(
        post_json(&app, &urgent, &path, fold.clone()).await.status(),
        403
    );
    let cad = app.token_for("ambulance-cad", "TREAT").await;
    assert_eq!(
        post_json(&app, &cad, &path, fold.clone()).await.status(),
        403
    );
    assert_eq!(
        (holdings(&app, gary).await, holdings(&app, crews).await),
        before
    );

    // A merge is undone only by its own organisation's reviewers.
    let merged = post_json(&app, &paramedic, &path, fold).await;
    assert_eq!(merged.status(), 201);
    let merge_id = merged.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    posts_alike_as_for_nothing(
        &app,
        &police,
        &format!("/api/v1/matching/merges/{merge_id}/undo"),
        &format!("/api/v1/matching/merges/{}/undo", uuid::Uuid::new_v4()),
        json!({}),
    )
    .await;
    // Nor for emergency treatment or the sending system: neither lists
    // nor undoes.
    for token in [&urgent, &cad] {
        assert_eq!(
            get_json(&app, token, "/api/v1/matching/merges").await.0,
            403
        );
        let undo = post_json(
            &app,
            token,
            &format!("/api/v1/matching/merges/{merge_id}/undo"),
            json!({}),
        )
        .await;
        assert_eq!(undo.status(), 403);
    }
    let (_, police_list) = get_json(&app, &police, "/api/v1/matching/merges").await;
    assert_eq!(police_list.as_array().unwrap().len(), 0);
    assert!(holdings(&app, crews).await.ends_with(&format!("[{gary}]")));
}

async fn a_reviewer_merges_and_undoes_on_the_pages(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let crews = started_record(&app, "W-1", "AMB-W1").await;
    let (gary_before, crews_before) = (holdings(&app, gary).await, holdings(&app, crews).await);
    let event = held(
        &app,
        call_999("W-2", gary_by_the_crew(&app, "AMB-W1").await),
    )
    .await;
    let paramedic = signed_in(&app, "paramedic").await;
    let path = format!("/matching/{event}");
    let (status, item) = page(&app, &paramedic, &path).await;
    assert_eq!(status, 200);
    assert!(
        item.contains("Are two of these records one person?"),
        "{item}"
    );
    assert!(item.contains("Holt, NHS 999 000 0034"), "{item}");
    assert!(item.contains("Holt, no NHS number"), "{item}");
    // Each record's own numbers are beside the contact's.
    assert!(
        item.contains(&format!("Record: </span>{AMBULANCE_PATIENT}|AMB-W1")),
        "{item}"
    );
    let token = csrf_token(&item);
    let (gary_id, crews_id) = (gary.to_string(), crews.to_string());

    // The wrong way round: the reason is on the form, which keeps what
    // was chosen; nothing moves.
    let wrong = post_form(
        &app,
        &paramedic,
        &format!("{path}/merge"),
        &[
            ("csrf_token", &token),
            ("kept_person_id", &crews_id),
            ("merged_person_id", &gary_id),
            ("note", "same man"),
        ],
    )
    .await;
    assert_eq!(wrong.status(), 409);
    let body = wrong.text().await.unwrap();
    assert!(body.contains("id=\"merge-error\""), "{body}");
    assert!(body.contains("a crisis plan"), "{body}");
    assert!(body.contains(">same man</textarea>"), "{body}");
    assert_eq!(holdings(&app, gary).await, gary_before);
    // Nothing chosen: both fields named.
    let empty = post_form(
        &app,
        &paramedic,
        &format!("{path}/merge"),
        &[("csrf_token", &token)],
    )
    .await;
    assert_eq!(empty.status(), 400);
    let body = empty.text().await.unwrap();
    assert!(body.contains("id=\"kept_person_id-error\""), "{body}");
    assert!(body.contains("id=\"merged_person_id-error\""), "{body}");
    // A forged form merges nothing.
    let forged = post_form(
        &app,
        &paramedic,
        &format!("{path}/merge"),
        &[
            ("csrf_token", "forged"),
            ("kept_person_id", &gary_id),
            ("merged_person_id", &crews_id),
        ],
    )
    .await;
    assert_ne!(forged.status(), 303);
    assert_eq!(holdings(&app, crews).await, crews_before);

    let done = post_form(
        &app,
        &paramedic,
        &format!("{path}/merge"),
        &[
            ("csrf_token", &token),
            ("kept_person_id", &gary_id),
            ("merged_person_id", &crews_id),
            ("note", "the crew's number on both calls"),
        ],
    )
    .await;
    assert_eq!(done.status(), 303);
    assert_eq!(location(&done), format!("{path}?done=merged"));
    assert!(holdings(&app, crews).await.ends_with(&format!("[{gary}]")));

    let (status, list) = page(&app, &paramedic, "/matching/merges").await;
    assert_eq!(status, 200);
    assert!(list.contains("reviewing W-2"), "{list}");
    assert!(list.contains("1 identifier, 1 contact"), "{list}");
    assert!(list.contains("Gary Holt, NHS 999 000 0034"), "{list}");
    assert!(list.contains("Holt, no NHS number"), "{list}");
    let merge_id = texts(
        &app,
        &format!("SELECT id FROM person_merges WHERE merged_id = '{crews}'"),
        "id",
    )
    .await
    .pop()
    .unwrap();
    let undo = format!("/matching/merges/{merge_id}/undo");
    let undone = post_form(
        &app,
        &paramedic,
        &undo,
        &[("csrf_token", &csrf_token(&list)), ("note", "two brothers")],
    )
    .await;
    assert_eq!(undone.status(), 303);
    assert_eq!(location(&undone), "/matching/merges?done=undone");
    assert_eq!(holdings(&app, gary).await, gary_before);
    assert_eq!(holdings(&app, crews).await, crews_before);
    let (_, after) = page(&app, &paramedic, "/matching/merges?done=undone").await;
    assert!(after.contains("stand apart again"));
    assert!(
        !after.contains(&format!("action=\"{undo}\"")),
        "no undo once undone"
    );
    // Undone once; another organisation meets it as no merge at all.
    let again = post_form(
        &app,
        &paramedic,
        &undo,
        &[("csrf_token", &csrf_token(&after))],
    )
    .await;
    assert_eq!(again.status(), 409);
    let police = signed_in(&app, "police").await;
    let (_, theirs) = page(&app, &police, "/matching/merges").await;
    assert!(!theirs.contains("reviewing W-2"));
    let refused = post_form(
        &app,
        &police,
        &undo,
        &[("csrf_token", &csrf_token(&theirs))],
    )
    .await;
    assert_eq!(refused.status(), 404);
}

crate::on_both_stores!(reviewed with review_everything:
    a_contact_record_is_folded_into_garys_and_the_undo_leaves_both_as_they_were,
    records_whose_numbers_from_one_system_differ_are_two_people,
    a_staff_account_merges_nothing_it_has_not_compared_or_does_not_own,
    a_reviewer_merges_and_undoes_on_the_pages,
);
