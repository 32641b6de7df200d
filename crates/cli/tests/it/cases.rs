//! The multi-agency case, on both stores. Gary Holt's crisis nurse opens a
//! case and leads it; a GP of his practice and a street triage officer
//! join it and can then read what their agreement grants — while a
//! colleague of theirs who is not on it cannot; an action missed tells its
//! owner, then the lead; a review meeting is recorded; closing the case
//! ends every member's access. A valid staff account trying what it should
//! not meets the answer for no case (or a refusal), audited; Daniel sees
//! his own case from his account and nobody else's.

use chrono::Duration;
use concordat_server::Clock as _;
use serde_json::{json, Value};

use crate::fixtures::{
    count, csrf_token, get_json, page, person_id, post_form, post_json, signed_in, texts, user,
    DANIEL, GARY,
};
use crate::harness::TestApp;

/// Opens a case about `person` as `username`; its id.
async fn opened(app: &TestApp, username: &str, person: &str, reason: &str) -> String {
    let token = app.token_for(username, "TREAT").await;
    let response = post_json(
        app,
        &token,
        "/api/v1/cases",
        json!({"person_id": person, "reason": reason}),
    )
    .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    let body: Value = response.json().await.unwrap();
    body["id"].as_str().unwrap().to_owned()
}

async fn add(app: &TestApp, token: &str, case: &str, username: &str) -> reqwest::Response {
    let member = user(app, username).await.id().to_string();
    post_json(
        app,
        token,
        &format!("/api/v1/cases/{case}/members"),
        json!({"user_id": member}),
    )
    .await
}

async fn notices(app: &TestApp, username: &str, kind: &str, about: &str) -> i64 {
    let id = user(app, username).await.id();
    count(
        app,
        &format!(
            "SELECT COUNT(*) AS n FROM notifications WHERE user_id = '{id}' AND kind = '{kind}' \
             AND link LIKE '%{about}%'"
        ),
    )
    .await
}

