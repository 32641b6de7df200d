//! A contact event marked as a traumatic incident, on both stores: the
//! police control room's system reports a section 136 detention that was a
//! restraint for the officer who attended, and the officer is offered both
//! wellbeing checks and their wellbeing lead told, exactly as if the
//! officer had recorded it; the same event sent again offers nothing more;
//! nothing of it reaches the audit log or the person's record; a line at
//! fault names `traumatic_incident` and keeps nothing; and a system of
//! another organisation cannot start checks for the police's officers.

use chrono::{Duration, SecondsFormat};
use concordat_server::Clock as _;
use serde_json::{json, Value};

use crate::fixtures::{count, get_json, person_id, post_json, texts, user, GARY};
use crate::harness::{problem, TestApp};
use crate::wellbeing::told;

const OFFERED: &str = "Support after a traumatic incident";
const LEAD_TOLD: &str = "A colleague attended a traumatic incident";

fn ago(app: &TestApp, d: Duration) -> String {
    (app.clock.now() - d).to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// A section 136 detention of Gary that PC Whitaker attended.
fn detention(app: &TestApp, event_id: &str) -> Value {
    json!({
        "source_system": "police-control", "event_id": event_id, "kind": "section-136",
        "nhs_number": GARY, "occurred_at": ago(app, Duration::hours(2)),
        "outcome": "Taken to the place of safety", "attended_by": ["police"]
    })
}

/// The incidents `staff` attended that the source system `system`
/// recorded, by id.
async fn incidents_of(app: &TestApp, staff: &str, system: &str) -> Vec<String> {
    let (staff, system) = (user(app, staff).await.id(), user(app, system).await.id());
    texts(
        app,
        &format!(
            "SELECT i.id AS id FROM traumatic_incidents i JOIN incident_attendances a \
             ON a.incident_id = i.id WHERE a.user_id = '{staff}' AND i.recorded_by = '{system}'"
        ),
        "id",
    )
    .await
}

async fn audit_rows(app: &TestApp) -> i64 {
    count(app, "SELECT COUNT(*) AS n FROM audit_log").await
}

/// The attendance at `incident` in `list`.
fn of<'a>(list: &'a Value, incident: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|a| a["incident_id"] == incident)
        .unwrap_or_else(|| panic!("no attendance at {incident} in {list}"))
}

