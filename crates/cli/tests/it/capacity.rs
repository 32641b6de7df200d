//! Capacity and best interests, on both stores: Daniel's care coordinator
//! records that he lacked capacity for one decision and a best-interests
//! decision to share on it, and that he had capacity for another, to be
//! told later; he sees each in his own account from the day he is told;
//! information governance sees them all, each person named audited. And
//! what an attacker with a staff account would try: a person they have no
//! relationship with, a best-interests decision on an assessment that
//! found capacity, governance's view from any other role.

use chrono::Duration;
use serde_json::{json, Value};

use crate::corrections::daniels_lead;
use crate::fixtures::{
    count, csrf_token, get_json, location, page, person_id, post_form, post_json, signed_in,
    DANIEL, LEAH,
};
use crate::harness::TestApp;
use concordat_server::Clock as _;

fn assessment(outcome: &str, tell_on: &str) -> Value {
    json!({
        "decision": "Whether to let his mother know he is in hospital",
        "outcome": outcome,
        "reasons": "Could not hold the information long enough to weigh it.",
        "tell_person_on": tell_on,
    })
}

async fn records_are_kept_shown_to_the_person_when_told_and_to_governance(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let lead = daniels_lead(&app).await;
    let staff = app.token_for(&lead, "TREAT").await;
    let base = format!("/api/v1/persons/{daniel}/capacity");

    let lacked = post_json(
        &app,
        &staff,
        &format!("{base}/assessments"),
        assessment("lacks-capacity", ""),
    )
    .await;
    assert_eq!(lacked.status(), 201);
    let lacked: Value = lacked.json().await.unwrap();
    let later = (app.clock.now() + Duration::days(10))
        .date_naive()
        .to_string();
    let had = post_json(
        &app,
        &staff,
        &format!("{base}/assessments"),
        assessment("has-capacity", &later),
    )
    .await;
    assert_eq!(had.status(), 201);
    let had: Value = had.json().await.unwrap();
    let too_late = (app.clock.now() + Duration::days(200))
        .date_naive()
        .to_string();
    let refused = post_json(
        &app,
        &staff,
        &format!("{base}/assessments"),
        assessment("maybe", &too_late),
    )
    .await;
    assert_eq!(refused.status(), 400);

    let decision = |on: &Value| {
        json!({
            "assessment_id": on["id"], "consulted": "His mother, his GP",
            "known_wishes": "He has said before he wants his mother told",
            "shared_what": "That he is on Willow Ward", "shared_with": "His mother",
            "why": "She can visit and bring his medication list",
        })
    };
    let on_capacity = post_json(
        &app,
        &staff,
        &format!("{base}/best-interests"),
        decision(&had),
    )
    .await;
    assert_eq!(
        on_capacity.status(),
        400,
        "never on an assessment that found capacity"
    );
    let made = post_json(
        &app,
        &staff,
        &format!("{base}/best-interests"),
        decision(&lacked),
    )
    .await;
    assert_eq!(made.status(), 201);

    // Daniel sees what he is told now, and the rest from its day.
    let person = app.token_for("person", "PATRQT").await;
    let (status, mine) = get_json(&app, &person, "/api/v1/me/capacity").await;
    assert_eq!(status, 200);
    assert_eq!(mine["assessments"].as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(mine["best_interests"][0]["shared_with"], "His mother");
    app.clock.advance(Duration::days(11));
    let person = app.token_for("person", "PATRQT").await;
    let (_, mine) = get_json(&app, &person, "/api/v1/me/capacity").await;
    assert_eq!(mine["assessments"].as_array().unwrap().len(), 2);

    // Each record written is in his access log as a write of clinical
    // information.
    let writes = count(
        &app,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{daniel}' AND action = 'write' \
             AND outcome = 'allowed' AND categories LIKE '%clinical%'"
        ),
    )
    .await;
    assert!(writes >= 3, "{writes}");

    let ig = app.token_for("ig.lead", "TREAT").await;
    let (status, all) = get_json(&app, &ig, "/api/v1/governance/capacity").await;
    assert_eq!(status, 200);
    assert_eq!(all["assessments"].as_array().unwrap().len(), 2);
    assert_eq!(
        count(
            &app,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{daniel}' \
                 AND reasons LIKE '%governance: capacity assessments%'"
            )
        )
        .await,
        1
    );
}

