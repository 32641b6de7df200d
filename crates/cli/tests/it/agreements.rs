//! Information sharing agreements managed by information governance leads:
//! through the JSON API, the command line and the pages, on both stores. The
//! demo partnership already holds agreements of its own; these tests make
//! their own and never count on how many there were before.

use std::io::Write as _;
use std::process::{Command, Output};

use serde_json::{json, Value};

use crate::fixtures::{csrf_token, page, signed_in};
use crate::harness::{problem, TestApp};

// ----------------------------------------------------------------- helpers

/// Terms between the mental health trust and the police, as an ig-lead
/// would write them.
fn street_triage_terms() -> Value {
    json!({
        "title": "Street triage information sharing",
        "tier": "coordinate",
        "parties": ["NMHT", "NSPOL"],
        "purposes": ["TREAT", "ETREAT"],
        "grants": [
            {"role": "police-officer", "read": ["crisis-plan", "risk"], "write": ["contacts"]},
            {"role": "crisis-clinician", "read": ["crisis-plan", "risk", "contacts"], "write": ["crisis-plan"]}
        ],
        "lawful_basis": {
            "article_6": "Article 6(1)(e) public task",
            "article_9": "Article 9(2)(h) health or social care",
            "dpa_schedule_1": "Schedule 1 Part 1 paragraph 2"
        },
        "starts_on": "2026-01-01",
        "ends_on": "2028-01-01",
        "review_on": "2026-12-01"
    })
}

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> reqwest::Response {
    let mut request = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.expect("request")
}

async fn post(app: &TestApp, path: &str, token: &str, body: Option<&Value>) -> reqwest::Response {
    send(app, reqwest::Method::POST, path, token, body).await
}

async fn ig_token(app: &TestApp, username: &str) -> String {
    app.token_for(username, "TREAT").await
}

/// Drafts `terms` as `username`; returns the agreement's id.
async fn draft(app: &TestApp, username: &str, terms: &Value) -> String {
    let token = ig_token(app, username).await;
    let response = post(app, "/api/v1/agreements", &token, Some(terms)).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let body: Value = response.json().await.unwrap();
    let id = body["id"].as_str().unwrap().to_owned();
    assert_eq!(location, format!("/api/v1/agreements/{id}"));
    id
}

async fn sign_as(app: &TestApp, username: &str, id: &str) -> reqwest::Response {
    let token = ig_token(app, username).await;
    post(app, &format!("/api/v1/agreements/{id}/sign"), &token, None).await
}

async fn agreement(app: &TestApp, id: &str) -> Value {
    let token = ig_token(app, "ig.lead").await;
    let response = app
        .get_with_token(&format!("/api/v1/agreements/{id}"), &token)
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn agreement_ids(app: &TestApp) -> Vec<String> {
    let token = ig_token(app, "ig.lead").await;
    let response = app.get_with_token("/api/v1/agreements", &token).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["agreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect()
}

fn codes(list: &Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect()
}

fn fields(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .expect("field errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect()
}

mod api;
mod command_line;
mod pages;
