//! The crisis look-up as one service under both surfaces (issue "One
//! service layer under every surface"): the look-up's relationship and its
//! audit entry commit together or not at all; a look-up repeated for the
//! same reason renews the relationship rather than adding another; a node
//! with warm caches sees a look-up made through another node at once; and
//! the API and the phone page answer the same mistakes with the same field
//! errors.

use chrono::Duration;
use concordat_domain::consent::ConsentScope;
use concordat_domain::ids::PersonId;
use concordat_store::{access_versions, AccessVersions};
use serde_json::json;

use crate::fixtures::{
    count, crisis_look_up_path, csrf_token, get_json, page, person_id, post_form, post_json,
    record_refusal, signed_in, user, GARY,
};
use crate::harness::{StoreKind, TestApp};

async fn versions(app: &TestApp, person: PersonId) -> AccessVersions {
    let mut conn = app.store.read().await.unwrap();
    access_versions::access_versions(&mut conn, person)
        .await
        .unwrap()
}

async fn look_ups(app: &TestApp, person: PersonId) -> i64 {
    count(
        app,
        &format!("SELECT COUNT(*) AS n FROM look_ups WHERE person_id = '{person}'"),
    )
    .await
}

async fn look_up_ends(app: &TestApp, person: PersonId) -> Vec<String> {
    let mut conn = app.store.read().await.unwrap();
    sqlx::query_scalar(&format!(
        "SELECT ends_at FROM look_ups WHERE person_id = '{person}' ORDER BY ends_at"
    ))
    .fetch_all(&mut *conn)
    .await
    .unwrap()
}

/// Makes the audit log refuse every crisis look-up's entry, as a full disk
/// or a broken audit file would, and nothing else.
async fn refuse_look_up_entries(app: &TestApp) {
    let statements: &[&str] = match app.kind {
        StoreKind::Sqlite => &[
            "CREATE TRIGGER audit.refuse_look_ups BEFORE INSERT ON audit_log \
             WHEN NEW.action = 'crisis-lookup' BEGIN SELECT RAISE(ABORT, 'refused'); END",
        ],
        StoreKind::Postgres => &[
            "CREATE FUNCTION refuse_look_ups() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION 'refused'; END $$",
            "CREATE TRIGGER refuse_look_ups BEFORE INSERT ON audit_log FOR EACH ROW \
             WHEN (NEW.action = 'crisis-lookup') EXECUTE FUNCTION refuse_look_ups()",
        ],
    };
    let mut conn = app.store.read().await.unwrap();
    for sql in statements {
        sqlx::raw_sql(sql).execute(&mut *conn).await.unwrap();
    }
}

async fn a_look_up_whose_audit_entry_fails_writes_no_relationship(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let police = app.token_for("police", "ETREAT").await;
    let before = versions(&app, gary).await;
    refuse_look_up_entries(&app).await;

    let failed = app
        .get_with_token(&crisis_look_up_path(GARY, "Welfare"), &police)
        .await;

    assert_eq!(failed.status(), 503);
    let body = failed.text().await.unwrap();
    assert!(!body.contains("Gary"), "nothing shown: {body}");
    assert_eq!(look_ups(&app, gary).await, 0);
    assert_eq!(versions(&app, gary).await, before);
    // Nor did the failed look-up let the officer act on Gary.
    let contact = post_json(
        &app,
        &police,
        &format!("/api/v1/persons/{gary}/contacts"),
        json!({"kind": "street-triage", "reason": "Welfare check", "outcome": "Taken home"}),
    )
    .await;
    assert_eq!(contact.status(), 404);
}

async fn a_renewal_whose_audit_entry_fails_leaves_the_relationship_as_it_was(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let police = app.token_for("police", "ETREAT").await;
    let (status, _) = get_json(&app, &police, &crisis_look_up_path(GARY, "Welfare")).await;
    assert_eq!(status, 200);
    let ends = look_up_ends(&app, gary).await;
    let before = versions(&app, gary).await;
    refuse_look_up_entries(&app).await;
    app.clock.advance(Duration::minutes(30));

    let (status, _) = get_json(&app, &police, &crisis_look_up_path(GARY, "Welfare")).await;

    assert_eq!(status, 503);
    assert_eq!(look_up_ends(&app, gary).await, ends);
    assert_eq!(versions(&app, gary).await, before);
}

