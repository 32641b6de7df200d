//! Frequent contact across agencies, on both stores: Daniel's emergency
//! contacts reported by the emergency department's and the ambulance
//! service's systems put him on the list at the sixth in a month (not the
//! fifth); the community team that offers support sees him, the police and
//! his GP do not; each look at the list is in his access log; a review
//! offers help and words proposing a lesser response are refused; he sees
//! he is on it, in plain words, and asks for a review; unreviewed, the
//! entry ends by itself and the team's access with it. Governance sees the
//! list's make-up with small numbers hidden.

use chrono::Duration;
use concordat_server::Clock as _;
use serde_json::json;

use crate::fixtures::{count, csrf_token, get_json, page, person_id, post_json, signed_in, DANIEL};
use crate::harness::TestApp;

/// The demo's people in frequent contact (Gary Holt and 24 others), and
/// the community team offering them support, as `concordat demo` makes
/// them.
pub(crate) async fn seeded(app: &TestApp) {
    let on_list = concordat::demo::contacts::seed_frequent_contact(&app.store, 40, app.clock.now())
        .await
        .expect("seed the people in frequent contact");
    assert_eq!(on_list, 25);
}

/// An emergency contact reported by a source system, `hours_ago`.
async fn reported(app: &TestApp, system: &str, kind: &str, id: &str, hours_ago: i64) {
    let token = app.token_for(system, "TREAT").await;
    let at = app.clock.now() - Duration::hours(hours_ago);
    let sent = post_json(
        app,
        &token,
        "/api/v1/events",
        json!({
            "source_system": system, "event_id": id, "kind": kind, "nhs_number": DANIEL,
            "occurred_at": at.to_rfc3339(), "outcome": "Seen and advised"
        }),
    )
    .await;
    assert!(sent.status().is_success(), "{}", sent.text().await.unwrap());
}

async fn entries_about(app: &TestApp, person: &str, status: &str) -> i64 {
    count(
        app,
        &format!(
            "SELECT COUNT(*) AS n FROM frequent_contact_entries \
             WHERE person_id = '{person}' AND status = '{status}'"
        ),
    )
    .await
}

/// Daniel's six emergency contacts in a month, from two services: he is
/// on the list after them.
pub(crate) async fn daniel_on_the_list(app: &TestApp) {
    five_contacts_then_a_sixth(app).await;
    reported(app, "ambulance-cad", "call-999", "CAD-9", 2).await;
}

async fn five_contacts_then_a_sixth(app: &TestApp) {
    for n in 0..3 {
        reported(
            app,
            "northshire-ed",
            "ed-attendance",
            &format!("ED-{n}"),
            24 * (n + 1),
        )
        .await;
    }
    for n in 0..2 {
        reported(
            app,
            "ambulance-cad",
            "call-999",
            &format!("CAD-{n}"),
            30 * (n + 1),
        )
        .await;
    }
}

