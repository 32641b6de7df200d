//! Regression tests for the holes found by probing consent-first access from
//! outside (issue 11), on both stores: contact events that granted their
//! sender's whole organisation a relationship with anyone; refusals that
//! told a caller whether a person exists; purposes the consent and
//! break-glass endpoints did not bind; refused break-glass attempts the
//! audit missed; and an information governance lead's audit search that
//! covered the whole partnership.

use chrono::Duration;
use concordat_domain::identifier::Identifier;
use concordat_domain::ids::PersonId;
use concordat_domain::nhs_number::NhsNumber;
use concordat_domain::person::{BirthDate, Person, PersonName};
use concordat_store::persons;
use serde_json::json;

use crate::fixtures::{
    count, crisis_look_up_path, csrf_token, get_json, person_id, post_json, user, DANIEL, GARY,
    LEAH,
};
use crate::harness::{problem, TestApp, DEMO_PASSWORD};

/// A valid NHS number no one in the demo has.
const NO_ONE: &str = "9434765919";

/// A person no demo user has any relationship with: no care team, no
/// referral, no contact.
async fn stranger(app: &TestApp, first_nine: u32) -> (PersonId, String) {
    let nhs = (first_nine..first_nine + 20)
        .find_map(NhsNumber::from_first_nine)
        .expect("a valid NHS number");
    let person = Person::new(
        PersonId::new(),
        PersonName::new("Robin", "Stranger").unwrap(),
        BirthDate::new(
            chrono::NaiveDate::from_ymd_opt(1988, 7, 9).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 3, 3).unwrap(),
        )
        .unwrap(),
        None,
        None,
        vec![Identifier::nhs(nhs)],
    )
    .unwrap();
    let mut tx = app.store.write().await.unwrap();
    persons::insert_person(&mut tx, &person, concordat_server::Clock::now(&app.clock))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    (person.id(), nhs.as_str().to_owned())
}

fn by_nhs(nhs: &str) -> String {
    format!("/api/v1/persons?nhs_number={nhs}")
}

/// Status and body of a GET, for comparing two answers.
async fn answer(app: &TestApp, token: &str, path: &str) -> (u16, serde_json::Value) {
    let response = app.get_with_token(path, token).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

fn event(system: &str, id: &str, kind: &str, nhs: &str) -> serde_json::Value {
    json!({
        "source_system": system, "event_id": id, "kind": kind,
        "nhs_number": nhs, "occurred_at": "2026-03-03T08:00:00Z"
    })
}

// Finding 1 -----------------------------------------------------------------

async fn a_member_of_staff_cannot_post_an_event_to_reach_a_stranger(app: TestApp) {
    let (person, nhs) = stranger(&app, 600_000_000).await;
    let gp = app.token_for("gp", "TREAT").await;
    assert_eq!(answer(&app, &gp, &by_nhs(&nhs)).await.0, 404);

    let sent = post_json(
        &app,
        &gp,
        "/api/v1/events",
        event("gp-system", "X-1", "ed-attendance", &nhs),
    )
    .await;
    assert_eq!(sent.status(), 403);
    let body = problem(sent).await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .starts_with("contact events come from registered source systems"),
        "{body}"
    );
    // The same answer for someone who does not exist: refused before any
    // look-up.
    let no_one = post_json(
        &app,
        &gp,
        "/api/v1/events",
        event("gp-system", "X-1", "ed-attendance", NO_ONE),
    )
    .await;
    assert_eq!(problem(no_one).await, body);

    assert_eq!(answer(&app, &gp, &by_nhs(&nhs)).await.0, 404);
    let practice = app.token_for("dr.evans", "TREAT").await;
    assert_eq!(answer(&app, &practice, &by_nhs(&nhs)).await.0, 404);
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) AS n FROM contact_events WHERE person_id = '{person}'")
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) AS n FROM care_relationships WHERE person_id = '{person}'")
        )
        .await,
        0
    );
}

