//! The partnership's outcome figures on both stores: contacts reported by
//! partners' systems become a month's figures, kept by the scheduler as
//! they arrive; a commissioner sees them on the dashboard and downloads
//! exactly what is shown, small numbers hidden (an organisation with one
//! contact, a month with one detention); no one else, and no other
//! purpose, sees them; a commissioner reaches nobody's record; a rebuild
//! changes nothing.

use chrono::Duration;
use concordat::demo::people::SCENARIO_STORIES;
use serde_json::{json, Value};

use crate::cli::{concordat, stderr, stdout};
use concordat_domain::consent::ConsentScope;

use crate::contact_events::{discharge, share_with_carer};
use crate::fixtures::{
    count, get_json, page, person_id, post_json, record_refusal, signed_in, texts, user, DANIEL,
    GARY, LEAH,
};
use crate::harness::{problem, TestApp};

const NHS_SYSTEM: &str = "https://fhir.nhs.uk/Id/nhs-number";

/// The NHS numbers of the first `n` synthetic people, in order: not the
/// people of the source stories, some of whom refuse the police.
async fn people(app: &TestApp, n: usize) -> Vec<String> {
    let all: Vec<String> = texts(
        app,
        &format!(
            "SELECT value FROM person_identifiers WHERE system = '{NHS_SYSTEM}' ORDER BY value"
        ),
        "value",
    )
    .await
    .into_iter()
    .filter(|nhs| !SCENARIO_STORIES.iter().any(|(story, _)| story == nhs))
    .collect();
    assert!(all.len() >= n, "the demo has {} numbered people", all.len());
    all.into_iter().take(n).collect()
}

fn event(system: &str, id: &str, kind: &str, nhs: &str, at: &str) -> Value {
    json!({
        "source_system": system, "event_id": id, "kind": kind, "nhs_number": nhs,
        "occurred_at": at, "outcome": "Recorded for the outcome figures"
    })
}

async fn report(app: &TestApp, token: &str, event: Value) {
    let response = post_json(app, token, "/api/v1/events", event.clone()).await;
    assert!(
        response.status().is_success(),
        "{event}: {}",
        response.text().await.unwrap()
    );
}

/// February 2026 as the police report it: 24 street triage contacts, 8 of
/// them followed within hours by a section 136 detention, and 4 other
/// detentions (12 in all); one 999 call from the ambulance service; and
/// in January a single detention.
pub(crate) async fn february(app: &TestApp) {
    let police = app.token_for("police-control", "TREAT").await;
    let nhs = people(app, 24).await;
    for (i, n) in nhs.iter().enumerate() {
        let day = 1 + i % 27;
        report(
            app,
            &police,
            event(
                "police-control",
                &format!("ST-{i}"),
                "street-triage",
                n,
                &format!("2026-02-{day:02}T20:00:00Z"),
            ),
        )
        .await;
        if i < 8 {
            // Each taken to a health-based place of safety, five of them
            // by ambulance.
            let mut detention = event(
                "police-control",
                &format!("S136-{i}"),
                "section-136",
                n,
                &format!("2026-02-{day:02}T23:00:00Z"),
            );
            detention["place_of_safety"] = json!("health-based");
            detention["conveyed_by"] = json!(if i < 5 { "ambulance" } else { "police-vehicle" });
            report(app, &police, detention).await;
        }
    }
    for (i, n) in nhs.iter().skip(20).enumerate() {
        report(
            app,
            &police,
            event(
                "police-control",
                &format!("S136-LONE-{i}"),
                "section-136",
                n,
                "2026-02-27T10:00:00Z",
            ),
        )
        .await;
    }
    report(
        app,
        &police,
        event(
            "police-control",
            "S136-JAN",
            "section-136",
            &nhs[0],
            "2026-01-15T10:00:00Z",
        ),
    )
    .await;
    let ed = app.token_for("northshire-ed", "TREAT").await;
    report(
        app,
        &ed,
        event(
            "northshire-ed",
            "ED-FEB",
            "ed-attendance",
            &nhs[2],
            "2026-02-11T03:00:00Z",
        ),
    )
    .await;
    let ambulance = app.token_for("ambulance-cad", "TREAT").await;
    report(
        app,
        &ambulance,
        event(
            "ambulance-cad",
            "999-FEB",
            "call-999",
            &nhs[1],
            "2026-02-10T03:00:00Z",
        ),
    )
    .await;
}

