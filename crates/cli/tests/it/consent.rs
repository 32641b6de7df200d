//! A person's sharing choices over the API and the pages, on both stores:
//! a refusal recorded through the person's own account applies to the very
//! next request and its withdrawal restores access; the care team records
//! choices as the person told them; anyone else gets the same 404 as for no
//! one; what a nominated carer may be told persists and is validated.

use concordat_domain::ids::{PersonId, RelatedPersonId};
use concordat_store::carers::{self, CarerItem};
use concordat_store::persons;
use serde_json::{json, Value};

use crate::fixtures::{
    count, csrf_token, form_action, location, page, person_id, post_form, signed_in, DANIEL, LEAH,
};
use crate::harness::{problem, TestApp};

async fn send(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> reqwest::Response {
    let request = app.client.request(method, app.url(path)).bearer_auth(token);
    let request = match body {
        Some(body) => request.json(body),
        None => request,
    };
    request.send().await.unwrap()
}

async fn post(app: &TestApp, path: &str, token: &str, body: Option<&Value>) -> reqwest::Response {
    send(app, reqwest::Method::POST, path, token, body).await
}

async fn read_daniel(app: &TestApp, token: &str) -> reqwest::Response {
    app.get_with_token(&format!("/api/v1/persons?nhs_number={DANIEL}"), token)
        .await
}

async fn directives(app: &TestApp, person: PersonId, token: &str) -> Vec<Value> {
    let response = app
        .get_with_token(&format!("/api/v1/persons/{person}/consent"), token)
        .await;
    assert_eq!(response.status(), 200);
    response
        .json::<Value>()
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

async fn nominated_carer(app: &TestApp, person: PersonId) -> RelatedPersonId {
    let mut conn = app.store.read().await.unwrap();
    persons::related_persons_of(&mut conn, person)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.nominated_carer())
        .expect("a nominated carer")
        .id()
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

mod api;
mod pages;
