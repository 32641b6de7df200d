//! The store itself refuses to change or remove audit rows: every UPDATE,
//! DELETE (and on PostgreSQL TRUNCATE) of entries, checkpoints or the head
//! fails with "append-only", whoever runs it, and so does an insert that
//! does not extend the chain.

use concordat_store::audit::{verify_chain, AuditLog, CheckpointSigner};
use concordat_store::{Backend, Store};
use rand::SeedableRng as _;

use crate::harness::{Cast, TestStore};

/// Runs `sql` in its own write transaction and returns the error message.
async fn refused(store: &Store, sql: &str) -> String {
    let mut tx = store.write().await.expect("begin");
    let err = sqlx::query(sql)
        .execute(&mut *tx)
        .await
        .expect_err(&format!("`{sql}` should be refused"));
    err.to_string()
}

async fn updates_deletes_and_out_of_line_inserts_of_audit_rows_are_refused(t: TestStore) {
    let signer = CheckpointSigner::generate();
    let log = AuditLog::start(t.store.clone(), signer.clone());
    let cast = Cast::new();
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    for minute in 0..3 {
        log.record(cast.random_entry(&mut rng, minute))
            .await
            .expect("record");
    }

    let mut statements = vec![
        "UPDATE audit_log SET reasons = '[]' WHERE seq = 2",
        "UPDATE audit_log SET seq = seq + 10",
        "DELETE FROM audit_log WHERE seq = 3",
        "DELETE FROM audit_log",
        "UPDATE audit_checkpoints SET hash = hash",
        "DELETE FROM audit_checkpoints",
        "DELETE FROM audit_head",
        "UPDATE audit_head SET seq = 0",
        // a gap, and a fork from entry 1
        "INSERT INTO audit_log (seq, occurred_at, action, categories, outcome, reasons, \
         policy_ids, break_glass, prev_hash, hash) SELECT 9, occurred_at, action, categories, \
         outcome, reasons, policy_ids, break_glass, hash, hash FROM audit_log WHERE seq = 3",
        "INSERT INTO audit_log (seq, occurred_at, action, categories, outcome, reasons, \
         policy_ids, break_glass, prev_hash, hash) SELECT 4, occurred_at, action, categories, \
         outcome, reasons, policy_ids, break_glass, hash, hash FROM audit_log WHERE seq = 1",
    ];
    match t.backend() {
        Backend::Postgres => statements.extend([
            "TRUNCATE audit_log",
            "TRUNCATE audit_checkpoints",
            "TRUNCATE audit_head",
        ]),
        // REPLACE deletes the old row without firing DELETE triggers.
        Backend::Sqlite => statements.extend([
            "INSERT OR REPLACE INTO audit_log SELECT * FROM audit_log WHERE seq = 2",
            "INSERT OR REPLACE INTO audit_checkpoints SELECT * FROM audit_checkpoints WHERE seq = 3",
            "INSERT OR REPLACE INTO audit_head (id, seq, hash) VALUES (1, 0, 'x')",
        ]),
    }
    for sql in statements {
        let message = refused(&t.store, sql).await;
        assert!(
            message.contains("audit entries are append-only"),
            "`{sql}` was refused for another reason: {message}"
        );
    }

    let mut conn = t.store.read().await.expect("connection");
    let report = verify_chain(&mut conn, &signer.verifying_key())
        .await
        .expect("verify");
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.entries_checked, 3);
}

async fn an_empty_log_verifies(t: TestStore) {
    let mut conn = t.store.read().await.expect("connection");
    let key = CheckpointSigner::generate().verifying_key();
    let report = verify_chain(&mut conn, &key).await.expect("verify");
    assert!(report.is_intact(), "{report:?}");
    assert_eq!((report.entries_checked, report.checkpoints_checked), (0, 0));
}

crate::on_both_stores!(
    updates_deletes_and_out_of_line_inserts_of_audit_rows_are_refused,
    an_empty_log_verifies,
);