/// Lets the scheduler keep the figures: the refresh is scheduled, its
/// time comes, it runs.
pub(crate) async fn refresh(app: &TestApp) {
    concordat_server::outcomes::job::keep_scheduled(&app.state)
        .await
        .unwrap();
    app.clock.advance(Duration::minutes(6));
    assert!(app.run_jobs().await >= 1);
    let failed = texts(
        app,
        "SELECT last_error FROM jobs WHERE kind = 'outcomes-refresh' AND last_error IS NOT NULL",
        "last_error",
    )
    .await;
    assert!(failed.is_empty(), "the refresh failed: {failed:?}");
}

pub(crate) fn measure<'a>(dashboard: &'a Value, name: &str) -> &'a Value {
    dashboard["themes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["measures"].as_array().unwrap())
        .find(|m| m["measure"] == name)
        .unwrap_or_else(|| panic!("no measure {name}"))
}

fn trend<'a>(m: &'a Value, month: &str) -> &'a Value {
    m["trend"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["month"] == month)
        .unwrap_or_else(|| panic!("no {month}"))
}

fn row<'a>(m: &'a Value, organisation: &str) -> Option<&'a Value> {
    m["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["organisation"].as_str().unwrap().contains(organisation))
}

async fn a_commissioner_sees_the_month_with_small_numbers_hidden_and_downloads_what_is_shown(
    app: TestApp,
) {
    february(&app).await;
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM section_136_details").await,
        8
    );
    refresh(&app).await;
    let commissioner = app.token_for("commissioner", "HOPERAT").await;
    let (status, d) = get_json(&app, &commissioner, "/api/v1/outcomes?month=2026-02").await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["month"], "2026-02");
    assert_eq!(d["months"].as_array().unwrap().len(), 13);
    assert_eq!(d["months"][0], "2025-02");

    // Twelve detentions, rounded to ten; January's one is hidden.
    let s136 = measure(&d, "section-136");
    assert_eq!(trend(s136, "2026-02")["figure"], 10);
    assert_eq!(trend(s136, "2026-01")["figure"], "*");
    assert_eq!(trend(s136, "2025-12")["figure"], 0);
    // Eight of the twelve were taken to a health-based place of safety:
    // shown, but not as a share, which would give away the four that
    // were not (the rest is hidden); five went by ambulance: hidden.
    let health_based = trend(measure(&d, "section-136-health-based"), "2026-02");
    assert_eq!(health_based["figure"], 10);
    assert!(health_based["rate"].is_null(), "{health_based}");
    assert_eq!(
        trend(measure(&d, "section-136-ambulance"), "2026-02")["figure"],
        "*"
    );
    assert_eq!(
        trend(measure(&d, "section-136-police-station"), "2026-02")["figure"],
        0
    );
    // Sixteen of 24 street triage contacts ended without a detention:
    // 66.7 %, from the counts before rounding.
    let diverted = measure(&d, "street-triage-diverted");
    assert_eq!(trend(diverted, "2026-02")["figure"], 15);
    assert_eq!(trend(diverted, "2026-02")["rate"], 66.7);
    assert_eq!(trend(measure(&d, "street-triage"), "2026-02")["figure"], 25);

    // The ambulance service's one call is hidden, and so is another count
    // in that month's column, so the total does not give it away.
    let contacts = measure(&d, "crisis-contacts");
    // 36 from the police, one 999 call, one A&E visit: 38, about 40.
    assert_eq!(trend(contacts, "2026-02")["figure"], 40);
    let ambulance = row(contacts, "Ambulance").expect("an ambulance row");
    assert_eq!(ambulance["figures"][12], "*");
    let february_column: Vec<&Value> = contacts["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["figures"][12])
        .collect();
    assert!(
        february_column.iter().filter(|f| **f == "*").count() >= 2
            || trend(contacts, "2026-02")["figure"] == "*",
        "{contacts}"
    );

    // The download says what the page says, no more: the same figures,
    // and nothing that names anyone.
    let csv = app
        .get_with_token("/api/v1/outcomes.csv?month=2026-02", &commissioner)
        .await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let body = csv.text().await.unwrap();
    assert!(body.starts_with("measure,title,month,organisation,partner,team,figure,rate,"));
    assert!(body.contains("section-136,Section 136 detentions,2026-02,the partnership,,,10,"));
    assert!(body.contains("section-136,Section 136 detentions,2026-01,the partnership,,,*,"));
    assert!(body.contains("street-triage-diverted,Street triage without a detention,2026-02,the partnership,,,15,66.7,100,"));
    for n in people(&app, 24).await {
        assert!(!body.contains(&n), "an NHS number in the download");
    }
    assert!(!body.contains(&crate::fixtures::person_id(&app, DANIEL).await.to_string()));

    // The dashboard: charts drawn as SVG with a title and a description,
    // and the same CSV from the page.
    let client = signed_in(&app, "commissioner").await;
    let (status, html) = page(&app, &client, "/outcomes?month=2026-02").await;
    assert_eq!(status, 200);
    assert!(html.contains("Section 136 detentions"));
    assert!(html.contains("<svg viewBox=\"0 0 640 220\" role=\"img\""));
    assert!(html.contains("<title id=\"chart-section-136-title\">"));
    assert!(html.contains("In February 2026: about 10."));
    let from_page = client
        .get(app.url("/outcomes.csv?month=2026-02"))
        .send()
        .await
        .unwrap();
    assert_eq!(from_page.status(), 200);
    assert_eq!(from_page.text().await.unwrap(), body);

    // Commissioning opens no one's record.
    let daniel = crate::fixtures::person_id(&app, DANIEL).await;
    let (status, _) = get_json(&app, &commissioner, &format!("/api/v1/persons/{daniel}")).await;
    assert!(status == 403 || status == 404, "a record answered {status}");
}

