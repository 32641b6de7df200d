//! `concordat audit verify`: one line and exit 0 on an intact log; the
//! number of the first broken entry and exit 1 once a row has been changed
//! behind the store's back; exit 2, with why, when it cannot check at all.

use std::process::{Command, Output};

use chrono::{TimeZone, Utc};
use concordat_domain::category::DataCategory;
use concordat_domain::ids::PersonId;
use concordat_domain::purpose::Purpose;
use concordat_store::audit::{AuditAction, AuditEntry, AuditLog, CheckpointSigner, Outcome};

use crate::harness::{StoreKind, TestApp};

fn verify(app: &TestApp, key: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_concordat"))
        .args(["audit", "verify", "--database"])
        .arg(app.db_url.expose())
        .arg("--key")
        .arg(key)
        .env_remove("CONCORDAT_AUDIT_KEY")
        .output()
        .expect("run concordat")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn entry(minute: u32) -> AuditEntry {
    AuditEntry {
        occurred_at: Utc.with_ymd_and_hms(2026, 3, 3, 9, minute, 0).unwrap(),
        actor: None,
        purpose: Some(Purpose::DirectCare),
        person: Some(PersonId::new()),
        action: AuditAction::Read,
        categories: vec![DataCategory::CrisisPlan],
        outcome: Outcome::Allowed,
        reasons: vec!["a member of the person's care team".to_owned()],
        policy_ids: vec!["care-team-read".to_owned()],
        break_glass: false,
    }
}

async fn audit_verify_passes_an_intact_log_and_names_the_first_altered_entry(app: TestApp) {
    // A second writer beside the server's, as another node would be, with
    // the server's key; the server may have audited requests already.
    let key = app.audit_key.clone();
    let log = AuditLog::start(
        app.store.clone(),
        CheckpointSigner::load(&key).expect("the server's key"),
    );
    let mut last = 0;
    for minute in 0..6 {
        last = log.record(entry(minute)).await.expect("record");
    }

    let intact = verify(&app, &key);
    assert_eq!(intact.status.code(), Some(0), "{intact:?}");
    let line = stdout(&intact);
    assert!(
        line.starts_with(&format!("audit chain intact: {last} entries, ")),
        "{line}"
    );

    // A privileged attacker edits entry `last - 2` with the guard removed.
    let target = last - 2;
    let mut tx = app.store.write().await.expect("begin");
    let unguard = match app.kind {
        StoreKind::Sqlite => "DROP TRIGGER audit_log_no_update",
        StoreKind::Postgres => "ALTER TABLE audit_log DISABLE TRIGGER USER",
    };
    for sql in [
        unguard.to_owned(),
        format!("UPDATE audit_log SET reasons = '[\"nothing to see\"]' WHERE seq = {target}"),
    ] {
        sqlx::query(&sql).execute(&mut *tx).await.expect(&sql);
    }
    tx.commit().await.expect("commit");

    let broken = verify(&app, &key);
    assert_eq!(broken.status.code(), Some(1), "{broken:?}");
    let line = stdout(&broken);
    assert!(
        line.starts_with(&format!("audit chain broken at entry {target}: ")),
        "{line}"
    );
}

/// A check that cannot be made is not a broken chain: an unreadable key
/// or an unreachable database exits 2 and says which.
async fn audit_verify_that_cannot_check_exits_2_not_1(app: TestApp) {
    let missing = app.audit_key.with_file_name("no-such-key");
    let no_key = verify(&app, &missing);
    assert_eq!(no_key.status.code(), Some(2), "{no_key:?}");
    assert!(stdout(&no_key).is_empty(), "{no_key:?}");
    assert!(
        String::from_utf8_lossy(&no_key.stderr).starts_with("error: "),
        "{no_key:?}"
    );

    let unreachable = match app.kind {
        StoreKind::Sqlite => "sqlite:///nonexistent-folder/concordat.db?mode=ro".to_owned(),
        StoreKind::Postgres => "postgres://nobody@127.0.0.1:1/concordat".to_owned(),
    };
    let gone = Command::new(env!("CARGO_BIN_EXE_concordat"))
        .args(["audit", "verify", "--database", &unreachable, "--key"])
        .arg(&app.audit_key)
        .env_remove("CONCORDAT_AUDIT_KEY")
        .output()
        .expect("run concordat");
    assert_eq!(gone.status.code(), Some(2), "{gone:?}");
    assert!(
        String::from_utf8_lossy(&gone.stderr).contains("cannot open the database"),
        "{gone:?}"
    );
}

crate::on_both_stores!(
    audit_verify_passes_an_intact_log_and_names_the_first_altered_entry,
    audit_verify_that_cannot_check_exits_2_not_1,
);
