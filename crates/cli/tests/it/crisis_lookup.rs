//! The crisis look-up over the API on both stores: matching (exact NHS
//! number; surname and date of birth with and without postcode; ambiguous;
//! no match; refused), what it never returns, its audit with the reason,
//! and recording the contact that follows.

use chrono::{Duration, NaiveDate};
use concordat_domain::category::DataCategory;
use concordat_domain::consent::ConsentScope;
use concordat_domain::ids::PersonId;
use concordat_domain::person::{Address, BirthDate, Person, PersonName, Postcode};
use concordat_store::persons;
use serde_json::json;

use crate::fixtures::{
    count, get_json, person_id, post_json, record_refusal, user, CHLOE, GARY, LEAH,
};
use crate::harness::TestApp;

fn look_up(query: &str) -> String {
    format!("/api/v1/crisis-lookup?{query}")
}

async fn audit_reasons(app: &TestApp) -> Vec<String> {
    let mut conn = app.store.read().await.unwrap();
    sqlx::query_scalar("SELECT reasons FROM audit_log WHERE action = 'crisis-lookup' ORDER BY seq")
        .fetch_all(&mut *conn)
        .await
        .unwrap()
}

/// A second Gary Holt born the same day, elsewhere.
async fn namesake(app: &TestApp) -> PersonId {
    namesake_called(app, "Gareth").await
}

