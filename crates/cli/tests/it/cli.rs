//! The `concordat` command: administration refuses bad input with a clear
//! message and writes nothing; what it does write takes effect on the server.
//!
//! Longer than most test files: one short check per subcommand's bad input, all
//! sharing the command runner at the top.

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use crate::harness::{TestApp, DEMO_PASSWORD};

/// Runs `concordat ARGS --database URL` with `stdin` as standard input.
pub(crate) fn concordat(app: &TestApp, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_concordat"))
        .args(args)
        .arg("--database")
        .arg(app.db_url.expose())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run concordat");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("concordat finished")
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

async fn an_unknown_organisation_kind_is_refused_and_nothing_is_written(app: TestApp) {
    let before = stdout(&concordat(&app, &["org", "list"], ""));
    let out = concordat(
        &app,
        &[
            "org", "add", "--code", "NEWORG", "--name", "New Org", "--kind", "hospital",
        ],
        "",
    );
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(message.contains("`hospital` is not"), "{message}");
    assert!(
        message.contains("nhs-trust") && message.contains("charity"),
        "{message}"
    );
    assert_eq!(stdout(&concordat(&app, &["org", "list"], "")), before);
}

async fn an_organisation_is_added_and_listed(app: TestApp) {
    let out = concordat(
        &app,
        &[
            "org",
            "add",
            "--code",
            "nshouse",
            "--name",
            "Northshire Housing",
            "--kind",
            "local-authority",
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let list = stdout(&concordat(&app, &["org", "list"], ""));
    assert!(
        list.contains("NSHOUSE") && list.contains("Northshire Housing"),
        "{list}"
    );
    let again = concordat(
        &app,
        &[
            "org", "add", "--code", "NSHOUSE", "--name", "Other", "--kind", "charity",
        ],
        "",
    );
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
}

async fn a_duplicate_username_is_refused(app: TestApp) {
    let out = concordat(
        &app,
        &[
            "user",
            "add",
            "--username",
            "gp",
            "--name",
            "Another GP",
            "--org",
            "GPMKT",
            "--role",
            "gp",
        ],
        "a long enough password\n",
    );
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("username `gp` already exists"),
        "{}",
        stderr(&out)
    );
}

async fn a_malformed_nhs_number_is_refused_before_anything_is_written(app: TestApp) {
    for bad in ["12345", "9990000019", "99900000AB"] {
        let out = concordat(
            &app,
            &[
                "user",
                "add",
                "--username",
                "new.person",
                "--name",
                "New Person",
                "--org",
                "NMHT",
                "--role",
                "person",
                "--nhs-number",
                bad,
            ],
            "a long enough password\n",
        );
        assert!(!out.status.success(), "{bad}");
        let message = stderr(&out);
        assert!(message.contains(&format!("`{bad}`")), "{message}");
        assert!(message.contains("NHS number"), "{message}");
    }
    let list = stdout(&concordat(&app, &["user", "list"], ""));
    assert!(!list.contains("new.person"));
}

async fn a_weak_password_or_unknown_role_is_refused(app: TestApp) {
    let weak = concordat(
        &app,
        &[
            "user",
            "add",
            "--username",
            "sam.new",
            "--name",
            "Sam New",
            "--org",
            "NMHT",
            "--role",
            "gp",
        ],
        "short\n",
    );
    assert!(!weak.status.success());
    assert!(stderr(&weak).contains("12"), "{}", stderr(&weak));
    let role = concordat(
        &app,
        &[
            "user",
            "add",
            "--username",
            "sam.new",
            "--name",
            "Sam New",
            "--org",
            "NMHT",
            "--role",
            "doctor",
        ],
        "a long enough password\n",
    );
    assert!(!role.status.success());
    assert!(stderr(&role).contains("`doctor`"), "{}", stderr(&role));
}

async fn a_user_added_on_the_command_line_can_sign_in_until_disabled(app: TestApp) {
    let out = concordat(
        &app,
        &[
            "user",
            "add",
            "--username",
            "k.new",
            "--name",
            "Kim New",
            "--org",
            "NSPOL",
            "--role",
            "police-officer",
            "--team",
            "street triage",
        ],
        "correct horse battery staple\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let response = app
        .request_token("k.new", "correct horse battery staple", "ETREAT")
        .await;
    assert_eq!(response.status(), 200);
    let token = response.json::<serde_json::Value>().await.unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let me: serde_json::Value = app
        .get_with_token("/api/v1/me", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["team"], "Street Triage");

    let disable = concordat(&app, &["user", "disable", "k.new"], "");
    assert!(disable.status.success(), "{}", stderr(&disable));
    assert_eq!(app.get_with_token("/api/v1/me", &token).await.status(), 401);
    let list = stdout(&concordat(&app, &["user", "list", "--org", "NSPOL"], ""));
    assert!(
        list.lines()
            .any(|l| l.starts_with("k.new") && l.ends_with("disabled")),
        "{list}"
    );
    assert!(
        !list.contains("crisis.nurse"),
        "filtered to one organisation"
    );
}

async fn the_person_account_needs_an_nhs_number_of_a_known_person(app: TestApp) {
    let out = concordat(
        &app,
        &[
            "user",
            "add",
            "--username",
            "chloe",
            "--name",
            "Chloe Bennett",
            "--org",
            "NMHT",
            "--role",
            "person",
            "--nhs-number",
            "999 000 0026",
        ],
        "a long enough password\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let unknown = concordat(
        &app,
        &[
            "user",
            "add",
            "--username",
            "nobody.new",
            "--name",
            "No Body",
            "--org",
            "NMHT",
            "--role",
            "person",
            "--nhs-number",
            "9990001111",
        ],
        "a long enough password\n",
    );
    assert!(!unknown.status.success());
    assert!(stderr(&unknown).contains("no person has NHS number `999 000 1111`"));
    assert_eq!(
        app.request_token("chloe", "a long enough password", "PATRQT")
            .await
            .status(),
        200
    );
    assert_eq!(
        app.request_token("gp", DEMO_PASSWORD, "TREAT")
            .await
            .status(),
        200
    );
}

async fn a_source_system_is_registered_for_what_its_organisation_reports_and_signs_in_with_its_secret(
    app: TestApp,
) {
    let gp_reporting_attendances = concordat(
        &app,
        &[
            "source",
            "add",
            "--org",
            "GPRIV",
            "--system",
            "riverside-emis",
            "--name",
            "Riverside clinical system",
            "--kinds",
            "ed-attendance",
        ],
        "",
    );
    assert!(!gp_reporting_attendances.status.success());
    assert!(
        stderr(&gp_reporting_attendances)
            .contains("GP practice cannot truthfully report ed-attendance"),
        "{}",
        stderr(&gp_reporting_attendances)
    );
    let as_a_user = concordat(
        &app,
        &[
            "user",
            "add",
            "--username",
            "sneaky",
            "--name",
            "Sneaky",
            "--org",
            "GPRIV",
            "--role",
            "source-system",
        ],
        "a-long-enough-password-1\n",
    );
    assert!(!as_a_user.status.success());
    assert!(stderr(&as_a_user).contains("concordat source add"));

    let out = concordat(
        &app,
        &[
            "source",
            "add",
            "--org",
            "NSAMB",
            "--system",
            "amb-epr",
            "--name",
            "Ambulance patient record",
            "--kinds",
            "call-999,conveyance-to-ed",
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = stdout(&out);
    assert!(
        printed.contains("reporting conveyance-to-ed, call-999"),
        "{printed}"
    );
    let secret = printed
        .lines()
        .find_map(|l| l.strip_prefix("Its secret, shown only now: "))
        .expect("the secret is printed once")
        .to_owned();
    let token = app.request_token("amb-epr", &secret, "TREAT").await;
    assert_eq!(token.status(), 200);
    assert_eq!(
        app.request_token("amb-epr", DEMO_PASSWORD, "TREAT")
            .await
            .status(),
        401
    );
}

crate::on_both_stores!(
    a_source_system_is_registered_for_what_its_organisation_reports_and_signs_in_with_its_secret,
    an_unknown_organisation_kind_is_refused_and_nothing_is_written,
    an_organisation_is_added_and_listed,
    a_duplicate_username_is_refused,
    a_malformed_nhs_number_is_refused_before_anything_is_written,
    a_weak_password_or_unknown_role_is_refused,
    a_user_added_on_the_command_line_can_sign_in_until_disabled,
    the_person_account_needs_an_nhs_number_of_a_known_person,
);

#[test]
fn the_demo_refuses_to_serve_beyond_this_machine() {
    let out = Command::new(env!("CARGO_BIN_EXE_concordat"))
        .args(["demo", "--addr", "0.0.0.0:8080", "--data"])
        .arg(std::env::temp_dir().join("concordat-demo-refused"))
        .output()
        .expect("run concordat demo");
    assert!(!out.status.success());
    assert!(stderr(&out).contains("loopback"), "{}", stderr(&out));
}

/// The demo takes the access settings `serve` does, and refuses the same
/// bad ones before it creates anything.
#[test]
fn the_demo_takes_the_access_settings_of_serve() {
    let help = Command::new(env!("CARGO_BIN_EXE_concordat"))
        .args(["demo", "--help"])
        .output()
        .expect("run concordat demo --help");
    for flag in [
        "--session-idle-minutes",
        "--session-max-hours",
        "--token-minutes",
        "--break-glass-minutes",
        "--crisis-lookup-minutes",
    ] {
        assert!(stdout(&help).contains(flag), "{flag}: {}", stdout(&help));
    }
    let data = tempfile::tempdir().unwrap().path().join("demo");
    let out = Command::new(env!("CARGO_BIN_EXE_concordat"))
        .args(["demo", "--no-serve", "--break-glass-minutes", "0", "--data"])
        .arg(&data)
        .env_remove("CONCORDAT_BREAK_GLASS_MINUTES")
        .output()
        .expect("run concordat demo");
    assert!(!out.status.success());
    assert!(
        stderr(&out)
            .contains("`--break-glass-minutes` and `--crisis-lookup-minutes` must be positive"),
        "{}",
        stderr(&out)
    );
    assert!(!data.exists(), "nothing is created");
}

#[test]
fn migrate_brings_a_fresh_sqlite_database_up_to_date() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("fresh.db").display());
    for _ in 0..2 {
        let out = Command::new(env!("CARGO_BIN_EXE_concordat"))
            .args(["migrate", "--database", &url])
            .output()
            .expect("run concordat migrate");
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).contains("up to date"));
    }
}

#[test]
fn a_database_address_of_the_wrong_kind_is_named_in_the_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_concordat"))
        .args(["migrate", "--database", "mysql://u:secret@h/db"])
        .output()
        .expect("run concordat migrate");
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(
        message.contains("expected sqlite://PATH or postgres://"),
        "{message}"
    );
    assert!(
        !message.contains("secret"),
        "passwords never printed: {message}"
    );
}

#[test]
fn a_webhook_network_written_wrongly_is_named_and_nothing_serves() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("unserved.db").display());
    let out = Command::new(env!("CARGO_BIN_EXE_concordat"))
        .args(["serve", "--database", &url, "--addr", "127.0.0.1:0"])
        .args(["--webhook-allow-networks", "10.20.0.0/16,10.30.1.0/16"])
        .output()
        .expect("run concordat serve");
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(message.contains("--webhook-allow-networks"), "{message}");
    assert!(message.contains("`10.30.0.0/16`"), "{message}");
}

#[test]
fn frequent_contact_thresholds_out_of_order_refuse_to_start() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("unserved.db").display());
    let out = Command::new(env!("CARGO_BIN_EXE_concordat"))
        .args(["serve", "--database", &url, "--addr", "127.0.0.1:0"])
        .args([
            "--frequent-contact-month",
            "6",
            "--frequent-contact-year",
            "5",
        ])
        .output()
        .expect("run concordat serve");
    assert!(!out.status.success());
    let message = stderr(&out);
    assert!(message.contains("--frequent-contact-year"), "{message}");
    assert!(
        message.contains("must be at least the monthly one"),
        "{message}"
    );
}
