//! How the look-up matches: NHS number, surname and date of birth, ambiguity,
//! too many matches, a refusal and break-glass.

use super::*;

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

crate::on_both_stores!(
    the_look_up_matches_by_nhs_number_or_by_surname_and_birth_date,
    an_ambiguous_match_lists_candidates_and_never_a_plan,
    too_many_matches_ask_for_the_postcode_and_show_no_one,
    a_refusal_says_a_plan_exists_and_break_glass_opens_it,
);
