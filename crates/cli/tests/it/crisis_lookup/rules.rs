//! What the look-up never returns, who may look up and what they must give, the
//! contact that follows, and how long a look-up lasts.

use super::*;

async fn the_look_up_never_returns_a_draft_or_a_category_not_granted(app: TestApp) {
    let police = app.token_for("police", "ETREAT").await;
    // Chloe's only plan is a draft.
    let (_, chloe) = get_json(
        &app,
        &police,
        &look_up(&format!("nhs_number={CHLOE}&reason=Welfare")),
    )
    .await;
    assert_eq!(chloe["outcome"], "summary");
    assert_eq!(chloe["plan_exists"], false);
    assert!(chloe.get("plan").is_none());

    // A newer draft of Gary's plan stays with his care team.
    let gary = person_id(&app, GARY).await;
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let saved = post_json(
        &app,
        &nurse,
        &format!("/api/v1/persons/{gary}/crisis-plan/versions"),
        json!({"based_on": 1, "sections": {"what_helps": "DRAFT TEXT"}}),
    )
    .await;
    assert_eq!(saved.status(), 201);
    let (_, found) = get_json(
        &app,
        &police,
        &look_up(&format!("nhs_number={GARY}&reason=Welfare")),
    )
    .await;
    assert!(!found.to_string().contains("DRAFT TEXT"));
    assert_eq!(found["plan"]["version"], 1);
    // The officer reading the plan itself sees the agreed version only.
    let (_, plan) = get_json(
        &app,
        &police,
        &format!("/api/v1/persons/{gary}/crisis-plan"),
    )
    .await;
    assert!(plan.get("draft").is_none(), "{plan}");
    assert_eq!(plan["versions"].as_array().unwrap().len(), 1);

    // Only what the summary is: nothing clinical, no care-team list, no
    // address, no contacts history.
    let keys: Vec<_> = found.as_object().unwrap().keys().cloned().collect();
    for key in &keys {
        assert!(
            [
                "outcome",
                "person_id",
                "name",
                "birth_date",
                "plan_exists",
                "plan",
                "flags",
                "lead_professional",
                "break_glass",
                "withheld",
                "audit_entry"
            ]
            .contains(&key.as_str()),
            "unexpected {key}"
        );
    }

    // A refusal of one category withholds that category and says why.
    let police_org = user(&app, "police").await.organisation_id();
    let recorder = user(&app, "crisis.nurse").await;
    let refuse = |category| ConsentScope {
        organisation: Some(police_org),
        category: Some(category),
        purpose: None,
    };
    record_refusal(&app, gary, refuse(DataCategory::Risk), &recorder).await;
    let (_, partial) = get_json(
        &app,
        &police,
        &look_up(&format!("nhs_number={GARY}&reason=Welfare")),
    )
    .await;
    assert_eq!(partial["outcome"], "summary");
    assert!(partial.get("flags").is_none(), "{partial}");
    assert_eq!(partial["withheld"][0]["category"], "risk");
    assert_eq!(partial["withheld"][0]["rule"], "consent-refused");
    assert!(partial["plan"]["what_helps"].is_string());

    // A refusal of the plan alone withholds the plan, not the flags the
    // person still lets the police see.
    record_refusal(&app, gary, refuse(DataCategory::CrisisPlan), &recorder).await;
    let (status, plan_refused) = get_json(
        &app,
        &police,
        &look_up(&format!("nhs_number={GARY}&reason=Welfare")),
    )
    .await;
    assert_eq!(status, 200, "{plan_refused}");
    assert_eq!(plan_refused["outcome"], "summary");
    assert!(plan_refused.get("plan").is_none(), "{plan_refused}");
    assert_eq!(plan_refused["name"], "Gary Holt");
    let withheld: Vec<_> = plan_refused["withheld"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["category"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(withheld, ["crisis-plan", "risk"]);
}

async fn who_may_look_up_and_what_they_must_give(app: TestApp) {
    let police = app.token_for("police", "ETREAT").await;
    let gp = app.token_for("gp", "ETREAT").await;
    let police_direct = app.token_for("police", "TREAT").await;
    let cases = [
        (&gp, format!("nhs_number={GARY}&reason=x"), 403, None),
        (
            &police_direct,
            format!("nhs_number={GARY}&reason=x"),
            403,
            None,
        ),
        (
            &police,
            "nhs_number=9990000035&reason=x".to_owned(),
            400,
            Some("nhs_number"),
        ),
        (
            &police,
            "nhs_number=12345&reason=x".to_owned(),
            400,
            Some("nhs_number"),
        ),
        (&police, format!("nhs_number={GARY}"), 400, Some("reason")),
        (
            &police,
            format!("nhs_number={GARY}&reason=%20%20"),
            400,
            Some("reason"),
        ),
        (
            &police,
            "surname=Holt&reason=x".to_owned(),
            400,
            Some("birth_date"),
        ),
        (
            &police,
            "surname=Holt&birth_date=23/01/1979&reason=x".to_owned(),
            400,
            Some("birth_date"),
        ),
        (
            &police,
            "birth_date=1979-01-23&reason=x".to_owned(),
            400,
            Some("surname"),
        ),
        (&police, "reason=x".to_owned(), 400, Some("nhs_number")),
    ];
    for (token, query, status, field) in cases {
        let (got, body) = get_json(&app, token, &look_up(&query)).await;
        assert_eq!(got, status, "{query}: {body}");
        if let Some(field) = field {
            assert_eq!(body["errors"][0]["field"], field, "{query}");
        }
    }
    // Refused requests opened nothing and granted nothing.
    assert_eq!(count(&app, "SELECT COUNT(*) AS n FROM look_ups").await, 0);
}

async fn a_contact_recorded_from_a_look_up_tells_the_lead_professional(app: TestApp) {
    let police = app.token_for("police", "ETREAT").await;
    let gary = person_id(&app, GARY).await;
    let contacts = format!("/api/v1/persons/{gary}/contacts");
    let triage = json!({"kind": "street-triage", "reason": "Called to the bridge by control", "outcome": "Taken home; sister present"});

    // Without a look-up the officer has no business with Gary.
    assert_eq!(
        post_json(&app, &police, &contacts, triage.clone())
            .await
            .status(),
        404
    );

    let (_, _) = get_json(
        &app,
        &police,
        &look_up(&format!(
            "nhs_number={GARY}&reason=Distressed%20in%20the%20street"
        )),
    )
    .await;
    let recorded = post_json(&app, &police, &contacts, triage.clone()).await;
    assert_eq!(recorded.status(), 201);
    let event: serde_json::Value = recorded.json().await.unwrap();
    assert_eq!(event["kind"], "street-triage");
    assert_eq!(event["recorder_name"], "PC Sam Whitaker");

    let bad = post_json(
        &app,
        &police,
        &contacts,
        json!({"kind": "tea", "reason": "Called to the bridge", "outcome": "x"}),
    )
    .await;
    assert_eq!(bad.status(), 400);

    // The lead professional is told, in their inbox.
    let lead = user(&app, "crisis.nurse").await;
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) AS n FROM notifications WHERE user_id = '{}' AND kind = 'contact-recorded'", lead.id())).await,
        1
    );
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let (status, listed) = get_json(&app, &nurse, &contacts).await;
    assert_eq!(status, 200);
    assert_eq!(listed[0]["outcome"], "Taken home; sister present");

    // The look-up's window closes; so does the officer's access.
    app.clock.advance(Duration::hours(5));
    let police = app.token_for("police", "ETREAT").await;
    assert_eq!(
        post_json(&app, &police, &contacts, triage).await.status(),
        404
    );
}

