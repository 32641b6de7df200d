//! Issue 11: a path or query value that does not read is answered in the
//! error contract of its surface — problem details naming the parameter on
//! the API, the error page on the pages — never axum's plain text. An id
//! that does not read still names no one: 404, as for an absent person.

use crate::fixtures::{page, person_id, signed_in, GARY};
use crate::harness::{problem, TestApp};

/// `GET path` with `token`: 400 problem details naming `field`.
async fn refused_naming(app: &TestApp, token: &str, path: &str, field: &str) {
    let response = app.get_with_token(path, token).await;
    assert_eq!(response.status(), 400, "{path}");
    let problem = problem(response).await;
    assert_eq!(problem["type"], "/problems/invalid-input", "{path}");
    assert_eq!(problem["status"], 400);
    assert_eq!(problem["errors"][0]["field"], field, "{path}: {problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains(field),
        "{path}: {problem}"
    );
}

async fn query_and_path_values_that_do_not_read_are_problem_details(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let person = app.token_for("person", "PATRQT").await;
    let ig = app.token_for("ig.lead", "TREAT").await;
    let nurse = app.token_for("crisis.nurse", "TREAT").await;

    refused_naming(&app, &person, "/api/v1/me/access-log?limit=-1", "limit").await;
    refused_naming(&app, &ig, "/api/v1/audit?limit=-5", "limit").await;
    refused_naming(
        &app,
        &nurse,
        &format!("/api/v1/persons/{gary}/crisis-plan/diff?from=-3"),
        "from",
    )
    .await;
    refused_naming(
        &app,
        &nurse,
        &format!("/api/v1/persons/{gary}/crisis-plan/versions/abc"),
        "number",
    )
    .await;
    refused_naming(
        &app,
        &nurse,
        &format!("/api/v1/persons/{gary}/crisis-plan/versions/-1"),
        "number",
    )
    .await;
}

async fn an_id_that_does_not_read_is_not_found_as_an_absent_one_is(app: TestApp) {
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    for path in [
        "/api/v1/persons/not-an-id".to_owned(),
        "/api/v1/persons/%FF%FE".to_owned(),
        format!("/api/v1/persons/{}", uuid::Uuid::new_v4()),
        "/api/v1/referrals/not-an-id".to_owned(),
        "/api/v1/threads/%C0".to_owned(),
        "/api/v1/persons/%FF/crisis-plan/versions/1".to_owned(),
    ] {
        let response = app.get_with_token(&path, &nurse).await;
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(problem(response).await["type"], "/problems/not-found");
    }
}

async fn no_api_answer_to_bad_input_is_plain_text(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let ig = app.token_for("ig.lead", "TREAT").await;
    let admin = app.token_for("admin", "TREAT").await;
    let person = app.token_for("person", "PATRQT").await;
    let plan = format!("/api/v1/persons/{gary}/crisis-plan");
    let gets = [
        (&person, "/api/v1/me/access-log?limit=x".to_owned()),
        (
            &person,
            "/api/v1/me/access-log?limit=99999999999".to_owned(),
        ),
        (&person, "/api/v1/me/access-log?limit=%FF".to_owned()),
        (&ig, "/api/v1/audit?limit=1e3".to_owned()),
        (&nurse, format!("{plan}/diff?from=a&to=b")),
        (&nurse, format!("{plan}/diff?to=-1")),
        (&nurse, format!("{plan}/versions/4294967296")),
        (&nurse, format!("{plan}/versions/%FF")),
        (&nurse, format!("{plan}/versions/1.5")),
        (&nurse, format!("/api/v1/persons/{gary}?categories=%FF")),
        (&nurse, "/api/v1/persons?nhs_number=%FF".to_owned()),
        (
            &nurse,
            "/api/v1/crisis-lookup?nhs_number=%FF&reason=x".to_owned(),
        ),
        (&nurse, "/api/v1/referrals?box=%FF".to_owned()),
        (&nurse, "/api/v1/crisis-plans/coverage?scope=%FF".to_owned()),
        (&ig, "/api/v1/break-glass/reviews?status=%FF".to_owned()),
        (&admin, "/api/v1/webhooks/deliveries?status=%FF".to_owned()),
    ];
    for (token, path) in gets {
        let response = app.get_with_token(&path, token).await;
        assert_problem_details(response, &path).await;
    }
    let posts = [
        (format!("{plan}/versions/abc/agreement"), "{}"),
        ("/api/v1/referrals/x/acknowledge".to_owned(), "not json"),
        ("/api/v1/referrals".to_owned(), "not json"),
    ];
    for (path, body) in posts {
        let response = app
            .client
            .post(app.url(&path))
            .bearer_auth(&nurse)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_problem_details(response, &path).await;
    }
    // A body past the limit.
    let big = "x".repeat(2 * 1024 * 1024);
    let response = app
        .client
        .post(app.url("/api/v1/referrals/x/acknowledge"))
        .bearer_auth(&nurse)
        .body(big)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(problem(response).await["type"], "/problems/body-too-large");
}

async fn assert_problem_details(response: reqwest::Response, path: &str) {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = response.text().await.unwrap();
    assert!(
        content_type == "application/problem+json" || (200..300).contains(&status),
        "{path}: {status} {content_type}: {body}"
    );
    assert!(!content_type.starts_with("text/plain"), "{path}: {body}");
}

async fn pages_answer_bad_input_with_the_error_page(app: TestApp) {
    let gary = person_id(&app, GARY).await;
    let nurse = signed_in(&app, "crisis.nurse").await;

    for path in [
        format!("/persons/{gary}/crisis-plan/versions/abc"),
        format!("/persons/{gary}/crisis-plan/diff?from=-3"),
    ] {
        let response = nurse.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 400, "{path}");
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        let html = response.text().await.unwrap();
        assert!(html.contains("Check what you entered"), "{path}: {html}");
        assert!(html.contains("/static/app.css"), "the page layout: {html}");
    }
    // An id that does not read names nothing, on the pages too.
    let (status, _) = page(&app, &nurse, "/persons/%FF/crisis-plan").await;
    assert_eq!(status, 404);
    let (status, _) = page(&app, &nurse, "/persons/not-an-id").await;
    assert_eq!(status, 404);

    // A form that is not one.
    let response = nurse
        .post(app.url("/sign-in"))
        .header("content-type", "text/plain")
        .body("username=gp")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let html = response.text().await.unwrap();
    assert!(html.contains("Check what you entered"), "{html}");
}

crate::on_both_stores!(
    query_and_path_values_that_do_not_read_are_problem_details,
    an_id_that_does_not_read_is_not_found_as_an_absent_one_is,
    no_api_answer_to_bad_input_is_plain_text,
    pages_answer_bad_input_with_the_error_page,
);