async fn the_figures_are_for_commissioning_and_no_one_else(app: TestApp) {
    // Another purpose, even for a commissioner, is refused, naming the
    // one that is allowed.
    let treat = app.token_for("commissioner", "TREAT").await;
    let refused = app.get_with_token("/api/v1/outcomes", &treat).await;
    assert_eq!(refused.status(), 403);
    assert!(problem(refused).await["detail"]
        .as_str()
        .unwrap()
        .contains("HOPERAT"));
    // A police officer and a GP, for any purpose they may ask for.
    for user in ["police", "gp", "mh.practitioner", "admin"] {
        for purpose in ["TREAT", "ETREAT", "HOPERAT"] {
            let token = app.request_token(user, "demo", purpose).await;
            if !token.status().is_success() {
                continue;
            }
            let token: Value = token.json().await.unwrap();
            let token = token["access_token"].as_str().unwrap().to_owned();
            for path in ["/api/v1/outcomes", "/api/v1/outcomes.csv"] {
                let answer = app.get_with_token(path, &token).await;
                assert_eq!(answer.status(), 403, "{user} {purpose} {path}");
            }
        }
    }
    // No token at all.
    assert_eq!(app.get("/api/v1/outcomes").await.status(), 401);
    // An information governance lead, for commissioning, may.
    let ig = app.token_for("ig.lead", "HOPERAT").await;
    let (status, _) = get_json(&app, &ig, "/api/v1/outcomes").await;
    assert_eq!(status, 200);
    // A month that does not read, or has not come, is named.
    for (month, field) in [
        ("2026-13", "month"),
        ("March", "month"),
        ("2027-01", "month"),
    ] {
        let answer = app
            .get_with_token(&format!("/api/v1/outcomes?month={month}"), &ig)
            .await;
        assert_eq!(answer.status(), 400, "{month}");
        assert_eq!(problem(answer).await["errors"][0]["field"], field);
    }
    // The pages: the police officer is refused the dashboard and its files.
    let police = signed_in(&app, "police").await;
    for path in ["/outcomes", "/outcomes.csv", "/outcomes.json"] {
        let (status, _) = page(&app, &police, path).await;
        assert_eq!(status, 403, "{path}");
    }
}

