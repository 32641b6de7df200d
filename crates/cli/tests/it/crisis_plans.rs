//! Crisis plans over the API on both stores: versions, the stale-edit
//! conflict, agreement by both the person and a professional, the person's
//! proposals, review dates and the overdue list, flag expiry, and coverage.
//!
//! Longer than most test files because a plan's versions, agreement and review
//! are one lifecycle whose steps the tests walk in order.

use chrono::{Duration, NaiveDate};
use concordat_domain::consent::ConsentScope;
use concordat_domain::crisis_plan::ReviewStatus;
use concordat_store::crisis_plans;
use serde_json::json;

use crate::fixtures::{
    count, crisis_look_up_path, get_json, person_id, post_json, record_refusal, user, DANIEL, GARY,
};
use crate::harness::{problem, TestApp};

fn today(app: &TestApp) -> NaiveDate {
    concordat_server::Clock::now(&app.clock).date_naive()
}

fn plan_path(person: impl std::fmt::Display) -> String {
    format!("/api/v1/persons/{person}/crisis-plan")
}

fn sections(what_helps: &str) -> serde_json::Value {
    json!({
        "what_helps": what_helps,
        "what_does_not_help": "Being crowded",
        "people_to_contact": [
            {"name": "Karen Holt", "relationship": "Sister", "phone": "07700 900 461", "when_to_call": "Any time"},
            {"name": "", "relationship": "", "phone": "", "when_to_call": ""}
        ]
    })
}