async fn a_failing_look_up_fails_only_itself(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let police = app.token_for("police", "ETREAT").await;
    let practitioner = app.token_for("mh.practitioner", "TREAT").await;
    let daniel = person_id(&app, crate::fixtures::DANIEL).await;
    refuse_look_up_entries(&app).await;

    // Reads and failing look-ups at once, so that they share the audit
    // writer's batches.
    let look_up = crisis_look_up_path(GARY, "Welfare");
    let read = format!("/api/v1/persons/{daniel}");
    let answers = futures::future::join_all((0..24).map(|i| {
        let (path, token) = if i % 2 == 0 {
            (&look_up, &police)
        } else {
            (&read, &practitioner)
        };
        app.get_with_token(path, token)
    }))
    .await;

    for (i, answer) in answers.iter().enumerate() {
        let expected = if i % 2 == 0 { 503 } else { 200 };
        assert_eq!(answer.status(), expected, "request {i}");
    }
    assert_eq!(look_ups(&app, gary).await, 0);
}

fn short_look_up(config: &mut concordat_server::ServerConfig) {
    config.crisis_lookup_for = Duration::minutes(20);
}

async fn a_look_up_for_the_same_reason_renews_the_relationship(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let police = app.token_for("police", "ETREAT").await;
    let contacts = format!("/api/v1/persons/{gary}/contacts");
    let triage =
        json!({"kind": "street-triage", "reason": "Welfare check", "outcome": "Taken home"});
    let first = versions(&app, gary).await;
    let (status, _) = get_json(&app, &police, &crisis_look_up_path(GARY, "Welfare")).await;
    assert_eq!(status, 200);
    assert_eq!(look_ups(&app, gary).await, 1);

    // Again, 15 minutes on: the same relationship, lasting 20 minutes from
    // now.
    app.clock.advance(Duration::minutes(15));
    let (status, _) = get_json(&app, &police, &crisis_look_up_path(GARY, "Welfare")).await;
    assert_eq!(status, 200);
    assert_eq!(look_ups(&app, gary).await, 1);
    // A look-up is the looker's alone: it moves no one's access version,
    // so what everyone else's decisions read about Gary stays kept.
    assert_eq!(versions(&app, gary).await, first);

    // 30 minutes after the first look-up, 15 after the second: still open.
    app.clock.advance(Duration::minutes(15));
    let recorded = post_json(&app, &police, &contacts, triage.clone()).await;
    assert_eq!(recorded.status(), 201);
    // 36 minutes after the first, 21 after the second: closed.
    app.clock.advance(Duration::minutes(6));
    let police = app.token_for("police", "ETREAT").await;
    assert_eq!(
        post_json(&app, &police, &contacts, triage).await.status(),
        404
    );

    // Another reason is another relationship.
    let (status, _) = get_json(&app, &police, &crisis_look_up_path(GARY, "Missing person")).await;
    assert_eq!(status, 200);
    assert_eq!(look_ups(&app, gary).await, 2);
}

/// An officer refreshing the same look-up: each is audited, but the
/// relationship is written again only once it would move by a minute.
async fn a_look_up_repeated_within_the_minute_is_audited_and_writes_no_relationship(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let police = app.token_for("police", "ETREAT").await;
    let audited = format!(
        "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{gary}' \
         AND action = 'crisis-lookup'"
    );
    let (status, _) = get_json(&app, &police, &crisis_look_up_path(GARY, "Welfare")).await;
    assert_eq!(status, 200);
    let first = look_up_ends(&app, gary).await;
    assert_eq!(first.len(), 1);

    app.clock.advance(Duration::seconds(40));
    let (status, _) = get_json(&app, &police, &crisis_look_up_path(GARY, "Welfare")).await;
    assert_eq!(status, 200);
    assert_eq!(count(&app, &audited).await, 2);
    assert_eq!(look_up_ends(&app, gary).await, first);

    // 80 seconds after the first: the end moves to four hours from now.
    app.clock.advance(Duration::seconds(40));
    let (status, _) = get_json(&app, &police, &crisis_look_up_path(GARY, "Welfare")).await;
    assert_eq!(status, 200);
    assert_eq!(count(&app, &audited).await, 3);
    let renewed = look_up_ends(&app, gary).await;
    assert_eq!(renewed.len(), 1);
    assert!(renewed[0] > first[0], "{renewed:?} after {first:?}");
}

