//! A person asking for something wrong in their record to be corrected,
//! on both stores: the request reaches the lead professional of their
//! care team, who answers it; the person reads the answer and is told;
//! unanswered, it escalates to the owner and then to their organisation's
//! information governance lead. And what an attacker with a staff account
//! would try: another professional's request, a staff account asking as a
//! person, an answer given twice.

use chrono::Duration;
use serde_json::{json, Value};

use crate::fixtures::{
    count, csrf_token, get_json, location, page, person_id, post_form, post_json, signed_in, texts,
    DANIEL,
};
use crate::harness::TestApp;

/// The username of the lead professional of Daniel's care team.
pub(crate) async fn daniels_lead(app: &TestApp) -> String {
    let daniel = person_id(app, DANIEL).await;
    texts(
        app,
        &format!(
            "SELECT u.username FROM care_teams c JOIN users u ON u.id = c.lead_user_id \
             WHERE c.person_id = '{daniel}' ORDER BY c.name, c.id"
        ),
        "username",
    )
    .await
    .into_iter()
    .next()
    .expect("Daniel has a care team")
}

async fn ask(app: &TestApp) -> Value {
    let person = app.token_for("person", "PATRQT").await;
    let asked = post_json(
        app,
        &person,
        "/api/v1/me/corrections",
        json!({
            "part": "crisis-plan",
            "what_is_wrong": "My sister's number is an old one.",
            "should_say": "Ring Claire on 07700 900123."
        }),
    )
    .await;
    assert_eq!(asked.status(), 201);
    asked.json().await.unwrap()
}

async fn notifications(app: &TestApp, username: &str, kind: &str) -> i64 {
    count(
        app,
        &format!(
            "SELECT COUNT(*) AS n FROM notifications n JOIN users u ON u.id = n.user_id \
             WHERE u.username = '{username}' AND n.kind = '{kind}'"
        ),
    )
    .await
}

async fn a_person_asks_for_a_correction_and_reads_the_answer(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let lead = daniels_lead(&app).await;
    let asked = ask(&app).await;
    let id = asked["id"].as_str().unwrap().to_owned();
    assert_eq!(asked["status"], "open");
    let asked_on = chrono::DateTime::parse_from_rfc3339(asked["asked_at"].as_str().unwrap())
        .unwrap()
        .date_naive();
    let due = asked_on.checked_add_months(chrono::Months::new(1)).unwrap();
    assert_eq!(asked["answer_by"], due.to_string());
    assert_eq!(notifications(&app, &lead, "correction-asked").await, 1);
    // The asking is on Daniel's access log, as his own.
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{daniel}' \
                 AND reasons LIKE '%asked for a correction of my crisis plan%'"
            )
        )
        .await,
        1
    );

    let owner = app.token_for(&lead, "TREAT").await;
    let (status, listed) = get_json(&app, &owner, "/api/v1/corrections").await;
    assert_eq!(status, 200);
    assert_eq!(listed[0]["id"], id);
    assert_eq!(listed[0]["name"], "Daniel Reid");
    let path = format!("/api/v1/corrections/{id}");
    let (status, one) = get_json(&app, &owner, &path).await;
    assert_eq!(status, 200);
    assert_eq!(one["should_say"], "Ring Claire on 07700 900123.");

    let answer = format!("{path}/answer");
    let vague = post_json(
        &app,
        &owner,
        &answer,
        json!({"outcome": "maybe", "answer": ""}),
    )
    .await;
    assert_eq!(vague.status(), 400);
    let problem: Value = vague.json().await.unwrap();
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["outcome", "answer"], "{problem}");
    let done = post_json(
        &app,
        &owner,
        &answer,
        json!({"outcome": "corrected", "answer": "Claire's new number is on your plan now."}),
    )
    .await;
    assert_eq!(done.status(), 200);
    let twice = post_json(
        &app,
        &owner,
        &answer,
        json!({"outcome": "not-corrected", "answer": "No."}),
    )
    .await;
    assert_eq!(twice.status(), 409);

    let person = app.token_for("person", "PATRQT").await;
    let (_, mine) = get_json(&app, &person, "/api/v1/me/corrections").await;
    assert_eq!(mine[0]["status"], "corrected");
    assert_eq!(
        mine[0]["answer"],
        "Claire's new number is on your plan now."
    );
    assert_eq!(
        notifications(&app, "person", "correction-answered").await,
        1
    );
}

async fn an_unanswered_request_escalates_to_its_owner_then_to_governance(app: TestApp) {
    let lead = daniels_lead(&app).await;
    ask(&app).await;
    app.run_jobs().await;
    assert_eq!(
        notifications(&app, &lead, "escalated").await,
        0,
        "not yet due"
    );
    app.clock.advance(Duration::days(32));
    app.run_jobs().await;
    assert_eq!(notifications(&app, &lead, "escalated").await, 1);
    let governance = texts(
        &app,
        &format!(
            "SELECT g.username FROM users g JOIN users l ON l.organisation_id = g.organisation_id \
             WHERE l.username = '{lead}' AND g.role = 'ig-lead'"
        ),
        "username",
    )
    .await;
    assert!(
        !governance.is_empty(),
        "the owner's organisation has an IG lead"
    );
    for ig in &governance {
        assert_eq!(notifications(&app, ig, "escalated").await, 0);
    }
    app.clock.advance(Duration::days(8));
    app.run_jobs().await;
    for ig in &governance {
        assert_eq!(notifications(&app, ig, "escalated").await, 1, "{ig}");
    }
    assert_eq!(
        notifications(&app, &lead, "escalated").await,
        1,
        "each step once"
    );
}