async fn a_version_is_agreed_only_when_both_the_person_and_a_professional_agree(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let (status, plan) = get_json(&app, &nurse, &plan_path(gary)).await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["agreed"]["number"], 1);
    assert_eq!(plan["latest_version"], 1);

    let saved = post_json(
        &app,
        &nurse,
        &format!("{}/versions", plan_path(gary)),
        json!({"based_on": 1, "sections": sections("Tea and a quiet room")}),
    )
    .await;
    assert_eq!(saved.status(), 201);
    let v2: serde_json::Value = saved.json().await.unwrap();
    assert_eq!(v2["number"], 2);
    assert_eq!(v2["status"], "draft");
    assert_eq!(v2["based_on"], 1);
    assert_eq!(v2["author"]["name"], "Priya Shah");
    // The blank contact row was dropped.
    assert_eq!(
        v2["sections"]["people_to_contact"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Someone who opened version 1 and saves now overwrites nothing.
    let stale = post_json(
        &app,
        &nurse,
        &format!("{}/versions", plan_path(gary)),
        json!({"based_on": 1, "sections": sections("Something else")}),
    )
    .await;
    assert_eq!(stale.status(), 409);
    assert!(problem(stale).await["detail"]
        .as_str()
        .unwrap()
        .contains("version 2 is now the latest"));

    // The professional alone does not agree it…
    let agree = |party: &'static str, via: &'static str| {
        let app = &app;
        let nurse = nurse.clone();
        async move {
            post_json(
                app,
                &nurse,
                &format!("{}/versions/2/agreement", plan_path(gary)),
                json!({"party": party, "via": via}),
            )
            .await
        }
    };
    let first = agree("professional", "in-person").await;
    assert_eq!(first.status(), 200);
    assert_eq!(
        first.json::<serde_json::Value>().await.unwrap()["status"],
        "draft"
    );
    let (_, plan) = get_json(&app, &nurse, &plan_path(gary)).await;
    assert_eq!(plan["agreed"]["number"], 1, "version 1 is still the plan");

    // …nor twice.
    assert_eq!(agree("professional", "in-person").await.status(), 409);

    // With the person's agreement it is the plan, and version 1 is superseded.
    let second = agree("person", "in-person").await;
    assert_eq!(second.status(), 200);
    let agreed: serde_json::Value = second.json().await.unwrap();
    assert_eq!(agreed["status"], "agreed");
    let due = today(&app)
        .checked_add_months(chrono::Months::new(6))
        .unwrap();
    assert_eq!(agreed["review_due"], due.to_string());
    assert_eq!(agreed["person_agreement"]["via"], "in-person");
    assert!(agreed["standing"].as_str().unwrap().contains("review due"));

    let (_, plan) = get_json(&app, &nurse, &plan_path(gary)).await;
    assert_eq!(plan["agreed"]["number"], 2);
    let statuses: Vec<_> = plan["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(statuses, ["superseded", "agreed"]);
    // The look-up shows version 2 now, never the superseded version 1.
    let police = app.token_for("police", "ETREAT").await;
    let (_, found) = get_json(&app, &police, &crisis_look_up_path(GARY, "Welfare")).await;
    assert_eq!(found["plan"]["version"], 2, "{found}");
    assert_eq!(found["plan"]["what_helps"], "Tea and a quiet room");
    // Agreeing an agreed version again is refused.
    assert_eq!(agree("person", "phone").await.status(), 409);

    // The diff names what changed, line by line.
    let (status, diff) = get_json(
        &app,
        &nurse,
        &format!("{}/diff?from=1&to=2", plan_path(gary)),
    )
    .await;
    assert_eq!(status, 200);
    let changed: Vec<_> = diff
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["section"].as_str().unwrap().to_owned())
        .collect();
    assert!(changed.contains(&"what-helps".to_owned()), "{diff}");
    assert!(diff.to_string().contains("\"added\""));
}

async fn the_persons_proposal_replaces_nothing_until_a_professional_agrees(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let own = app.token_for("person", "PATRQT").await;
    let (status, plan) = get_json(&app, &own, &plan_path(daniel)).await;
    assert_eq!(status, 200, "{plan}");
    let agreed_text = plan["agreed"]["sections"]["what_helps"]
        .as_str()
        .unwrap()
        .to_owned();

    let proposed = post_json(
        &app,
        &own,
        &format!("{}/versions", plan_path(daniel)),
        json!({"based_on": 1, "sections": sections("Being told what is happening before it happens")}),
    )
    .await;
    assert_eq!(proposed.status(), 201);
    let proposal: serde_json::Value = proposed.json().await.unwrap();
    assert_eq!(proposal["is_proposal"], true);
    assert_eq!(proposal["author"]["is_the_person"], true);

    // A crisis look-up still finds the agreed plan, not the proposal.
    let police = app.token_for("police", "ETREAT").await;
    let (_, found) = get_json(&app, &police, &crisis_look_up_path(DANIEL, "Welfare check")).await;
    assert_eq!(found["plan"]["what_helps"], agreed_text.as_str());

    // Their own proposal is agreed on their side as they make it; they
    // cannot be the professional, nor agree twice.
    assert_eq!(proposal["person_agreement"]["via"], "own-account");
    assert_eq!(proposal["status"], "draft");
    let as_professional = post_json(
        &app,
        &own,
        &format!("{}/versions/2/agreement", plan_path(daniel)),
        json!({"party": "professional"}),
    )
    .await;
    assert_eq!(as_professional.status(), 400);
    let again = post_json(
        &app,
        &own,
        &format!("{}/versions/2/agreement", plan_path(daniel)),
        json!({"party": "person"}),
    )
    .await;
    assert_eq!(again.status(), 409);

    // A professional outside the care team cannot agree it for them.
    let stranger = app.token_for("crisis.nurse", "TREAT").await;
    let refused = post_json(
        &app,
        &stranger,
        &format!("{}/versions/2/agreement", plan_path(daniel)),
        json!({"party": "professional", "via": "in-person"}),
    )
    .await;
    assert_eq!(refused.status(), 404, "not on Daniel's care team");

    let practitioner = app.token_for("mh.practitioner", "TREAT").await;
    let done = post_json(
        &app,
        &practitioner,
        &format!("{}/versions/2/agreement", plan_path(daniel)),
        json!({"party": "professional", "via": "phone"}),
    )
    .await;
    assert_eq!(done.status(), 200);
    assert_eq!(
        done.json::<serde_json::Value>().await.unwrap()["status"],
        "agreed"
    );
    let (_, found) = get_json(&app, &police, &crisis_look_up_path(DANIEL, "Welfare check")).await;
    assert_eq!(
        found["plan"]["what_helps"],
        "Being told what is happening before it happens"
    );
}

async fn overdue_reviews_are_listed_for_the_care_team(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let gary = person_id(&app, GARY).await;
    // Daniel's plan was agreed 240 days before the demo's today.
    let practitioner = app.token_for("mh.practitioner", "TREAT").await;
    let (status, overdue) = get_json(&app, &practitioner, "/api/v1/crisis-plans/overdue").await;
    assert_eq!(status, 200);
    let ids: Vec<_> = overdue
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["person_id"].as_str().unwrap().to_owned())
        .collect();
    assert!(ids.contains(&daniel.to_string()), "{overdue}");
    assert!(
        !ids.contains(&gary.to_string()),
        "Gary's review is not due yet"
    );
    let (_, plan) = get_json(&app, &practitioner, &plan_path(daniel)).await;
    assert!(plan["agreed"]["standing"]
        .as_str()
        .unwrap()
        .contains("review overdue since"));
    assert_eq!(plan["agreed"]["review"]["status"], "overdue");

    // Each person named is a read of their plan, audited; one the
    // decision now refuses is left off the list.
    let reads_of_daniel = format!(
        "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{daniel}' AND categories LIKE '%crisis-plan%'"
    );
    let before = count(&app, &reads_of_daniel).await;
    get_json(&app, &practitioner, "/api/v1/crisis-plans/overdue").await;
    assert_eq!(count(&app, &reads_of_daniel).await, before + 1);
    let practitioner_user = user(&app, "mh.practitioner").await;
    record_refusal(
        &app,
        daniel,
        ConsentScope {
            organisation: Some(practitioner_user.organisation_id()),
            ..ConsentScope::default()
        },
        &practitioner_user,
    )
    .await;
    let (_, refused) = get_json(&app, &practitioner, "/api/v1/crisis-plans/overdue").await;
    assert!(
        !refused.to_string().contains(&daniel.to_string()),
        "{refused}"
    );

    // Gary's falls due; his lead professional sees it once it has passed.
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let (_, before) = get_json(&app, &nurse, "/api/v1/crisis-plans/overdue").await;
    assert!(!before.to_string().contains(&gary.to_string()));
    app.clock.advance(Duration::days(200));
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let (_, after) = get_json(&app, &nurse, "/api/v1/crisis-plans/overdue").await;
    assert!(after.to_string().contains(&gary.to_string()), "{after}");

    // The police are on no one's care team: their list is empty.
    let police = app.token_for("police", "ETREAT").await;
    let (_, none) = get_json(&app, &police, "/api/v1/crisis-plans/overdue").await;
    assert_eq!(none, json!([]));
}