async fn six_contacts_in_a_month_put_daniel_on_the_list_for_support_and_nothing_else(app: TestApp) {
    seeded(&app).await;
    let daniel = person_id(&app, DANIEL).await.to_string();
    five_contacts_then_a_sixth(&app).await;
    assert_eq!(
        entries_about(&app, &daniel, "identified").await,
        0,
        "5 is not more than 5"
    );
    reported(&app, "ambulance-cad", "call-999", "CAD-9", 2).await;
    assert_eq!(entries_about(&app, &daniel, "identified").await, 1);
    // The support team's access was written with the audit entry that says
    // why and until when.
    let said = count(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{daniel}' \
             AND action = 'write' AND reasons LIKE '%identified as in frequent contact%'"
        ),
    )
    .await;
    assert_eq!(said, 1);
    let opened = count(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM care_relationships WHERE person_id = '{daniel}' \
             AND reason = 'offering support after frequent contact'"
        ),
    )
    .await;
    assert_eq!(opened, 1);

    // The community team offers support: it sees him, with his contacts
    // counted across the two services.
    let team = app.token_for("mh.practitioner", "TREAT").await;
    let reads_before = count(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{daniel}' \
             AND action = 'read'"
        ),
    )
    .await;
    let (status, list) = get_json(&app, &team, "/api/v1/frequent-contact?limit=100").await;
    assert_eq!(status, 200, "{list}");
    let entry = list["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["person_id"] == daniel.as_str())
        .expect("Daniel on the list")
        .clone();
    assert_eq!(entry["contacts_last_month"], 6);
    assert_eq!(entry["services"], 2);
    assert_eq!(entry["status"], "identified");
    // Every look at the list is audited as a read of each person on it.
    let reads_after = count(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{daniel}' \
             AND action = 'read'"
        ),
    )
    .await;
    assert_eq!(reads_after, reads_before + 1);

    // Nobody else sees the list: not the police, not his GP.
    for (user, purpose) in [("police", "ETREAT"), ("gp", "TREAT"), ("ig.lead", "TREAT")] {
        let token = app.token_for(user, purpose).await;
        let (status, _) = get_json(&app, &token, "/api/v1/frequent-contact").await;
        assert_eq!(status, 403, "{user}");
    }

    // A review proposing a lesser response is refused, and changes nothing.
    let id = entry["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/frequent-contact/{id}/review");
    for (outcome, note) in [
        (
            "offer-support",
            "Ambulance should not attend unless he is injured",
        ),
        ("offer-support", "Downgrade his 999 calls"),
        ("withhold-response", ""),
        ("offer-support", "A known frequent flyer"),
    ] {
        let refused = post_json(
            &app,
            &team,
            &path,
            json!({ "outcome": outcome, "note": note }),
        )
        .await;
        assert_eq!(refused.status(), 400, "{outcome}: {note}");
    }
    assert_eq!(entries_about(&app, &daniel, "identified").await, 1);

    // He is told, in plain words, that it changes nothing about the
    // response he gets.
    let own = signed_in(&app, "person").await;
    let (_, inbox) = page(&app, &own, "/inbox").await;
    assert!(
        inbox.contains("We would like to offer you support"),
        "{inbox}"
    );
    let (status, mine) = page(&app, &own, "/my/frequent-contact").await;
    assert_eq!(status, 200);
    assert!(
        mine.contains("You are on the list. The support team will look at it soon"),
        "{mine}"
    );
    assert!(
        mine.contains("you will always get the same response"),
        "{mine}"
    );
    assert!(!mine.to_lowercase().contains("flyer"), "{mine}");
    let (_, home) = page(&app, &own, "/").await;
    assert!(home.contains(r#"href="/my/frequent-contact""#), "{home}");

    // He asks for a review; the team sees it.
    let ask = vec![
        ("csrf_token".to_owned(), csrf_token(&mine)),
        (
            "words".to_owned(),
            "Things are better since I moved".to_owned(),
        ),
    ];
    let asked = own
        .post(app.url("/my/frequent-contact"))
        .form(&ask)
        .send()
        .await
        .unwrap();
    assert_eq!(asked.status(), 303);
    let (_, after) = page(&app, &own, "/my/frequent-contact?done=asked").await;
    assert!(after.contains("We have asked the support team"), "{after}");
    assert!(
        after.contains("You asked for it to be looked at again"),
        "{after}"
    );
    let (_, list) = get_json(&app, &team, "/api/v1/frequent-contact?limit=100").await;
    let again = list["entries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        again["review_asked_words"],
        "Things are better since I moved"
    );

    // The team offers support; he is told what happens next.
    let reviewed = post_json(
        &app,
        &team,
        &path,
        json!({ "outcome": "offer-support", "note": "Offered a meeting with his sister there." }),
    )
    .await;
    assert_eq!(reviewed.status(), 200);
    let reviewed: serde_json::Value = reviewed.json().await.unwrap();
    assert_eq!(reviewed["status"], "reviewed");
    assert_eq!(reviewed["next_step"], "offer-support");
    // The team's access was kept for the next review by an audit entry of
    // the reviewer's that says so.
    let extended = count(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{daniel}' \
             AND action = 'write' AND reasons LIKE '%reviewed frequent contact: an offer of support%'"
        ),
    )
    .await;
    assert_eq!(extended, 1);
    let (_, inbox) = page(&app, &own, "/inbox").await;
    assert!(
        inbox.contains("What happens next: an offer of support"),
        "{inbox}"
    );

    // Unreviewed for 90 days, the entry ends by itself, and the team can no
    // longer read his record for it.
    app.clock.advance(Duration::days(91));
    assert!(app.run_jobs().await >= 1);
    assert_eq!(entries_about(&app, &daniel, "expired").await, 1);
    let now = app
        .clock
        .now()
        .to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let live = count(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM care_relationships WHERE person_id = '{daniel}' \
             AND reason = 'offering support after frequent contact' AND ends_at > '{now}'"
        ),
    )
    .await;
    assert_eq!(
        live, 0,
        "the support team's relationship ended with the entry"
    );
    // Signed in afresh: the earlier sign-ins have long ended.
    let team = app.token_for("mh.practitioner", "TREAT").await;
    let own = signed_in(&app, "person").await;
    let (_, list) = get_json(&app, &team, "/api/v1/frequent-contact?limit=100").await;
    assert!(
        !list["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == id.as_str()),
        "{list}"
    );
    let (_, inbox) = page(&app, &own, "/inbox").await;
    assert!(
        inbox.contains("no longer on the frequent contact list"),
        "{inbox}"
    );
    let ended = post_json(&app, &team, &path, json!({ "outcome": "end" })).await;
    assert_eq!(ended.status(), 404, "an ended entry cannot be reviewed");
}