fn stages(attendance: &Value) -> Vec<(String, String)> {
    attendance["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["stage"].as_str().unwrap().to_owned(),
                c["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn post_batch(app: &TestApp, token: &str, lines: &[Value]) -> Value {
    let body = lines
        .iter()
        .map(Value::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    crate::contact_events::post_batch(app, token, body).await
}

async fn a_detention_marked_a_restraint_offers_the_officer_checks_once_and_tells_the_record_nothing(
    app: TestApp,
) {
    let gary = person_id(&app, GARY).await;
    let system = app.token_for("police-control", "TREAT").await;
    let (offered, lead_told) = (
        told(&app, "police", OFFERED).await,
        told(&app, "wellbeing.lead", LEAD_TOLD).await,
    );
    let reminders = "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'wellbeing-check-due' \
                     AND status = 'pending'";
    let scheduled = count(&app, reminders).await;
    let naming = "SELECT COUNT(*) AS n FROM audit_log WHERE reasons LIKE '%restraint%' \
                  OR reasons LIKE '%traumatic%' OR reasons LIKE '%wellbeing%'";
    let named_before = count(&app, naming).await;

    // His crisis nurse reads his record before and after: only the contact
    // may change it.
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let contacts = format!("/api/v1/persons/{gary}/contacts");
    let summary = format!("/api/v1/persons?nhs_number={GARY}");
    let restraints = |read: &Value| read.to_string().to_lowercase().matches("restraint").count();
    let restraints_before = (
        restraints(&get_json(&app, &nurse, &contacts).await.1),
        restraints(&get_json(&app, &nurse, &summary).await.1),
    );

    // What an unmarked detention writes to the audit log, to compare with.
    let before = audit_rows(&app).await;
    let plain = post_json(&app, &system, "/api/v1/events", detention(&app, "S136-0")).await;
    assert_eq!(plain.status(), 201);
    let unmarked = audit_rows(&app).await - before;

    let mut marked = detention(&app, "S136-1");
    marked["traumatic_incident"] = json!("restraint");
    let before = audit_rows(&app).await;
    let sent = post_json(&app, &system, "/api/v1/events", marked.clone()).await;
    assert_eq!(sent.status(), 201);
    let sent: Value = sent.json().await.unwrap();
    assert_eq!(sent["status"], "recorded");
    let contact = sent["id"].as_str().unwrap().to_owned();
    assert_eq!(
        audit_rows(&app).await - before,
        unmarked,
        "the incident adds nothing to the audit log"
    );
    assert_eq!(count(&app, naming).await, named_before);

    // The officer is offered both checks, as if they had recorded it.
    let incidents = incidents_of(&app, "police", "police-control").await;
    assert_eq!(incidents.len(), 1, "{incidents:?}");
    let incident = &incidents[0];
    assert_eq!(told(&app, "police", OFFERED).await, offered + 1);
    assert_eq!(told(&app, "wellbeing.lead", LEAD_TOLD).await, lead_told + 1);
    assert_eq!(count(&app, reminders).await, scheduled + 2);
    let officer = app.token_for("police", "ETREAT").await;
    let (status, mine) = get_json(&app, &officer, "/api/v1/wellbeing").await;
    assert_eq!(status, 200);
    let attendance = of(&mine["mine"], incident);
    assert_eq!(attendance["kind"], "restraint");
    assert_eq!(
        stages(attendance),
        [
            ("72-hours".to_owned(), "open".to_owned()),
            ("one-month".to_owned(), "open".to_owned())
        ]
    );
    let lead = app.token_for("wellbeing.lead", "HOPERAT").await;
    let (_, led) = get_json(&app, &lead, "/api/v1/wellbeing").await;
    assert_eq!(of(&led["led"], incident)["staff"], "PC Sam Whitaker");

    // Sent again, the event is a duplicate and offers nothing more.
    let again = post_json(&app, &system, "/api/v1/events", marked).await;
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.unwrap()["status"], "duplicate");
    assert_eq!(
        incidents_of(&app, "police", "police-control").await.len(),
        1
    );
    assert_eq!(told(&app, "police", OFFERED).await, offered + 1);
    assert_eq!(count(&app, reminders).await, scheduled + 2);

    // The contact is on his record; the incident is not.
    let (status, listed) = get_json(&app, &nurse, &contacts).await;
    assert_eq!(status, 200, "{listed}");
    let reported = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == contact.as_str())
        .unwrap_or_else(|| panic!("the detention among {listed}"));
    assert_eq!(reported["kind"], "section-136");
    let (status, read) = get_json(&app, &nurse, &summary).await;
    assert_eq!(status, 200, "{read}");
    assert_eq!(
        (restraints(&listed), restraints(&read)),
        restraints_before,
        "{listed}"
    );
    for text in [listed.to_string(), read.to_string()] {
        let text = text.to_lowercase();
        for word in ["traumatic", "wellbeing", incident.as_str()] {
            assert!(!text.contains(word), "{word} in {text}");
        }
    }
}

async fn a_line_whose_traumatic_incident_is_at_fault_names_the_field_and_keeps_nothing(
    app: TestApp,
) {
    let system = app.token_for("police-control", "TREAT").await;
    let events = "SELECT COUNT(*) AS n FROM contact_events";
    let (events_before, incidents_before) = (
        count(&app, events).await,
        count(&app, "SELECT COUNT(*) AS n FROM traumatic_incidents").await,
    );

    let mut unknown = detention(&app, "S136-1");
    unknown["traumatic_incident"] = json!("fainting");
    let mut no_one = detention(&app, "S136-2");
    no_one["traumatic_incident"] = json!("restraint");
    no_one.as_object_mut().unwrap().remove("attended_by");
    let mut too_old = detention(&app, "S136-3");
    too_old["traumatic_incident"] = json!("restraint");
    too_old["occurred_at"] = json!(ago(&app, Duration::days(100)));
    let unmarked = detention(&app, "S136-4");
    let mut colleague = detention(&app, "S136-5");
    colleague["attended_by"] = json!(["pc.jones"]);
    colleague["traumatic_incident"] = json!("death");

    let report = post_batch(
        &app,
        &system,
        &[unknown, no_one, too_old, unmarked, colleague],
    )
    .await;
    assert_eq!(
        report["totals"],
        json!({"lines": 5, "recorded": 2, "duplicates": 0, "held": 0, "errors": 3}),
        "{report}"
    );
    let reason = |n: u64| {
        let line = report["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["line"] == n)
            .unwrap_or_else(|| panic!("line {n} reported"));
        line["reason"].as_str().unwrap_or_default().to_owned()
    };
    for (n, says) in [
        (
            1,
            "expected one of: death, serious-self-harm, suicide-attempt",
        ),
        (2, "name the staff who attended in `attended_by`"),
        (3, "more than 90 days"),
    ] {
        let why = reason(n);
        assert!(
            why.starts_with("traumatic_incident: ") && why.contains(says),
            "line {n}: {why}"
        );
    }
    // Only the good lines are kept, each with all it carries.
    assert_eq!(count(&app, events).await, events_before + 2);
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM traumatic_incidents").await,
        incidents_before + 1
    );
    assert!(incidents_of(&app, "police", "police-control")
        .await
        .is_empty());
    assert_eq!(
        incidents_of(&app, "pc.jones", "police-control").await.len(),
        1
    );

    // One event alone is refused the same way, naming the field.
    let mut alone = detention(&app, "S136-6");
    alone["traumatic_incident"] = json!("fainting");
    let refused = post_json(&app, &system, "/api/v1/events", alone).await;
    assert_eq!(refused.status(), 400);
    assert_eq!(
        problem(refused).await["errors"][0]["field"],
        "traumatic_incident"
    );
    assert_eq!(count(&app, events).await, events_before + 2);
}

async fn a_system_of_another_organisation_cannot_offer_a_police_officer_checks(app: TestApp) {
    let hospital = app.token_for("northshire-ed", "TREAT").await;
    let attendances = format!(
        "SELECT COUNT(*) AS n FROM incident_attendances WHERE user_id = '{}'",
        user(&app, "police").await.id()
    );
    let (attended, offered) = (
        count(&app, &attendances).await,
        told(&app, "police", OFFERED).await,
    );

    let sent = post_json(
        &app,
        &hospital,
        "/api/v1/events",
        json!({
            "source_system": "northshire-ed", "event_id": "ED-1", "kind": "ed-attendance",
            "nhs_number": GARY, "occurred_at": ago(&app, Duration::hours(1)),
            "attended_by": ["police"], "traumatic_incident": "restraint"
        }),
    )
    .await;
    assert_eq!(sent.status(), 400);
    let body = problem(sent).await;
    assert_eq!(body["errors"][0]["field"], "attended_by", "{body}");
    assert_eq!(count(&app, &attendances).await, attended);
    assert_eq!(told(&app, "police", OFFERED).await, offered);
    assert!(incidents_of(&app, "police", "northshire-ed")
        .await
        .is_empty());
}

/// An event naming its person only by details is held for matching; the
/// crew's support waits on no one's matching: offered as the event is
/// held, and not again when it is matched or sent again.
async fn a_held_event_offers_its_crew_checks_at_once_and_only_once(app: TestApp) {
    let cad = app.token_for("ambulance-cad", "TREAT").await;
    let mut call =
        crate::matching::call_999("CAD-TRIM-1", crate::matching::described(&app, GARY).await);
    call["occurred_at"] = json!(ago(&app, Duration::hours(1)));
    call["attended_by"] = json!(["paramedic"]);
    call["traumatic_incident"] = json!("suicide-attempt");
    let sent = post_json(&app, &cad, "/api/v1/events", call.clone()).await;
    assert_eq!(sent.status(), 202);
    let held = sent.json::<Value>().await.unwrap();
    assert!(held["held"].is_string(), "{held}");
    assert_eq!(
        incidents_of(&app, "paramedic", "ambulance-cad").await.len(),
        1,
        "offered as the event is held, before any matching"
    );
    assert_eq!(told(&app, "paramedic", OFFERED).await, 1);
    // What is kept for matching no longer says it.
    let payload = texts(
        &app,
        "SELECT payload FROM held_events WHERE event_id = 'CAD-TRIM-1'",
        "payload",
    )
    .await
    .remove(0);
    assert!(!payload.contains("traumatic"), "{payload}");

    // Matched to Gary and recorded: no second incident.
    app.run_jobs().await;
    assert_eq!(
        crate::matching::held_status(&app, "CAD-TRIM-1").await,
        "linked"
    );
    // Sent again: held once, offered once.
    let again = post_json(&app, &cad, "/api/v1/events", call).await;
    assert_eq!(again.status(), 200, "already held");
    assert_eq!(
        incidents_of(&app, "paramedic", "ambulance-cad").await.len(),
        1
    );
    assert_eq!(told(&app, "paramedic", OFFERED).await, 1);
}

crate::on_both_stores!(
    a_held_event_offers_its_crew_checks_at_once_and_only_once,
    a_detention_marked_a_restraint_offers_the_officer_checks_once_and_tells_the_record_nothing,
    a_line_whose_traumatic_incident_is_at_fault_names_the_field_and_keeps_nothing,
    a_system_of_another_organisation_cannot_offer_a_police_officer_checks,
);
