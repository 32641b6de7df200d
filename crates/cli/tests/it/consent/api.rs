//! Sharing choices over the API: the person's own refusal, the same 404 as for
//! no one, the care team recording choices, what a carer may be told.

use super::*;

async fn a_refusal_made_through_the_persons_own_account_applies_to_the_next_request(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let gp = app.token_for("gp", "TREAT").await;
    assert_eq!(read_daniel(&app, &gp).await.status(), 200);

    let own = app.token_for("person", "PATRQT").await;
    let path = format!("/api/v1/persons/{daniel}/consent");
    let recorded = post(
        &app,
        &path,
        &own,
        Some(&json!({"effect": "deny", "organisation": "GPRIV"})),
    )
    .await;
    assert_eq!(recorded.status(), 201);
    let choice: Value = recorded.json().await.unwrap();
    assert_eq!(choice["via"], "own-account");
    assert_eq!(choice["recorded_by"], "Daniel Reid");
    assert_eq!(choice["organisation"]["code"], "GPRIV");
    assert_eq!(choice["in_force"], true);
    assert_eq!(
        choice["summary"],
        "Everything in the record: not to be shared with Riverside Surgery"
    );

    // The very next request by the surgery is refused, and says why.
    let refused = read_daniel(&app, &gp).await;
    assert_eq!(refused.status(), 403);
    let body = problem(refused).await;
    assert_eq!(body["rule"], "consent-refused");
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("Riverside Surgery"));

    // The care team sees the choice, with who made it and how.
    let practitioner = app.token_for("mh.practitioner", "TREAT").await;
    let listed = directives(&app, daniel, &practitioner).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["id"], choice["id"]);
    assert_eq!(listed[0]["via"], "own-account");

    // Withdrawn: access is restored on the very next request.
    let id = choice["id"].as_str().unwrap();
    let withdraw = format!("/api/v1/persons/{daniel}/consent/{id}/withdraw");
    assert_eq!(post(&app, &withdraw, &own, None).await.status(), 204);
    assert_eq!(read_daniel(&app, &gp).await.status(), 200);
    let again = post(&app, &withdraw, &own, None).await;
    assert_eq!(again.status(), 409);
    let listed = directives(&app, daniel, &own).await;
    assert_eq!(listed[0]["in_force"], false);
    assert!(listed[0]["withdrawn_at"].is_string());

    // Both changes are in the audit as writes about Daniel.
    let writes = format!(
        "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{daniel}' \
         AND action = 'write' AND outcome = 'allowed' AND categories LIKE '%consent%'"
    );
    // The choice, its withdrawal, and the second attempt, which says it
    // found the choice already withdrawn.
    assert_eq!(count(&app, &writes).await, 3);
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{daniel}' AND reasons \
                 LIKE '%already withdrawn%'"
            )
        )
        .await,
        1
    );
}

