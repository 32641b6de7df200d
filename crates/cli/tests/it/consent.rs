//! A person's sharing choices over the API and the pages, on both stores:
//! a refusal recorded through the person's own account applies to the very
//! next request and its withdrawal restores access; the care team records
//! choices as the person told them; anyone else gets the same 404 as for no
//! one; what a nominated carer may be told persists and is validated.

use concordat_domain::ids::{PersonId, RelatedPersonId};
use concordat_store::carers::{self, CarerTopic};
use concordat_store::persons;
use serde_json::{json, Value};

use crate::fixtures::{
    count, csrf_token, form_action, location, page, person_id, post_form, signed_in, DANIEL, LEAH,
};
use crate::harness::{problem, TestApp};

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> reqwest::Response {
    let request = app.client.request(method, app.url(path)).bearer_auth(token);
    let request = match body {
        Some(body) => request.json(body),
        None => request,
    };
    request.send().await.unwrap()
}

async fn post(app: &TestApp, path: &str, token: &str, body: Option<&Value>) -> reqwest::Response {
    send(app, reqwest::Method::POST, path, token, body).await
}

async fn read_daniel(app: &TestApp, token: &str) -> reqwest::Response {
    app.get_with_token(&format!("/api/v1/persons?nhs_number={DANIEL}"), token)
        .await
}

async fn directives(app: &TestApp, person: PersonId, token: &str) -> Vec<Value> {
    let response = app
        .get_with_token(&format!("/api/v1/persons/{person}/consent"), token)
        .await;
    assert_eq!(response.status(), 200);
    response
        .json::<Value>()
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

async fn nominated_carer(app: &TestApp, person: PersonId) -> RelatedPersonId {
    let mut conn = app.store.read().await.unwrap();
    persons::related_persons_of(&mut conn, person)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.nominated_carer())
        .expect("a nominated carer")
        .id()
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

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
    assert_eq!(
        count(&app, "SELECT COUNT(*) AS n FROM carer_sharing").await,
        0
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
    let may_tell = |topic: CarerTopic| {
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

    // Nothing agreed yet: nothing may be told.
    let first: Value = app.get_with_token(&path, &own).await.json().await.unwrap();
    assert_eq!(first["name"], "Margaret Reid");
    assert!(told(&first).is_empty());
    assert!(!may_tell(CarerTopic::Discharge).await);

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
    assert!(may_tell(CarerTopic::Discharge).await);
    assert!(may_tell(CarerTopic::CrisisContact).await);
    assert!(!may_tell(CarerTopic::Admission).await);

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
    assert!(!may_tell(CarerTopic::Discharge).await);

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
        !carers::may_tell(&mut conn, daniel, jordan, CarerTopic::Discharge)
            .await
            .unwrap()
    );
}

async fn a_person_chooses_who_may_see_their_record_in_the_pages(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let margaret = nominated_carer(&app, daniel).await;
    let person = signed_in(&app, "person").await;
    let shortcut = person.get(app.url("/my/consent")).send().await.unwrap();
    assert_eq!(shortcut.status(), 303);
    let consent_page = format!("/persons/{daniel}/consent");
    assert_eq!(location(&shortcut), consent_page);
    let (status, html) = page(&app, &person, &consent_page).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("Who may see my record"), "{html}");
    assert!(html.contains("You have not made any choices yet"), "{html}");
    assert!(html.contains("Margaret Reid"), "{html}");
    let csrf = csrf_token(&html);

    // A new choice, in the person's words.
    let saved = post_form(
        &app,
        &person,
        &consent_page,
        &[
            ("csrf_token", &csrf),
            ("effect", "deny"),
            ("organisation", "NSPOL"),
            ("category", ""),
            ("purpose", ""),
            ("expires_at", ""),
        ],
    )
    .await;
    assert_eq!(saved.status(), 303);
    assert_eq!(location(&saved), format!("{consent_page}?done=recorded"));
    let (_, html) = page(&app, &person, &format!("{consent_page}?done=recorded")).await;
    assert!(html.contains("Your choice is saved."), "{html}");
    assert!(
        html.contains("No: Everything in the record: not to be shared with Northshire Police"),
        "{html}"
    );
    assert!(html.contains("You recorded this yourself"), "{html}");

    // A form missing its answer comes back saying what to do.
    let incomplete = post_form(
        &app,
        &person,
        &consent_page,
        &[("csrf_token", &csrf), ("organisation", "GPRIV")],
    )
    .await;
    assert_eq!(incomplete.status(), 400);
    let html = incomplete.text().await.unwrap();
    assert!(html.contains("Choose whether to share or not."), "{html}");
    assert!(
        html.contains(r#"<option value="GPRIV" selected>"#),
        "{html}"
    );

    // What Margaret may be told.
    let carer_path = format!("/persons/{daniel}/carers/{margaret}/sharing");
    let ticked = post_form(
        &app,
        &person,
        &carer_path,
        &[("csrf_token", &csrf), ("may_tell", "discharge")],
    )
    .await;
    assert_eq!(ticked.status(), 303);
    let (_, html) = page(&app, &person, &consent_page).await;
    assert!(html.contains(r#"value="discharge" checked"#), "{html}");
    assert!(!html.contains(r#"value="admission" checked"#), "{html}");
    let odd = post_form(
        &app,
        &person,
        &carer_path,
        &[("csrf_token", &csrf), ("may_tell", "lunch")],
    )
    .await;
    assert_eq!(odd.status(), 400);
    assert!(odd
        .text()
        .await
        .unwrap()
        .contains("`lunch` is not something"));

    // Withdrawn through its button.
    let withdraw = form_action(&html, &format!("/persons/{daniel}/consent/"));
    let withdrawn = post_form(&app, &person, &withdraw, &[("csrf_token", &csrf)]).await;
    assert_eq!(withdrawn.status(), 303);
    let (_, html) = page(&app, &person, &consent_page).await;
    assert!(html.contains("Withdrawn"), "{html}");

    // The care team sees the same choices; someone else sees no one.
    let practitioner = signed_in(&app, "mh.practitioner").await;
    let (status, html) = page(&app, &practitioner, &consent_page).await;
    assert_eq!(status, 200);
    assert!(html.contains("Sharing choices: Daniel Reid"), "{html}");
    assert!(html.contains("How they told you"), "{html}");
    let police = signed_in(&app, "police").await;
    let (status, _) = page(&app, &police, &consent_page).await;
    assert_eq!(status, 404);
}

crate::on_both_stores!(
    a_refusal_made_through_the_persons_own_account_applies_to_the_next_request,
    anyone_outside_the_care_team_gets_the_same_404_as_for_no_one,
    the_care_team_records_a_choice_as_the_person_told_them,
    what_a_carer_may_be_told_persists_and_topics_are_checked,
    a_person_chooses_who_may_see_their_record_in_the_pages,
);