/// The rows kept, in order, as text.
async fn kept(app: &TestApp) -> Vec<String> {
    texts(
        app,
        "SELECT month || ' ' || measure || ' ' || organisation_id || ' ' || partner_id || ' ' || \
         CAST(count AS TEXT) AS line FROM outcome_figures \
         ORDER BY month, measure, organisation_id, partner_id",
        "line",
    )
    .await
}

async fn figures_follow_the_contacts_as_they_arrive_and_a_rebuild_changes_nothing(app: TestApp) {
    refresh(&app).await;
    let pending =
        "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'outcomes-refresh' AND status = 'pending'";
    assert_eq!(
        count(&app, pending).await,
        1,
        "the next refresh is scheduled"
    );
    let ig = app.token_for("ig.lead", "HOPERAT").await;
    let s136_now = |d: &Value| trend(measure(d, "section-136"), "2026-03")["figure"].clone();
    let (_, d) = get_json(&app, &ig, "/api/v1/outcomes").await;
    assert_eq!(s136_now(&d), 0);

    // Ten detentions this month: the next refresh counts them.
    let police = app.token_for("police-control", "TREAT").await;
    for (i, n) in people(&app, 10).await.iter().enumerate() {
        report(
            &app,
            &police,
            event(
                "police-control",
                &format!("NOW-{i}"),
                "section-136",
                n,
                "2026-03-03T08:00:00Z",
            ),
        )
        .await;
    }
    app.clock.advance(Duration::minutes(5));
    assert_eq!(app.run_jobs().await, 1);
    assert_eq!(count(&app, pending).await, 1);
    let (_, d) = get_json(&app, &ig, "/api/v1/outcomes").await;
    assert_eq!(s136_now(&d), 10);

    // Worked out again from the start, nothing changes.
    let before = kept(&app).await;
    let out = concordat(&app, &["outcomes", "rebuild"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("records a second"),
        "{}",
        stdout(&out)
    );
    let after = kept(&app).await;
    let march: Vec<&String> = before.iter().filter(|l| l.starts_with("2026-03")).collect();
    assert!(!march.is_empty());
    for line in march {
        assert!(after.contains(line), "{line} changed");
    }

    // A refresh that fails is tried again, and the next is already
    // scheduled: a failure never ends the chain.
    {
        let mut conn = app.store.read().await.unwrap();
        sqlx::query("DROP TABLE outcome_months")
            .execute(&mut *conn)
            .await
            .unwrap();
    }
    app.clock.advance(Duration::minutes(5));
    assert_eq!(app.run_jobs().await, 1);
    let failed = "SELECT COUNT(*) AS n FROM jobs WHERE kind = 'outcomes-refresh' \
                  AND status = 'pending' AND last_error IS NOT NULL";
    assert_eq!(
        count(&app, failed).await,
        1,
        "the failed refresh waits to be tried again"
    );
    assert_eq!(
        count(&app, pending).await,
        2,
        "and the next one is scheduled"
    );
}

/// A detention says where the person was taken and how, from a partner's
/// system, over the API after a look-up, and on the officer's page; one
/// without the other, or on another kind of contact, is refused, naming
/// the field, and nothing is kept.
async fn a_detention_records_the_place_of_safety_and_how_the_person_was_taken(app: TestApp) {
    let kept = "SELECT COUNT(*) AS n FROM section_136_details";
    let nhs = people(&app, 3).await;
    let control = app.token_for("police-control", "TREAT").await;
    let mut half = event(
        "police-control",
        "S136-HALF",
        "section-136",
        &nhs[0],
        "2026-03-03T08:00:00Z",
    );
    half["place_of_safety"] = json!("police-station");
    let refused = post_json(&app, &control, "/api/v1/events", half).await;
    assert_eq!(refused.status(), 400);
    assert_eq!(problem(refused).await["errors"][0]["field"], "conveyed_by");
    let mut triage = event(
        "police-control",
        "ST-PLACE",
        "street-triage",
        &nhs[0],
        "2026-03-03T08:00:00Z",
    );
    triage["conveyed_by"] = json!("ambulance");
    let refused = post_json(&app, &control, "/api/v1/events", triage).await;
    assert_eq!(refused.status(), 400);
    assert_eq!(problem(refused).await["errors"][0]["field"], "conveyed_by");
    let mut unknown = event(
        "police-control",
        "S136-CELL",
        "section-136",
        &nhs[0],
        "2026-03-03T08:00:00Z",
    );
    unknown["place_of_safety"] = json!("cell");
    unknown["conveyed_by"] = json!("ambulance");
    let refused = post_json(&app, &control, "/api/v1/events", unknown).await;
    assert_eq!(refused.status(), 400);
    assert_eq!(
        problem(refused).await["errors"][0]["field"],
        "place_of_safety"
    );
    assert_eq!(count(&app, kept).await, 0);
    let mut whole = event(
        "police-control",
        "S136-WHOLE",
        "section-136",
        &nhs[0],
        "2026-03-03T08:00:00Z",
    );
    whole["place_of_safety"] = json!("police-station");
    whole["conveyed_by"] = json!("police-vehicle");
    report(&app, &control, whole).await;
    assert_eq!(count(&app, kept).await, 1);

    // The officer at the scene, after a look-up: over the API, then on the
    // page that records a contact.
    let officer = app.token_for("police", "ETREAT").await;
    let (status, _) = get_json(
        &app,
        &officer,
        &crate::fixtures::crisis_look_up_path(&nhs[1], "Welfare"),
    )
    .await;
    assert_eq!(status, 200);
    let person = crate::fixtures::person_id(&app, &nhs[1]).await;
    let contacts = format!("/api/v1/persons/{person}/contacts");
    let half = post_json(
        &app,
        &officer,
        &contacts,
        json!({"kind": "section-136", "reason": "Welfare", "outcome": "Detained", "place_of_safety": "health-based"}),
    )
    .await;
    assert_eq!(half.status(), 400);
    assert_eq!(problem(half).await["errors"][0]["field"], "conveyed_by");
    let whole = post_json(
        &app,
        &officer,
        &contacts,
        json!({"kind": "section-136", "reason": "Welfare", "outcome": "Detained",
               "place_of_safety": "health-based", "conveyed_by": "ambulance"}),
    )
    .await;
    assert_eq!(whole.status(), 201);
    assert_eq!(count(&app, kept).await, 2);

    let client = signed_in(&app, "police").await;
    let (_, html) = page(&app, &client, "/").await;
    let csrf = crate::fixtures::csrf_token(&html);
    let form = |place: &'static str, conveyed: &'static str| {
        vec![
            ("csrf_token", csrf.clone()),
            ("purpose", "ETREAT".to_owned()),
            ("kind", "section-136".to_owned()),
            ("reason", "Welfare".to_owned()),
            ("outcome", "Detained".to_owned()),
            ("place_of_safety", place.to_owned()),
            ("conveyed_by", conveyed.to_owned()),
        ]
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let client = client.clone();
        let url = app.url(&contacts.replace("/api/v1", ""));
        async move { client.post(url).form(&fields).send().await.unwrap() }
    };
    let refused = post(form("emergency-department", "")).await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"conveyed_by-error\""), "{html}");
    assert!(html.contains("Say how the person was taken too."), "{html}");
    assert!(
        html.contains("value=\"emergency-department\" selected"),
        "what was chosen stays chosen"
    );
    assert_eq!(count(&app, kept).await, 2);
    let recorded = post(form("emergency-department", "ambulance")).await;
    assert!(
        recorded.status().is_redirection() || recorded.status() == 200,
        "{}",
        recorded.status()
    );
    assert_eq!(count(&app, kept).await, 3);
    assert_eq!(
        texts(
            &app,
            "SELECT place_of_safety || ' ' || conveyed_by AS d FROM section_136_details ORDER BY d",
            "d"
        )
        .await,
        [
            "emergency-department ambulance",
            "health-based ambulance",
            "police-station police-vehicle"
        ]
    );
}

