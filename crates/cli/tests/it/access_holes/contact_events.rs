//! Contact events and recorded contacts: who may report them, whom they open
//! the record to and for how long.

use super::*;

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
                 A&E visit reported by Northshire General ED system%'"
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

crate::on_both_stores!(
    a_member_of_staff_cannot_post_an_event_to_reach_a_stranger,
    a_source_systems_report_opens_the_record_to_the_team_it_names_while_it_lasts,
    an_admission_opens_the_record_to_the_ward_until_the_discharge,
    a_source_system_reports_only_as_itself_what_it_is_registered_for_and_reads_nothing,
    a_contact_recorded_by_staff_needs_a_relationship_and_a_reason_and_lasts_as_it_does,
);