async fn a_look_up_applies_at_once_on_a_node_whose_caches_are_warm(app: TestApp) {
    let other = app.another_node().await;
    let gary = person_id(&app, GARY).await;
    let contacts = format!("{}/api/v1/persons/{gary}/contacts", other.base);
    let triage =
        json!({"kind": "street-triage", "reason": "Welfare check", "outcome": "Taken home"});
    let contact = |token: String| {
        app.client
            .post(&contacts)
            .bearer_auth(token)
            .json(&triage)
            .send()
    };
    let police = app.token_for("police", "ETREAT").await;
    // The other node has decided for the officer and Gary: no business.
    for _ in 0..2 {
        assert_eq!(contact(police.clone()).await.unwrap().status(), 404);
    }

    let (status, _) = get_json(&app, &police, &crisis_look_up_path(GARY, "Welfare")).await;
    assert_eq!(status, 200);
    assert_eq!(contact(police).await.unwrap().status(), 201);

    // Renewed through this node three hours on, the look-up outlasts its
    // first four hours on the other node too.
    app.clock.advance(Duration::hours(3));
    let police = app.token_for("police", "ETREAT").await;
    assert_eq!(contact(police.clone()).await.unwrap().status(), 201);
    let (status, _) = get_json(&app, &police, &crisis_look_up_path(GARY, "Welfare")).await;
    assert_eq!(status, 200);
    app.clock.advance(Duration::hours(2));
    let police = app.token_for("police", "ETREAT").await;
    assert_eq!(contact(police).await.unwrap().status(), 201);
}

async fn a_refusal_recorded_after_a_look_up_applies_to_the_next_look_up(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let police = app.token_for("police", "ETREAT").await;
    let (status, found) = get_json(&app, &police, &crisis_look_up_path(GARY, "Welfare")).await;
    assert_eq!(status, 200, "{found}");

    // Recorded straight into the store, as another node would.
    let police_org = user(&app, "police").await.organisation_id();
    let recorder = user(&app, "crisis.nurse").await;
    let everything = ConsentScope {
        organisation: Some(police_org),
        category: None,
        purpose: None,
    };
    record_refusal(&app, gary, everything, &recorder).await;
    let (status, refused) = get_json(&app, &police, &crisis_look_up_path(GARY, "Welfare")).await;

    assert_eq!(status, 403, "{refused}");
    assert_eq!(refused["rule"], "consent-refused");
    assert!(!refused.to_string().contains("what_helps"));
}

async fn a_look_up_shows_what_changed_since_the_last_on_a_node_whose_caches_are_warm(app: TestApp) {
    let other = app.another_node().await;
    let gary = person_id(&app, GARY).await;
    let police = app.token_for("police", "ETREAT").await;
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let look_up = || {
        let police = police.clone();
        let url = format!("{}{}", other.base, crisis_look_up_path(GARY, "Welfare"));
        let client = app.client.clone();
        async move {
            let answer = client.get(&url).bearer_auth(police).send().await.unwrap();
            assert_eq!(answer.status(), 200);
            answer.json::<serde_json::Value>().await.unwrap()
        }
    };
    // Twice, so the other node has kept what it showed.
    for _ in 0..2 {
        let shown = look_up().await;
        assert_ne!(shown["plan"]["what_helps"], "Tea and a quiet room");
        assert!(!shown["flags"]
            .to_string()
            .contains("Has threatened a neighbour"));
    }

    // A new version of the plan agreed through this node.
    let plan = format!("/api/v1/persons/{gary}/crisis-plan");
    let (_, current) = get_json(&app, &nurse, &plan).await;
    let mut sections = current["agreed"]["sections"].clone();
    sections["what_helps"] = json!("Tea and a quiet room");
    let latest = current["latest_version"].as_u64().unwrap();
    let saved = post_json(
        &app,
        &nurse,
        &format!("{plan}/versions"),
        json!({"based_on": latest, "sections": sections}),
    )
    .await;
    assert_eq!(saved.status(), 201);
    let number = saved.json::<serde_json::Value>().await.unwrap()["number"].clone();
    for party in ["professional", "person"] {
        let agreed = post_json(
            &app,
            &nurse,
            &format!("{plan}/versions/{number}/agreement"),
            json!({"party": party, "via": "in-person"}),
        )
        .await;
        assert_eq!(agreed.status(), 200);
    }
    assert_eq!(
        look_up().await["plan"]["what_helps"],
        "Tea and a quiet room"
    );

    // A flag raised, then made inactive, through this node.
    let raised = post_json(
        &app,
        &nurse,
        &format!("/api/v1/persons/{gary}/flags"),
        json!({
            "category": "risk-to-others", "severity": "moderate",
            "summary": "Has threatened a neighbour", "basis": "Police report 2 March"
        }),
    )
    .await;
    assert_eq!(raised.status(), 201);
    let flag = raised.json::<serde_json::Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(look_up().await["flags"]
        .to_string()
        .contains("Has threatened a neighbour"));
    let closed = post_json(
        &app,
        &nurse,
        &format!("/api/v1/persons/{gary}/flags/{flag}/review"),
        json!({"keep": false, "note": "Resolved with the neighbour"}),
    )
    .await;
    assert_eq!(closed.status(), 200);
    assert!(!look_up().await["flags"]
        .to_string()
        .contains("Has threatened a neighbour"));
}

