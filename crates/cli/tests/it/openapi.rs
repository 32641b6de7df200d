//! The OpenAPI description of the JSON API (`GET /api/v1/openapi.json`):
//! served to anyone, the same bytes for everyone; every operation in it is
//! routed and no other is (`routes.rs`); checked by software Concordat did
//! not write (`tools.rs`): an OpenAPI 3.1 validator, and Schemathesis
//! calling every operation with generated requests and a real token.

mod routes;
mod tools;

use serde_json::Value;

use crate::harness::TestApp;

pub const DOCUMENT: &str = "/api/v1/openapi.json";

/// The document as served to a caller without a token.
pub async fn document(app: &TestApp) -> Value {
    let response = app.get(DOCUMENT).await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("the document is JSON")
}

/// Every `(method, path)` the document describes, paths as written there
/// (`/api/v1/persons/{id}`), methods in upper case.
pub fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            if METHODS.contains(&method.as_str()) {
                out.push((method.to_uppercase(), path.clone(), operation.clone()));
            }
        }
    }
    out
}

pub const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

async fn the_document_is_served_without_a_token_the_same_for_everyone(app: TestApp) {
    let anonymous = app.get(DOCUMENT).await;
    assert_eq!(anonymous.status(), 200);
    assert_eq!(anonymous.headers()["content-type"], "application/json");
    let anonymous = anonymous.bytes().await.unwrap();
    let token = app.token_for("crisis.nurse", "TREAT").await;
    let signed_in = app.get_with_token(DOCUMENT, &token).await;
    assert_eq!(signed_in.status(), 200);
    assert_eq!(signed_in.bytes().await.unwrap(), anonymous);

    let doc: Value = serde_json::from_slice(&anonymous).unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    // The purposes a token can be bound to are the domain's own.
    let purposes = &doc["components"]["schemas"]["TokenRequest"]["properties"]["purpose"]["enum"];
    let expected: Vec<&str> = concordat_domain::purpose::Purpose::ALL
        .iter()
        .map(|p| p.code())
        .collect();
    assert_eq!(purposes, &serde_json::json!(expected));
    let scheme = &doc["components"]["securitySchemes"]["bearer"];
    assert_eq!(scheme["scheme"], "bearer");
    assert!(scheme["description"].as_str().unwrap().contains("ETREAT"));
    // Asking for a token needs none.
    assert_eq!(
        doc["paths"]["/api/v1/auth/token"]["post"]["security"],
        serde_json::json!([{}])
    );
}

async fn every_error_answer_is_described_as_problem_details(app: TestApp) {
    let doc = document(&app).await;
    for (method, path, operation) in operations(&doc) {
        for (status, response) in operation["responses"].as_object().unwrap() {
            if status.starts_with('4') || status.starts_with('5') {
                let name = response["$ref"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{method} {path} {status}: {response}"))
                    .trim_start_matches("#/components/responses/");
                let described = &doc["components"]["responses"][name]["content"]
                    ["application/problem+json"]["schema"]["$ref"];
                assert_eq!(
                    described, "#/components/schemas/Problem",
                    "{method} {path} {status}"
                );
            }
        }
    }
}

crate::on_both_stores!(
    the_document_is_served_without_a_token_the_same_for_everyone,
    every_error_answer_is_described_as_problem_details,
);
