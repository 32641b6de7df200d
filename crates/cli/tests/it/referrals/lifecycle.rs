//! Who acts on a referral and why, and a referral the receivers may not read.

use super::*;

async fn the_lifecycle_checks_who_acts_and_why(app: TestApp) {
    let gp = app.token_for("gp", "TREAT").await;
    let crisis = team(&app, CRISIS_TEAM).await;
    let community = team(&app, "North Community Mental Health Team").await;
    let referral = sent(&app, &gp, DANIEL, crisis, "routine").await;
    let id = referral["id"].as_str().unwrap().to_owned();

    // The sender cannot acknowledge their own referral; a stranger cannot
    // even see it.
    let by_sender = post_json(
        &app,
        &gp,
        &format!("/api/v1/referrals/{id}/acknowledge"),
        json!({}),
    )
    .await;
    assert_eq!(by_sender.status(), 403);
    let police = app.token_for("police", "TREAT").await;
    let (status, _) = get_json(&app, &police, &format!("/api/v1/referrals/{id}")).await;
    assert_eq!(status, 404);

    // Declining needs a reason; redirecting sends it on, with new deadlines
    // counted from the redirect: two days on, Thursday 5 March 09:00.
    app.clock.advance(Duration::days(2));
    let gp = app.token_for("gp", "TREAT").await;
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let bare = post_json(
        &app,
        &nurse,
        &format!("/api/v1/referrals/{id}/decline"),
        json!({}),
    )
    .await;
    assert_eq!(bare.status(), 400);
    let redirected = post_json(
        &app,
        &nurse,
        &format!("/api/v1/referrals/{id}/redirect"),
        json!({"note": "Not in crisis; community team is right", "to_team_id": community.to_string()}),
    )
    .await;
    assert_eq!(redirected.status(), 200);
    assert_eq!(
        redirected.json::<serde_json::Value>().await.unwrap()["status"],
        "redirected"
    );
    let practitioner = app.token_for("mh.practitioner", "TREAT").await;
    let (_, inbox) = get_json(&app, &practitioner, "/api/v1/referrals?box=inbox").await;
    assert_eq!(inbox.as_array().unwrap().len(), 1, "{inbox}");
    assert_eq!(inbox[0]["redirected_from"], id.as_str());
    assert_eq!(inbox[0]["status"], "sent");
    // Five working days from Thursday 5 March, not from the first send.
    assert_eq!(inbox[0]["acknowledge_due"], "2026-03-12T09:00:00Z");
    assert_eq!(referral["acknowledge_due"], "2026-03-10T09:00:00Z");
    let (_, outbox) = get_json(&app, &gp, "/api/v1/referrals?box=outbox").await;
    assert_eq!(outbox.as_array().unwrap().len(), 2);

    // The sender may cancel, with a reason.
    let onward = inbox[0]["id"].as_str().unwrap();
    let cancelled = post_json(
        &app,
        &gp,
        &format!("/api/v1/referrals/{onward}/cancel"),
        json!({"note": "Admitted to hospital"}),
    )
    .await;
    assert_eq!(cancelled.status(), 200);
    let (_, shown) = get_json(&app, &gp, &format!("/api/v1/referrals/{onward}")).await;
    assert_eq!(shown["status"], "cancelled");
    assert!(shown["timeline"]
        .to_string()
        .contains("Admitted to hospital"));
}

async fn a_referral_the_receivers_may_not_read_is_refused(app: TestApp) {
    // Leah refuses sharing her referrals with the crisis team's
    // organisation.
    let leah = person_id(&app, LEAH).await;
    let nurse = user(&app, "crisis.nurse").await;
    record_refusal(
        &app,
        leah,
        ConsentScope {
            organisation: Some(nurse.organisation_id()),
            category: Some(concordat_domain::category::DataCategory::Referrals),
            purpose: None,
        },
        &user(&app, "gp").await,
    )
    .await;
    let gp = app.token_for("gp", "TREAT").await;
    let refused = refer(&app, &gp, LEAH, team(&app, CRISIS_TEAM).await, "urgent").await;
    assert_eq!(refused.status(), 403);
    let body = problem(refused).await;
    assert_eq!(body["rule"], "consent-refused");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("cannot receive this referral"),
        "{body}"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM referrals").await, 0);

    // No agreement covers the GP's surgery and the employment charity.
    let uncovered = refer(
        &app,
        &gp,
        DANIEL,
        team(&app, "Employment Support").await,
        "routine",
    )
    .await;
    assert_eq!(uncovered.status(), 403);
    assert!(problem(uncovered).await["detail"]
        .as_str()
        .unwrap()
        .contains("no active information sharing agreement"));
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM referrals").await, 0);

    // Bad input is named.
    let bad = post_json(
        &app,
        &gp,
        "/api/v1/referrals",
        json!({"nhs_number": DANIEL, "to_team_id": "x", "urgency": "soon", "reason": ""}),
    )
    .await;
    assert_eq!(bad.status(), 400);
}

crate::on_both_stores!(
    the_lifecycle_checks_who_acts_and_why,
    a_referral_the_receivers_may_not_read_is_refused,
);
