//! How a person describes themselves (sex and NHS ethnic category): said in
//! their own account only, through the access decision and audited; read by
//! those who may read their demographics; bad input changes nothing.

use serde_json::json;

use crate::fixtures::{count, csrf_token, get_json, page, person_id, post_form, signed_in, DANIEL};
use crate::harness::TestApp;

crate::on_both_stores!(
    the_person_describes_themselves_and_their_gp_reads_it,
    bad_words_are_named_and_change_nothing,
    staff_cannot_describe_anyone,
    the_page_saves_and_names_its_faults,
);

async fn put_description(
    app: &TestApp,
    token: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let response = app
        .client
        .put(app.url("/api/v1/me/description"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (
        status,
        response.json().await.unwrap_or(serde_json::Value::Null),
    )
}

async fn demographics_writes(app: &TestApp) -> i64 {
    let daniel = person_id(app, DANIEL).await;
    count(
        app,
        &format!(
            "SELECT COUNT(*) AS n FROM audit_log WHERE person_id = '{daniel}' \
             AND action = 'write' AND categories = 'demographics' AND outcome = 'allowed'"
        ),
    )
    .await
}

async fn the_person_describes_themselves_and_their_gp_reads_it(app: TestApp) {
    let person = app.token_for("person", "PATRQT").await;
    let (status, before) = get_json(&app, &person, "/api/v1/me/description").await;
    assert_eq!(status, 200, "{before}");
    let writes_before = demographics_writes(&app).await;

    let (status, said) = put_description(
        &app,
        &person,
        json!({ "sex": "male", "ethnic_category": "n" }),
    )
    .await;
    assert_eq!(status, 200, "{said}");
    assert_eq!(said, json!({ "sex": "male", "ethnic_category": "N" }));
    let (status, read) = get_json(&app, &person, "/api/v1/me/description").await;
    assert_eq!(status, 200);
    assert_eq!(read, said, "what was said is what is read back");
    assert_eq!(
        demographics_writes(&app).await,
        writes_before + 1,
        "the write is audited"
    );

    let gp = app.token_for("gp", "TREAT").await;
    let (status, record) =
        get_json(&app, &gp, &format!("/api/v1/persons?nhs_number={DANIEL}")).await;
    assert_eq!(status, 200, "{record}");
    assert_eq!(record["demographics"]["sex"], "male");
    assert_eq!(record["demographics"]["ethnic_category"]["code"], "N");
    assert_eq!(
        record["demographics"]["ethnic_category"]["label"],
        "Black or Black British: African"
    );

    // Saying nothing again clears what was said.
    let (status, cleared) = put_description(&app, &person, json!({})).await;
    assert_eq!(status, 200, "{cleared}");
    let (_, record) = get_json(&app, &gp, &format!("/api/v1/persons?nhs_number={DANIEL}")).await;
    assert!(record["demographics"]["sex"].is_null(), "{record}");
    assert!(
        record["demographics"]["ethnic_category"].is_null(),
        "{record}"
    );
}

async fn bad_words_are_named_and_change_nothing(app: TestApp) {
    let person = app.token_for("person", "PATRQT").await;
    let (status, _) = put_description(
        &app,
        &person,
        json!({ "sex": "female", "ethnic_category": "A" }),
    )
    .await;
    assert_eq!(status, 200);
    let writes = demographics_writes(&app).await;

    let (status, problem) =
        put_description(&app, &person, json!({ "sex": "f", "ethnic_category": "Q" })).await;
    assert_eq!(status, 400, "{problem}");
    let text = problem.to_string();
    assert!(text.contains("\"sex\""), "{problem}");
    assert!(text.contains("\"ethnic_category\""), "{problem}");
    let (_, read) = get_json(&app, &person, "/api/v1/me/description").await;
    assert_eq!(
        read,
        json!({ "sex": "female", "ethnic_category": "A" }),
        "nothing changed"
    );
    assert_eq!(
        demographics_writes(&app).await,
        writes,
        "nothing written, nothing decided"
    );

    let (status, _) = put_description(&app, &person, json!({ "sex": 7 })).await;
    assert_eq!(status, 400, "a number is not a word");
}

async fn staff_cannot_describe_anyone(app: TestApp) {
    for (user, purpose) in [("gp", "TREAT"), ("police", "ETREAT"), ("ig.lead", "TREAT")] {
        let token = app.token_for(user, purpose).await;
        let (status, problem) = put_description(
            &app,
            &token,
            json!({ "sex": "male", "ethnic_category": "A" }),
        )
        .await;
        assert_eq!(status, 403, "{user}: {problem}");
        let (status, _) = get_json(&app, &token, "/api/v1/me/description").await;
        assert_eq!(status, 403, "{user}");
    }
    let daniel = person_id(&app, DANIEL).await;
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) AS n FROM persons WHERE id = '{daniel}' AND sex IS NOT NULL")
        )
        .await,
        0,
        "no one but Daniel says his sex"
    );
}

async fn the_page_saves_and_names_its_faults(app: TestApp) {
    let browser = signed_in(&app, "person").await;
    let (status, html) = page(&app, &browser, "/").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("href=\"/my/description\""),
        "home links to it"
    );
    let (status, html) = page(&app, &browser, "/my/description").await;
    assert_eq!(status, 200);
    assert!(html.contains("You do not have to answer"), "{html}");
    let csrf = csrf_token(&html);

    let saved = post_form(
        &app,
        &browser,
        "/my/description",
        &[
            ("csrf_token", &csrf),
            ("sex", "female"),
            ("ethnic_category", "H"),
        ],
    )
    .await;
    assert_eq!(saved.status(), 303);
    let (_, html) = page(&app, &browser, "/my/description?done=saved").await;
    assert!(html.contains("Saved."), "{html}");
    assert!(html.contains(r#"value="female" checked"#), "{html}");
    assert!(html.contains(r#"value="H" selected"#), "{html}");

    let refused = post_form(
        &app,
        &browser,
        "/my/description",
        &[
            ("csrf_token", &csrf),
            ("sex", "f"),
            ("ethnic_category", "H"),
        ],
    )
    .await;
    assert_eq!(refused.status(), 400);
    let html = refused.text().await.unwrap();
    assert!(html.contains("<title>Error:"), "{html}");
    assert!(html.contains("id=\"sex-error\""), "{html}");

    let forged = post_form(
        &app,
        &browser,
        "/my/description",
        &[
            ("csrf_token", "forged"),
            ("sex", "male"),
            ("ethnic_category", "A"),
        ],
    )
    .await;
    assert_eq!(forged.status(), 403);
    let person = app.token_for("person", "PATRQT").await;
    let (_, read) = get_json(&app, &person, "/api/v1/me/description").await;
    assert_eq!(
        read,
        json!({ "sex": "female", "ethnic_category": "H" }),
        "the forged post changed nothing"
    );

    // A member of staff has no description page of their own to fill.
    let gp = signed_in(&app, "gp").await;
    let (status, _) = page(&app, &gp, "/my/description").await;
    assert_eq!(status, 403);
}