async fn a_source_systems_report_opens_the_record_to_the_team_it_names_while_it_lasts(
    app: TestApp,
) {
    let (person, nhs) = stranger(&app, 600_000_100).await;
    let ed_system = app.token_for("northshire-ed", "TREAT").await;
    // Dr Obi is in Mental Health Liaison; Dr Lee and Isaac Mensah are in the
    // Emergency Department team of the same hospital.
    let liaison = app.token_for("n.obi", "TREAT").await;
    let department = app.token_for("ed.clinician", "TREAT").await;

    // An event naming no one opens nothing for anyone.
    let unnamed = post_json(
        &app,
        &ed_system,
        "/api/v1/events",
        event("northshire-ed", "E-1", "ed-attendance", &nhs),
    )
    .await;
    assert_eq!(unnamed.status(), 201);
    assert_eq!(answer(&app, &liaison, &by_nhs(&nhs)).await.0, 404);
    assert_eq!(answer(&app, &department, &by_nhs(&nhs)).await.0, 404);

    let mut named = event("northshire-ed", "E-2", "ed-attendance", &nhs);
    named["team"] = json!("mental health liaison");
    assert_eq!(
        post_json(&app, &ed_system, "/api/v1/events", named)
            .await
            .status(),
        201
    );
    let (status, record) = answer(&app, &liaison, &by_nhs(&nhs)).await;
    assert_eq!(status, 200, "{record}");
    assert_eq!(record["person_id"], person.to_string());
    // Not the rest of the hospital.
    assert_eq!(answer(&app, &department, &by_nhs(&nhs)).await.0, 404);
    // The relationship is the reason the audit gives for the read.
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{person}' AND outcome = \
                 'allowed' AND action = 'read' AND reasons LIKE '%relationship: contact: \
                 emergency department attendance reported by Northshire General ED system%'"
            )
        )
        .await,
        1
    );

    // An attendance lasts a day.
    app.clock.advance(Duration::hours(25));
    let liaison = app.token_for("n.obi", "TREAT").await;
    assert_eq!(answer(&app, &liaison, &by_nhs(&nhs)).await.0, 404);
}

async fn an_admission_opens_the_record_to_the_ward_until_the_discharge(app: TestApp) {
    let (_, nhs) = stranger(&app, 600_000_200).await;
    let pas = app.token_for("nmht-pas", "TREAT").await;
    let mut admission = event("nmht-pas", "W-1", "admission", &nhs);
    admission["team"] = json!("Willow Ward");
    admission["ward"] = json!("Willow Ward");
    assert_eq!(
        post_json(&app, &pas, "/api/v1/events", admission)
            .await
            .status(),
        201
    );
    app.clock.advance(Duration::days(20));
    let nurse = app.token_for("s.dunn", "TREAT").await;
    assert_eq!(answer(&app, &nurse, &by_nhs(&nhs)).await.0, 200);

    let pas = app.token_for("nmht-pas", "TREAT").await;
    let mut discharge = event("nmht-pas", "W-2", "discharge", &nhs);
    discharge["occurred_at"] = json!("2026-03-23T08:00:00Z");
    assert_eq!(
        post_json(&app, &pas, "/api/v1/events", discharge)
            .await
            .status(),
        201
    );
    assert_eq!(answer(&app, &nurse, &by_nhs(&nhs)).await.0, 404);
}

