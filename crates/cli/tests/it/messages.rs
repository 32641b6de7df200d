//! Professional messages on both stores: threads to named users and teams,
//! read receipts, and an acknowledgement deadline that escalates (duty
//! contact, then partnership contact, the sender told) unless acknowledged.

use chrono::Duration;
use concordat_domain::category::DataCategory;
use concordat_domain::consent::ConsentScope;
use serde_json::json;

use crate::fixtures::{
    count, crisis_look_up_path, get_json, person_id, post_json, record_refusal, user, DANIEL,
};
use crate::harness::TestApp;
use crate::referrals::team;

const COMMUNITY: &str = "North Community Mental Health Team";

async fn escalated(app: &TestApp, username: &str) -> i64 {
    let id = user(app, username).await.id();
    count(
        app,
        &format!(
            "SELECT COUNT(*) AS n FROM notifications WHERE user_id = '{id}' AND kind = 'escalated'"
        ),
    )
    .await
}

async fn start(app: &TestApp, token: &str, hours: Option<u32>) -> String {
    let daniel = person_id(app, DANIEL).await;
    let community = team(app, COMMUNITY).await;
    let started = post_json(
        app,
        token,
        &format!("/api/v1/persons/{daniel}/threads"),
        json!({
            "subject": "Medication review after discharge",
            "to_team_ids": [community.to_string()],
            "body": "Daniel tells me he has stopped his olanzapine. Can someone see him this week?",
            "acknowledge_within_hours": hours
        }),
    )
    .await;
    assert_eq!(started.status(), 201);
    started.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn a_thread_carries_read_receipts_and_only_its_participants_see_it(app: TestApp) {
    let gp = app.token_for("gp", "TREAT").await;
    let thread = start(&app, &gp, None).await;

    let practitioner = app.token_for("mh.practitioner", "TREAT").await;
    let (_, mine) = get_json(&app, &practitioner, "/api/v1/threads").await;
    assert_eq!(mine[0]["id"], thread.as_str());
    let (status, read) = get_json(&app, &practitioner, &format!("/api/v1/threads/{thread}")).await;
    assert_eq!(status, 200);
    assert!(read["messages"][0]["body"]
        .as_str()
        .unwrap()
        .contains("olanzapine"));

    let replied = post_json(
        &app,
        &practitioner,
        &format!("/api/v1/threads/{thread}/messages"),
        json!({"body": "I will visit on Thursday."}),
    )
    .await;
    assert_eq!(replied.status(), 201);

    // The GP sees who read their message, and when.
    let (_, seen) = get_json(&app, &gp, &format!("/api/v1/threads/{thread}")).await;
    let reader = user(&app, "mh.practitioner").await.id().to_string();
    assert_eq!(
        seen["messages"][0]["read_by"][0]["user_id"],
        reader.as_str()
    );
    assert_eq!(seen["messages"].as_array().unwrap().len(), 2);
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM notifications WHERE user_id = '{}' AND kind = 'message'",
                user(&app, "gp").await.id()
            )
        )
        .await,
        1
    );

    // Someone outside the thread cannot read it, even one who may read
    // Daniel's record (a crisis clinician after a look-up).
    let daniel = person_id(&app, DANIEL).await;
    let nurse_on_call = app.token_for("crisis.nurse", "ETREAT").await;
    let (status, _) = get_json(
        &app,
        &nurse_on_call,
        &crisis_look_up_path(DANIEL, "Called by his mother"),
    )
    .await;
    assert_eq!(status, 200);
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let (status, _) = get_json(&app, &nurse, &format!("/api/v1/persons/{daniel}")).await;
    assert_eq!(status, 200, "the nurse may read Daniel's record");
    let (status, _) = get_json(&app, &nurse, &format!("/api/v1/threads/{thread}")).await;
    assert_eq!(status, 404);
    let (_, theirs) = get_json(&app, &nurse, "/api/v1/threads").await;
    assert_eq!(theirs, json!([]));

    // A participant whose access is refused no longer sees the thread
    // listed.
    let practitioner_user = user(&app, "mh.practitioner").await;
    record_refusal(
        &app,
        daniel,
        ConsentScope {
            organisation: Some(practitioner_user.organisation_id()),
            category: Some(DataCategory::Messages),
            purpose: None,
        },
        &practitioner_user,
    )
    .await;
    let (_, listed) = get_json(&app, &practitioner, "/api/v1/threads").await;
    assert_eq!(listed, json!([]), "{listed}");

    // Bad input is named.
    let empty = post_json(
        &app,
        &gp,
        &format!("/api/v1/persons/{daniel}/threads"),
        json!({"subject": "x", "body": "y"}),
    )
    .await;
    assert_eq!(empty.status(), 400);
}

async fn an_unacknowledged_message_escalates_and_an_acknowledgement_stops_it(app: TestApp) {
    let gp = app.token_for("gp", "TREAT").await;
    let thread = start(&app, &gp, Some(4)).await;

    app.clock.advance(Duration::hours(4));
    assert_eq!(app.run_jobs().await, 1);
    assert_eq!(escalated(&app, "mh.practitioner").await, 1);
    assert_eq!(escalated(&app, "gp").await, 1);
    assert_eq!(app.run_jobs().await, 0);

    app.clock.advance(Duration::hours(4));
    assert_eq!(app.run_jobs().await, 1);
    assert_eq!(
        escalated(&app, "ig.lead").await,
        1,
        "the main agreement's escalation contact"
    );
    assert_eq!(escalated(&app, "gp").await, 2);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'escalation'"
        )
        .await,
        2
    );

    // A second message, acknowledged in time, never escalates.
    let gp = app.token_for("gp", "TREAT").await;
    let asked = post_json(
        &app,
        &gp,
        &format!("/api/v1/threads/{thread}/messages"),
        json!({"body": "Any news?", "acknowledge_within_hours": 2}),
    )
    .await;
    let message = asked.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let own = post_json(
        &app,
        &gp,
        &format!("/api/v1/threads/{thread}/messages/{message}/acknowledge"),
        json!({}),
    )
    .await;
    assert_eq!(
        own.status(),
        403,
        "the sender cannot acknowledge their own message"
    );
    let practitioner = app.token_for("mh.practitioner", "TREAT").await;
    let acked = post_json(
        &app,
        &practitioner,
        &format!("/api/v1/threads/{thread}/messages/{message}/acknowledge"),
        json!({}),
    )
    .await;
    assert_eq!(acked.status(), 200);
    app.clock.advance(Duration::hours(10));
    assert_eq!(app.run_jobs().await, 0);
    assert_eq!(escalated(&app, "gp").await, 2);
}

crate::on_both_stores!(
    a_thread_carries_read_receipts_and_only_its_participants_see_it,
    an_unacknowledged_message_escalates_and_an_acknowledgement_stops_it,
);
