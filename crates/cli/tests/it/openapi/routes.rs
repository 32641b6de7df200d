//! The document and the router agree. Both are made from one handler list
//! (`utoipa_axum::routes!`), so this checks the other direction: every
//! operation the document names answers, with the security it declares,
//! and every method it does not name at a path is refused as such.

use reqwest::Method;
use serde_json::Value;

use super::{document, operations, METHODS};
use crate::harness::TestApp;

/// `path` with each `{parameter}` filled with a well-formed id that names
/// nothing.
fn concrete(path: &str) -> String {
    let mut out = String::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let end = rest[start..].find('}').expect("a closed parameter") + start;
        out.push_str(&rest[..start]);
        let name = &rest[start + 1..end];
        out.push_str(match name {
            "number" => "1",
            "action" => "acknowledge",
            _ => "0190a2c4-0000-7000-8000-000000000000",
        });
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

async fn call(app: &TestApp, method: &str, path: &str, token: Option<&str>) -> u16 {
    let method = Method::from_bytes(method.as_bytes()).unwrap();
    let mut request = app.client.request(method, app.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("request").status().as_u16()
}

fn needs_token(operation: &Value) -> bool {
    // INVARIANT (of the document): an operation without its own `security`
    // takes the document's, the bearer token; `[{}]` means none needed.
    operation.get("security").is_none()
}

async fn every_operation_in_the_document_is_routed_with_the_security_it_declares(app: TestApp) {
    let doc = document(&app).await;
    let operations = operations(&doc);
    assert!(
        operations.len() > 50,
        "only {} operations",
        operations.len()
    );
    let token = app.token_for("crisis.nurse", "TREAT").await;
    for (method, path, operation) in &operations {
        let url = concrete(path);
        let anonymous = call(&app, method, &url, None).await;
        if needs_token(operation) {
            // The caller is read before anything else: a routed handler
            // that takes a token refuses one missing; an unrouted path would
            // answer 404 or 405 instead.
            assert_eq!(anonymous, 401, "{method} {path} without a token");
            assert!(
                operation["responses"]["401"].is_object(),
                "{method} {path} does not describe its 401"
            );
        } else {
            assert!(
                ![404, 405].contains(&anonymous),
                "{method} {path}: {anonymous}"
            );
        }
        let with_token = call(&app, method, &url, Some(&token)).await;
        assert_ne!(with_token, 405, "{method} {path} with a token");
        if !path.contains('{') {
            assert_ne!(with_token, 404, "{method} {path} with a token");
        }
        let status = with_token.to_string();
        assert!(
            operation["responses"][&status].is_object(),
            "{method} {path} answered {status}, which its description does not list"
        );
    }
}

async fn no_method_or_path_outside_the_document_is_served(app: TestApp) {
    let doc = document(&app).await;
    let token = app.token_for("crisis.nurse", "TREAT").await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        let url = concrete(path);
        for method in METHODS {
            if item.get(method).is_none() {
                let status = call(&app, &method.to_uppercase(), &url, Some(&token)).await;
                assert_eq!(status, 405, "{method} {path} is not described but answered");
            }
        }
    }
    for path in [
        "/api/v1/nothing-here",
        "/api/v1/persons/0190a2c4-0000-7000-8000-000000000000/nothing-here",
        "/api/v1/openapi.yaml",
    ] {
        assert_eq!(call(&app, "GET", path, Some(&token)).await, 404, "{path}");
    }
}

crate::on_both_stores!(
    every_operation_in_the_document_is_routed_with_the_security_it_declares,
    no_method_or_path_outside_the_document_is_served,
);
