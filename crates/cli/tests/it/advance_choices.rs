//! Advance choices for a crisis, through the JSON API on both stores:
//! Leah refused sharing with the police; her advance choice lets them see
//! her crisis plan while she is detained under section 136, and nothing
//! during a street triage or after the detention ends. Recording them
//! needs a witness on her care team, and an attacker learns nothing.

use chrono::Duration;
use concordat_domain::contact_event::ContactKind;
use concordat_domain::ids::PersonId;
use concordat_domain::user::User;
use serde_json::{json, Value};

use crate::fixtures::{
    count, crisis_look_up_path, csrf_token, get_json, location, open_contact, page, person_id,
    post_form, post_json, signed_in, user, DANIEL, LEAH,
};
use crate::harness::{problem, TestApp};

async fn open(app: &TestApp, person: PersonId, officer: &User, kind: ContactKind, hours: i64) {
    open_contact(app, person, officer, Some(kind), Duration::hours(hours)).await;
}

fn review_by(app: &TestApp, days: i64) -> String {
    (concordat_server::Clock::now(&app.clock) + Duration::days(days))
        .date_naive()
        .to_string()
}

/// Leah's document: the police may see her plan and who she is while she
/// is detained under section 136; her risk information never.
fn leahs_choices(app: &TestApp, police: &User, witness: &str) -> Value {
    let police = police.organisation_id().to_string();
    json!({
        "statement": "If I am detained under section 136, the police may see my crisis plan. \
                      They must never see my risk history.",
        "choices": [
            {"effect": "let-during-crisis", "during": "section-136",
             "organisation_id": police, "category": "crisis-plan"},
            {"effect": "let-during-crisis", "during": "section-136",
             "organisation_id": police, "category": "demographics"},
            {"effect": "refuse-even-in-crisis", "organisation_id": police, "category": "risk"}
        ],
        "witnessed_by": witness,
        "review_by": review_by(app, 180),
    })
}

async fn look_up_leah(app: &TestApp) -> (u16, Value) {
    let police = app.token_for("police", "ETREAT").await;
    get_json(
        app,
        &police,
        &crisis_look_up_path(LEAH, "Concern for welfare"),
    )
    .await
}

async fn allowed_look_up_reasons(app: &TestApp, leah: PersonId) -> Vec<String> {
    crate::fixtures::texts(
        app,
        &format!(
            "SELECT reasons FROM audit_log WHERE person_id = '{leah}' AND action = \
             'crisis-lookup' AND outcome = 'allowed' ORDER BY seq"
        ),
        "reasons",
    )
    .await
}

/// The demo's Leah: her advance choice, witnessed by her care
/// coordinator, lets the police see her plan during a section 136 only.
async fn leahs_advance_choice_lifts_her_refusal_during_a_section_136_only(app: TestApp) {
    let leah = person_id(&app, LEAH).await;
    let police = user(&app, "police").await;

    // Street triage is a crisis, but not the one her choice names.
    open(&app, leah, &police, ContactKind::StreetTriage, 4).await;
    let (status, body) = look_up_leah(&app).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["rule"], "consent-refused");

    // Detained under section 136: her plan is shown.
    open(&app, leah, &police, ContactKind::Section136, 36).await;
    let (status, body) = look_up_leah(&app).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["name"], "Leah Morgan", "{body}");
    assert_eq!(
        body["plan"]["what_helps"],
        "A female clinician where possible\nTime to settle before questions"
    );
    assert_eq!(body["withheld"], json!([]), "{body}");
    let reasons = allowed_look_up_reasons(&app, leah).await;
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(
        reasons[0].contains("the person's advance choice, witnessed on")
            && reasons[0].contains("lets this be seen while they are detained under section 136"),
        "the reason names the advance choice: {}",
        reasons[0]
    );

    // When the detention ends, her refusal holds again.
    app.clock.advance(Duration::hours(37));
    let (status, body) = look_up_leah(&app).await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["rule"], "consent-refused");
}

