//! The person is told what happened to their record: a break-glass on it,
//! in their inbox once the emergency access has ended (or, if information
//! governance deferred its disclosure, on the day the deferral ends); and
//! every information governance lead whose organisation's data the override
//! opened is asked to review it, not only the user's own.

use chrono::Duration;
use concordat_server::Clock;
use serde_json::json;

use crate::fixtures::*;
use crate::harness::TestApp;
use crate::receivers::SmtpReceiver;

const WHY: &str = "Standing on the bridge parapet, will not give a name";

/// The police officer's break-glass on Daniel during street triage: its id.
async fn police_break_glass(app: &TestApp, justification: &str) -> String {
    let token = app.token_for("police", "ETREAT").await;
    let response = post_json(
        app,
        &token,
        "/api/v1/break-glass",
        json!({
            "nhs_number": DANIEL,
            "lawful_basis": "vital-interests",
            "justification": justification,
        }),
    )
    .await;
    assert_eq!(response.status(), 201);
    let body: serde_json::Value = response.json().await.unwrap();
    body["id"].as_str().expect("the use's id").to_owned()
}

/// `username`'s inbox, signed in afresh (the clock moves past sessions).
async fn notices(app: &TestApp, username: &str) -> String {
    let client = signed_in(app, username).await;
    let (status, inbox) = page(app, &client, "/inbox").await;
    assert_eq!(status, 200);
    inbox
}

const NOTICE: &str = "Someone used emergency access to your record";

async fn the_person_is_told_of_a_break_glass_once_it_ends_unless_deferred(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    open_street_triage(&app, daniel, &user(&app, "police").await).await;
    police_break_glass(&app, WHY).await;
    let person = "person";

    // While the access lasts, nothing yet: governance may still defer.
    app.run_jobs().await;
    assert!(!notices(&app, person).await.contains(NOTICE));

    // Once it has ended: who, from where, why, and where to look.
    app.clock.advance(Duration::minutes(31));
    app.run_jobs().await;
    let inbox = notices(&app, person).await;
    assert!(inbox.contains(NOTICE), "{inbox}");
    assert!(inbox.contains(WHY), "{inbox}");
    assert!(
        inbox.contains("police officer at Northshire Police"),
        "{inbox}"
    );
    assert!(inbox.contains(r#"href="/my/access-log""#), "{inbox}");
    assert!(!inbox.contains("break-glass"), "no internal words: {inbox}");
    assert_eq!(inbox.matches(NOTICE).count(), 1, "{inbox}");

    // The leads of the police and of the trust holding Daniel's record
    // (on his care team) are both asked to review it.
    for lead in ["police.ig", "ig.lead"] {
        let inbox = notices(&app, lead).await;
        let client = signed_in(&app, lead).await;
        assert!(inbox.contains("needs review"), "{lead}: {inbox}");
        let (status, queue) = page(&app, &client, "/governance/break-glass").await;
        assert_eq!(status, 200);
        assert!(queue.contains(WHY), "{lead}: {queue}");
    }

    // A second use, whose disclosure the police's lead defers for ten days.
    let later = "Found again at the bridge, refusing to speak to anyone";
    let second = police_break_glass(&app, later).await;
    let governance = app.token_for("police.ig", "TREAT").await;
    let until = (app.clock.now().date_naive() + Duration::days(10)).to_string();
    let deferred = post_json(
        &app,
        &governance,
        &format!("/api/v1/break-glass/{second}/defer"),
        json!({"reason": "Disclosure now would put his partner at risk", "until": until}),
    )
    .await;
    assert!(deferred.status().is_success(), "{}", deferred.status());
    app.clock.advance(Duration::minutes(31));
    app.run_jobs().await;
    let inbox = notices(&app, person).await;
    assert!(
        !inbox.contains(later),
        "told before the deferral ends: {inbox}"
    );

    app.clock.advance(Duration::days(10));
    app.run_jobs().await;
    let inbox = notices(&app, person).await;
    assert!(inbox.contains(later), "not told once it ended: {inbox}");
    assert_eq!(inbox.matches(NOTICE).count(), 2, "{inbox}");
}

async fn a_person_who_chose_email_gets_one_that_names_nothing(app: TestApp) {
    let smtp = SmtpReceiver::started();
    let person = signed_in(&app, "person").await;
    let (status, form) = page(&app, &person, "/my/notices").await;
    assert_eq!(status, 200, "{form}");
    let csrf = csrf_token(&form);
    let wrong = post_form(
        &app,
        &person,
        "/my/notices",
        &[("csrf_token", &csrf), ("email", "not an address")],
    )
    .await;
    assert_eq!(wrong.status(), 400);
    assert!(wrong
        .text()
        .await
        .unwrap()
        .contains(r##"<a href="#email">"##));
    let saved = post_form(
        &app,
        &person,
        "/my/notices",
        &[("csrf_token", &csrf), ("email", "daniel@example.org")],
    )
    .await;
    assert_eq!(saved.status(), 303);

    let daniel = person_id(&app, DANIEL).await;
    open_street_triage(&app, daniel, &user(&app, "police").await).await;
    police_break_glass(&app, WHY).await;
    app.clock.advance(Duration::minutes(31));
    app.run_jobs().await;
    app.run_jobs().await;
    let mail = smtp.mail();
    assert_eq!(mail.len(), 1, "{mail:?}");
    assert_eq!(mail[0].to, ["daniel@example.org"]);
    assert!(mail[0].data.contains("something new"), "{}", mail[0].data);
    for secret in [WHY, "emergency", "police", "Police"] {
        assert!(!mail[0].data.contains(secret), "the email says {secret}");
    }
    // The inbox has the whole notice.
    assert!(notices(&app, "person").await.contains(WHY));

    // Only a person's own account has the choice.
    let gp = signed_in(&app, "gp").await;
    let (status, _) = page(&app, &gp, "/my/notices").await;
    assert_eq!(status, 403);
}

crate::on_both_stores!(the_person_is_told_of_a_break_glass_once_it_ends_unless_deferred);

/// Points the server's SMTP setting at a receiver the test starts.
fn smtp(config: &mut concordat_server::ServerConfig) {
    SmtpReceiver::adjust(config);
}

crate::on_both_stores!(email with smtp:
    a_person_who_chose_email_gets_one_that_names_nothing,
);