async fn only_the_owner_reads_or_answers_and_only_a_person_asks(app: TestApp) {
    let lead = daniels_lead(&app).await;
    let asked = ask(&app).await;
    let id = asked["id"].as_str().unwrap();
    for other in ["gp", "police", "ig.lead"] {
        if other == lead {
            continue;
        }
        let token = app.token_for(other, "TREAT").await;
        let (theirs, a) = get_json(&app, &token, &format!("/api/v1/corrections/{id}")).await;
        let (unknown, b) = get_json(
            &app,
            &token,
            &format!("/api/v1/corrections/{}", uuid::Uuid::new_v4()),
        )
        .await;
        let (junk, c) = get_json(&app, &token, "/api/v1/corrections/nonsense").await;
        assert_eq!((theirs, unknown, junk), (404, 404, 404), "{other}");
        assert_eq!(a["detail"], b["detail"]);
        assert_eq!(a["detail"], c["detail"]);
        let answered = post_json(
            &app,
            &token,
            &format!("/api/v1/corrections/{id}/answer"),
            json!({"outcome": "not-corrected", "answer": "No."}),
        )
        .await;
        assert_eq!(answered.status(), 404, "{other}");
        let (_, listed) = get_json(&app, &token, "/api/v1/corrections").await;
        assert_eq!(listed.as_array().unwrap().len(), 0, "{other}");
    }
    // A member of staff has no record of their own to correct.
    let gp = app.token_for("gp", "TREAT").await;
    let staff = post_json(
        &app,
        &gp,
        "/api/v1/me/corrections",
        json!({"part": "details", "what_is_wrong": "x"}),
    )
    .await;
    assert_eq!(staff.status(), 403);
    // The person's own fields, each named.
    let person = app.token_for("person", "PATRQT").await;
    let empty = post_json(
        &app,
        &person,
        "/api/v1/me/corrections",
        json!({"part": "everything", "what_is_wrong": " "}),
    )
    .await;
    assert_eq!(empty.status(), 400);
}

async fn the_person_asks_and_the_owner_answers_on_the_pages(app: TestApp) {
    let lead = daniels_lead(&app).await;
    let person = signed_in(&app, "person").await;
    let (status, form) = page(&app, &person, "/my/corrections").await;
    assert_eq!(status, 200);
    let token = csrf_token(&form);
    let empty = post_form(&app, &person, "/my/corrections", &[("csrf_token", &token)]).await;
    assert_eq!(empty.status(), 400);
    let text = empty.text().await.unwrap();
    assert!(text.contains("Choose the part of your record that is wrong"));
    assert!(text.contains("Say what is wrong"));
    let sent = post_form(
        &app,
        &person,
        "/my/corrections",
        &[
            ("csrf_token", &token),
            ("part", "details"),
            ("what_is_wrong", "My address is where I lived before."),
        ],
    )
    .await;
    assert_eq!(sent.status(), 303);
    assert_eq!(location(&sent), "/my/corrections?done=asked");
    let (_, after) = page(&app, &person, "/my/corrections?done=asked").await;
    assert!(after.contains("Not answered yet."));

    let owner = signed_in(&app, &lead).await;
    let (_, home) = page(&app, &owner, "/").await;
    assert!(home.contains("href=\"/corrections\""));
    let (_, list) = page(&app, &owner, "/corrections").await;
    let link = list
        .split("href=\"/corrections/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a request listed")
        .to_owned();
    let path = format!("/corrections/{link}");
    let (status, one) = page(&app, &owner, &path).await;
    assert_eq!(status, 200);
    assert!(one.contains("My address is where I lived before."));
    let token = csrf_token(&one);
    let answered = post_form(
        &app,
        &owner,
        &path,
        &[
            ("csrf_token", &token),
            ("outcome", "not-corrected"),
            (
                "answer",
                "Our letters show you still live there. Please ring us.",
            ),
        ],
    )
    .await;
    assert_eq!(answered.status(), 303);
    let (_, mine) = page(&app, &person, "/my/corrections").await;
    assert!(mine.contains("Not changed."));
    assert!(mine.contains("Our letters show you still live there."));
    // Someone else's request is not found on the pages either.
    let gp = signed_in(&app, "gp").await;
    if lead != "gp" {
        assert_eq!(page(&app, &gp, &path).await.0, 404);
    }
}

crate::on_both_stores!(
    a_person_asks_for_a_correction_and_reads_the_answer,
    an_unanswered_request_escalates_to_its_owner_then_to_governance,
    only_the_owner_reads_or_answers_and_only_a_person_asks,
    the_person_asks_and_the_owner_answers_on_the_pages,
);
