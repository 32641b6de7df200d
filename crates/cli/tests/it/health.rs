//! Health checks.

use crate::harness::{StoreKind, TestApp};

async fn readiness_check_reports_the_database_and_store(app: TestApp) {
    let response = app.get("/health").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["database"], "ok");
    let expected = match app.kind {
        StoreKind::Sqlite => "sqlite",
        StoreKind::Postgres => "postgres",
    };
    assert_eq!(body["store"], expected);
}

async fn liveness_check_answers_while_the_database_is_gone(app: TestApp) {
    app.store.close().await;
    let live = app.get("/health/live").await;
    assert_eq!(live.status(), 200);
    let ready = app.get("/health").await;
    assert_eq!(ready.status(), 503);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["database"], "unreachable");
}

async fn unknown_api_paths_answer_with_problem_details(app: TestApp) {
    let response = app.get("/api/v1/no-such-thing").await;
    assert_eq!(response.status(), 404);
    let problem = crate::harness::problem(response).await;
    assert_eq!(problem["type"], "/problems/not-found");
    assert_eq!(problem["status"], 404);
}

async fn pages_carry_security_headers(app: TestApp) {
    let response = app.get("/sign-in").await;
    let headers = response.headers();
    assert!(headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("frame-ancestors 'none'"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
}

crate::on_both_stores!(
    readiness_check_reports_the_database_and_store,
    liveness_check_answers_while_the_database_is_gone,
    unknown_api_paths_answer_with_problem_details,
    pages_carry_security_headers,
);
