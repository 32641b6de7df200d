//! An unacknowledged urgent referral escalates twice and tells the sender; an
//! acknowledgement stops the chain.

use super::*;

async fn an_unacknowledged_urgent_referral_escalates_twice_and_tells_the_sender(app: TestApp) {
    let gp = app.token_for("gp", "TREAT").await;
    let crisis = team(&app, CRISIS_TEAM).await;
    let sent = refer(&app, &gp, DANIEL, crisis, "urgent").await;
    assert_eq!(sent.status(), 201);
    let referral: serde_json::Value = sent.json().await.unwrap();
    let id = referral["id"].as_str().unwrap().to_owned();
    assert_eq!(referral["status"], "sent");
    let now = concordat_server::Clock::now(&app.clock);
    assert_eq!(
        referral["acknowledge_due"]
            .as_str()
            .unwrap()
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap(),
        now + Duration::hours(24)
    );
    assert_eq!(
        notifications(&app, "crisis.nurse", "referral-received").await,
        1
    );

    // Nothing is due before the deadline.
    app.clock.advance(Duration::hours(23));
    app.run_jobs().await;
    assert_eq!(escalations(&app, &id).await, 0);

    // At the deadline: the duty contact (the crisis team), and the sender.
    app.clock.advance(Duration::hours(1));
    assert_eq!(app.run_jobs().await, 1);
    assert_eq!(escalations(&app, &id).await, 1);
    assert_eq!(notifications(&app, "crisis.nurse", "escalated").await, 1);
    assert_eq!(notifications(&app, "gp", "escalated").await, 1);
    assert_eq!(notifications(&app, "ig.lead", "escalated").await, 0);
    // Running again changes nothing: a step is taken once.
    assert_eq!(app.run_jobs().await, 0);
    assert_eq!(escalations(&app, &id).await, 1);

    // Tokens last an hour; the clock has moved a day.
    let gp = app.token_for("gp", "TREAT").await;
    let (status, shown) = get_json(&app, &gp, &format!("/api/v1/referrals/{id}")).await;
    assert_eq!(status, 200, "{shown}");
    assert_eq!(shown["escalation_step"], 1);
    assert_eq!(shown["overdue"], true);
    let timeline = shown["timeline"].to_string();
    assert!(timeline.contains("escalated to the duty contact of Crisis Resolution and Home Treatment Team, duty line 01632 960100"), "{timeline}");

    // One acknowledgement period later: the partnership's contact.
    app.clock.advance(Duration::hours(24));
    assert_eq!(app.run_jobs().await, 1);
    assert_eq!(escalations(&app, &id).await, 2);
    assert_eq!(notifications(&app, "ig.lead", "escalated").await, 1);
    assert_eq!(notifications(&app, "gp", "escalated").await, 2);
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'escalation' AND person_id = '{}'", person_id(&app, DANIEL).await)).await,
        2
    );
    let gp = app.token_for("gp", "TREAT").await;
    let (_, shown) = get_json(&app, &gp, &format!("/api/v1/referrals/{id}")).await;
    assert!(
        shown["timeline"]
            .to_string()
            .contains("escalated to the partnership's escalation contact, Ruth Okafor"),
        "{shown}"
    );
    app.clock.advance(Duration::days(30));
    assert_eq!(app.run_jobs().await, 0, "the chain has two steps");

    // The person sees where their referral stands.
    let own = app.token_for("person", "PATRQT").await;
    let (status, mine) = get_json(&app, &own, "/api/v1/me/referrals").await;
    assert_eq!(status, 200);
    assert_eq!(mine[0]["id"], id.as_str());
    assert_eq!(mine[0]["status_label"], "Sent, waiting for acknowledgement");
}

async fn an_acknowledgement_stops_the_chain(app: TestApp) {
    let gp = app.token_for("gp", "TREAT").await;
    let crisis = team(&app, CRISIS_TEAM).await;
    let referral = sent(&app, &gp, DANIEL, crisis, "urgent").await;
    let id = referral["id"].as_str().unwrap().to_owned();

    app.clock.advance(Duration::hours(25));
    app.run_jobs().await;
    assert_eq!(escalations(&app, &id).await, 1);

    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let acked = post_json(
        &app,
        &nurse,
        &format!("/api/v1/referrals/{id}/acknowledge"),
        json!({}),
    )
    .await;
    assert_eq!(acked.status(), 200);
    assert_eq!(
        acked.json::<serde_json::Value>().await.unwrap()["status"],
        "acknowledged"
    );
    assert_eq!(notifications(&app, "gp", "referral-updated").await, 1);

    app.clock.advance(Duration::days(3));
    assert_eq!(app.run_jobs().await, 0, "the second step was cancelled");
    assert_eq!(escalations(&app, &id).await, 1);
    assert_eq!(notifications(&app, "ig.lead", "escalated").await, 0);

    // Acknowledged before the deadline, a referral never escalates.
    let gp = app.token_for("gp", "TREAT").await;
    let early = refer(&app, &gp, DANIEL, crisis, "emergency").await;
    let early: serde_json::Value = early.json().await.unwrap();
    let early_id = early["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{early}"))
        .to_owned();
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let accepted = post_json(
        &app,
        &nurse,
        &format!("/api/v1/referrals/{early_id}/accept"),
        json!({}),
    )
    .await;
    assert_eq!(accepted.status(), 200);
    app.clock.advance(Duration::hours(3));
    assert_eq!(app.run_jobs().await, 0);
    assert_eq!(escalations(&app, &early_id).await, 0);
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let done = post_json(
        &app,
        &nurse,
        &format!("/api/v1/referrals/{early_id}/complete"),
        json!({}),
    )
    .await;
    assert_eq!(
        done.json::<serde_json::Value>().await.unwrap()["status"],
        "completed"
    );
    // A completed referral cannot be declined.
    let late = post_json(
        &app,
        &nurse,
        &format!("/api/v1/referrals/{early_id}/decline"),
        json!({"note": "no"}),
    )
    .await;
    assert_eq!(late.status(), 409);
}

crate::on_both_stores!(
    an_unacknowledged_urgent_referral_escalates_twice_and_tells_the_sender,
    an_acknowledgement_stops_the_chain,
);