async fn no_relationship_no_records_and_governance_only_for_governance(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let lead = daniels_lead(&app).await;
    let staff = app.token_for(&lead, "TREAT").await;
    let made = post_json(
        &app,
        &staff,
        &format!("/api/v1/persons/{daniel}/capacity/assessments"),
        assessment("lacks-capacity", ""),
    )
    .await;
    assert_eq!(made.status(), 201);
    // No relationship: as for no one, reading or writing.
    let police = app.token_for("police", "TREAT").await;
    let (theirs, a) = get_json(&app, &police, &format!("/api/v1/persons/{daniel}/capacity")).await;
    let (nobody, b) = get_json(
        &app,
        &police,
        &format!("/api/v1/persons/{}/capacity", uuid::Uuid::new_v4()),
    )
    .await;
    assert_eq!((theirs, nobody), (404, 404));
    assert_eq!(a["detail"], b["detail"]);
    let written = post_json(
        &app,
        &police,
        &format!("/api/v1/persons/{daniel}/capacity/assessments"),
        assessment("lacks-capacity", ""),
    )
    .await;
    assert_eq!(written.status(), 404);
    for who in ["commissioner", &lead, "gp"] {
        let token = app.token_for(who, "TREAT").await;
        let (status, _) = get_json(&app, &token, "/api/v1/governance/capacity").await;
        assert_eq!(status, 403, "{who}");
    }
    let person = app.token_for("person", "PATRQT").await;
    assert_eq!(
        get_json(&app, &person, "/api/v1/governance/capacity")
            .await
            .0,
        403
    );
}

async fn an_assessment_is_recorded_on_the_pages_and_the_person_reads_it(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let lead = daniels_lead(&app).await;
    let staff = signed_in(&app, &lead).await;
    let path = format!("/persons/{daniel}/capacity");
    let (status, html) = page(&app, &staff, &format!("{path}?purpose=TREAT")).await;
    assert_eq!(status, 200);
    let token = csrf_token(&html);
    let missing = post_form(
        &app,
        &staff,
        &path,
        &[
            ("csrf_token", &token),
            ("purpose", "TREAT"),
            ("form", "assessment"),
            ("decision", "Whether to go home today"),
        ],
    )
    .await;
    assert_eq!(missing.status(), 400);
    let text = missing.text().await.unwrap();
    assert!(text.contains("Say whether the person has capacity for this decision"));
    let done = post_form(
        &app,
        &staff,
        &path,
        &[
            ("csrf_token", &token),
            ("purpose", "TREAT"),
            ("form", "assessment"),
            ("decision", "Whether to go home today"),
            ("outcome", "has-capacity"),
            ("reasons", "Understood, weighed and told us his choice."),
        ],
    )
    .await;
    assert_eq!(done.status(), 303);
    assert!(location(&done).contains("done=recorded"));
    let person = signed_in(&app, "person").await;
    let (_, home) = page(&app, &person, "/").await;
    assert!(home.contains("href=\"/my/capacity\""));
    let (status, mine) = page(&app, &person, "/my/capacity").await;
    assert_eq!(status, 200);
    assert!(mine.contains("Whether to go home today"));
    let ig = signed_in(&app, "ig.lead").await;
    let (status, all) = page(&app, &ig, "/governance/capacity").await;
    assert_eq!(status, 200);
    assert!(all.contains("Whether to go home today"));
}