/// The demo's 25 people in frequent contact, put on the list today, are
/// this month's newly identified and on the list at its end; last month
/// had none.
async fn the_frequent_contact_list_is_counted_by_month(app: TestApp) {
    crate::frequent_contact::seeded(&app).await;
    refresh(&app).await;
    let ig = app.token_for("ig.lead", "HOPERAT").await;
    let (_, d) = get_json(&app, &ig, "/api/v1/outcomes").await;
    for listed in ["frequent-contact-identified", "frequent-contact-people"] {
        assert_eq!(
            trend(measure(&d, listed), "2026-03")["figure"],
            25,
            "{listed}"
        );
        assert_eq!(
            trend(measure(&d, listed), "2026-02")["figure"],
            0,
            "{listed}"
        );
    }
}

/// The partnership's figure of people refusing to share, as kept for the
/// test clock's month.
async fn refusing(app: &TestApp) -> i64 {
    count(
        app,
        "SELECT count AS n FROM outcome_figures WHERE measure = 'refusals-in-force' \
         AND organisation_id = '' AND month = '2026-03'",
    )
    .await
}

async fn refusals_in_force_are_counted_once_a_person_at_the_months_end(app: TestApp) {
    refresh(&app).await;
    let before = refusing(&app).await;
    let expected = count(
        &app,
        "SELECT COUNT(DISTINCT person_id) AS n FROM consent_directives WHERE effect = 'deny' \
         AND withdrawn_at IS NULL AND (expires_at IS NULL OR expires_at >= '2026-04-01')",
    )
    .await;
    assert_eq!(before, expected, "the demo's refusals as they stand");
    // Two refusals by one person who refused none before: one more.
    let gary = person_id(&app, GARY).await;
    let held = count(
        &app,
        &format!("SELECT COUNT(*) AS n FROM consent_directives WHERE person_id = '{gary}' AND effect = 'deny'"),
    )
    .await;
    assert_eq!(held, 0, "Gary refuses no one yet");
    let gp = user(&app, "gp").await;
    for partner in ["police", "paramedic"] {
        let scope = ConsentScope {
            organisation: Some(user(&app, partner).await.organisation_id()),
            ..ConsentScope::default()
        };
        record_refusal(&app, gary, scope, &gp).await;
    }
    refresh(&app).await;
    assert_eq!(refusing(&app).await, before + 1);
}

