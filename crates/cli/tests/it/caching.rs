//! Issue 11: nothing that can carry personal data is kept by a browser or
//! a proxy — every dynamic answer, page or API, success or error, says
//! `Cache-Control: no-store` — and over HTTPS browsers are told to use
//! nothing else.

use concordat_server::ServerConfig;

use crate::fixtures::{person_id, signed_in, DANIEL, GARY};
use crate::harness::TestApp;

fn cache_control(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("cache-control")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

async fn records_pages_and_errors_are_never_cached(app: TestApp) {
    let daniel = person_id(&app, DANIEL).await;
    let gary = person_id(&app, GARY).await;
    let practitioner = app.token_for("mh.practitioner", "TREAT").await;
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let practitioner_browser = signed_in(&app, "mh.practitioner").await;
    let browser = signed_in(&app, "crisis.nurse").await;

    let answers = [
        (
            "record",
            app.get_with_token(&format!("/api/v1/persons/{daniel}"), &practitioner)
                .await,
            200,
        ),
        (
            "crisis plan",
            app.get_with_token(&format!("/api/v1/persons/{gary}/crisis-plan"), &nurse)
                .await,
            200,
        ),
        (
            "flags",
            app.get_with_token(&format!("/api/v1/persons/{gary}/flags"), &nurse)
                .await,
            200,
        ),
        (
            "record page",
            practitioner_browser
                .get(app.url(&format!("/persons/{daniel}")))
                .send()
                .await
                .unwrap(),
            200,
        ),
        (
            "crisis plan page",
            browser
                .get(app.url(&format!("/persons/{gary}/crisis-plan")))
                .send()
                .await
                .unwrap(),
            200,
        ),
        (
            "look-up page",
            browser.get(app.url("/crisis-lookup")).send().await.unwrap(),
            200,
        ),
        (
            "API error",
            app.get_with_token(&format!("/api/v1/persons/{}", uuid::Uuid::new_v4()), &nurse)
                .await,
            404,
        ),
        ("unauthenticated", app.get("/api/v1/me").await, 401),
        (
            "page error",
            browser.get(app.url("/no-such-page")).send().await.unwrap(),
            404,
        ),
    ];

    for (what, response, status) in answers {
        assert_eq!(response.status(), status, "{what}");
        assert_eq!(cache_control(&response), "no-store", "{what}");
        assert!(
            response
                .headers()
                .get("strict-transport-security")
                .is_none(),
            "no HSTS over plain HTTP: {what}"
        );
    }
    // The stylesheet holds nothing personal and stays cacheable.
    let css = app.get("/static/app.css").await;
    assert_eq!(cache_control(&css), "public, max-age=3600");
    // So does the icon every page names.
    let sign_in = app.get("/sign-in").await.text().await.unwrap();
    assert!(sign_in.contains(r#"<link rel="icon" href="/static/favicon.svg""#));
    let icon = app.get("/static/favicon.svg").await;
    assert_eq!(icon.headers()["content-type"], "image/svg+xml");
    assert_eq!(cache_control(&icon), "public, max-age=86400");
    assert!(icon.text().await.unwrap().starts_with("<svg"));
}

fn secure(config: &mut ServerConfig) {
    config.secure_cookies = true;
}

async fn with_secure_cookies_browsers_are_told_to_use_https_only(app: TestApp) {
    let token = app.token_for("crisis.nurse", "TREAT").await;
    for response in [
        app.get("/sign-in").await,
        app.get_with_token("/api/v1/me", &token).await,
        app.get("/api/v1/no-such-thing").await,
        app.get("/static/app.css").await,
    ] {
        assert_eq!(
            response.headers()["strict-transport-security"],
            "max-age=31536000; includeSubDomains"
        );
    }
}

/// The stylesheet and icon go compressed to a client that accepts it, and
/// so do the JSON API's and FHIR's answers (sent only with a bearer token);
/// a page never does, since it carries the CSRF token and personal data
/// beside what the client sent (BREACH).
async fn static_files_and_api_answers_are_compressed_and_pages_are_not(app: TestApp) {
    let asked = |path: &'static str, client: reqwest::Client| {
        let url = app.url(path);
        async move {
            let response = client
                .get(url)
                .header("accept-encoding", "br, gzip")
                .send()
                .await
                .unwrap();
            let encoding = response
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap().to_owned());
            (
                response.status().as_u16(),
                encoding,
                response.bytes().await.unwrap().len(),
            )
        }
    };
    let (status, encoding, size) = asked("/static/app.css", app.new_client()).await;
    assert_eq!(status, 200);
    assert_eq!(encoding.as_deref(), Some("br"));
    let plain = app
        .get("/static/app.css")
        .await
        .bytes()
        .await
        .unwrap()
        .len();
    assert!(size * 3 < plain, "compressed {size} bytes of {plain}");
    let gp = signed_in(&app, "gp").await;
    for path in ["/sign-in", "/", "/persons"] {
        let client = if path == "/sign-in" {
            app.new_client()
        } else {
            gp.clone()
        };
        let (status, encoding, _) = asked(path, client).await;
        assert_eq!(status, 200, "{path}");
        assert_eq!(encoding, None, "{path} is compressed");
    }
    let token = app.token_for("gp", "TREAT").await;
    for path in [
        "/api/v1/openapi.json",
        "/fhir/metadata",
        "/fhir/Patient?family=Reid",
    ] {
        let response = app
            .new_client()
            .get(app.url(path))
            .bearer_auth(&token)
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap()),
            Some("gzip"),
            "{path}"
        );
    }
    // Without asking, the answer is plain.
    let plain = app.get_with_token("/fhir/metadata", &token).await;
    assert!(plain.headers().get("content-encoding").is_none());
    assert!(plain.json::<serde_json::Value>().await.is_ok());
}

crate::on_both_stores!(
    records_pages_and_errors_are_never_cached,
    static_files_and_api_answers_are_compressed_and_pages_are_not,
);

crate::on_both_stores!(over_https with secure:
    with_secure_cookies_browsers_are_told_to_use_https_only,
);