async fn gary_s_case_joins_police_and_his_practice_escalates_missed_actions_and_ends_all_access_when_closed(
    app: TestApp,
) {
    let gary = person_id(&app, GARY).await.to_string();
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let gp = app.token_for("dr.evans", "TREAT").await;
    let officer = app.token_for("police", "TREAT").await;
    let other_officer = app.token_for("pc.jones", "TREAT").await;
    let plan = format!("/api/v1/persons/{gary}/crisis-plan");

    // Before the case, neither the second GP of his practice nor the
    // officer has any business with him.
    assert_eq!(get_json(&app, &gp, &plan).await.0, 404);
    assert_eq!(get_json(&app, &officer, &plan).await.0, 404);

    let case = opened(
        &app,
        "crisis.nurse",
        &gary,
        "Working together on Gary's crisis support",
    )
    .await;
    for member in ["dr.evans", "police"] {
        let added = add(&app, &nurse, &case, member).await;
        assert_eq!(added.status(), 204, "{}", added.text().await.unwrap());
    }
    // Each membership's access was written with the audit entry that says so.
    let written = count(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{gary}' AND action = 'write' \
             AND reasons LIKE '%a member of multi-agency case {case}%'"
        ),
    )
    .await;
    assert_eq!(written, 3, "the lead and the two members");
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM care_relationships WHERE person_id = '{gary}' \
                 AND kind = 'case-member'"
            ),
        )
        .await,
        3
    );

    // Members read what their agreement grants: the GP the case itself and
    // the plan; the officer the plan (police read no care team).
    assert_eq!(get_json(&app, &gp, &plan).await.0, 200);
    assert_eq!(get_json(&app, &officer, &plan).await.0, 200);
    let (status, seen) = get_json(&app, &gp, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["lead"]["name"], "Priya Shah");
    assert_eq!(seen["members"].as_array().unwrap().len(), 3);
    let (status, denied) = get_json(&app, &officer, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(status, 403, "{denied}");
    // A colleague of the officer's who is not on the case: nothing.
    assert_eq!(get_json(&app, &other_officer, &plan).await.0, 404);
    assert_eq!(
        get_json(&app, &other_officer, &format!("/api/v1/cases/{case}"))
            .await
            .0,
        404
    );

    // An action for the GP, due today, is missed: the GP is told when the
    // day is over, the lead a day later, each once.
    let today = app.clock.now().date_naive();
    let gp_id = user(&app, "dr.evans").await.id().to_string();
    let action = post_json(
        &app,
        &nurse,
        &format!("/api/v1/cases/{case}/actions"),
        json!({"what": "Review his medication", "owner_user_id": gp_id, "due_date": today}),
    )
    .await;
    assert_eq!(action.status(), 201, "{}", action.text().await.unwrap());
    let yesterday = post_json(
        &app,
        &nurse,
        &format!("/api/v1/cases/{case}/actions"),
        json!({"what": "Too late", "owner_user_id": gp_id, "due_date": today - Duration::days(1)}),
    )
    .await;
    assert_eq!(yesterday.status(), 400, "a due date in the past is refused");

    app.run_jobs().await;
    assert_eq!(
        notices(&app, "dr.evans", "escalated", &case).await,
        0,
        "not yet due"
    );
    app.clock.advance(Duration::days(1));
    app.run_jobs().await;
    assert_eq!(notices(&app, "dr.evans", "escalated", &case).await, 1);
    assert_eq!(notices(&app, "crisis.nurse", "escalated", &case).await, 0);
    app.clock.advance(Duration::days(1));
    app.run_jobs().await;
    app.run_jobs().await;
    assert_eq!(notices(&app, "crisis.nurse", "escalated", &case).await, 1);
    assert_eq!(
        notices(&app, "dr.evans", "escalated", &case).await,
        1,
        "told once"
    );
    // Two days on, everyone signs in again: a token lasts a shift.
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let gp = app.token_for("dr.evans", "TREAT").await;
    let officer = app.token_for("police", "TREAT").await;
    let (_, seen) = get_json(&app, &nurse, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(seen["actions"][0]["escalation_step"], 2);
    let escalations = count(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{gary}' \
             AND action = 'escalation'"
        ),
    )
    .await;
    assert_eq!(escalations, 2);

    // A review meeting, attended by the lead and the GP.
    let nurse_id = user(&app, "crisis.nurse").await.id().to_string();
    let met = post_json(
        &app,
        &gp,
        &format!("/api/v1/cases/{case}/meetings"),
        json!({
            "held_date": app.clock.now().date_naive(),
            "attendee_user_ids": [nurse_id, gp_id],
            "notes": "Agreed a weekly call with the crisis team."
        }),
    )
    .await;
    assert_eq!(met.status(), 201, "{}", met.text().await.unwrap());
    let (_, seen) = get_json(&app, &nurse, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(
        seen["meetings"][0]["attendees"].as_array().unwrap().len(),
        2
    );

    // Only the lead closes it; closing ends every member's access.
    let not_lead = post_json(
        &app,
        &gp,
        &format!("/api/v1/cases/{case}/close"),
        json!({"outcome": "goals-met"}),
    )
    .await;
    assert_eq!(not_lead.status(), 403);
    let closed = post_json(
        &app,
        &nurse,
        &format!("/api/v1/cases/{case}/close"),
        json!({"outcome": "care-team-continues", "note": "Weekly calls continue."}),
    )
    .await;
    assert_eq!(closed.status(), 200, "{}", closed.text().await.unwrap());
    assert_eq!(get_json(&app, &gp, &plan).await.0, 404);
    assert_eq!(get_json(&app, &officer, &plan).await.0, 404);
    assert_eq!(
        get_json(&app, &gp, &format!("/api/v1/cases/{case}"))
            .await
            .0,
        404
    );
    // The nurse is still on his care team: the plan, and the closed case
    // as its record.
    assert_eq!(get_json(&app, &nurse, &plan).await.0, 200);
    let (status, record) = get_json(&app, &nurse, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(status, 200, "{record}");
    assert_eq!(record["status"], "closed");
    assert_eq!(record["outcome"], "care-team-continues");
    assert!(record["members"].as_array().unwrap().is_empty());
    let late = post_json(
        &app,
        &nurse,
        &format!("/api/v1/cases/{case}/actions"),
        json!({"what": "After closing", "owner_user_id": nurse_id, "due_date": app.clock.now().date_naive()}),
    )
    .await;
    assert_eq!(late.status(), 409, "a closed case takes nothing more");
}

async fn strangers_meet_the_answer_for_no_case_and_their_attempts_are_audited(app: TestApp) {
    let gary = person_id(&app, GARY).await.to_string();
    let case = opened(
        &app,
        "crisis.nurse",
        &gary,
        "Working together on Gary's crisis support",
    )
    .await;
    // A social worker with no relationship with Gary.
    let stranger = app.token_for("social.worker", "TREAT").await;
    let nobody = concordat_domain::ids::PersonId::new().to_string();

    // Opening a case for someone you have no business with answers as for
    // someone who does not exist; both are decided and audited.
    let mut answers = Vec::new();
    for person in [&gary, &nobody] {
        let response = post_json(
            &app,
            &stranger,
            "/api/v1/cases",
            json!({"person_id": person, "reason": "Curious"}),
        )
        .await;
        answers.push((response.status().as_u16(), response.text().await.unwrap()));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].0, 404);
    let refused = count(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{gary}' \
             AND outcome = 'denied' AND actor_username = 'social.worker'"
        ),
    )
    .await;
    assert!(refused >= 1, "the refusal is audited");

    // Reading the case by id, adding oneself to it, acting on it: the
    // answer for no case, as for an id that names none.
    let worker = user(&app, "social.worker").await.id().to_string();
    let unknown = uuid::Uuid::new_v4().to_string();
    for id in [&case, &unknown] {
        assert_eq!(
            get_json(&app, &stranger, &format!("/api/v1/cases/{id}"))
                .await
                .0,
            404
        );
        let joined = post_json(
            &app,
            &stranger,
            &format!("/api/v1/cases/{id}/members"),
            json!({"user_id": worker}),
        )
        .await;
        assert_eq!(joined.status(), 404);
        let acted = post_json(
            &app,
            &stranger,
            &format!("/api/v1/cases/{id}/close"),
            json!({"outcome": "goals-met"}),
        )
        .await;
        assert_eq!(acted.status(), 404);
    }
    // A member who is not the lead cannot add anyone, themselves included.
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    assert_eq!(add(&app, &nurse, &case, "gp").await.status(), 204);
    let gp = app.token_for("gp", "TREAT").await;
    assert_eq!(add(&app, &gp, &case, "social.worker").await.status(), 403);
    assert_eq!(
        get_json(&app, &stranger, &format!("/api/v1/cases/{case}"))
            .await
            .0,
        404
    );

    // Another organisation's user who is on the care team but not on the
    // case sees nothing of it either.
    let in_the_case = count(
        &app,
        &format!("SELECT COUNT(*) AS n FROM case_members WHERE case_id = '{case}'"),
    )
    .await;
    assert_eq!(in_the_case, 2);

    // The pages refuse a forged CSRF token and change nothing.
    let client = signed_in(&app, "crisis.nurse").await;
    let forged = post_form(
        &app,
        &client,
        &format!("/cases/{case}/close"),
        &[("csrf_token", "forged"), ("outcome", "goals-met")],
    )
    .await;
    assert_eq!(forged.status(), 403);
    let (status, shown) = page(&app, &client, &format!("/cases/{case}")).await;
    assert_eq!(status, 200);
    assert!(shown.contains("Close the case"), "still open");
}