async fn flags_expire_and_are_never_shown_as_active_afterwards(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let ends = today(&app) + Duration::days(10);
    let raised = post_json(
        &app,
        &nurse,
        &format!("/api/v1/persons/{gary}/flags"),
        json!({
            "category": "risk-to-others", "severity": "moderate",
            "summary": "Has threatened a neighbour", "basis": "Police report 2 March",
            "ends_on": ends.to_string()
        }),
    )
    .await;
    assert_eq!(raised.status(), 201);
    let flag: serde_json::Value = raised.json().await.unwrap();
    assert_eq!(flag["status"], "active");
    let flag_id = flag["id"].as_str().unwrap().to_owned();

    let police = app.token_for("police", "ETREAT").await;
    let look_up = crisis_look_up_path(GARY, "Disturbance");
    let (_, found) = get_json(&app, &police, &look_up).await;
    assert!(found["flags"]
        .to_string()
        .contains("Has threatened a neighbour"));

    app.clock.advance(Duration::days(11));
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let (_, flags) = get_json(&app, &nurse, &format!("/api/v1/persons/{gary}/flags")).await;
    let it = flags
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == flag_id.as_str())
        .unwrap();
    assert_eq!(it["status"], "expired");
    let police = app.token_for("police", "ETREAT").await;
    let (_, found) = get_json(&app, &police, &look_up).await;
    assert!(!found["flags"]
        .to_string()
        .contains("Has threatened a neighbour"));

    // Reviews need a note; making a flag inactive is final.
    let review = |body: serde_json::Value| {
        let app = &app;
        let nurse = nurse.clone();
        let path = format!("/api/v1/persons/{gary}/flags/{flag_id}/review");
        async move { post_json(app, &nurse, &path, body).await }
    };
    assert_eq!(
        review(json!({"keep": false, "note": " "})).await.status(),
        400
    );
    let closed = review(json!({"keep": false, "note": "Resolved with the neighbour"})).await;
    assert_eq!(closed.status(), 200);
    assert_eq!(
        closed.json::<serde_json::Value>().await.unwrap()["status"],
        "inactive"
    );
    assert_eq!(
        review(json!({"keep": true, "note": "again"}))
            .await
            .status(),
        409
    );

    // The police may not raise flags: the agreement grants them no writing
    // of `risk`.
    let refused = post_json(
        &app,
        &police,
        &format!("/api/v1/persons/{gary}/flags"),
        json!({"category": "risk-to-self", "severity": "low", "summary": "x", "basis": "y"}),
    )
    .await;
    assert_eq!(refused.status(), 403);
    assert_eq!(problem(refused).await["rule"], "agreement-required");
}

