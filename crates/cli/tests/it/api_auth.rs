//! Sign-in for the JSON API: purpose-bound bearer tokens, their expiry and
//! revocation, and the throttling of failed attempts.

use base64::Engine as _;
use chrono::Duration;
use concordat_domain::user::Username;
use concordat_server::ServerConfig;
use concordat_store::users;
use sqlx::Row;

use crate::harness::{problem, TestApp, DEMO_PASSWORD};

async fn a_demo_user_gets_a_token_bound_to_the_purpose_asked_for(app: TestApp) {
    let response = app.request_token("police", DEMO_PASSWORD, "ETREAT").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let token = body["access_token"].as_str().unwrap();
    let me: serde_json::Value = app
        .get_with_token("/api/v1/me", token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "police");
    assert_eq!(me["role"], "police-officer");
    assert_eq!(me["purpose"], "ETREAT");
    assert_eq!(me["organisation"]["kind"], "police");
}

async fn tokens_are_random_and_stored_only_as_a_hash(app: TestApp) {
    let a = app.token_for("gp", "TREAT").await;
    let b = app.token_for("gp", "TREAT").await;
    assert_ne!(a, b);
    let bits = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(&a)
        .expect("token is base64url")
        .len()
        * 8;
    assert!(bits >= 128, "token carries {bits} bits");
    let mut conn = app.store.read().await.unwrap();
    let stored: Vec<String> = sqlx::query("SELECT token_hash FROM api_tokens")
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("token_hash"))
        .collect();
    assert_eq!(stored.len(), 2);
    assert!(!stored.contains(&a) && !stored.contains(&b));
    assert!(stored.contains(&concordat_server::auth::secret::digest(&a)));
}

async fn a_wrong_password_and_an_unknown_user_get_the_same_answer(app: TestApp) {
    let wrong = app.request_token("gp", "not-the-password", "TREAT").await;
    assert_eq!(wrong.status(), 401);
    let wrong = problem(wrong).await;
    let unknown = app
        .request_token("nobody.here", "not-the-password", "TREAT")
        .await;
    assert_eq!(unknown.status(), 401);
    let unknown = problem(unknown).await;
    assert_eq!(wrong, unknown);
    assert_eq!(wrong["type"], "/problems/unauthenticated");
    assert_eq!(wrong["detail"], "the username or password is not right");
}

/// Found by Schemathesis: PostgreSQL's text cannot hold NUL, and the
/// sign-in throttle stored the name as typed, so this was a 500 there.
async fn a_username_with_a_nul_is_refused_like_any_unknown_one(app: TestApp) {
    let nul = app.request_token("gp\0", "not-the-password", "TREAT").await;
    assert_eq!(nul.status(), 401);
    assert_eq!(problem(nul).await["type"], "/problems/unauthenticated");
}

async fn an_unknown_purpose_is_refused_and_the_valid_codes_are_named(app: TestApp) {
    let response = app.request_token("gp", DEMO_PASSWORD, "CURIOSITY").await;
    assert_eq!(response.status(), 400);
    let body = problem(response).await;
    assert_eq!(body["type"], "/problems/invalid-input");
    assert_eq!(body["errors"][0]["field"], "purpose");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("`CURIOSITY`"), "{message}");
    assert!(
        message.contains("TREAT") && message.contains("ETREAT"),
        "{message}"
    );
}