async fn the_person_sees_their_own_case_and_nobody_else_s(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await.to_string();
    let gary = person_id(&app, GARY).await.to_string();
    let case = opened(
        &app,
        "mh.practitioner",
        &daniel,
        "Planning a safe return home",
    )
    .await;
    let gary_case = opened(
        &app,
        "crisis.nurse",
        &gary,
        "Working together on Gary's crisis support",
    )
    .await;
    let practitioner = app.token_for("mh.practitioner", "TREAT").await;
    let owner = user(&app, "mh.practitioner").await.id().to_string();
    let due = app.clock.now().date_naive() + Duration::days(7);
    let added = post_json(
        &app,
        &practitioner,
        &format!("/api/v1/cases/{case}/actions"),
        json!({"what": "Visit at home after discharge", "owner_user_id": owner, "due_date": due}),
    )
    .await;
    assert_eq!(added.status(), 201);

    let person = app.token_for("person", "PATRQT").await;
    let (status, mine) = get_json(&app, &person, "/api/v1/me/cases").await;
    assert_eq!(status, 200, "{mine}");
    let mine = mine.as_array().unwrap();
    assert_eq!(mine.len(), 1, "his own case only");
    assert_eq!(mine[0]["id"], case.as_str());
    assert_eq!(mine[0]["lead"]["name"], "Tom Ellis");
    assert_eq!(
        mine[0]["actions"][0]["what"],
        "Visit at home after discharge"
    );
    assert!(mine[0]["meetings"].as_array().unwrap().is_empty());
    // Not Gary's case, by id or otherwise.
    assert_eq!(
        get_json(&app, &person, &format!("/api/v1/cases/{gary_case}"))
            .await
            .0,
        404
    );
    // His page says the same, and he was told in his inbox.
    let client = signed_in(&app, "person").await;
    let (status, shown) = page(&app, &client, "/my/case").await;
    assert_eq!(status, 200);
    assert!(shown.contains("Planning a safe return home"), "{shown}");
    assert!(shown.contains("Tom Ellis"));
    assert!(shown.contains("Visit at home after discharge"));
    assert!(!shown.contains("Gary"));
    let (_, home) = page(&app, &client, "/").await;
    assert!(home.contains("/my/case"));
    // Staff have no such page.
    assert_eq!(
        get_json(&app, &practitioner, "/api/v1/me/cases").await.0,
        403
    );
}