/// Another Holt born on Gary's birthday, called `given`.
async fn namesake_called(app: &TestApp, given: &str) -> PersonId {
    let id = PersonId::new();
    let today = concordat_server::Clock::now(&app.clock).date_naive();
    let person = Person::new(
        id,
        PersonName::new(given, "Holt").unwrap(),
        BirthDate::new(NaiveDate::from_ymd_opt(1979, 1, 23).unwrap(), today).unwrap(),
        Some(
            Address::new(
                ["9 Quay Street"],
                "Eastport",
                Postcode::parse("NS9 1AA").unwrap(),
            )
            .unwrap(),
        ),
        None,
        Vec::new(),
    )
    .unwrap();
    let mut tx = app.store.write().await.unwrap();
    persons::insert_person(&mut tx, &person, concordat_server::Clock::now(&app.clock))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

async fn the_look_up_matches_by_nhs_number_or_by_surname_and_birth_date(app: TestApp) {
    let police = app.token_for("police", "ETREAT").await;
    let gary = person_id(&app, GARY).await.to_string();

    let (status, by_nhs) = get_json(
        &app,
        &police,
        &look_up(&format!(
            "nhs_number={GARY}&reason=Found%20on%20the%20bridge"
        )),
    )
    .await;
    assert_eq!(status, 200, "{by_nhs}");
    assert_eq!(by_nhs["outcome"], "summary");
    assert_eq!(by_nhs["person_id"], gary.as_str());
    assert_eq!(by_nhs["name"], "Gary Holt");
    assert!(by_nhs["plan"]["what_does_not_help"]
        .as_str()
        .unwrap()
        .contains("crowded"));
    assert!(by_nhs["plan"]["standing"]
        .as_str()
        .unwrap()
        .starts_with("agreed "));
    assert_eq!(
        by_nhs["plan"]["out_of_hours"]["name"],
        "Northshire Crisis Line"
    );
    assert_eq!(by_nhs["lead_professional"]["name"], "Priya Shah");
    assert_eq!(by_nhs["flags"].as_array().unwrap().len(), 2);

    // Surname in any case, with and without the postcode.
    for query in [
        "surname=HOLT&birth_date=1979-01-23&reason=Welfare",
        "surname=holt&birth_date=1979-01-23&postcode=ns5%202dl&reason=Welfare",
    ] {
        let (status, found) = get_json(&app, &police, &look_up(query)).await;
        assert_eq!(status, 200);
        assert_eq!(found["outcome"], "summary", "{query}: {found}");
        assert_eq!(found["person_id"], gary.as_str());
    }

    // No one: a wrong postcode, an unknown NHS number, a wrong date.
    for query in [
        "surname=holt&birth_date=1979-01-23&postcode=NS1%201AA&reason=Welfare",
        "nhs_number=9990000999&reason=Welfare",
        "surname=holt&birth_date=1979-01-24&reason=Welfare",
    ] {
        let (status, found) = get_json(&app, &police, &look_up(query)).await;
        assert_eq!(status, 200);
        assert_eq!(found, json!({"outcome": "no-match"}), "{query}");
    }

    // Every look-up is audited with its reason, found or not.
    let reasons = audit_reasons(&app).await;
    assert_eq!(reasons.len(), 6);
    assert!(
        reasons[0].contains("crisis look-up: Found on the bridge"),
        "{}",
        reasons[0]
    );
    assert!(reasons[5].contains("no one matched the surname and date of birth"));
}

async fn an_ambiguous_match_lists_candidates_and_never_a_plan(app: TestApp) {
    let other = namesake(&app).await;
    let gary = person_id(&app, GARY).await;
    let police = app.token_for("police", "ETREAT").await;

    let (status, found) = get_json(
        &app,
        &police,
        &look_up("surname=Holt&birth_date=1979-01-23&reason=Welfare"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(found["outcome"], "candidates");
    let candidates = found["candidates"].as_array().unwrap();
    assert_eq!(candidates.len(), 2);
    for c in candidates {
        let keys: Vec<_> = c.as_object().unwrap().keys().cloned().collect();
        assert!(
            keys.iter().all(|k| [
                "person_id",
                "given_name",
                "family_name",
                "birth_date",
                "postcode_district"
            ]
            .contains(&k.as_str())),
            "minimal detail only: {keys:?}"
        );
    }
    assert!(!found.to_string().contains("what_helps"));
    assert!(found.to_string().contains("\"NS9\""));
    // Listing is audited against each candidate, without opening a record.
    assert_eq!(
        count(&app, &format!("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'crisis-lookup' AND person_id = '{other}'")).await,
        1
    );

    // The postcode settles it; so does choosing a candidate.
    let (_, narrowed) = get_json(
        &app,
        &police,
        &look_up("surname=Holt&birth_date=1979-01-23&postcode=NS5%202DL&reason=Welfare"),
    )
    .await;
    assert_eq!(narrowed["outcome"], "summary");
    assert_eq!(narrowed["person_id"], gary.to_string().as_str());
    let (_, chosen) = get_json(
        &app,
        &police,
        &look_up(&format!("person_id={other}&reason=Welfare")),
    )
    .await;
    assert_eq!(chosen["outcome"], "summary");
    assert_eq!(chosen["plan_exists"], false);
    assert!(chosen.get("plan").is_none());
}

async fn too_many_matches_ask_for_the_postcode_and_show_no_one(app: TestApp) {
    for given in [
        "Adam", "Ben", "Carl", "Dan", "Eli", "Finn", "Greg", "Hal", "Ian", "Jon",
    ] {
        namesake_called(&app, given).await;
    }
    let police = app.token_for("police", "ETREAT").await;
    let (status, body) = get_json(
        &app,
        &police,
        &look_up("surname=Holt&birth_date=1979-01-23&reason=Welfare"),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["errors"][0]["field"], "postcode");
    assert!(!body.to_string().contains("Adam"));
    let reasons = audit_reasons(&app).await;
    assert_eq!(reasons.len(), 1);
    assert!(
        reasons[0].contains("more than 10 people matched"),
        "{}",
        reasons[0]
    );
    // The postcode narrows it to Gary.
    let (_, narrowed) = get_json(
        &app,
        &police,
        &look_up("surname=Holt&birth_date=1979-01-23&postcode=NS5%202DL&reason=Welfare"),
    )
    .await;
    assert_eq!(narrowed["outcome"], "summary");
}

async fn a_refusal_says_a_plan_exists_and_break_glass_opens_it(app: TestApp) {
    let police = app.token_for("police", "ETREAT").await;
    let leah = person_id(&app, LEAH).await;
    let refused = app
        .get_with_token(
            &look_up(&format!("nhs_number={LEAH}&reason=Concern%20for%20welfare")),
            &police,
        )
        .await;
    assert_eq!(refused.status(), 403);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!(body["rule"], "consent-refused");
    assert_eq!(body["plan_exists"], true);
    assert_eq!(body["person_id"], leah.to_string().as_str());
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.starts_with("A crisis plan exists;"), "{detail}");
    assert!(detail.contains("use break-glass if there is a lawful basis"));
    assert!(!body.to_string().contains("what_helps"));

    let claimed = post_json(
        &app,
        &police,
        "/api/v1/break-glass",
        json!({"person_id": leah.to_string(), "lawful_basis": "vital-interests",
               "justification": "Standing on the parapet of the bridge; plan needed now"}),
    )
    .await;
    assert_eq!(claimed.status(), 201);
    let (status, opened) = get_json(
        &app,
        &police,
        &look_up(&format!(
            "nhs_number={LEAH}&reason=Still%20on%20the%20bridge"
        )),
    )
    .await;
    assert_eq!(status, 200, "{opened}");
    assert_eq!(opened["break_glass"], true);
    assert!(opened["plan"]["what_helps"]
        .as_str()
        .unwrap()
        .contains("female clinician"));
    // Masks still hold: the summary carries no address at all.
    assert!(!opened.to_string().contains("Willow Drive"));
}

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
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) AS n FROM care_relationships WHERE kind = 'crisis-lookup'"
        )
        .await,
        0
    );
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
    the_look_up_matches_by_nhs_number_or_by_surname_and_birth_date,
    an_ambiguous_match_lists_candidates_and_never_a_plan,
    too_many_matches_ask_for_the_postcode_and_show_no_one,
    a_refusal_says_a_plan_exists_and_break_glass_opens_it,
    the_look_up_never_returns_a_draft_or_a_category_not_granted,
    who_may_look_up_and_what_they_must_give,
    a_contact_recorded_from_a_look_up_tells_the_lead_professional,
);
