//! Sign-in through the pages: the session cookie, CSRF protection, timeouts,
//! signing out, and a home page for every role.

use chrono::Duration;
use concordat_domain::user::Username;
use concordat_store::users;

use crate::fixtures::csrf_token;
use crate::harness::{TestApp, DEMO_PASSWORD};

/// Signs in with `client`; returns the response to the form post.
async fn sign_in(
    app: &TestApp,
    client: &reqwest::Client,
    username: &str,
    password: &str,
) -> reqwest::Response {
    let form = client.get(app.url("/sign-in")).send().await.unwrap();
    let token = csrf_token(&form.text().await.unwrap());
    client
        .post(app.url("/sign-in"))
        .form(&[
            ("username", username),
            ("password", password),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap()
}

fn set_cookie_headers(response: &reqwest::Response) -> Vec<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

fn session_cookie(response: &reqwest::Response) -> String {
    set_cookie_headers(response)
        .into_iter()
        .find(|c| c.starts_with("concordat_session="))
        .expect("a session cookie is set")
}

async fn signing_in_sets_a_strict_http_only_session_and_shows_home(app: TestApp) {
    let response = sign_in(&app, &app.client, "crisis.nurse", DEMO_PASSWORD).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/");
    let cookie = session_cookie(&response);
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Strict"), "{cookie}");
    assert!(
        !cookie.contains("Secure"),
        "plain HTTP test server: {cookie}"
    );
    let home = app.get("/").await;
    assert_eq!(home.status(), 200);
    let html = home.text().await.unwrap();
    assert!(html.contains("Crisis care"), "{html}");
}

async fn every_sign_in_gets_a_new_session_id(app: TestApp) {
    let first = session_cookie(&sign_in(&app, &app.client, "gp", DEMO_PASSWORD).await);
    let second = session_cookie(&sign_in(&app, &app.client, "gp", DEMO_PASSWORD).await);
    assert_ne!(first, second);
    // The first session was ended when the second began.
    let old = app.new_client();
    let value = first.split(';').next().unwrap().to_owned();
    let response = old
        .get(app.url("/"))
        .header("cookie", value)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
}

async fn a_wrong_password_shows_an_error_and_starts_no_session(app: TestApp) {
    let response = sign_in(&app, &app.client, "gp", "wrong password").await;
    assert_eq!(response.status(), 401);
    assert!(!set_cookie_headers(&response)
        .iter()
        .any(|c| c.starts_with("concordat_session=")));
    let html = response.text().await.unwrap();
    assert!(html.contains("The username or password is not right"));
    assert!(
        html.contains(r#"value="gp""#),
        "the username is kept for a retry"
    );
    assert_eq!(app.get("/").await.status(), 303);
}

async fn a_sign_in_form_without_its_csrf_token_is_refused(app: TestApp) {
    app.get("/sign-in").await;
    for token in ["", "forged-token"] {
        let response = app
            .client
            .post(app.url("/sign-in"))
            .form(&[
                ("username", "gp"),
                ("password", DEMO_PASSWORD),
                ("csrf_token", token),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403);
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("This form has expired"));
    }
    assert_eq!(app.get("/").await.status(), 303, "no session was started");
}

async fn signing_out_needs_the_sessions_csrf_token_and_ends_the_session(app: TestApp) {
    sign_in(&app, &app.client, "police", DEMO_PASSWORD).await;
    let home = app.get("/").await.text().await.unwrap();
    let token = csrf_token(&home);
    let forged = app
        .client
        .post(app.url("/sign-out"))
        .form(&[("csrf_token", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    assert_eq!(app.get("/").await.status(), 200, "still signed in");
    let out = app
        .client
        .post(app.url("/sign-out"))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 303);
    assert_eq!(out.headers()["location"], "/sign-in?signed_out=1");
    assert_eq!(app.get("/").await.status(), 303);
}

async fn a_session_ends_after_thirty_idle_minutes(app: TestApp) {
    sign_in(&app, &app.client, "paramedic", DEMO_PASSWORD).await;
    app.clock.advance(Duration::minutes(29));
    assert_eq!(app.get("/").await.status(), 200);
    app.clock.advance(Duration::minutes(29));
    assert_eq!(app.get("/").await.status(), 200, "activity keeps it alive");
    app.clock.advance(Duration::minutes(31));
    let response = app.get("/").await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/sign-in");
}

async fn a_session_ends_after_twelve_hours_however_active(app: TestApp) {
    sign_in(&app, &app.client, "ed.clinician", DEMO_PASSWORD).await;
    for _ in 0..(12 * 3 - 1) {
        app.clock.advance(Duration::minutes(20));
        assert_eq!(app.get("/").await.status(), 200);
    }
    app.clock.advance(Duration::minutes(20));
    assert_eq!(app.get("/").await.status(), 303);
}

async fn a_disabled_users_session_stops_working_at_once(app: TestApp) {
    sign_in(&app, &app.client, "charity.worker", DEMO_PASSWORD).await;
    assert_eq!(app.get("/").await.status(), 200);
    let mut tx = app.store.write().await.unwrap();
    users::set_disabled(&mut tx, &Username::parse("charity.worker").unwrap(), true)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(app.get("/").await.status(), 303);
}

async fn every_demo_user_sees_the_home_page_of_their_role(app: TestApp) {
    let expected = [
        ("crisis.nurse", "Crisis care"),
        ("mh.practitioner", "Community mental health"),
        ("gp", "General practice"),
        ("police", "Police"),
        ("paramedic", "Ambulance"),
        ("ed.clinician", "Emergency department"),
        ("social.worker", "Adult social care"),
        ("charity.worker", "Support"),
        ("ig.lead", "Information governance"),
        ("commissioner", "Commissioning"),
        ("admin", "Administration"),
        ("person", "Your record"),
    ];
    for (username, heading) in expected {
        let client = app.new_client();
        let response = sign_in(&app, &client, username, DEMO_PASSWORD).await;
        assert_eq!(response.status(), 303, "{username}");
        let html = client
            .get(app.url("/"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(
            html.contains(&format!("<h1>{heading}</h1>")),
            "{username} should see {heading}"
        );
    }
}

async fn only_administrators_and_governance_see_user_accounts(app: TestApp) {
    sign_in(&app, &app.client, "gp", DEMO_PASSWORD).await;
    assert_eq!(app.get("/users").await.status(), 403);
    let admin = app.new_client();
    sign_in(&app, &admin, "admin", DEMO_PASSWORD).await;
    let mut html = String::new();
    for path in ["/users", "/users?page=2"] {
        let page = admin.get(app.url(path)).send().await.unwrap();
        assert_eq!(page.status(), 200);
        html.push_str(&page.text().await.unwrap());
    }
    assert!(html.contains("crisis.nurse") && html.contains("police"));
}

crate::on_both_stores!(
    signing_in_sets_a_strict_http_only_session_and_shows_home,
    every_sign_in_gets_a_new_session_id,
    a_wrong_password_shows_an_error_and_starts_no_session,
    a_sign_in_form_without_its_csrf_token_is_refused,
    signing_out_needs_the_sessions_csrf_token_and_ends_the_session,
    a_session_ends_after_thirty_idle_minutes,
    a_session_ends_after_twelve_hours_however_active,
    a_disabled_users_session_stops_working_at_once,
    every_demo_user_sees_the_home_page_of_their_role,
    only_administrators_and_governance_see_user_accounts,
);