async fn the_list_answers_strangers_alike_and_its_ids_name_no_one(app: TestApp) {
    seeded(&app).await;
    let team = app.token_for("mh.practitioner", "TREAT").await;
    // A random id and a malformed one: the same 404 as an entry of no one.
    for id in [uuid::Uuid::new_v4().to_string(), "not-an-id".to_owned()] {
        let response = post_json(
            &app,
            &team,
            &format!("/api/v1/frequent-contact/{id}/review"),
            json!({ "outcome": "end" }),
        )
        .await;
        assert_eq!(response.status(), 404, "{id}");
    }
    // Anyone outside the support team is refused before any id is looked
    // at: a real entry and a random one answer alike.
    let (_, list) = get_json(&app, &team, "/api/v1/frequent-contact?limit=100").await;
    let real = list["entries"][0]["id"]
        .as_str()
        .expect("Gary on the list")
        .to_owned();
    let police = app.token_for("police", "ETREAT").await;
    let mut answers = Vec::new();
    for id in [real, uuid::Uuid::new_v4().to_string()] {
        let response = post_json(
            &app,
            &police,
            &format!("/api/v1/frequent-contact/{id}/review"),
            json!({ "outcome": "end" }),
        )
        .await;
        answers.push((response.status().as_u16(), response.text().await.unwrap()));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].0, 403);
    // A person's own account sees only their own.
    let person = app.token_for("person", "PATRQT").await;
    let (status, _) = get_json(&app, &person, "/api/v1/frequent-contact").await;
    assert_eq!(status, 403);
    let (status, own) = get_json(&app, &person, "/api/v1/me/frequent-contact").await;
    assert_eq!(status, 200);
    assert_eq!(own, json!([]), "Daniel is not on the list in the demo");
    // A member of staff has no own entries to ask for.
    let (status, _) = get_json(&app, &team, "/api/v1/me/frequent-contact").await;
    assert_eq!(status, 403);
    // The support team under another purpose than care sees no one: each
    // person on the list is decided for that purpose, refused and audited.
    let denied_before = count(
        &app,
        "SELECT COUNT(*) AS n FROM audit_log WHERE outcome = 'denied'",
    )
    .await;
    let other = app.token_for("mh.practitioner", "HOPERAT").await;
    let (status, list) = get_json(&app, &other, "/api/v1/frequent-contact?limit=100").await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["entries"], json!([]), "{list}");
    let denied_after = count(
        &app,
        "SELECT COUNT(*) AS n FROM audit_log WHERE outcome = 'denied'",
    )
    .await;
    assert_eq!(denied_after, denied_before + 25, "each refusal audited");
    // Bad paging is a clear error.
    let (status, problem) = get_json(&app, &team, "/api/v1/frequent-contact?limit=0").await;
    assert_eq!(status, 400, "{problem}");
}

async fn governance_sees_the_make_up_with_small_numbers_hidden(app: TestApp) {
    seeded(&app).await;
    for user in ["ig.lead", "commissioner"] {
        let token = app.token_for(user, "TREAT").await;
        let (status, make_up) = get_json(&app, &token, "/api/v1/frequent-contact/make-up").await;
        assert_eq!(status, 200, "{user}: {make_up}");
        for table in ["by_age", "by_sex", "by_ethnic_group"] {
            let rows = make_up[table]["rows"].as_array().unwrap();
            for row in rows {
                let figure = &row[1];
                match figure.as_u64() {
                    Some(n) => assert!(n == 0 || (n >= 8 && n % 5 == 0), "{table}: {row}"),
                    None => assert_eq!(figure, "*", "{table}: {row}"),
                }
            }
            // The demo's 25 people on the list (Gary and 24 others).
            assert_eq!(make_up[table]["total"], 25, "{table}");
            let hidden = rows.iter().filter(|r| r[1] == "*").count();
            assert_ne!(
                hidden, 1,
                "a lone hidden count could be worked out: {table}"
            );
        }
    }
    let team = app.token_for("mh.practitioner", "TREAT").await;
    let (status, _) = get_json(&app, &team, "/api/v1/frequent-contact/make-up").await;
    assert_eq!(status, 403);
    let ig = signed_in(&app, "ig.lead").await;
    let (status, html) = page(&app, &ig, "/frequent-contact/make-up").await;
    assert_eq!(status, 200);
    assert!(html.contains("Counts from 1 to 7 are shown as *"), "{html}");
}

crate::on_both_stores!(
    six_contacts_in_a_month_put_daniel_on_the_list_for_support_and_nothing_else,
    the_list_answers_strangers_alike_and_its_ids_name_no_one,
    governance_sees_the_make_up_with_small_numbers_hidden,
);
