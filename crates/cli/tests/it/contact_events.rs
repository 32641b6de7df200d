//! Contact events from registered source systems, on both stores: a
//! discharge tells the GP and the carer the person agreed may be told, by
//! email through a real SMTP exchange, and not the carer the person
//! refused; a batch with bad lines imports the good ones and names each bad
//! one; sending it again changes nothing; every person's events are
//! audited; a sender the person refused is answered as for no one; email
//! with no SMTP server is logged as not sent; a contact a system reports
//! tells the lead professional as one recorded by hand does.
//!
//! Longer than most test files because its journeys run across source systems,
//! SMTP and the inbox and share the event and mail helpers at the top.

use concordat_domain::ids::{PersonId, RelatedPersonId};
use concordat_store::{notifications, persons};
use serde_json::json;

use crate::fixtures::{
    count, crisis_look_up_path, get_json, person_id, post_json, user, DANIEL, GARY, LEAH,
};
use crate::harness::{problem, TestApp};
use crate::receivers::SmtpReceiver;

async fn carer(app: &TestApp, person: PersonId) -> RelatedPersonId {
    let mut conn = app.store.read().await.unwrap();
    persons::related_persons_of(&mut conn, person)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.nominated_carer())
        .expect("a nominated carer")
        .id()
}

/// Records what `person` agreed `carer` may be told, as their care
/// coordinator does.
pub(crate) async fn share_with_carer(app: &TestApp, person: PersonId, topics: &[&str]) {
    let token = app.token_for("mh.practitioner", "TREAT").await;
    let related = carer(app, person).await;
    let response = app
        .client
        .put(app.url(&format!(
            "/api/v1/persons/{person}/carers/{related}/sharing"
        )))
        .bearer_auth(&token)
        .json(&json!({ "may_tell": topics }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "sharing choices recorded");
}

pub(crate) fn discharge(event_id: &str, nhs: &str) -> serde_json::Value {
    json!({
        "source_system": "nmht-pas", "event_id": event_id, "kind": "discharge",
        "nhs_number": nhs, "occurred_at": "2026-03-03T08:30:00Z",
        "planned_discharge_date": "2026-03-10", "ward": "Willow Ward",
        "ward_phone": "01632 960300", "outcome": "Discharge planned with care coordinator"
    })
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

async fn a_discharge_tells_the_gp_and_the_consenting_carer_by_email_but_not_a_refused_carer(
    app: TestApp,
) {
    let smtp = SmtpReceiver::started();
    let daniel = person_id(&app, DANIEL).await;
    let leah = person_id(&app, LEAH).await;
    share_with_carer(&app, daniel, &["discharge"]).await;
    share_with_carer(&app, leah, &["admission"]).await;
    let ward = app.token_for("nmht-pas", "TREAT").await;

    let told = post_json(&app, &ward, "/api/v1/events", discharge("D-1", DANIEL)).await;
    assert_eq!(told.status(), 201);
    let not_told = post_json(&app, &ward, "/api/v1/events", discharge("D-2", LEAH)).await;
    assert_eq!(not_told.status(), 201);
    app.run_jobs().await;

    let mail = smtp.mail();
    assert_eq!(mail.len(), 1, "one email, to Daniel's mother: {mail:?}");
    assert_eq!(mail[0].to, ["margaret.reid@example.org"]);
    assert_eq!(mail[0].from, "noreply@concordat.invalid");
    assert!(
        mail[0]
            .data
            .contains("Daniel is expected home on Tuesday 10 March; contact Willow Ward on"),
        "{}",
        mail[0].data
    );
    assert!(!mail[0].data.contains("Reid"), "first name only");
    assert!(mail
        .iter()
        .all(|m| !m.to.iter().any(|t| t.contains("jordan"))));
    // The GP is told of both in their inbox, as is the care coordinator.
    assert_eq!(notifications(&app, "gp", "discharge").await, 2);
    assert_eq!(notifications(&app, "mh.practitioner", "discharge").await, 2);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM delivery_attempts WHERE channel = 'email' AND outcome = 'delivered'"
        )
        .await,
        1
    );
    // The audit names who was told and who was not.
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{leah}' AND reasons LIKE \
                 '%does not tell nominated carer Jordan Ellis of discharge%'"
            )
        )
        .await,
        1
    );
}

async fn email_without_an_smtp_server_is_logged_as_not_sent(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    share_with_carer(&app, daniel, &["discharge"]).await;
    let ward = app.token_for("nmht-pas", "TREAT").await;
    let told = post_json(&app, &ward, "/api/v1/events", discharge("D-9", DANIEL)).await;
    assert_eq!(told.status(), 201);
    app.run_jobs().await;
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM delivery_attempts WHERE channel = 'email' AND outcome = \
             'not-sent' AND detail LIKE '%--smtp-url%'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'email-delivery' AND status = 'dead'"
        )
        .await,
        1,
        "set aside for an administrator, not reported as sent"
    );
}