async fn a_new_version_replaces_the_one_in_force_and_the_decision_follows_it(app: TestApp) {
    let leah = person_id(&app, LEAH).await;
    let police = user(&app, "police").await;
    let practitioner = app.token_for("mh.practitioner", "TREAT").await;
    let path = format!("/api/v1/persons/{leah}/advance-choices");
    open(&app, leah, &police, ContactKind::Section136, 36).await;

    // Her risk information, never: the rest of her summary is shown.
    let second = post_json(
        &app,
        &practitioner,
        &path,
        leahs_choices(&app, &police, "mh.practitioner"),
    )
    .await;
    assert_eq!(second.status(), 201);
    let second: Value = second.json().await.unwrap();
    assert_eq!(second["version"], 2);
    assert_eq!(second["in_force"], true);
    assert_eq!(second["choices"][0]["organisation"], "Northshire Police");
    let (status, body) = look_up_leah(&app).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["withheld"][0]["category"], "risk", "{body}");
    let reasons = allowed_look_up_reasons(&app, leah).await;
    assert!(
        reasons[0].contains("with Northshire Police even in a crisis, in their advance choices"),
        "{}",
        reasons[0]
    );

    // She changes her mind: the police see nothing, even then.
    let third = json!({
        "statement": "I no longer want the police to see anything.",
        "choices": [{"effect": "refuse-even-in-crisis",
                     "organisation_id": police.organisation_id().to_string()}],
        "witnessed_by": "mh.practitioner",
        "review_by": review_by(&app, 90),
    });
    let third = post_json(&app, &practitioner, &path, third).await;
    assert_eq!(third.status(), 201);
    let (status, _) = look_up_leah(&app).await;
    assert_eq!(status, 403);

    let (status, versions) = get_json(&app, &practitioner, &path).await;
    assert_eq!(status, 200);
    let versions = versions.as_array().unwrap();
    let numbers: Vec<(i64, bool)> = versions
        .iter()
        .map(|v| {
            (
                v["version"].as_i64().unwrap(),
                v["in_force"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(numbers, [(3, true), (2, false), (1, false)]);
    assert!(versions[1]["superseded_at"].is_string());
}

async fn bad_choices_are_refused_naming_the_field_and_nothing_is_recorded(app: TestApp) {
    let leah = person_id(&app, LEAH).await;
    let police = user(&app, "police").await;
    let practitioner = app.token_for("mh.practitioner", "TREAT").await;
    let path = format!("/api/v1/persons/{leah}/advance-choices");
    let field_of = |body: &Value| body["errors"][0]["field"].as_str().unwrap_or("").to_owned();
    let documents = "SELECT COUNT(*) AS n FROM advance_choice_documents";
    let before = count(&app, documents).await;

    for (witness, why) in [
        ("", "no witness"),
        ("police", "a witness who is not on her care team"),
        ("no.such.user", "a witness who does not exist"),
    ] {
        let answer = post_json(
            &app,
            &practitioner,
            &path,
            leahs_choices(&app, &police, witness),
        )
        .await;
        assert_eq!(answer.status(), 400, "{why}");
        assert_eq!(field_of(&problem(answer).await), "witnessed_by", "{why}");
    }
    let mut no_crisis = leahs_choices(&app, &police, "mh.practitioner");
    no_crisis["choices"][0]["during"] = json!("");
    let answer = post_json(&app, &practitioner, &path, no_crisis).await;
    assert_eq!(answer.status(), 400);
    let body = problem(answer).await;
    assert_eq!(field_of(&body), "choices");
    assert!(body.to_string().contains("choice 1"), "{body}");
    let mut past = leahs_choices(&app, &police, "mh.practitioner");
    past["review_by"] = json!(review_by(&app, -1));
    let answer = post_json(&app, &practitioner, &path, past).await;
    assert_eq!(answer.status(), 400);
    assert_eq!(field_of(&problem(answer).await), "review_by");

    assert_eq!(count(&app, documents).await, before);
}

async fn strangers_learn_nothing_and_the_person_sees_their_own(app: TestApp) {
    let leah = person_id(&app, LEAH).await;
    let police_user = user(&app, "police").await;
    let police = app.token_for("police", "ETREAT").await;
    let body = leahs_choices(&app, &police_user, "police");

    // The police have no relationship with Leah: the same answer as for no
    // one, and for an id that is not one, reading or writing.
    let mut answers = Vec::new();
    for id in [
        leah.to_string(),
        PersonId::new().to_string(),
        "not-an-id".into(),
    ] {
        let path = format!("/api/v1/persons/{id}/advance-choices");
        let read = app.get_with_token(&path, &police).await;
        let written = post_json(&app, &police, &path, body.clone()).await;
        answers.push((
            read.status(),
            problem(read).await,
            written.status(),
            problem(written).await,
        ));
    }
    assert_eq!(answers[0].0, 404);
    assert!(answers.iter().all(|a| *a == answers[0]), "{answers:?}");
    // Leah's two were decided and audited as denials all the same.
    let police_denied = format!(
        "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{leah}' \
         AND actor_username = 'police' AND outcome = 'denied' AND categories = 'consent'"
    );
    assert_eq!(count(&app, &police_denied).await, 2);

    // Detaining her gives the police a relationship, not her sharing
    // choices: those are her care team's, and nothing is written.
    open(&app, leah, &police_user, ContactKind::Section136, 36).await;
    let path = format!("/api/v1/persons/{leah}/advance-choices");
    let documents = "SELECT COUNT(*) AS n FROM advance_choice_documents";
    let before = count(&app, documents).await;
    let (status, refused) = get_json(&app, &police, &path).await;
    assert_eq!(status, 403, "{refused}");
    assert_eq!(refused["rule"], "sharing-choices-are-the-care-teams");
    let written = post_json(&app, &police, &path, body.clone()).await;
    assert_eq!(written.status(), 403);
    assert_eq!(count(&app, documents).await, before);
    assert_eq!(count(&app, &police_denied).await, 4);

    // Daniel reads his own, and cannot record them himself.
    let daniel = person_id(&app, DANIEL).await;
    let practitioner = app.token_for("mh.practitioner", "TREAT").await;
    let mine = app.token_for("person", "PATRQT").await;
    let (status, none) = get_json(&app, &mine, "/api/v1/me/advance-choices").await;
    assert_eq!(status, 200);
    assert_eq!(none, json!([]));
    let daniels = json!({
        "statement": "When I am in hospital, tell my mother.",
        "choices": [{"effect": "let-during-crisis", "during": "admission", "category": "contacts"}],
        "witnessed_by": "mh.practitioner",
        "review_by": review_by(&app, 365),
    });
    let path = format!("/api/v1/persons/{daniel}/advance-choices");
    let himself = post_json(&app, &mine, &path, daniels.clone()).await;
    assert_eq!(himself.status(), 403);
    let recorded = post_json(&app, &practitioner, &path, daniels).await;
    assert_eq!(recorded.status(), 201);
    let (status, own) = get_json(&app, &mine, "/api/v1/me/advance-choices").await;
    assert_eq!(status, 200);
    assert_eq!(
        own[0]["statement"],
        "When I am in hospital, tell my mother."
    );
    assert_eq!(own[0]["witnessed_by"], recorded_witness(&app).await);

    // And his own copy holds them, as sentences.
    let browser = signed_in(&app, "person").await;
    let (status, copy) = page(&app, &browser, "/my/copy.json").await;
    assert_eq!(status, 200);
    let copy: Value = serde_json::from_str(&copy).unwrap();
    let shown = &copy["advance_choices"];
    assert_eq!(
        shown[0]["statement"], "When I am in hospital, tell my mother.",
        "{copy}"
    );
    assert_eq!(
        shown[0]["choices"][0],
        "While I am in hospital, anyone caring for me may see my 999 calls, A&E visits and detentions."
    );
}

async fn recorded_witness(app: &TestApp) -> String {
    user(app, "mh.practitioner")
        .await
        .display_name()
        .as_str()
        .to_owned()
}

/// The care team's page shows the choices in force as sentences, keeps
/// what was typed when the witness is missing, and records a new version.
async fn the_care_teams_page_shows_and_records_choices(app: TestApp) {
    let leah = person_id(&app, LEAH).await;
    let police = user(&app, "police").await.organisation_id().to_string();
    let practitioner = signed_in(&app, "mh.practitioner").await;
    let path = format!("/persons/{leah}/advance-choices");
    let (status, html) = page(&app, &practitioner, &format!("{path}?purpose=TREAT")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(
            "While I am detained under section 136, Northshire Police may see my crisis plan."
        ),
        "{html}"
    );
    assert!(html.contains("Even in a crisis, Northshire Police may not see my clinical notes."));

    let csrf = csrf_token(&html);
    let review = review_by(&app, 200);
    let mut fields = vec![
        ("csrf_token", csrf.as_str()),
        ("purpose", "TREAT"),
        (
            "statement",
            "While I am in hospital, the police may see my plan.",
        ),
        ("effect_1", "let-during-crisis"),
        ("during_1", "admission"),
        ("organisation_1", police.as_str()),
        ("category_1", "crisis-plan"),
        ("witnessed_by", ""),
        ("review_by", review.as_str()),
    ];
    let refused = post_form(&app, &practitioner, &path, &fields).await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(html.contains("id=\"error-summary\""), "{html}");
    assert!(html.contains("who witnessed these choices"), "{html}");
    assert!(
        html.contains("While I am in hospital, the police may see my plan."),
        "kept: {html}"
    );

    fields.retain(|(name, _)| *name != "witnessed_by");
    fields.push(("witnessed_by", "mh.practitioner"));
    let recorded = post_form(&app, &practitioner, &path, &fields).await;
    assert_eq!(recorded.status(), 303);
    let (_, html) = page(&app, &practitioner, &location(&recorded)).await;
    assert!(
        html.contains("Recorded. This version is now in force."),
        "{html}"
    );
    assert!(
        html.contains("While I am in hospital, Northshire Police may see my crisis plan."),
        "{html}"
    );
    assert!(html.contains("Earlier versions"), "{html}");
    assert!(!html.contains("(overdue)"), "{html}");

    // Reviewed as plans are: once its date passes, the page says so.
    app.clock.advance(Duration::days(201));
    let practitioner = signed_in(&app, "mh.practitioner").await;
    let (_, html) = page(&app, &practitioner, &format!("{path}?purpose=TREAT")).await;
    assert!(html.contains("(overdue)"), "{html}");
}

crate::on_both_stores!(
    the_care_teams_page_shows_and_records_choices,
    leahs_advance_choice_lifts_her_refusal_during_a_section_136_only,
    a_new_version_replaces_the_one_in_force_and_the_decision_follows_it,
    bad_choices_are_refused_naming_the_field_and_nothing_is_recorded,
    strangers_learn_nothing_and_the_person_sees_their_own,
);
