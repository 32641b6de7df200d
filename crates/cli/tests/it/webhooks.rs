//! Webhooks on both stores, with a moved clock: a receiver failing its
//! first two attempts gets the event once the retries succeed, signed so
//! it can check; a receiver holding the wrong secret sees a bad signature;
//! the delivery log shows every attempt; a receiver that always fails ends
//! in the dead letters, and an administrator's retry delivers it. The
//! receivers listen on 127.0.0.1 over plain HTTP, so these tests run as a
//! deployment that names that network and allows HTTP (issue 11).

use chrono::Duration;
use concordat_server::webhooks::destinations::Network;
use concordat_server::webhooks::Destinations;
use serde_json::json;

use crate::fixtures::{
    csrf_token, form_action, get_json, location, page, person_id, post_form, post_json, signed_in,
    DANIEL,
};
use crate::harness::{problem, TestApp};
use crate::receivers::{sign, HookReceiver};

const SECRET: &str = "northshire-mh-webhook-secret";

async fn register(app: &TestApp, token: &str, url: &str, secret: &str) -> serde_json::Value {
    let response = post_json(
        app,
        token,
        "/api/v1/webhooks",
        json!({"url": url, "secret": secret}),
    )
    .await;
    assert_eq!(response.status(), 201);
    let text = response.text().await.unwrap();
    assert!(!text.contains(secret), "the secret is never shown: {text}");
    serde_json::from_str(&text).unwrap()
}

/// What the receivers of these tests need: plain HTTP, and loopback named
/// as a network webhooks may reach.
pub fn local_receivers(config: &mut concordat_server::ServerConfig) {
    config.delivery.webhooks = Destinations {
        allow_http: true,
        allowed_networks: vec![Network::parse("127.0.0.1/32").unwrap()],
    };
}

/// An ED attendance for Daniel, whose care team includes the mental
/// health trust (the demo admin's organisation): the trust's webhooks are
/// told of it. Every webhook test's deliveries start here.
pub async fn attendance(app: &TestApp, event_id: &str) {
    let ed = app.token_for("northshire-ed", "TREAT").await;
    let sent = post_json(
        app,
        &ed,
        "/api/v1/events",
        json!({
            "source_system": "northshire-ed", "event_id": event_id, "kind": "ed-attendance",
            "nhs_number": DANIEL, "occurred_at": "2026-03-03T08:00:00Z"
        }),
    )
    .await;
    assert_eq!(sent.status(), 201);
}

fn header(hit: &crate::receivers::Hit, name: &str) -> String {
    hit.headers[name].to_str().unwrap().to_owned()
}