async fn a_body_that_is_not_json_is_refused_and_changes_nothing(app: TestApp) {
    for (content_type, body) in [
        ("application/json", "{not json"),
        ("text/plain", "username=gp"),
        ("application/json", r#"{"username":"gp"}"#),
    ] {
        let response = app
            .client
            .post(app.url("/api/v1/auth/token"))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{body}");
        let problem = problem(response).await;
        assert_eq!(problem["type"], "/problems/malformed-body");
        assert!(!problem["detail"].as_str().unwrap().is_empty());
    }
    let mut conn = app.store.read().await.unwrap();
    let tokens: i64 = sqlx::query("SELECT COUNT(*) AS n FROM api_tokens")
        .fetch_one(&mut *conn)
        .await
        .unwrap()
        .get("n");
    assert_eq!(tokens, 0);
}

async fn an_expired_token_is_refused(app: TestApp) {
    let token = app.token_for("paramedic", "ETREAT").await;
    app.clock.advance(Duration::minutes(59));
    assert_eq!(app.get_with_token("/api/v1/me", &token).await.status(), 200);
    app.clock.advance(Duration::minutes(1));
    let response = app.get_with_token("/api/v1/me", &token).await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    assert!(problem(response).await["detail"]
        .as_str()
        .unwrap()
        .contains("expired"));
}

async fn a_revoked_token_is_refused_on_the_next_request(app: TestApp) {
    let token = app.token_for("ed.clinician", "ETREAT").await;
    let revoke = app
        .client
        .post(app.url("/api/v1/auth/revoke"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), 204);
    let response = app.get_with_token("/api/v1/me", &token).await;
    assert_eq!(response.status(), 401);
    assert!(problem(response).await["detail"]
        .as_str()
        .unwrap()
        .contains("revoked"));
}

async fn a_disabled_users_token_stops_working_at_once(app: TestApp) {
    let token = app.token_for("social.worker", "TREAT").await;
    assert_eq!(app.get_with_token("/api/v1/me", &token).await.status(), 200);
    let mut tx = app.store.write().await.unwrap();
    users::set_disabled(&mut tx, &Username::parse("social.worker").unwrap(), true)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(app.get_with_token("/api/v1/me", &token).await.status(), 401);
    // and a disabled user cannot get a new one, with the usual answer
    let again = app
        .request_token("social.worker", DEMO_PASSWORD, "TREAT")
        .await;
    assert_eq!(again.status(), 401);
}

async fn a_garbage_or_missing_token_is_refused(app: TestApp) {
    let missing = app.get("/api/v1/me").await;
    assert_eq!(missing.status(), 401);
    let garbage = app.get_with_token("/api/v1/me", "not-a-token").await;
    assert_eq!(garbage.status(), 401);
    assert_eq!(problem(garbage).await["type"], "/problems/unauthenticated");
}

crate::on_both_stores!(
    a_demo_user_gets_a_token_bound_to_the_purpose_asked_for,
    tokens_are_random_and_stored_only_as_a_hash,
    a_wrong_password_and_an_unknown_user_get_the_same_answer,
    a_username_with_a_nul_is_refused_like_any_unknown_one,
    an_unknown_purpose_is_refused_and_the_valid_codes_are_named,
    a_body_that_is_not_json_is_refused_and_changes_nothing,
    an_expired_token_is_refused,
    a_revoked_token_is_refused_on_the_next_request,
    a_disabled_users_token_stops_working_at_once,
    a_garbage_or_missing_token_is_refused,
);

/// Throttling settings that keep the test quick: no pauses, small limits.
fn quick_throttle(config: &mut ServerConfig) {
    config.throttle.base_delay = std::time::Duration::from_millis(1);
    config.throttle.max_delay = std::time::Duration::from_millis(2);
    config.throttle.account_lock_after = 5;
    config.throttle.address_lock_after = 8;
}

async fn repeated_failures_lock_the_account_for_a_while(app: TestApp) {
    for _ in 0..5 {
        let r = app.request_token("gp", "wrong password", "TREAT").await;
        assert_eq!(r.status(), 401);
    }
    // Now even the right password is refused until the lock runs out.
    let locked = app.request_token("gp", DEMO_PASSWORD, "TREAT").await;
    assert_eq!(locked.status(), 429);
    assert!(locked.headers().contains_key("retry-after"));
    assert_eq!(problem(locked).await["type"], "/problems/sign-in-locked");
    // Another account from the same address is not locked yet.
    assert_eq!(
        app.request_token("police", DEMO_PASSWORD, "ETREAT")
            .await
            .status(),
        200
    );
    app.clock.advance(Duration::minutes(16));
    assert_eq!(
        app.request_token("gp", DEMO_PASSWORD, "TREAT")
            .await
            .status(),
        200
    );
}

async fn guessing_across_many_names_locks_the_address(app: TestApp) {
    for i in 0..8 {
        let r = app
            .request_token(&format!("guess{i}"), "wrong password", "TREAT")
            .await;
        assert_eq!(r.status(), 401);
    }
    let locked = app.request_token("police", DEMO_PASSWORD, "ETREAT").await;
    assert_eq!(locked.status(), 429);
}

async fn an_unknown_username_is_locked_exactly_like_a_known_one(app: TestApp) {
    for name in ["gp", "no.such.user"] {
        for _ in 0..5 {
            app.request_token(name, "wrong password", "TREAT").await;
        }
    }
    let known = problem(app.request_token("gp", "x", "TREAT").await).await;
    let unknown = problem(app.request_token("no.such.user", "x", "TREAT").await).await;
    assert_eq!(known["type"], unknown["type"]);
    assert_eq!(known["status"], 429);
}

crate::on_both_stores!(throttled with quick_throttle:
    repeated_failures_lock_the_account_for_a_while,
    guessing_across_many_names_locks_the_address,
    an_unknown_username_is_locked_exactly_like_a_known_one,
);
