//! Checks of the document by software Concordat did not write: the
//! `openapi-spec-validator` package validates it as OpenAPI 3.1, and
//! Schemathesis calls every operation with requests generated from it,
//! with a real token, and checks each answer against it. Both are Python
//! packages that `scripts/test` installs into a virtual environment in the
//! folder named by `CONCORDAT_TEST_OPENAPI_TOOLS`; without it these tests
//! skip with a note, unless `CONCORDAT_TEST_REQUIRE_ALL=1`, when they fail.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

use super::{document, DOCUMENT};
use crate::fixtures::{person_id, GARY};
use crate::harness::TestApp;

/// The virtual environment's `bin` folder, or `None` (after a note) to skip.
fn tools() -> Option<PathBuf> {
    let require_all = std::env::var("CONCORDAT_TEST_REQUIRE_ALL").is_ok_and(|v| v == "1");
    match std::env::var("CONCORDAT_TEST_OPENAPI_TOOLS") {
        Ok(dir) if !dir.trim().is_empty() => Some(PathBuf::from(dir).join("bin")),
        _ => {
            assert!(
                !require_all,
                "CONCORDAT_TEST_OPENAPI_TOOLS is not set but CONCORDAT_TEST_REQUIRE_ALL=1"
            );
            eprintln!(
                "skipped: CONCORDAT_TEST_OPENAPI_TOOLS is not set (scripts/test installs the tools)"
            );
            None
        }
    }
}

/// Runs `command`: whether it succeeded, and what it printed.
fn run(command: &mut Command) -> (bool, String) {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// The validator's verdict on `doc`, written to a file first.
fn validate(bin: &std::path::Path, doc: &serde_json::Value) -> (bool, String) {
    let file = tempfile::Builder::new().suffix(".json").tempfile().unwrap();
    std::fs::write(file.path(), doc.to_string()).unwrap();
    run(Command::new(bin.join("openapi-spec-validator"))
        .arg("--schema")
        .arg("3.1.0")
        .arg(file.path()))
}

async fn the_document_is_valid_openapi_3_1(app: TestApp) {
    let Some(bin) = tools() else { return };
    let doc = document(&app).await;
    let (valid, report) = validate(&bin, &doc);
    assert!(valid, "{report}");

    // The validator is not a rubber stamp: an operation answering with a
    // schema that does not exist is refused.
    let mut broken = doc.clone();
    broken["paths"]["/api/v1/me"]["get"]["responses"]["200"]["content"]["application/json"]
        ["schema"]["$ref"] = "#/components/schemas/NoSuchThing".into();
    let (valid, report) = validate(&bin, &broken);
    assert!(!valid, "a broken document passed: {report}");
}

/// Schemathesis' settings: real records for the generated requests to
/// reach, so that they get past "not found" — each path parameter under a
/// path prefix given a record's id.
fn config(records: &[(&str, &str, String)]) -> String {
    records
        .iter()
        .map(|(prefix, parameter, id)| {
            format!(
                "[[operations]]\ninclude-path-regex = \"^/api/v1/{prefix}/\"\n\
                 parameters = {{ \"path.{parameter}\" = \"{id}\" }}\n\n"
            )
        })
        .collect()
}

/// The `id` of the first item of what `path` lists for `token`.
async fn first_id(app: &TestApp, token: &str, path: &str, list: Option<&str>) -> String {
    let listed: Value = app.get_with_token(path, token).await.json().await.unwrap();
    let items = list.map_or(&listed, |key| &listed[key]);
    items[0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("{path} lists nothing: {listed}"))
        .to_owned()
}

/// Schemathesis, a few generated requests per operation with a real token
/// for each of two callers (a crisis nurse for care, an information
/// governance lead for governance): no answer may be a server error, nor
/// differ from what the document says (status, media type, headers, body
/// schema).
async fn generated_requests_get_the_answers_the_document_describes(app: TestApp) {
    let Some(bin) = tools() else { return };
    let person = person_id(&app, GARY).await.to_string();
    let nurse = app.token_for("crisis.nurse", "TREAT").await;
    let ig = app.token_for("ig.lead", "TREAT").await;
    let flags = format!("/api/v1/persons/{person}/flags");
    let records = [
        ("persons", "id", person.clone()),
        (
            "persons",
            "flag_id",
            first_id(&app, &nurse, &flags, None).await,
        ),
        (
            "agreements",
            "id",
            first_id(&app, &ig, "/api/v1/agreements", Some("agreements")).await,
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let config_file = dir.path().join("schemathesis.toml");
    std::fs::write(&config_file, config(&records)).unwrap();
    for (user, purpose, tags) in [
        ("crisis.nurse", "TREAT", "persons|consent|crisis-plans|flags|contacts|crisis-lookup|referrals|messages|contact-events|auth|meta"),
        ("ig.lead", "TREAT", "agreements|webhooks|audit|break-glass|referrals"),
    ] {
        let token = app.token_for(user, purpose).await;
        let (passed, output) = run(Command::new(bin.join("schemathesis"))
            .arg("--config-file")
            .arg(&config_file)
            .arg("run")
            .arg(app.url(DOCUMENT))
            .args(["--url", &app.base])
            .args(["--header", &format!("Authorization: Bearer {token}")])
            .args(["--checks", "all"])
            // Not checked, each for a reason:
            // - positive_data_acceptance: generated values that fit the
            //   schema can still break the domain's rules, which JSON Schema
            //   cannot state (an NHS number's check digit, a team that
            //   exists, text without control characters, one date after
            //   another); those are refused with a 400 naming the field, as
            //   the document says they may be.
            // - ignored_auth: every request here carries the token; leaving
            //   it out is checked operation by operation in `routes.rs`.
            .args(["--exclude-checks", "positive_data_acceptance,ignored_auth"])
            .args(["--include-tag-regex", &format!("^({tags})$")])
            // Revoking the token would end the run's authority half-way;
            // Schemathesis has no way to write NDJSON bodies (the batch is
            // tested in `contact_events.rs`).
            .args(["--exclude-operation-id", "revokeToken"])
            .args(["--exclude-operation-id", "recordEventBatch"])
            .args(["--max-examples", "25"])
            // Not the coverage phase: on Python 3.11 it can crash inside
            // Hypothesis (`SystemError: AST constructor recursion depth
            // mismatch`) before it calls the server.
            .args(["--phases", "examples,fuzzing"])
            .args(["--workers", "2"])
            .args(["--seed", "1"])
            .args(["--request-timeout", "30"])
            .current_dir(dir.path()));
        assert!(passed, "as {user}:\n{output}");
        // Its closing summary, for whoever reads the test's output.
        let summary = output.lines().skip_while(|l| !l.contains("SUMMARY"));
        eprintln!("as {user}:\n{}", summary.collect::<Vec<_>>().join("\n"));
    }
}

crate::on_both_stores!(
    the_document_is_valid_openapi_3_1,
    generated_requests_get_the_answers_the_document_describes,
);