async fn a_source_system_reports_only_as_itself_what_it_is_registered_for_and_reads_nothing(
    app: TestApp,
) {
    let ed_system = app.token_for("northshire-ed", "TREAT").await;
    let field = |response: serde_json::Value| response["errors"][0]["field"].clone();

    let posing = post_json(
        &app,
        &ed_system,
        "/api/v1/events",
        event("ambulance-cad", "Z-1", "ed-attendance", GARY),
    )
    .await;
    assert_eq!(posing.status(), 400);
    assert_eq!(field(problem(posing).await), "source_system");

    let unregistered = post_json(
        &app,
        &ed_system,
        "/api/v1/events",
        event("northshire-ed", "Z-2", "section-136", GARY),
    )
    .await;
    assert_eq!(unregistered.status(), 400);
    assert_eq!(field(problem(unregistered).await), "kind");

    let mut elsewhere = event("northshire-ed", "Z-3", "ed-attendance", GARY);
    elsewhere["team"] = json!("Street Triage");
    let elsewhere = post_json(&app, &ed_system, "/api/v1/events", elsewhere).await;
    assert_eq!(elsewhere.status(), 400);
    assert_eq!(field(problem(elsewhere).await), "team");

    let mut outsider = event("northshire-ed", "Z-4", "ed-attendance", GARY);
    outsider["attended_by"] = json!(["police"]);
    let outsider = post_json(&app, &ed_system, "/api/v1/events", outsider).await;
    assert_eq!(outsider.status(), 400);
    assert_eq!(field(problem(outsider).await), "attended_by");

    // Its report was recorded above for no one; it reads nothing itself.
    let reported = post_json(
        &app,
        &ed_system,
        "/api/v1/events",
        event("northshire-ed", "Z-5", "ed-attendance", GARY),
    )
    .await;
    assert_eq!(reported.status(), 201);
    assert_eq!(answer(&app, &ed_system, &by_nhs(GARY)).await.0, 404);

    // A system signs in to the API only: the sign-in page answers as for a
    // wrong password.
    let client = app.new_client();
    let form = client.get(app.url("/sign-in")).send().await.unwrap();
    let token = csrf_token(&form.text().await.unwrap());
    let refused = client
        .post(app.url("/sign-in"))
        .form(&[
            ("username", "northshire-ed"),
            ("password", DEMO_PASSWORD),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_ne!(refused.status(), 303);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains("The username or password is not right"));
}

async fn a_contact_recorded_by_staff_needs_a_relationship_and_a_reason_and_lasts_as_it_does(
    app: TestApp,
) {
    let gary = person_id(&app, GARY).await;
    let contacts = format!("/api/v1/persons/{gary}/contacts");
    let detention = json!({
        "kind": "section-136", "reason": "Detained on the bridge", "outcome": "Taken to the place of safety"
    });
    let police = app.token_for("police", "ETREAT").await;
    assert_eq!(
        post_json(&app, &police, &contacts, detention.clone())
            .await
            .status(),
        404,
        "no relationship yet"
    );
    let (status, _) = get_json(
        &app,
        &police,
        &crisis_look_up_path(GARY, "Distressed on the bridge"),
    )
    .await;
    assert_eq!(status, 200);
    let no_reason = post_json(
        &app,
        &police,
        &contacts,
        json!({"kind": "section-136", "outcome": "Taken to the place of safety"}),
    )
    .await;
    assert_eq!(no_reason.status(), 400);
    assert_eq!(problem(no_reason).await["errors"][0]["field"], "reason");
    assert_eq!(
        post_json(&app, &police, &contacts, detention)
            .await
            .status(),
        201
    );
    // The look-up lasts 4 hours; the detention keeps this officer's access
    // for 36, and no one else's.
    app.clock.advance(Duration::hours(6));
    let police = app.token_for("police", "ETREAT").await;
    assert_eq!(answer(&app, &police, &by_nhs(GARY)).await.0, 200);
    let colleague = app.token_for("pc.jones", "ETREAT").await;
    assert_eq!(answer(&app, &colleague, &by_nhs(GARY)).await.0, 404);
    app.clock.advance(Duration::hours(31));
    let police = app.token_for("police", "ETREAT").await;
    assert_eq!(answer(&app, &police, &by_nhs(GARY)).await.0, 404);
}

// Finding 2 -----------------------------------------------------------------

async fn refusals_answer_exactly_as_for_no_one_to_those_without_a_relationship(app: TestApp) {
    let (_, nhs) = stranger(&app, 600_000_300).await;
    // Leah, whom the police have no relationship with, refused them; the
    // others have no relationship with the stranger at all.
    for (username, purpose, people) in [
        ("commissioner", "HOPERAT", vec![nhs.as_str(), LEAH]),
        ("charity.worker", "HOPERAT", vec![nhs.as_str()]),
        ("mh.practitioner", "PATRQT", vec![nhs.as_str()]),
        ("police", "TREAT", vec![nhs.as_str(), LEAH]),
        ("gp", "PATSFTY", vec![nhs.as_str()]),
    ] {
        let token = app.token_for(username, purpose).await;
        for path in people.into_iter().map(by_nhs) {
            let exists = app.get_with_token(&path, &token).await;
            let absent = app.get_with_token(&by_nhs(NO_ONE), &token).await;
            assert_eq!(exists.status(), 404, "{username} {purpose} {path}");
            assert_eq!(absent.status(), 404);
            let headers = |r: &reqwest::Response| {
                let mut h: Vec<(String, String)> = r
                    .headers()
                    .iter()
                    .filter(|(k, _)| k.as_str() != "date")
                    .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or_default().to_owned()))
                    .collect();
                h.sort();
                h
            };
            assert_eq!(headers(&exists), headers(&absent), "{username} {purpose}");
            assert_eq!(
                exists.text().await.unwrap(),
                absent.text().await.unwrap(),
                "{username} {purpose}"
            );
        }
    }
    // Still audited, with the rule that decided.
    assert!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM audit_log WHERE outcome = 'denied' AND purpose = \
             'HOPERAT' AND policy_ids LIKE '%commissioning-sees-no-records%'"
        )
        .await
            >= 2
    );
}

// Finding 3 -----------------------------------------------------------------

