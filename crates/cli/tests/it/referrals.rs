//! Referrals over the API on both stores, with a moved clock: an
//! unacknowledged urgent referral escalates at its deadline to the duty
//! contact, then to the partnership contact, the sender told each time;
//! an acknowledgement stops the chain; nothing escalates twice; and a
//! referral is refused when the receiving team could not read it.

use chrono::Duration;
use concordat_domain::consent::ConsentScope;
use concordat_domain::ids::{AgreementId, TeamId, UserId};
use concordat_domain::role::Role;
use concordat_domain::user::{DisplayName, User, Username};
use concordat_store::{agreements, jobs, organisations, referrals, teams, users};
use serde_json::json;

use crate::fixtures::{count, get_json, person_id, post_json, record_refusal, user, DANIEL, LEAH};
use crate::harness::{demo_password_hash, problem, TestApp};

pub async fn team(app: &TestApp, name: &str) -> TeamId {
    let mut conn = app.store.read().await.unwrap();
    teams::list_teams(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.name() == name)
        .unwrap_or_else(|| panic!("no team {name}"))
        .id()
}

const CRISIS_TEAM: &str = "Crisis Resolution and Home Treatment Team";

async fn refer(
    app: &TestApp,
    token: &str,
    nhs: &str,
    to: TeamId,
    urgency: &str,
) -> reqwest::Response {
    post_json(
        app,
        token,
        "/api/v1/referrals",
        json!({
            "nhs_number": nhs, "to_team_id": to.to_string(), "urgency": urgency,
            "reason": "Low mood, not sleeping, has stopped eating; family worried",
            "sections": [{"title": "Risk", "text": "Expressed thoughts of self-harm on Monday"}]
        }),
    )
    .await
}

/// [`refer`], sent: the referral as the API answered.
async fn sent(
    app: &TestApp,
    token: &str,
    nhs: &str,
    to: TeamId,
    urgency: &str,
) -> serde_json::Value {
    refer(app, token, nhs, to, urgency)
        .await
        .json()
        .await
        .expect("the referral as JSON")
}

async fn notifications(app: &TestApp, username: &str, kind: &str) -> i64 {
    let id = user(app, username).await.id();
    count(
        app,
        &format!(
            "SELECT COUNT(*) AS n FROM notifications WHERE user_id = '{id}' AND kind = '{kind}'"
        ),
    )
    .await
}

async fn escalations(app: &TestApp, referral: &str) -> i64 {
    count(
        app,
        &format!("SELECT COUNT(*) AS n FROM referral_events WHERE referral_id = '{referral}' AND kind = 'escalated'"),
    )
    .await
}

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

async fn main_agreement(app: &TestApp) -> AgreementId {
    let nurse = user(app, "crisis.nurse").await;
    let mut conn = app.store.read().await.unwrap();
    agreements::agreements_of_organisation(&mut conn, nurse.organisation_id())
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.terms().title.starts_with("Northshire Crisis Care"))
        .unwrap()
        .id()
}

async fn set_contact(app: &TestApp, token: &str, contact: Option<&str>) -> reqwest::Response {
    let agreement = main_agreement(app).await;
    app.client
        .put(app.url(&format!("/api/v1/agreements/{agreement}/service-levels")))
        .bearer_auth(token)
        .json(&json!({
            "levels": concordat_domain::referral::ServiceLevels::default(),
            "escalation_username": contact
        }))
        .send()
        .await
        .unwrap()
}

