//! Checks of the document by software Concordat did not write: the
//! `openapi-spec-validator` package validates it as OpenAPI 3.1, and
//! Schemathesis calls every operation with requests generated from it,
//! with a real token, and checks each answer against it. Both are Python
//! packages that `scripts/test` installs into a virtual environment in the
//! folder named by `CONCORDAT_TEST_OPENAPI_TOOLS`; without it these tests
//! skip with a note, unless `CONCORDAT_TEST_REQUIRE_ALL=1`, when they fail.

use std::path::PathBuf;
use std::process::Command;

use super::{document, DOCUMENT};
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
    let out = command.output().unwrap_or_else(|e| panic!("{command:?}: {e}"));
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

/// Schemathesis, a few generated requests per operation: no answer may be
/// a server error, nor differ from what the document says (status, media
/// type, headers, body schema).
async fn generated_requests_get_the_answers_the_document_describes(app: TestApp) {
    let Some(bin) = tools() else { return };
    let token = app.token_for("crisis.nurse", "TREAT").await;
    let report = tempfile::tempdir().unwrap();
    let (passed, output) = run(Command::new(bin.join("schemathesis"))
        .arg("run")
        .arg(app.url(DOCUMENT))
        .args(["--url", &app.base])
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args(["--checks", "all"])
        // Checks that do not hold for this API by design, each for a reason:
        // - ignored_auth sends requests without the token and expects a
        //   refusal; it would also revoke the very token the run uses
        //   (`POST /auth/revoke` with it works as documented), so the
        //   bearer checks are made by `routes.rs` instead.
        .args(["--exclude-checks", "ignored_auth"])
        // Revoking the token would end the run's authority half-way.
        .args(["--exclude-operation-id", "revokeToken"])
        .args(["--max-examples", "5"])
        .args(["--phases", "examples,fuzzing"])
        .args(["--workers", "2"])
        .args(["--seed", "1"])
        .args(["--request-timeout", "30"])
        .current_dir(report.path()));
    assert!(passed, "{output}");
}

crate::on_both_stores!(
    the_document_is_valid_openapi_3_1,
    generated_requests_get_the_answers_the_document_describes,
);