fn line(event_id: &str, kind: &str, nhs: &str) -> String {
    json!({
        "source_system": "northshire-ed", "event_id": event_id, "kind": kind,
        "nhs_number": nhs, "occurred_at": "2026-03-02T23:10:00+00:00",
        "outcome": "Seen by liaison psychiatry"
    })
    .to_string()
}

pub(crate) async fn post_batch(app: &TestApp, token: &str, body: String) -> serde_json::Value {
    let response = app
        .client
        .post(app.url("/api/v1/events:batch"))
        .bearer_auth(token)
        .header("content-type", "application/x-ndjson")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn a_batch_imports_its_good_lines_names_each_bad_one_and_changes_nothing_when_sent_again(
    app: TestApp,
) {
    let ed = app.token_for("northshire-ed", "TREAT").await;
    let mut attended =
        serde_json::from_str::<serde_json::Value>(&line("ED-1", "ed-attendance", DANIEL)).unwrap();
    attended["team"] = json!("Mental Health Liaison");
    let file = [
        attended.to_string(),
        "{not json".to_owned(),
        line("ED-2", "admission", GARY),
        line("ED-3", "teleportation", DANIEL),
        String::new(),
        line("ED-4", "ed-attendance", "9990000019"),
        line("ED-5", "ed-attendance", "9434765919"),
        line("ED-6", "planned-discharge-date", DANIEL)
            .replace('}', r#","planned_discharge_date":"2026-03-09"}"#),
        line("ED-7", "call-999", DANIEL),
    ]
    .join("\n");
    let events_before = count(&app, "SELECT COUNT(*) AS n FROM contact_events").await;

    let report = post_batch(&app, &ed, file.clone()).await;
    assert_eq!(
        report["totals"],
        json!({"lines": 8, "recorded": 3, "duplicates": 0, "held": 0, "errors": 5})
    );
    let lines = report["lines"].as_array().unwrap();
    let status = |n: u64| {
        lines
            .iter()
            .find(|l| l["line"] == n)
            .unwrap_or_else(|| panic!("line {n} reported"))
    };
    assert_eq!(status(1)["status"], "recorded");
    assert_eq!(status(2)["status"], "error");
    assert!(status(2)["reason"]
        .as_str()
        .unwrap()
        .contains("not an event"));
    assert_eq!(status(3)["status"], "recorded");
    assert_eq!(status(4)["status"], "error");
    assert!(status(4)["reason"].as_str().unwrap().starts_with("kind: "));
    // Line 5 is blank: skipped, not reported.
    assert!(lines.iter().all(|l| l["line"] != 5));
    assert!(status(6)["reason"]
        .as_str()
        .unwrap()
        .starts_with("nhs_number: "));
    assert!(status(7)["reason"]
        .as_str()
        .unwrap()
        .contains("no person with NHS number"));
    assert_eq!(status(8)["status"], "recorded");
    // The emergency department's system is not registered for 999 calls.
    assert!(status(9)["reason"]
        .as_str()
        .unwrap()
        .starts_with("kind: `northshire-ed` is not registered to report `call-999`"));
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM contact_events").await,
        events_before + 3
    );
    let notified = count(&app, "SELECT COUNT(*) AS n FROM notifications").await;

    let again = post_batch(&app, &ed, file).await;
    assert_eq!(
        again["totals"],
        json!({"lines": 8, "recorded": 0, "duplicates": 3, "held": 0, "errors": 5})
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM contact_events").await,
        events_before + 3
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM notifications").await,
        notified
    );

    // One audit entry per person per batch, naming its events.
    let daniel = person_id(&app, DANIEL).await;
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{daniel}' AND action = \
                 'write' AND reasons LIKE '%northshire-ed/ED-1, northshire-ed/ED-6%'"
            )
        )
        .await,
        2
    );
    // The attendance opened a relationship for the team it named, and
    // only that; the other events named no one and opened nothing.
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM care_relationships WHERE person_id = '{daniel}' AND \
                 kind = 'active-contact' AND team_id IS NOT NULL AND user_id IS NULL AND \
                 contact_kind = 'ed-attendance' AND reason = 'A&E visit reported by \
                 Northshire General ED system'"
            )
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM care_relationships WHERE kind = 'active-contact'"
        )
        .await,
        1
    );
}