async fn the_case_pages_open_a_case_and_take_its_acts_with_faults_beside_the_fields(app: TestApp) {
    let gary = person_id(&app, GARY).await.to_string();
    let client = signed_in(&app, "crisis.nurse").await;
    let (status, record) = page(&app, &client, &format!("/persons/{gary}")).await;
    assert_eq!(status, 200);
    assert!(
        record.contains(&format!("/persons/{gary}/cases")),
        "linked from the record"
    );
    let (status, list) = page(&app, &client, &format!("/persons/{gary}/cases")).await;
    assert_eq!(status, 200);
    let token = csrf_token(&list);
    // Words that propose a lesser response are refused beside the field.
    let refused = post_form(
        &app,
        &client,
        &format!("/persons/{gary}/cases"),
        &[("csrf_token", &token), ("reason", "Downgrade his calls")],
    )
    .await;
    assert_eq!(refused.status(), 400);
    let shown = refused.text().await.unwrap();
    assert!(shown.contains("reason-error"), "{shown}");
    let opened = post_form(
        &app,
        &client,
        &format!("/persons/{gary}/cases"),
        &[
            ("csrf_token", &token),
            ("reason", "Crisis support across services"),
        ],
    )
    .await;
    assert_eq!(opened.status(), 303);
    let at = crate::fixtures::location(&opened);
    let case = at
        .trim_start_matches("/cases/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let (status, shown) = page(&app, &client, &at).await;
    assert_eq!(status, 200);
    for form in ["add-member", "add-action", "record-meeting", "close"] {
        assert!(shown.contains(&format!("id=\"{form}\"")), "{form}");
    }
    assert_eq!(
        shown.matches("method=\"post\"").count(),
        shown.matches("novalidate").count(),
        "every form is novalidate"
    );
    assert_eq!(
        shown.matches("method=\"post\"").count(),
        shown.matches("name=\"csrf_token\"").count(),
        "every form carries the token"
    );
    let token = csrf_token(&shown);
    let police = user(&app, "police").await.id().to_string();
    let added = post_form(
        &app,
        &client,
        &format!("/cases/{case}/members"),
        &[("csrf_token", &token), ("user_id", &police)],
    )
    .await;
    assert_eq!(added.status(), 303);
    // An action with no date is refused beside its date.
    let nurse = user(&app, "crisis.nurse").await.id().to_string();
    let undated = post_form(
        &app,
        &client,
        &format!("/cases/{case}/actions"),
        &[
            ("csrf_token", &token),
            ("what", "Call him weekly"),
            ("owner_user_id", &nurse),
        ],
    )
    .await;
    assert_eq!(undated.status(), 400);
    assert!(undated.text().await.unwrap().contains("due_date-error"));
    let due = app.clock.now().date_naive() + Duration::days(3);
    let (day, month, year) = (
        due.format("%d").to_string(),
        due.format("%m").to_string(),
        due.format("%Y").to_string(),
    );
    let dated = post_form(
        &app,
        &client,
        &format!("/cases/{case}/actions"),
        &[
            ("csrf_token", &token),
            ("what", "Call him weekly"),
            ("owner_user_id", &nurse),
            ("due_date-day", &day),
            ("due_date-month", &month),
            ("due_date-year", &year),
        ],
    )
    .await;
    assert_eq!(dated.status(), 303);
    let (_, shown) = page(&app, &client, &format!("/cases/{case}")).await;
    assert!(shown.contains("Call him weekly"));
    assert!(shown.contains("PC Sam Whitaker"));
    let closed = post_form(
        &app,
        &client,
        &format!("/cases/{case}/close"),
        &[("csrf_token", &token), ("outcome", "goals-met")],
    )
    .await;
    assert_eq!(closed.status(), 303);
    // Closed: kept as the record, with no forms left.
    let (status, shown) = page(&app, &client, &format!("/cases/{case}")).await;
    assert_eq!(status, 200);
    assert!(shown.contains("id=\"status\">Closed: the plan"), "{shown}");
    assert!(!shown.contains("id=\"add-action\""));
}

crate::on_both_stores!(
    gary_s_case_joins_police_and_his_practice_escalates_missed_actions_and_ends_all_access_when_closed,
    strangers_meet_the_answer_for_no_case_and_their_attempts_are_audited,
    the_person_sees_their_own_case_and_nobody_else_s,
    the_case_pages_open_a_case_and_take_its_acts_with_faults_beside_the_fields,
    the_demo_case_has_gary_s_team_and_its_actions_escalate,
    a_member_under_another_purpose_is_refused_and_it_is_audited,
);

async fn the_demo_case_has_gary_s_team_and_its_actions_escalate(app: TestApp) {
    assert!(
        concordat::demo::cases::seed_case(&app.store, app.clock.now())
            .await
            .unwrap()
    );
    let case = texts(&app, "SELECT id FROM cases", "id").await;
    assert_eq!(case.len(), 1);
    let case = &case[0];
    let paramedic = app.token_for("paramedic", "TREAT").await;
    let (status, seen) = get_json(&app, &paramedic, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(status, 200, "{seen}");
    assert_eq!(seen["members"].as_array().unwrap().len(), 4, "{seen}");
    assert_eq!(seen["actions"].as_array().unwrap().len(), 3, "{seen}");
    assert_eq!(seen["meetings"].as_array().unwrap().len(), 1, "{seen}");
    // Someone not on it meets the answer for no case, and has none listed.
    let gp = app.token_for("gp", "TREAT").await;
    assert_eq!(
        get_json(&app, &gp, &format!("/api/v1/cases/{case}"))
            .await
            .0,
        404
    );
    assert_eq!(get_json(&app, &gp, "/api/v1/cases").await, (200, json!([])));
    // Each member finds it among their own cases, from their home page.
    let (status, listed) = get_json(&app, &paramedic, "/api/v1/cases").await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["id"], case.as_str());
    let nurse = signed_in(&app, "crisis.nurse").await;
    let (_, home) = page(&app, &nurse, "/").await;
    assert!(home.contains(r#"href="/cases""#), "{home}");
    let (status, mine) = page(&app, &nurse, "/cases").await;
    assert_eq!(status, 200);
    assert!(mine.contains("Gary Holt"), "{mine}");
    assert!(mine.contains("You lead this case."), "{mine}");
    assert!(
        mine.contains("Yours next: Ring Gary each Friday evening"),
        "{mine}"
    );
    let gp_browser = signed_in(&app, "gp").await;
    let (_, home) = page(&app, &gp_browser, "/").await;
    assert!(
        !home.contains(r#"href="/cases""#),
        "not on a case: not offered"
    );
    let (status, none) = page(&app, &gp_browser, "/cases").await;
    assert_eq!(status, 200);
    assert!(
        none.contains("You are not on an open multi-agency case"),
        "{none}"
    );
    // The ambulance hub's action, due in two days, tells its owner once missed.
    app.run_jobs().await;
    assert_eq!(notices(&app, "paramedic", "escalated", case).await, 0);
    app.clock.advance(Duration::days(3));
    app.run_jobs().await;
    assert_eq!(notices(&app, "paramedic", "escalated", case).await, 1);
    assert_eq!(
        notices(&app, "crisis.nurse", "escalated", case).await,
        0,
        "hers is not due yet"
    );
}

/// Membership is for care: the same member with a commissioning token
/// reads nothing of the case, the refusal audited; a non-member with that
/// token meets the answer for no case.
async fn a_member_under_another_purpose_is_refused_and_it_is_audited(app: TestApp) {
    let gary = person_id(&app, GARY).await.to_string();
    let case = opened(
        &app,
        "crisis.nurse",
        &gary,
        "Working together on Gary's support",
    )
    .await;
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    assert_eq!(
        get_json(&app, &nurse, &format!("/api/v1/cases/{case}"))
            .await
            .0,
        200
    );
    let denied = || {
        count(
            &app,
            "SELECT COUNT(*) AS n FROM audit_log WHERE outcome = 'denied' AND purpose = 'HOPERAT'",
        )
    };
    let before = denied().await;
    let planning = app.token_for("crisis.nurse", "HOPERAT").await;
    let (status, body) = get_json(&app, &planning, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.get("members").is_none(), "nothing of the case: {body}");
    let listed = get_json(&app, &planning, "/api/v1/cases").await;
    assert_eq!(listed, (200, json!([])), "not listed for another purpose");
    assert!(denied().await >= before + 2, "each refusal is audited");
    // Adding a member under that purpose changes nothing.
    let added = add(&app, &planning, &case, "dr.evans").await;
    assert_eq!(added.status(), 403);
    let (_, seen) = get_json(&app, &nurse, &format!("/api/v1/cases/{case}")).await;
    assert_eq!(seen["members"].as_array().unwrap().len(), 1, "{seen}");
    // Someone not on the case, under any purpose, meets the answer for none.
    for purpose in ["TREAT", "HOPERAT", "ETREAT"] {
        let other = app.token_for("mh.practitioner", purpose).await;
        let real = get_json(&app, &other, &format!("/api/v1/cases/{case}")).await;
        let none = get_json(
            &app,
            &other,
            &format!("/api/v1/cases/{}", uuid::Uuid::new_v4()),
        )
        .await;
        assert_eq!(real, none, "{purpose}");
        assert_eq!(real.0, 404, "{purpose}");
    }
}