/// The partnership's kept figure of `measure` for the test clock's month.
async fn kept_figure(app: &TestApp, measure: &str) -> i64 {
    count(
        app,
        &format!(
            "SELECT count AS n FROM outcome_figures WHERE measure = '{measure}' \
             AND organisation_id = '' AND month = '2026-03'"
        ),
    )
    .await
}

async fn carers_told_at_discharge_are_counted_against_those_the_person_agreed_to(app: TestApp) {
    refresh(&app).await;
    let (agreed, told) = (
        kept_figure(&app, "discharges-carer-agreed").await,
        kept_figure(&app, "carers-told-at-discharge").await,
    );
    // Daniel agreed his mother may be told of a discharge; Leah agreed her
    // carer may be told of an admission only.
    let daniel = person_id(&app, DANIEL).await;
    let leah = person_id(&app, LEAH).await;
    share_with_carer(&app, daniel, &["discharge"]).await;
    share_with_carer(&app, leah, &["admission"]).await;
    let ward = app.token_for("nmht-pas", "TREAT").await;
    for (id, nhs) in [("D-1", DANIEL), ("D-2", LEAH)] {
        let response = post_json(&app, &ward, "/api/v1/events", discharge(id, nhs)).await;
        assert_eq!(response.status(), 201);
    }
    refresh(&app).await;
    assert_eq!(
        kept_figure(&app, "discharges-carer-agreed").await,
        agreed + 1
    );
    assert_eq!(
        kept_figure(&app, "carers-told-at-discharge").await,
        told + 1
    );
}

