//! Whom the second step reaches, working days, the bank holidays setting, and a
//! step whose lease was lost.

use super::*;

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

crate::on_both_stores!(
    the_second_step_goes_to_the_agreements_contact_else_the_ig_leads,
    routine_deadlines_are_counted_in_working_days,
    a_step_whose_lease_was_lost_commits_nothing,
);

crate::on_both_stores!(without_bank_holidays with no_bank_holidays: the_bank_holidays_are_a_setting);