/// On the page, a best-interests decision lets Daniel's mother see what
/// helps him: the form offers his nominated carer and the items, says
/// what is wrong with a carer but nothing ticked (recording nothing), and
/// the decision made lets her see it on her next request.
async fn a_best_interests_decision_on_the_page_shares_with_his_carer(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let lead = daniels_lead(&app).await;
    let token = app.token_for(&lead, "TREAT").await;
    let base = format!("/api/v1/persons/{daniel}/capacity");
    let lacked = post_json(
        &app,
        &token,
        &format!("{base}/assessments"),
        assessment("lacks-capacity", ""),
    )
    .await;
    assert_eq!(lacked.status(), 201);
    let lacked: Value = lacked.json().await.unwrap();
    let assessment_id = lacked["id"].as_str().unwrap().to_owned();
    let carer = app.token_for("carer", "FAMRQT").await;
    let sees = |home: &Value, item: &str| {
        home["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["item"] == item && i["shared"] == true)
    };
    let (_, before) = get_json(&app, &carer, "/api/v1/carer").await;
    assert!(!sees(&before, "who-to-call"), "{before}");

    let staff = signed_in(&app, &lead).await;
    let path = format!("/persons/{daniel}/capacity");
    let (status, html) = page(&app, &staff, &format!("{path}?purpose=TREAT")).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Let a nominated carer see part of the record"),
        "{html}"
    );
    assert!(html.contains("Margaret Reid"), "{html}");
    let mother = html
        .split("name=\"carer\" value=\"")
        .nth(2)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("{html}"))
        .to_owned();
    let form_token = csrf_token(&html);
    let decision = |items: &[&'static str]| {
        let mut fields: Vec<(&str, String)> = vec![
            ("csrf_token", form_token.clone()),
            ("purpose", "TREAT".into()),
            ("form", "best-interests".into()),
            ("assessment", assessment_id.clone()),
            ("consulted", "His mother, his GP".into()),
            ("known_wishes", "He wants his mother involved".into()),
            ("shared_what", "Whom to call in a crisis".into()),
            ("shared_with", "His mother".into()),
            ("why", "She is with him most evenings".into()),
            ("carer", mother.clone()),
        ];
        fields.extend(items.iter().map(|i| ("carer_items", (*i).to_owned())));
        fields
    };
    let decisions =
        format!("SELECT COUNT(*) AS n FROM best_interests_decisions WHERE person_id = '{daniel}'");
    let nothing_ticked = decision(&[]);
    let sent: Vec<(&str, &str)> = nothing_ticked
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    let refused = post_form(&app, &staff, &path, &sent).await;
    assert_eq!(refused.status(), 400);
    let text = refused.text().await.unwrap();
    assert!(
        text.contains("Tick what the carer may see, or name no carer."),
        "{text}"
    );
    assert!(
        text.contains("His mother, his GP"),
        "the form keeps what was sent"
    );
    assert_eq!(count(&app, &decisions).await, 0);

    // Someone else's carer, named through Daniel's form: refused on the
    // field, nothing recorded.
    let leahs_carer = crate::carers::nominated_carer_of(&app, person_id(&app, LEAH).await).await;
    let mut theirs = decision(&["who-to-call"]);
    theirs.retain(|(k, _)| *k != "carer");
    theirs.push(("carer", leahs_carer.to_string()));
    let sent: Vec<(&str, &str)> = theirs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let refused = post_form(&app, &staff, &path, &sent).await;
    assert_eq!(refused.status(), 400);
    let text = refused.text().await.unwrap();
    assert!(
        text.contains("Choose one of the person&#39;s nominated carers, or none."),
        "{text}"
    );
    assert_eq!(count(&app, &decisions).await, 0);

    // An officer with no relationship to Daniel sending the same form is
    // answered as for a person who does not exist, records nothing, and
    // the refusal is audited.
    let police = signed_in(&app, "police").await;
    let (_, home) = page(&app, &police, "/").await;
    let police_token = csrf_token(&home);
    let as_police = |to: String| {
        let mut fields = decision(&["who-to-call"]);
        fields.retain(|(k, _)| *k != "csrf_token" && *k != "purpose");
        fields.push(("csrf_token", police_token.clone()));
        fields.push(("purpose", "ETREAT".into()));
        (to, fields)
    };
    let denied = format!(
        "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{daniel}' \
         AND actor_username = 'police' AND outcome = 'denied'"
    );
    let denied_before = count(&app, &denied).await;
    let mut answers = Vec::new();
    for (to, fields) in [
        as_police(path.clone()),
        as_police(format!("/persons/{}/capacity", uuid::Uuid::new_v4())),
    ] {
        let sent: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let answer = post_form(&app, &police, &to, &sent).await;
        answers.push((answer.status(), answer.text().await.unwrap()));
    }
    assert_eq!(answers[0].0, 404);
    assert_eq!(answers[0], answers[1]);
    assert_eq!(count(&app, &decisions).await, 0);
    assert!(count(&app, &denied).await > denied_before);

    let ticked = decision(&["who-to-call"]);
    let sent: Vec<(&str, &str)> = ticked.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let done = post_form(&app, &staff, &path, &sent).await;
    assert_eq!(done.status(), 303);
    assert_eq!(count(&app, &decisions).await, 1);
    let (_, after) = get_json(&app, &carer, "/api/v1/carer").await;
    assert!(sees(&after, "who-to-call"), "{after}");
    let (_, html) = page(&app, &staff, &format!("{path}?purpose=TREAT")).await;
    assert!(html.contains("Margaret Reid can see"), "{html}");
}

crate::on_both_stores!(
    a_best_interests_decision_on_the_page_shares_with_his_carer,
    records_are_kept_shown_to_the_person_when_told_and_to_governance,
    no_relationship_no_records_and_governance_only_for_governance,
    an_assessment_is_recorded_on_the_pages_and_the_person_reads_it,
);