async fn discharges_are_followed_up_within_72_hours_or_not(app: TestApp) {
    refresh(&app).await;
    let (discharged, followed) = (
        kept_figure(&app, "discharges").await,
        kept_figure(&app, "discharges-followed-up").await,
    );
    // Daniel and Leah leave the ward on 3 March at 08:30.
    let ward = app.token_for("nmht-pas", "TREAT").await;
    for (id, nhs) in [("D-1", DANIEL), ("D-2", LEAH)] {
        let response = post_json(&app, &ward, "/api/v1/events", discharge(id, nhs)).await;
        assert_eq!(response.status(), 201);
    }
    app.clock.advance(Duration::days(5));
    let ward = app.token_for("nmht-pas", "TREAT").await;
    // The community team sees Daniel two days later, Leah four.
    for (id, nhs, at) in [
        ("F-1", DANIEL, "2026-03-05T10:00:00Z"),
        ("F-2", LEAH, "2026-03-07T09:00:00Z"),
    ] {
        let follow_up = json!({
            "source_system": "nmht-pas", "event_id": id, "kind": "follow-up",
            "nhs_number": nhs, "occurred_at": at, "outcome": "seen at home"
        });
        let response = post_json(&app, &ward, "/api/v1/events", follow_up).await;
        assert_eq!(response.status(), 201);
    }
    // An emergency department's system does not report follow-ups.
    let ed = app.token_for("northshire-ed", "TREAT").await;
    let refused = json!({
        "source_system": "northshire-ed", "event_id": "F-3", "kind": "follow-up",
        "nhs_number": LEAH, "occurred_at": "2026-03-04T09:00:00Z", "outcome": "seen"
    });
    let response = post_json(&app, &ed, "/api/v1/events", refused).await;
    assert!(response.status().is_client_error(), "{}", response.status());
    refresh(&app).await;
    assert_eq!(kept_figure(&app, "discharges").await, discharged + 2);
    assert_eq!(
        kept_figure(&app, "discharges-followed-up").await,
        followed + 1
    );
}

async fn agreed_plans_are_counted_as_they_stood_at_the_months_end(app: TestApp) {
    refresh(&app).await;
    let agreed = count(
        &app,
        "SELECT COUNT(*) AS n FROM crisis_plans WHERE agreed_version IS NOT NULL",
    )
    .await;
    assert!(agreed > 0, "the demo has agreed plans");
    let in_date = count(
        &app,
        "SELECT COUNT(*) AS n FROM crisis_plans WHERE agreed_version IS NOT NULL \
         AND review_due >= '2026-03-31'",
    )
    .await;
    let says = count(
        &app,
        "SELECT COUNT(*) AS n FROM crisis_plans WHERE agreed_version IS NOT NULL \
         AND agreed_says_what_does_not_help = 1",
    )
    .await;
    assert_eq!(kept_figure(&app, "plans-agreed").await, agreed);
    assert_eq!(kept_figure(&app, "plans-in-date").await, in_date);
    assert_eq!(
        kept_figure(&app, "plans-review-overdue").await,
        agreed - in_date
    );
    assert_eq!(
        kept_figure(&app, "plans-say-what-does-not-help").await,
        says
    );
    // A month before any plan was agreed counts none.
    assert_eq!(
        count(
            &app,
            "SELECT count AS n FROM outcome_figures WHERE measure = 'plans-agreed' \
             AND organisation_id = '' AND month = '2026-01'",
        )
        .await,
        count(
            &app,
            "SELECT COUNT(*) AS n FROM crisis_plans WHERE agreed_at < '2026-02-01'",
        )
        .await
    );
}

/// The people on mental health teams' caseloads formed before `end`
/// (with an agreed plan meeting `plan`, a condition on `p`, when given),
/// counted straight from the tables: for one team, or the partnership.
async fn on_caseloads(app: &TestApp, team: Option<&str>, end: &str, plan: Option<&str>) -> i64 {
    let team = team.map_or(String::new(), |t| format!(" AND u.team_id = '{t}'"));
    let plan = match plan {
        None => String::new(),
        Some(plan) => format!(
            " AND EXISTS (SELECT 1 FROM crisis_plans p WHERE p.person_id = ct.person_id \
             AND p.agreed_version IS NOT NULL{plan})"
        ),
    };
    count(
        app,
        &format!(
            "SELECT COUNT(DISTINCT ct.person_id) AS n FROM care_teams ct \
             JOIN care_team_members m ON m.care_team_id = ct.id \
             JOIN users u ON u.id = m.user_id \
             JOIN organisations o ON o.id = m.organisation_id \
             WHERE o.kind IN ('nhs-trust', 'specialist-service') \
             AND ct.formed_at < '{end}'{team}{plan}"
        ),
    )
    .await
}

/// `measure`'s kept figure for `month`, for the team `team` (or the
/// partnership).
async fn kept_for(app: &TestApp, measure: &str, month: &str, team: Option<&str>) -> i64 {
    let whose = team.map_or("organisation_id = '' AND partner_id = ''".to_owned(), |t| {
        format!("partner_id = '{t}'")
    });
    count(
        app,
        &format!(
            "SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) AS n FROM outcome_figures WHERE measure = '{measure}' \
             AND month = '{month}' AND {whose}"
        ),
    )
    .await
}