async fn a_receiver_failing_twice_gets_the_event_signed_once_retries_succeed(app: TestApp) {
    let admin = app.token_for("admin", "TREAT").await;
    let flaky = HookReceiver::start(SECRET, 2).await;
    // This receiver was given the wrong secret by its operators.
    let misconfigured = HookReceiver::start("not-the-registered-secret", 0).await;
    let hook = register(&app, &admin, &flaky.url, SECRET).await;
    assert_eq!(hook["secret_set"], true);
    register(&app, &admin, &misconfigured.url, SECRET).await;
    let (status, listed) = get_json(&app, &admin, "/api/v1/webhooks").await;
    assert_eq!(status, 200);
    assert_eq!(listed.as_array().unwrap().len(), 2);
    assert!(!listed.to_string().contains(SECRET));

    attendance(&app, "W-1").await;
    app.run_jobs().await;
    assert_eq!(flaky.hits().len(), 1);
    assert_eq!(flaky.hits()[0].answered, 500);
    // Not yet due again.
    app.run_jobs().await;
    assert_eq!(flaky.hits().len(), 1);
    app.clock.advance(Duration::seconds(31));
    app.run_jobs().await;
    assert_eq!(flaky.hits().len(), 2);
    app.clock.advance(Duration::seconds(61));
    app.run_jobs().await;

    let hits = flaky.hits();
    assert_eq!(hits.len(), 3);
    assert_eq!(
        hits.iter().map(|h| h.answered).collect::<Vec<_>>(),
        [500, 500, 200]
    );
    assert!(
        hits.iter().all(|h| h.signature_valid),
        "signed with the secret"
    );
    let key = header(&hits[0], "idempotency-key");
    assert!(hits.iter().all(|h| header(h, "idempotency-key") == key));
    let body: serde_json::Value = serde_json::from_str(&hits[2].body).unwrap();
    assert_eq!(body["type"], "contact-event.recorded");
    assert_eq!(body["id"], key.as_str());
    let daniel = person_id(&app, DANIEL).await;
    assert_eq!(body["data"]["person_id"], daniel.to_string());
    assert_eq!(body["data"]["kind"], "ed-attendance");

    let wrong = misconfigured.hits();
    assert_eq!(wrong.len(), 1);
    assert!(!wrong[0].signature_valid, "the wrong secret shows");
    assert_eq!(
        header(&wrong[0], "x-concordat-signature"),
        sign(
            SECRET,
            &header(&wrong[0], "x-concordat-timestamp"),
            &wrong[0].body
        ),
        "the signature is the registered secret's"
    );

    let (status, log) = get_json(&app, &admin, "/api/v1/webhooks/deliveries").await;
    assert_eq!(status, 200);
    let delivery = log
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] == key.as_str())
        .expect("the delivery is in the log");
    assert_eq!(delivery["status"], "delivered");
    let outcomes: Vec<_> = delivery["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["outcome"].clone(), a["status_code"].clone()))
        .collect();
    assert_eq!(
        outcomes,
        [
            (json!("failed"), json!(500)),
            (json!("failed"), json!(500)),
            (json!("delivered"), json!(200))
        ]
    );
    assert!(!log.to_string().contains(SECRET));
}

async fn a_receiver_that_keeps_failing_ends_dead_and_an_admin_retry_delivers(app: TestApp) {
    let admin = app.token_for("admin", "TREAT").await;
    let down = HookReceiver::start(SECRET, 0).await;
    register(&app, &admin, &down.url, SECRET).await;
    attendance(&app, "W-2").await;
    until_dead(&app, &down).await;
    app.run_jobs().await;
    let attempts = usize::try_from(concordat_server::scheduler::job::MAX_ATTEMPTS).unwrap();
    assert_eq!(down.hits().len(), attempts, "no attempt after the last");
    // Hours have passed: a new token.
    let admin = app.token_for("admin", "TREAT").await;

    let (status, dead) = get_json(&app, &admin, "/api/v1/webhooks/deliveries?status=dead").await;
    assert_eq!(status, 200);
    let dead = dead.as_array().unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0]["status"], "dead");
    assert_eq!(dead[0]["attempts"].as_array().unwrap().len(), attempts);
    let id = dead[0]["id"].as_str().unwrap().to_owned();

    let retried = post_json(
        &app,
        &admin,
        &format!("/api/v1/webhooks/deliveries/{id}/retry"),
        json!({}),
    )
    .await;
    assert_eq!(retried.status(), 202);
    app.run_jobs().await;
    let hits = down.hits();
    assert_eq!(hits.len(), attempts + 1);
    assert_eq!(hits.last().unwrap().answered, 200);
    assert!(hits.last().unwrap().signature_valid);
    let (_, dead) = get_json(&app, &admin, "/api/v1/webhooks/deliveries?status=dead").await;
    assert_eq!(dead, json!([]));

    // Only a dead delivery can be retried.
    let again = post_json(
        &app,
        &admin,
        &format!("/api/v1/webhooks/deliveries/{id}/retry"),
        json!({}),
    )
    .await;
    assert_eq!(again.status(), 409);
}

/// Lets every attempt at a delivery to `down` fail until it is dead.
async fn until_dead(app: &TestApp, down: &HookReceiver) {
    down.set_failing(true);
    for _ in 0..concordat_server::scheduler::job::MAX_ATTEMPTS {
        app.run_jobs().await;
        app.clock.advance(Duration::hours(4) + Duration::minutes(1));
    }
    down.set_failing(false);
}