/// An information governance lead of the employment charity, which is no
/// party to the main agreement.
async fn charity_ig_lead(app: &TestApp) {
    let mut tx = app.store.write().await.unwrap();
    let charity = organisations::organisation_by_code(&mut tx, &"WWELL".parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let lead = User::new(
        UserId::new(),
        Username::parse("charity.ig").unwrap(),
        DisplayName::parse("Sam Okoro").unwrap(),
        charity.id(),
        None,
        Role::IgLead,
        None,
        false,
    )
    .unwrap();
    users::insert_user(&mut tx, &lead, &demo_password_hash(), chrono::Utc::now())
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn the_second_step_goes_to_the_agreements_contact_else_the_ig_leads(app: TestApp) {
    // Only a party's information governance lead sets the contact, and
    // only to someone working for a party.
    charity_ig_lead(&app).await;
    let outsider = app.token_for("charity.ig", "TREAT").await;
    assert_eq!(
        set_contact(&app, &outsider, Some("commissioner"))
            .await
            .status(),
        403
    );
    let ig = app.token_for("ig.lead", "TREAT").await;
    assert_eq!(
        set_contact(&app, &ig, Some("charity.ig")).await.status(),
        400
    );
    assert_eq!(
        set_contact(&app, &ig, Some("commissioner")).await.status(),
        200
    );

    let gp = app.token_for("gp", "TREAT").await;
    let crisis = team(&app, CRISIS_TEAM).await;
    let first = sent(&app, &gp, DANIEL, crisis, "urgent").await;
    app.clock.advance(Duration::hours(48));
    assert_eq!(app.run_jobs().await, 1);
    assert_eq!(app.run_jobs().await, 1, "the second step, due now too");
    assert_eq!(notifications(&app, "commissioner", "escalated").await, 1);
    assert_eq!(notifications(&app, "ig.lead", "escalated").await, 0);
    let gp = app.token_for("gp", "TREAT").await;
    let (_, shown) = get_json(
        &app,
        &gp,
        &format!("/api/v1/referrals/{}", first["id"].as_str().unwrap()),
    )
    .await;
    assert!(shown["timeline"]
        .to_string()
        .contains("the partnership's escalation contact, Graham Walsh"));

    // With no contact named, the receiving organisation's ig-leads.
    let ig = app.token_for("ig.lead", "TREAT").await;
    assert_eq!(set_contact(&app, &ig, None).await.status(), 200);
    let second = sent(&app, &gp, DANIEL, crisis, "urgent").await;
    app.clock.advance(Duration::hours(48));
    app.run_jobs().await;
    app.run_jobs().await;
    assert_eq!(notifications(&app, "ig.lead", "escalated").await, 1);
    assert_eq!(notifications(&app, "commissioner", "escalated").await, 1);
    let gp = app.token_for("gp", "TREAT").await;
    let (_, shown) = get_json(
        &app,
        &gp,
        &format!("/api/v1/referrals/{}", second["id"].as_str().unwrap()),
    )
    .await;
    assert!(
        shown["timeline"]
            .to_string()
            .contains("names no escalation contact"),
        "{shown}"
    );
}

async fn routine_deadlines_are_counted_in_working_days(app: TestApp) {
    // Thursday 2 April 2026, 09:00: Good Friday and Easter Monday follow.
    app.clock.advance(Duration::days(30));
    let gp = app.token_for("gp", "TREAT").await;
    let sent = sent(&app, &gp, DANIEL, team(&app, CRISIS_TEAM).await, "routine").await;
    assert_eq!(sent["acknowledge_due"], "2026-04-13T09:00:00Z");
    let id = sent["id"].as_str().unwrap().to_owned();
    // Monday 13 April, a minute before: nothing; at nine: the escalation.
    app.clock.advance(Duration::days(11) - Duration::minutes(1));
    assert_eq!(app.run_jobs().await, 0);
    app.clock.advance(Duration::minutes(1));
    assert_eq!(app.run_jobs().await, 1);
    assert_eq!(escalations(&app, &id).await, 1);
}

fn no_bank_holidays(config: &mut concordat_server::ServerConfig) {
    config.bank_holidays.clear();
}

async fn the_bank_holidays_are_a_setting(app: TestApp) {
    app.clock.advance(Duration::days(30));
    let gp = app.token_for("gp", "TREAT").await;
    let sent = sent(&app, &gp, DANIEL, team(&app, CRISIS_TEAM).await, "routine").await;
    assert_eq!(sent["acknowledge_due"], "2026-04-09T09:00:00Z");
}

async fn a_step_whose_lease_was_lost_commits_nothing(app: TestApp) {
    let gp = app.token_for("gp", "TREAT").await;
    let sent = sent(&app, &gp, DANIEL, team(&app, CRISIS_TEAM).await, "urgent").await;
    let id = sent["id"].as_str().unwrap().to_owned();
    app.clock.advance(Duration::hours(24));
    let claim = |node: &'static str| {
        let app = &app;
        async move {
            let now = concordat_server::Clock::now(&app.clock);
            let mut tx = app.store.write().await.unwrap();
            let claimed = jobs::claim_due(&mut tx, node, now, now + Duration::minutes(1), 10)
                .await
                .unwrap();
            tx.commit().await.unwrap();
            claimed
        }
    };
    let held_by_a = claim("node-a").await;
    assert_eq!(held_by_a.len(), 1);
    // Node a stalls past its lease; node b takes the job over.
    app.clock.advance(Duration::minutes(2));
    let held_by_b = claim("node-b").await;
    assert_eq!(held_by_b.len(), 1);

    concordat_server::escalation::referral::run(&app.state, "node-a", &held_by_a[0])
        .await
        .unwrap();
    assert_eq!(
        escalations(&app, &id).await,
        0,
        "node a no longer holds the job"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM jobs WHERE step = 2").await,
        0
    );
    assert_eq!(notifications(&app, "gp", "escalated").await, 0);
    {
        let mut conn = app.store.read().await.unwrap();
        let r = referrals::referral_by_id(&mut conn, id.parse().unwrap(), false)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(r.escalation_step, 0);
    }

    concordat_server::escalation::referral::run(&app.state, "node-b", &held_by_b[0])
        .await
        .unwrap();
    assert_eq!(escalations(&app, &id).await, 1);
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM jobs WHERE step = 2").await,
        1
    );
}

crate::on_both_stores!(without_bank_holidays with no_bank_holidays: the_bank_holidays_are_a_setting);

crate::on_both_stores!(
    an_unacknowledged_urgent_referral_escalates_twice_and_tells_the_sender,
    an_acknowledgement_stops_the_chain,
    the_lifecycle_checks_who_acts_and_why,
    a_referral_the_receivers_may_not_read_is_refused,
    the_second_step_goes_to_the_agreements_contact_else_the_ig_leads,
    routine_deadlines_are_counted_in_working_days,
    a_step_whose_lease_was_lost_commits_nothing,
);