async fn one_event_is_recorded_once_and_a_refused_sender_is_answered_as_for_no_one(app: TestApp) {
    let ed = app.token_for("northshire-ed", "TREAT").await;
    let event = json!({
        "source_system": "northshire-ed", "event_id": "A-1", "kind": "ed-attendance",
        "nhs_number": GARY, "occurred_at": "2026-03-03T02:00:00Z"
    });
    let first = post_json(&app, &ed, "/api/v1/events", event.clone()).await;
    assert_eq!(first.status(), 201);
    let first: serde_json::Value = first.json().await.unwrap();
    assert_eq!(first["status"], "recorded");
    let again = post_json(&app, &ed, "/api/v1/events", event).await;
    assert_eq!(again.status(), 200);
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(again["status"], "duplicate");

    // Leah refused sharing with the police: their control room's system
    // is answered exactly as for an NHS number no one has.
    let police = app.token_for("police-control", "TREAT").await;
    let triage = |nhs: &str| {
        json!({
            "source_system": "police-control", "event_id": "P-1", "kind": "street-triage",
            "nhs_number": nhs, "occurred_at": "2026-03-03T01:00:00Z"
        })
    };
    let refused = post_json(&app, &police, "/api/v1/events", triage(LEAH)).await;
    assert_eq!(refused.status(), 404);
    let refused = problem(refused).await;
    let no_one = post_json(&app, &police, "/api/v1/events", triage("9434765919")).await;
    assert_eq!(no_one.status(), 404);
    assert_eq!(refused, problem(no_one).await);
    let leah = person_id(&app, LEAH).await;
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{leah}' AND outcome = \
                 'denied' AND reasons LIKE '%refused sharing with Northshire Police%'"
            )
        )
        .await,
        1,
        "the audit keeps why"
    );

    let bad = post_json(
        &app,
        &ed,
        "/api/v1/events",
        json!({
            "source_system": "northshire-ed", "event_id": "A-2", "kind": "planned-discharge-date",
            "nhs_number": GARY, "occurred_at": "2026-03-03T02:00:00Z"
        }),
    )
    .await;
    assert_eq!(bad.status(), 400);
    let body = problem(bad).await;
    assert_eq!(body["errors"][0]["field"], "planned_discharge_date");
}

async fn a_reported_contact_tells_the_lead_professional_as_one_recorded_by_hand_does(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    // By hand: a police officer, after a crisis look-up, records a street
    // triage.
    let police = app.token_for("police", "ETREAT").await;
    let (status, _) = get_json(
        &app,
        &police,
        &crisis_look_up_path(GARY, "Distressed in the street"),
    )
    .await;
    assert_eq!(status, 200);
    let by_hand = post_json(
        &app,
        &police,
        &format!("/api/v1/persons/{gary}/contacts"),
        json!({"kind": "street-triage", "reason": "Called to the bridge by control",
               "outcome": "Taken home; sister present"}),
    )
    .await;
    assert_eq!(by_hand.status(), 201);
    // Reported: the trust's system sends a call to its crisis line.
    let pas = app.token_for("nmht-pas", "TREAT").await;
    let reported = post_json(
        &app,
        &pas,
        "/api/v1/events",
        json!({"source_system": "nmht-pas", "event_id": "CL-1", "kind": "crisis-line-call",
               "nhs_number": GARY, "occurred_at": "2026-03-03T08:30:00Z",
               "outcome": "Advice given; plan followed"}),
    )
    .await;
    assert_eq!(reported.status(), 201);

    // Gary's lead professional is told of each, in the same form.
    let lead = user(&app, "crisis.nurse").await;
    let mut conn = app.store.read().await.unwrap();
    let mut told: Vec<_> = notifications::notifications_of(&mut conn, lead.id(), 0, 50)
        .await
        .unwrap()
        .into_iter()
        .filter(|n| n.link.as_deref() == Some(&format!("/persons/{gary}")))
        .map(|n| (n.kind, n.subject, n.body))
        .collect();
    told.sort();
    assert_eq!(told.len(), 2, "{told:?}");
    let (kinds, subjects): (Vec<_>, Vec<_>) = told
        .iter()
        .map(|(k, s, _)| (k.as_str(), s.as_str()))
        .unzip();
    assert_eq!(kinds, ["contact-recorded", "contact-recorded"]);
    assert_eq!(
        subjects,
        ["Crisis line call: Gary Holt", "Street triage: Gary Holt"]
    );
    let (reported, by_hand) = (&told[0].2, &told[1].2);
    assert!(
        reported.starts_with("Northshire Mental Health patient administration system (nmht-pas) reported crisis line call at ")
            && reported.ends_with(": Advice given; plan followed"),
        "{reported}"
    );
    assert!(
        by_hand.starts_with("PC Sam Whitaker (Northshire Police) recorded street triage at ")
            && by_hand.ends_with(": Taken home; sister present"),
        "{by_hand}"
    );
    // Whoever recorded a contact is not told of it.
    assert_eq!(notifications(&app, "police", "contact-recorded").await, 0);
}

crate::on_both_stores!(
    a_reported_contact_tells_the_lead_professional_as_one_recorded_by_hand_does,
    a_batch_imports_its_good_lines_names_each_bad_one_and_changes_nothing_when_sent_again,
    one_event_is_recorded_once_and_a_refused_sender_is_answered_as_for_no_one,
    email_without_an_smtp_server_is_logged_as_not_sent,
);

/// Points the server's SMTP setting at a receiver the test starts.
fn smtp(config: &mut concordat_server::ServerConfig) {
    SmtpReceiver::adjust(config);
}

crate::on_both_stores!(with_smtp with smtp:
    a_discharge_tells_the_gp_and_the_consenting_carer_by_email_but_not_a_refused_carer,
);