async fn anyone_outside_the_care_team_gets_the_same_404_as_for_no_one(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let leah = person_id(&app, LEAH).await;
    let margaret = nominated_carer(&app, daniel).await;
    let nobody = uuid::Uuid::new_v4();
    let police = app.token_for("police", "ETREAT").await;
    let answer = |path: String, token: String| {
        let app = &app;
        async move {
            let response = app.get_with_token(&path, &token).await;
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    let (status, theirs) =
        answer(format!("/api/v1/persons/{daniel}/consent"), police.clone()).await;
    assert_eq!(status, 404);
    let (status, none) = answer(format!("/api/v1/persons/{nobody}/consent"), police.clone()).await;
    assert_eq!(status, 404);
    assert_eq!(theirs, none);
    let (status, _) = answer(
        format!("/api/v1/persons/{daniel}/carers/{margaret}/sharing"),
        police.clone(),
    )
    .await;
    assert_eq!(status, 404);

    let refusal = json!({"effect": "permit", "organisation": "NSPOL", "via": "phone"});
    let path = format!("/api/v1/persons/{daniel}/consent");
    let written = post(&app, &path, &police, Some(&refusal)).await;
    assert_eq!(written.status(), 404);
    assert_eq!(written.text().await.unwrap(), none);
    let put = send(
        &app,
        reqwest::Method::PUT,
        &format!("/api/v1/persons/{daniel}/carers/{margaret}/sharing"),
        &police,
        Some(&json!({"may_tell": ["admission"]})),
    )
    .await;
    assert_eq!(put.status(), 404);

    // Information governance is not the care team; a person has only their own.
    let ig = app.token_for("ig.lead", "TREAT").await;
    let (status, _) = answer(format!("/api/v1/persons/{daniel}/consent"), ig).await;
    assert_eq!(status, 404);
    let own = app.token_for("person", "PATRQT").await;
    let (status, _) = answer(format!("/api/v1/persons/{leah}/consent"), own).await;
    assert_eq!(status, 404);

    let directives =
        format!("SELECT COUNT(*) AS n FROM consent_directives WHERE person_id = '{daniel}'");
    assert_eq!(count(&app, &directives).await, 0);
    // Only the demo's own choices for Daniel's mother.
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM carer_sharing WHERE may_tell = 1"
        )
        .await,
        concordat::demo::carers::DANIELS_CHOICES.len() as i64
    );
    // Each refusal was audited, as a denial.
    let denied = format!(
        "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{daniel}' AND outcome = 'denied'"
    );
    assert_eq!(count(&app, &denied).await, 5);
}

async fn the_care_team_records_a_choice_as_the_person_told_them(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let token = app.token_for("mh.practitioner", "TREAT").await;
    let path = format!("/api/v1/persons/{daniel}/consent");
    let recorded = post(
        &app,
        &path,
        &token,
        Some(&json!({
            "effect": "deny",
            "organisation": "nspol",
            "category": "clinical",
            "purpose": "ETREAT",
            "via": "phone",
            "capacity_note": "Has capacity for this decision; discussed by phone",
            "expires_at": "2026-06-01"
        })),
    )
    .await;
    assert_eq!(recorded.status(), 201);
    let choice: Value = recorded.json().await.unwrap();
    assert_eq!(choice["recorded_by"], "Tom Ellis");
    assert_eq!(choice["via"], "phone");
    assert_eq!(choice["category"], "clinical");
    assert_eq!(choice["purpose"], "ETREAT");
    assert_eq!(choice["organisation"]["code"], "NSPOL");
    assert_eq!(choice["expires_at"], "2026-06-02T00:00:00Z");
    assert!(choice["capacity_note"]
        .as_str()
        .unwrap()
        .starts_with("Has capacity"));

    // Every field at fault is named; nothing is written.
    let bad = post(
        &app,
        &path,
        &token,
        Some(&json!({
            "effect": "maybe", "organisation": "NOPE", "category": "diary",
            "purpose": "HOPERAT", "via": "own-account"
        })),
    )
    .await;
    assert_eq!(bad.status(), 400);
    let body = problem(bad).await;
    assert_eq!(
        fields(&body),
        ["effect", "organisation", "category", "purpose", "via"]
    );
    let no_via = post(&app, &path, &token, Some(&json!({"effect": "deny"}))).await;
    assert_eq!(fields(&problem(no_via).await), ["via"]);
    let past = post(
        &app,
        &path,
        &token,
        Some(&json!({"effect": "deny", "via": "letter", "expires_at": "2026-01-01"})),
    )
    .await;
    let body = problem(past).await;
    assert_eq!(fields(&body), ["expires_at"]);
    assert_eq!(
        body["errors"][0]["message"],
        "the expiry must be in the future"
    );
    let unknown = post(
        &app,
        &path,
        &token,
        Some(&json!({"effect": "deny", "via": "letter", "colour": "red"})),
    )
    .await;
    assert_eq!(unknown.status(), 400);
    // The person's own account cannot claim another way of telling.
    let own = app.token_for("person", "PATRQT").await;
    let claimed = post(
        &app,
        &path,
        &own,
        Some(&json!({"effect": "deny", "via": "letter"})),
    )
    .await;
    assert_eq!(fields(&problem(claimed).await), ["via"]);
    assert_eq!(directives(&app, daniel, &token).await.len(), 1);
}