async fn each_teams_caseload_is_counted_with_its_plans_as_it_stood_at_the_months_end(app: TestApp) {
    refresh(&app).await;
    let end = "2026-04-01";
    let caseload = on_caseloads(&app, None, end, None).await;
    assert!(caseload > 0, "the demo's teams hold caseloads");
    assert_eq!(kept_for(&app, "caseload", "2026-03", None).await, caseload);
    let with_plan = on_caseloads(&app, None, end, Some("")).await;
    assert!(
        with_plan > 0 && with_plan < caseload,
        "some covered, not all"
    );
    assert_eq!(
        kept_for(&app, "caseload-with-plan", "2026-03", None).await,
        with_plan
    );
    let in_date = on_caseloads(&app, None, end, Some(" AND p.review_due >= '2026-03-31'")).await;
    assert_eq!(
        kept_for(&app, "caseload-plan-in-date", "2026-03", None).await,
        in_date
    );
    assert_eq!(
        kept_for(&app, "caseload-review-overdue", "2026-03", None).await,
        with_plan - in_date
    );
    assert_eq!(
        kept_for(&app, "caseload-says-what-does-not-help", "2026-03", None).await,
        on_caseloads(
            &app,
            None,
            end,
            Some(" AND p.agreed_says_what_does_not_help = 1")
        )
        .await
    );

    // The team holding the most people: its own row is its caseload.
    let team = texts(
        &app,
        "SELECT u.team_id AS team FROM care_teams ct \
         JOIN care_team_members m ON m.care_team_id = ct.id \
         JOIN users u ON u.id = m.user_id \
         JOIN organisations o ON o.id = m.organisation_id \
         WHERE o.kind = 'nhs-trust' AND u.team_id IS NOT NULL \
         GROUP BY u.team_id ORDER BY COUNT(DISTINCT ct.person_id) DESC, u.team_id LIMIT 1",
        "team",
    )
    .await
    .remove(0);
    let of_team = on_caseloads(&app, Some(&team), end, None).await;
    assert!(of_team > 0);
    assert_eq!(
        kept_for(&app, "caseload", "2026-03", Some(&team)).await,
        of_team
    );
    assert_eq!(
        kept_for(&app, "caseload-with-plan", "2026-03", Some(&team)).await,
        on_caseloads(&app, Some(&team), end, Some("")).await
    );

    // A care team formed in the middle of March is on March's caseload and
    // not February's.
    let gary = person_id(&app, GARY).await;
    let (february, march) = (
        kept_for(&app, "caseload", "2026-02", None).await,
        kept_for(&app, "caseload", "2026-03", None).await,
    );
    assert_eq!(february, on_caseloads(&app, None, "2026-03-01", None).await);
    {
        let mut tx = app.state.store.write().await.unwrap();
        sqlx::query(
            "UPDATE care_teams SET formed_at = '2026-03-15T10:00:00Z' WHERE person_id = $1",
        )
        .bind(gary.to_string())
        .execute(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
    }
    refresh(&app).await;
    assert_eq!(
        kept_for(&app, "caseload", "2026-02", None).await,
        february - 1
    );
    assert_eq!(kept_for(&app, "caseload", "2026-03", None).await, march);
}

crate::on_both_stores!(
    each_teams_caseload_is_counted_with_its_plans_as_it_stood_at_the_months_end,
    agreed_plans_are_counted_as_they_stood_at_the_months_end,
    carers_told_at_discharge_are_counted_against_those_the_person_agreed_to,
    discharges_are_followed_up_within_72_hours_or_not,
    refusals_in_force_are_counted_once_a_person_at_the_months_end,
    the_frequent_contact_list_is_counted_by_month,
    a_detention_records_the_place_of_safety_and_how_the_person_was_taken,
    a_commissioner_sees_the_month_with_small_numbers_hidden_and_downloads_what_is_shown,
    the_figures_are_for_commissioning_and_no_one_else,
    figures_follow_the_contacts_as_they_arrive_and_a_rebuild_changes_nothing,
);