async fn the_consent_endpoints_decide_for_the_tokens_purpose_and_audit_it(app: TestApp) {
    let leah = person_id(&app, LEAH).await;
    let path = format!("/api/v1/persons/{leah}/consent");
    let choice = json!({"effect": "deny", "organisation": "NSAMB", "via": "phone"});
    let before = count(&app, "SELECT COUNT(*) AS n FROM consent_directives").await;

    // Her care coordinator knows her: the wrong purpose is named.
    for (purpose, rule) in [
        ("HOPERAT", "commissioning-sees-no-records"),
        ("PATRQT", "own-access-is-the-persons"),
    ] {
        let token = app.token_for("mh.practitioner", purpose).await;
        let read = app.get_with_token(&path, &token).await;
        assert_eq!(read.status(), 403, "{purpose}");
        assert_eq!(problem(read).await["rule"], rule);
        let write = post_json(&app, &token, &path, choice.clone()).await;
        assert_eq!(write.status(), 403, "{purpose}");
        assert_eq!(problem(write).await["rule"], rule);
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM consent_directives").await,
        before,
        "nothing was written"
    );

    // Direct care reads them, and the audit says so.
    let token = app.token_for("mh.practitioner", "TREAT").await;
    assert_eq!(app.get_with_token(&path, &token).await.status(), 200);
    let token = app.token_for("mh.practitioner", "PATSFTY").await;
    assert_eq!(app.get_with_token(&path, &token).await.status(), 200);
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{leah}' AND categories \
                 LIKE '%consent%' AND purpose = 'PATSFTY' AND outcome = 'allowed'"
            )
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{leah}' AND categories \
                 LIKE '%consent%' AND purpose = 'HOPERAT' AND outcome = 'denied'"
            )
        )
        .await,
        2
    );

    // Someone outside her care team meets the answer for no one.
    let gp = app.token_for("police", "TREAT").await;
    let outsider = app.get_with_token(&path, &gp).await;
    let absent = app
        .get_with_token(&format!("/api/v1/persons/{}/consent", PersonId::new()), &gp)
        .await;
    assert_eq!(outsider.status(), 404);
    assert_eq!(outsider.text().await.unwrap(), absent.text().await.unwrap());
}

async fn break_glass_is_decided_for_its_purpose_and_tells_no_stranger_who_exists(app: TestApp) {
    let (stranger, nhs) = stranger(&app, 600_000_400).await;
    let claim = |nhs: &str| {
        json!({
            "nhs_number": nhs, "lawful_basis": "vital-interests",
            "justification": "Found unresponsive on the bridge; need the crisis plan now"
        })
    };
    for purpose in ["HOPERAT", "PATRQT", "ETREAT"] {
        let police = app.token_for("police", purpose).await;
        let exists = post_json(&app, &police, "/api/v1/break-glass", claim(&nhs)).await;
        let absent = post_json(&app, &police, "/api/v1/break-glass", claim(NO_ONE)).await;
        assert_eq!(exists.status(), 404, "{purpose}");
        assert_eq!(
            exists.text().await.unwrap(),
            absent.text().await.unwrap(),
            "{purpose}"
        );
    }
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) AS n FROM break_glass WHERE person_id = '{stranger}'")
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{stranger}' AND action = \
                 'break-glass' AND outcome = 'denied'"
            )
        )
        .await,
        3
    );

    // With a relationship (a look-up for emergency treatment), a claim made
    // with a commissioning token is refused by name and grants nothing.
    let police = app.token_for("police", "ETREAT").await;
    let (status, _) = get_json(&app, &police, &crisis_look_up_path(LEAH, "Welfare check")).await;
    assert_eq!(status, 403, "Leah refused the police");
    let commissioning = app.token_for("police", "HOPERAT").await;
    let refused = post_json(&app, &commissioning, "/api/v1/break-glass", claim(LEAH)).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(
        problem(refused).await["rule"],
        "commissioning-sees-no-records"
    );
    let leah = person_id(&app, LEAH).await;
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) AS n FROM break_glass WHERE person_id = '{leah}'")
        )
        .await,
        0
    );
}

// Finding 7 -----------------------------------------------------------------