async fn the_admin_page_lists_dead_letters_and_retries_one(app: TestApp) {
    let admin = app.token_for("admin", "TREAT").await;
    let down = HookReceiver::start(SECRET, 0).await;
    register(&app, &admin, &down.url, SECRET).await;
    attendance(&app, "W-3").await;
    until_dead(&app, &down).await;

    let browser = signed_in(&app, "admin").await;
    let (status, html) = page(&app, &browser, "/admin/webhooks").await;
    assert_eq!(status, 200);
    assert!(html.contains("Dead letters"));
    assert!(html.contains("contact-event.recorded"));
    assert!(html.contains("receiver-rejected (HTTP 500)"), "{html}");
    assert!(!html.contains(SECRET));
    let action = form_action(&html, "/admin/webhooks/deliveries/");
    let token = csrf_token(&html);

    let forged = post_form(&app, &browser, &action, &[("csrf_token", "forged")]).await;
    assert_eq!(forged.status(), 403);
    let retried = post_form(&app, &browser, &action, &[("csrf_token", &token)]).await;
    assert_eq!(retried.status(), 303);
    assert_eq!(location(&retried), "/admin/webhooks");
    app.run_jobs().await;
    assert_eq!(down.hits().last().unwrap().answered, 200);
    let (_, html) = page(&app, &browser, "/admin/webhooks").await;
    assert!(html.contains("delivered"));

    let nurse = signed_in(&app, "crisis.nurse").await;
    let (status, _) = page(&app, &nurse, "/admin/webhooks").await;
    assert_eq!(status, 403);
}

async fn a_referral_sent_to_the_organisation_and_its_escalation_are_delivered(app: TestApp) {
    let ig = app.token_for("ig.lead", "TREAT").await;
    let receiver = HookReceiver::start(SECRET, 0).await;
    register(&app, &ig, &receiver.url, SECRET).await;
    let gp = app.token_for("gp", "TREAT").await;
    let crisis = crate::referrals::team(&app, "Crisis Resolution and Home Treatment Team").await;
    let sent = post_json(
        &app,
        &gp,
        "/api/v1/referrals",
        json!({
            "nhs_number": DANIEL, "to_team_id": crisis.to_string(), "urgency": "urgent",
            "reason": "Not sleeping, family worried", "sections": []
        }),
    )
    .await;
    assert_eq!(sent.status(), 201);
    let referral: serde_json::Value = sent.json().await.unwrap();
    app.run_jobs().await;
    // Past the urgent acknowledgement deadline (one day), not the second step.
    app.clock.advance(Duration::hours(25));
    app.run_jobs().await;
    app.run_jobs().await;

    let types: Vec<String> = receiver
        .hits()
        .iter()
        .map(|h| serde_json::from_str::<serde_json::Value>(&h.body).unwrap())
        .filter(|b| b["data"]["referral_id"] == referral["id"])
        .map(|b| b["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(types, ["referral.sent", "referral.escalated"]);
    assert!(receiver.hits().iter().all(|h| h.signature_valid));
}

async fn only_administrators_and_ig_leads_manage_webhooks(app: TestApp) {
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let refused = post_json(
        &app,
        &nurse,
        "/api/v1/webhooks",
        json!({"url": "https://example.org/hook", "secret": SECRET}),
    )
    .await;
    assert_eq!(refused.status(), 403);
    let ig = app.token_for("ig.lead", "TREAT").await;
    let short = post_json(
        &app,
        &ig,
        "/api/v1/webhooks",
        json!({"url": "https://example.org/hook", "secret": "short"}),
    )
    .await;
    assert_eq!(short.status(), 400);
    assert_eq!(problem(short).await["errors"][0]["field"], "secret");
    let (status, _) = get_json(&app, &ig, "/api/v1/webhooks/deliveries?status=lost").await;
    assert_eq!(status, 400);
}

crate::on_both_stores!(local with local_receivers:
    a_receiver_failing_twice_gets_the_event_signed_once_retries_succeed,
    a_receiver_that_keeps_failing_ends_dead_and_an_admin_retry_delivers,
    only_administrators_and_ig_leads_manage_webhooks,
    the_admin_page_lists_dead_letters_and_retries_one,
    a_referral_sent_to_the_organisation_and_its_escalation_are_delivered,
);