async fn coverage_counts_the_caseload_as_json_and_csv(app: TestApp) {
    let ig = app.token_for("ig.lead", "TREAT").await;
    let (status, report) =
        get_json(&app, &ig, "/api/v1/crisis-plans/coverage?scope=partnership").await;
    assert_eq!(status, 200, "{report}");

    // The same figures worked out here from every plan, one by one.
    let today = today(&app);
    let mut conn = app.store.read().await.unwrap();
    let people = count(&app, "SELECT COUNT(*) AS n FROM persons").await;
    let (mut in_date, mut overdue, mut draft, mut says) = (0, 0, 0, 0);
    let ids: Vec<String> = sqlx::query_scalar("SELECT person_id FROM crisis_plans")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    for id in ids {
        let header = crisis_plans::plan_of_person(&mut conn, id.parse().unwrap(), false)
            .await
            .unwrap()
            .unwrap();
        match header.agreed_version {
            None => draft += 1,
            Some(n) => {
                let v = crisis_plans::version(&mut conn, header.id, n)
                    .await
                    .unwrap()
                    .unwrap();
                match v.review_status(today).unwrap() {
                    ReviewStatus::InDate { .. } => in_date += 1,
                    ReviewStatus::Overdue { .. } => overdue += 1,
                }
                if v.sections.says_what_does_not_help() {
                    says += 1;
                }
            }
        }
    }
    assert_eq!(report["people"], people);
    assert_eq!(report["agreed_in_date"], in_date);
    assert_eq!(report["review_overdue"], overdue);
    assert_eq!(report["draft_only"], draft);
    assert_eq!(report["says_what_does_not_help"], says);
    assert!(
        in_date > 0 && overdue > 0 && draft > 0,
        "the demo spreads its plans"
    );

    let csv = app
        .get_with_token("/api/v1/crisis-plans/coverage.csv?scope=partnership", &ig)
        .await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let body = csv.text().await.unwrap();
    let lines: Vec<_> = body.lines().collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].starts_with("scope,as_of,people,agreed_in_date,"));
    assert!(lines[1].starts_with(&format!("the partnership,{today},{people},{in_date},")));

    // A team sees its own caseload; the partnership's is for governance.
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let (status, team) = get_json(&app, &nurse, "/api/v1/crisis-plans/coverage?scope=team").await;
    assert_eq!(status, 200);
    assert!(team["people"].as_i64().unwrap() > 0);
    assert!(team["people"].as_i64().unwrap() < people);
    let (status, _) = get_json(
        &app,
        &nurse,
        "/api/v1/crisis-plans/coverage?scope=partnership",
    )
    .await;
    assert_eq!(status, 403);
}

crate::on_both_stores!(
    a_version_is_agreed_only_when_both_the_person_and_a_professional_agree,
    the_persons_proposal_replaces_nothing_until_a_professional_agrees,
    overdue_reviews_are_listed_for_the_care_team,
    flags_expire_and_are_never_shown_as_active_afterwards,
    coverage_counts_the_caseload_as_json_and_csv,
);