async fn every_refused_break_glass_attempt_is_audited_with_why(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let ig = app.token_for("ig.lead", "TREAT").await;
    let by_role = post_json(
        &app,
        &ig,
        "/api/v1/break-glass",
        json!({
            "person_id": gary.to_string(), "lawful_basis": "safeguarding",
            "justification": "Checking what break-glass shows for a review"
        }),
    )
    .await;
    assert_eq!(by_role.status(), 403);
    let police = app.token_for("police", "ETREAT").await;
    let too_short = post_json(
        &app,
        &police,
        "/api/v1/break-glass",
        json!({"person_id": gary.to_string(), "lawful_basis": "vital-interests", "justification": "urgent"}),
    )
    .await;
    assert_eq!(too_short.status(), 400);
    let refused = |username: &str, why: &str| {
        format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{gary}' AND action = \
             'break-glass' AND outcome = 'denied' AND actor_username = '{username}' AND reasons \
             LIKE '%break-glass refused: {why}%'"
        )
    };
    assert_eq!(
        count(
            &app,
            &refused("ig.lead", "break-glass is for practitioners")
        )
        .await,
        1
    );
    assert_eq!(count(&app, &refused("police", "justification:")).await, 1);
}

// Finding 8 -----------------------------------------------------------------

async fn a_governance_lead_sees_what_their_organisation_answers_for(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let daniel = person_id(&app, DANIEL).await;
    // A police officer reads Gary's summary (the trust holds his record);
    // the community team reads Daniel's.
    let police = app.token_for("police", "ETREAT").await;
    get_json(&app, &police, &crisis_look_up_path(GARY, "Welfare check")).await;
    let claim = post_json(
        &app,
        &police,
        "/api/v1/break-glass",
        json!({
            "person_id": gary.to_string(), "lawful_basis": "vital-interests",
            "justification": "Found unresponsive; the plan says whom to call"
        }),
    )
    .await;
    assert_eq!(claim.status(), 201);
    let mh = app.token_for("mh.practitioner", "TREAT").await;
    get_json(&app, &mh, &format!("/api/v1/persons/{daniel}")).await;

    let search = |token: String| {
        let app = &app;
        async move {
            let (status, found) = get_json(app, &token, "/api/v1/audit?limit=500").await;
            assert_eq!(status, 200, "{found}");
            found.as_array().unwrap().clone()
        }
    };
    let by = |items: &[serde_json::Value], username: &str| {
        items.iter().filter(|i| i["username"] == username).count()
    };

    // The police lead: their own officer's access, not the trust's.
    let police_ig = search(app.token_for("police.ig", "TREAT").await).await;
    assert!(by(&police_ig, "police") > 0);
    assert_eq!(by(&police_ig, "mh.practitioner"), 0);
    // The trust's lead: access to the people whose records it holds,
    // whoever made it, the police officer's included.
    let trust_ig = search(app.token_for("ig.lead", "TREAT").await).await;
    assert!(by(&trust_ig, "police") > 0);
    assert!(by(&trust_ig, "mh.practitioner") > 0);
    // The eating-disorder service holds neither record.
    let neds_ig = search(app.token_for("neds.ig", "TREAT").await).await;
    assert_eq!(by(&neds_ig, "police"), 0);
    assert_eq!(by(&neds_ig, "mh.practitioner"), 0);

    // The same rule for break-glass review.
    let queue = |username: &'static str| {
        let app = &app;
        async move {
            let token = app.token_for(username, "TREAT").await;
            let (status, items) = get_json(app, &token, "/api/v1/break-glass/reviews").await;
            assert_eq!(status, 200);
            items.as_array().unwrap().len()
        }
    };
    assert_eq!(queue("police.ig").await, 1);
    assert_eq!(queue("ig.lead").await, 1);
    assert_eq!(queue("neds.ig").await, 0);

    // Not for commissioning, and every search is itself audited.
    let commissioning = app.token_for("ig.lead", "HOPERAT").await;
    assert_eq!(
        app.get_with_token("/api/v1/audit", &commissioning)
            .await
            .status(),
        403
    );
    let lead = user(&app, "ig.lead").await;
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'audit-search' AND \
                 actor_user_id = '{}'",
                lead.id()
            )
        )
        .await,
        1
    );
}

crate::on_both_stores!(
    a_member_of_staff_cannot_post_an_event_to_reach_a_stranger,
    a_source_systems_report_opens_the_record_to_the_team_it_names_while_it_lasts,
    an_admission_opens_the_record_to_the_ward_until_the_discharge,
    a_source_system_reports_only_as_itself_what_it_is_registered_for_and_reads_nothing,
    a_contact_recorded_by_staff_needs_a_relationship_and_a_reason_and_lasts_as_it_does,
    refusals_answer_exactly_as_for_no_one_to_those_without_a_relationship,
    the_consent_endpoints_decide_for_the_tokens_purpose_and_audit_it,
    break_glass_is_decided_for_its_purpose_and_tells_no_stranger_who_exists,
    every_refused_break_glass_attempt_is_audited_with_why,
    a_governance_lead_sees_what_their_organisation_answers_for,
);