/// The text of the element with `id` in `html`, as the page says it.
fn element_text(html: &str, id: &str) -> Option<String> {
    let start = html.find(&format!(r#"id="{id}">"#))? + id.len() + 6;
    let end = html[start..].find('<')? + start;
    Some(
        html[start..end]
            .replace("&#x27;", "'")
            .replace("&#39;", "'")
            .replace("&quot;", "\"")
            .replace("&amp;", "&"),
    )
}

/// A message as the API words it, from the page's sentence.
fn unsentenced(sentence: &str) -> String {
    let trimmed = sentence.trim_end_matches('.');
    let mut chars = trimmed.chars();
    match chars.next() {
        Some(first) => format!("{}{}", first.to_lowercase(), chars.as_str()),
        None => String::new(),
    }
}

async fn both_surfaces_give_the_same_field_errors_for_the_same_input(app: TestApp) {
    let police_token = app.token_for("police", "ETREAT").await;
    let police = signed_in(&app, "police").await;
    let (_, form) = page(&app, &police, "/crisis-lookup").await;
    let csrf = csrf_token(&form);
    let cases: &[&[(&str, &str)]] = &[
        &[("nhs_number", "12345"), ("reason", "x")],
        &[("nhs_number", "9990000035"), ("reason", "x")],
        &[("nhs_number", GARY), ("reason", " ")],
        &[("surname", "Holt"), ("reason", "x")],
        &[("birth_date", "1979-01-23"), ("reason", "x")],
        &[("reason", "x")],
        &[("person_id", "someone"), ("reason", "x")],
        &[
            ("surname", "Holt"),
            ("birth_date", "23/01/1979"),
            ("postcode", "nowhere"),
            ("reason", ""),
        ],
    ];
    for fields in cases {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields.iter())
            .finish();
        let (status, api) = get_json(
            &app,
            &police_token,
            &format!("/api/v1/crisis-lookup?{query}"),
        )
        .await;
        assert_eq!(status, 400, "{query}: {api}");
        let api_errors: Vec<(String, String)> = api["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["field"].as_str().unwrap().to_owned(),
                    e["message"].as_str().unwrap().to_owned(),
                )
            })
            .collect();

        let mut form_fields = vec![("csrf_token", csrf.as_str())];
        form_fields.extend(fields.iter().copied());
        let posted = post_form(&app, &police, "/crisis-lookup", &form_fields).await;
        assert_eq!(posted.status(), 400, "{query}");
        let html = posted.text().await.unwrap();
        let page_errors: Vec<(String, String)> = [
            "person_id",
            "nhs_number",
            "surname",
            "birth_date",
            "postcode",
            "reason",
        ]
        .iter()
        .filter_map(|field| {
            element_text(&html, &format!("{field}-error"))
                .map(|text| ((*field).to_owned(), unsentenced(&text)))
        })
        .collect();

        // The same fields at fault, in the same words — the page without the
        // API's backticks, and a date the API quotes back (`23/01/1979`)
        // said in words by the page, which asks for it in three boxes.
        let said = |errors: &[(String, String)]| {
            let mut out: Vec<(String, String)> = errors
                .iter()
                .map(|(field, message)| {
                    if field == "birth_date"
                        && (message.starts_with('`') || message.starts_with("enter a real date"))
                    {
                        (field.clone(), "a date that is not one".to_owned())
                    } else {
                        (field.clone(), message.replace('`', ""))
                    }
                })
                .collect();
            out.sort();
            out
        };
        assert!(
            page_errors.iter().all(|(_, m)| !m.contains('`')),
            "{query}: {page_errors:?}"
        );
        assert_eq!(said(&api_errors), said(&page_errors), "{query}");
    }
}

crate::on_both_stores!(
    a_look_up_whose_audit_entry_fails_writes_no_relationship,
    a_renewal_whose_audit_entry_fails_leaves_the_relationship_as_it_was,
    a_failing_look_up_fails_only_itself,
    a_look_up_applies_at_once_on_a_node_whose_caches_are_warm,
    a_refusal_recorded_after_a_look_up_applies_to_the_next_look_up,
    a_look_up_shows_what_changed_since_the_last_on_a_node_whose_caches_are_warm,
    both_surfaces_give_the_same_field_errors_for_the_same_input,
    a_look_up_repeated_within_the_minute_is_audited_and_writes_no_relationship,
);

crate::on_both_stores!(with_a_short_look_up with short_look_up: a_look_up_for_the_same_reason_renews_the_relationship);