fn short_look_up(config: &mut concordat_server::ServerConfig) {
    config.crisis_lookup_for = Duration::minutes(20);
}

async fn a_look_up_lasts_as_long_as_the_setting(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let police = app.token_for("police", "ETREAT").await;
    let (status, _) = get_json(
        &app,
        &police,
        &look_up(&format!("nhs_number={GARY}&reason=Welfare")),
    )
    .await;
    assert_eq!(status, 200);
    let contacts = format!("/api/v1/persons/{gary}/contacts");
    let triage =
        json!({"kind": "street-triage", "reason": "Welfare check", "outcome": "Taken home"});
    app.clock.advance(Duration::minutes(19));
    assert_eq!(
        post_json(&app, &police, &contacts, triage.clone())
            .await
            .status(),
        201
    );
    app.clock.advance(Duration::minutes(2));
    assert_eq!(
        post_json(&app, &police, &contacts, triage).await.status(),
        404
    );
}

crate::on_both_stores!(with_a_short_look_up with short_look_up: a_look_up_lasts_as_long_as_the_setting);

crate::on_both_stores!(
    the_look_up_never_returns_a_draft_or_a_category_not_granted,
    who_may_look_up_and_what_they_must_give,
    a_contact_recorded_from_a_look_up_tells_the_lead_professional,
);
