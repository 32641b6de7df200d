//! Agreements through the command line: drafting, signing and changing them,
//! and refusing bad terms.

use super::*;

// ------------------------------------------------------------ command line

fn concordat(app: &TestApp, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_concordat"))
        .args(args)
        .arg("--database")
        .arg(app.db_url.expose())
        .output()
        .expect("run concordat")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

async fn the_command_line_drafts_signs_and_changes_agreements(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("terms.json");
    std::fs::File::create(&file)
        .unwrap()
        .write_all(street_triage_terms().to_string().as_bytes())
        .unwrap();
    let file = file.to_str().unwrap();
    let before = stdout(&concordat(&app, &["agreement", "list"]));

    let created = concordat(
        &app,
        &["agreement", "create", "--file", file, "--by", "ig.lead"],
    );
    assert!(created.status.success(), "{}", stderr(&created));
    let said = stdout(&created);
    assert!(
        said.starts_with("Drafted “Street triage information sharing”"),
        "{said}"
    );
    assert!(said.contains("Still to sign: NMHT, NSPOL."), "{said}");
    let id = said
        .split(['(', ')'])
        .nth(1)
        .expect("the id in brackets")
        .to_owned();

    let officer = concordat(&app, &["agreement", "sign", &id, "--by", "police"]);
    assert!(!officer.status.success());
    assert!(
        stderr(&officer).contains("only an information governance lead"),
        "{}",
        stderr(&officer)
    );

    let first = concordat(&app, &["agreement", "sign", &id, "--by", "ig.lead"]);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stdout(&first).contains("Still to sign: NSPOL."),
        "{}",
        stdout(&first)
    );
    let last = concordat(&app, &["agreement", "sign", &id, "--by", "police.ig"]);
    assert!(stdout(&last).contains("it is active"), "{}", stdout(&last));

    let list = stdout(&concordat(&app, &["agreement", "list"]));
    let line = list.lines().find(|l| l.starts_with(&id)).expect("listed");
    assert!(
        line.contains("active") && line.contains("Street triage"),
        "{line}"
    );
    assert_eq!(list.lines().count(), before.lines().count() + 1);

    let suspend = concordat(&app, &["agreement", "suspend", &id, "--by", "police.ig"]);
    assert!(
        stdout(&suspend).contains("is now suspended"),
        "{}",
        stderr(&suspend)
    );
    let again = concordat(&app, &["agreement", "suspend", &id, "--by", "police.ig"]);
    assert!(!again.status.success());
    assert!(
        stderr(&again).contains("can be suspended only when it is active; it is suspended"),
        "{}",
        stderr(&again)
    );
    let resume = concordat(&app, &["agreement", "resume", &id, "--by", "ig.lead"]);
    assert!(
        stdout(&resume).contains("is now active"),
        "{}",
        stderr(&resume)
    );

    let show = stdout(&concordat(&app, &["agreement", "show", &id]));
    assert!(
        show.contains("Northshire Police — signed by police.ig (NSPOL)"),
        "{show}"
    );
    assert!(
        show.contains("police-officer: reads [crisis-plan, risk] records [contacts]"),
        "{show}"
    );
    for event in ["created", "signed", "suspended", "resumed"] {
        assert!(show.contains(event), "{event} in {show}");
    }
}

async fn the_command_line_refuses_bad_terms_and_writes_nothing(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("terms.json");
    let mut terms = street_triage_terms();
    terms["tier"] = json!("exchange");
    terms["parties"] = json!(["NMHT", "NOSUCH"]);
    std::fs::write(&file, terms.to_string()).unwrap();
    let file = file.to_str().unwrap();
    let before = stdout(&concordat(&app, &["agreement", "list"]));

    let refused = concordat(
        &app,
        &["agreement", "create", "--file", file, "--by", "ig.lead"],
    );
    assert!(!refused.status.success());
    let message = stderr(&refused);
    assert!(
        message.contains("parties[1]: there is no organisation with code `NOSUCH`"),
        "{message}"
    );

    std::fs::write(dir.path().join("broken.json"), "{\"title\": ").unwrap();
    let broken = concordat(
        &app,
        &[
            "agreement",
            "create",
            "--file",
            dir.path().join("broken.json").to_str().unwrap(),
            "--by",
            "ig.lead",
        ],
    );
    assert!(
        stderr(&broken).contains("is not a terms file"),
        "{}",
        stderr(&broken)
    );

    let nobody = concordat(
        &app,
        &["agreement", "create", "--file", file, "--by", "nobody"],
    );
    assert!(
        stderr(&nobody).contains("there is no user `nobody`"),
        "{}",
        stderr(&nobody)
    );

    let unknown = concordat(
        &app,
        &["agreement", "show", "0190b3a4-7c1e-7d2f-8a6b-1c2d3e4f5a6b"],
    );
    assert!(
        stderr(&unknown).contains("there is no agreement"),
        "{}",
        stderr(&unknown)
    );

    assert_eq!(stdout(&concordat(&app, &["agreement", "list"])), before);
}

crate::on_both_stores!(
    the_command_line_drafts_signs_and_changes_agreements,
    the_command_line_refuses_bad_terms_and_writes_nothing,
);