async fn what_a_carer_may_be_told_persists_and_topics_are_checked(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let margaret = nominated_carer(&app, daniel).await;
    let own = app.token_for("person", "PATRQT").await;
    let path = format!("/api/v1/persons/{daniel}/carers/{margaret}/sharing");
    let may_tell = |topic: CarerItem| {
        let app = &app;
        async move {
            let mut conn = app.store.read().await.unwrap();
            carers::may_tell(&mut conn, daniel, margaret, topic)
                .await
                .unwrap()
        }
    };
    let told = |view: &Value| -> Vec<String> {
        view["topics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["may_tell"] == true)
            .map(|t| t["topic"].as_str().unwrap().to_owned())
            .collect()
    };

    // The demo's: that he is in hospital, when he leaves, what helps.
    let first: Value = app.get_with_token(&path, &own).await.json().await.unwrap();
    assert_eq!(first["name"], "Margaret Reid");
    assert_eq!(told(&first), ["admission", "discharge", "what-helps"]);
    assert!(!may_tell(CarerItem::CrisisContact).await);

    let put = send(
        &app,
        reqwest::Method::PUT,
        &path,
        &own,
        Some(&json!({"may_tell": ["discharge", "crisis-contact"]})),
    )
    .await;
    assert_eq!(put.status(), 200);
    let saved: Value = app.get_with_token(&path, &own).await.json().await.unwrap();
    assert_eq!(told(&saved), ["discharge", "crisis-contact"]);
    assert_eq!(saved["updated_by"], "Daniel Reid");
    assert!(may_tell(CarerItem::Discharge).await);
    assert!(may_tell(CarerItem::CrisisContact).await);
    assert!(!may_tell(CarerItem::Admission).await);

    // An unknown topic is refused and changes nothing.
    let bad = send(
        &app,
        reqwest::Method::PUT,
        &path,
        &own,
        Some(&json!({"may_tell": ["discharge", "lunch"]})),
    )
    .await;
    assert_eq!(bad.status(), 400);
    let body = problem(bad).await;
    assert_eq!(fields(&body), ["may_tell"]);
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("`lunch`"));
    let unchanged: Value = app.get_with_token(&path, &own).await.json().await.unwrap();
    assert_eq!(told(&unchanged), ["discharge", "crisis-contact"]);

    // The care team may change them too, as the person asks.
    let practitioner = app.token_for("mh.practitioner", "TREAT").await;
    let cleared = send(
        &app,
        reqwest::Method::PUT,
        &path,
        &practitioner,
        Some(&json!({"may_tell": []})),
    )
    .await;
    assert_eq!(cleared.status(), 200);
    assert!(!may_tell(CarerItem::Discharge).await);

    // Someone else's carer, or no one, is not found.
    let leah = person_id(&app, LEAH).await;
    let jordan = nominated_carer(&app, leah).await;
    let theirs = app
        .get_with_token(
            &format!("/api/v1/persons/{daniel}/carers/{jordan}/sharing"),
            &own,
        )
        .await;
    assert_eq!(theirs.status(), 404);
    let mut conn = app.store.read().await.unwrap();
    assert!(
        !carers::may_tell(&mut conn, daniel, jordan, CarerItem::Discharge)
            .await
            .unwrap()
    );
}

crate::on_both_stores!(
    a_refusal_made_through_the_persons_own_account_applies_to_the_next_request,
    anyone_outside_the_care_team_gets_the_same_404_as_for_no_one,
    the_care_team_records_a_choice_as_the_person_told_them,
    what_a_carer_may_be_told_persists_and_topics_are_checked,
);
