//! Refusals that answer as for no one, purposes bound on the consent and
//! break-glass endpoints, refused break-glass audited, governance scoped to
//! what an organisation answers for.

use super::*;

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
                    .filter(|(k, _)| !PER_REQUEST_HEADERS.contains(&k.as_str()))
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
    refusals_answer_exactly_as_for_no_one_to_those_without_a_relationship,
    the_consent_endpoints_decide_for_the_tokens_purpose_and_audit_it,
    break_glass_is_decided_for_its_purpose_and_tells_no_stranger_who_exists,
    every_refused_break_glass_attempt_is_audited_with_why,
    a_governance_lead_sees_what_their_organisation_answers_for,
);
