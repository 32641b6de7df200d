//! Group commit: concurrent callers share transactions, yet every entry gets
//! its own place in one gap-free chain, is acknowledged only once committed,
//! and a batch that cannot be committed fails every caller in it.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Instant;

use concordat_store::audit::{verify_chain, AuditError, AuditLog, CheckpointSigner};
use concordat_store::backend::PoolSize;
use concordat_store::Store;
use futures::future::join_all;
use rand::SeedableRng as _;

use crate::harness::{Cast, TestStore};

const TASKS: usize = 64;
const PER_TASK: usize = 20;

async fn count(store: &Store, table: &str) -> i64 {
    let mut conn = store.read().await.expect("connection");
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&mut *conn)
        .await
        .expect("count");
    n
}

/// Records `tasks × per_task` entries from `tasks` concurrent tasks spread
/// over `logs` (one writer per node) and returns every seq handed back.
async fn record_concurrently(logs: &[AuditLog], tasks: usize, per_task: usize) -> Vec<u64> {
    let cast = Arc::new(Cast::new());
    let mut handles = Vec::new();
    for task in 0..tasks {
        let log = logs[task % logs.len()].clone();
        let cast = Arc::clone(&cast);
        handles.push(tokio::spawn(async move {
            let mut rng = rand::rngs::StdRng::seed_from_u64(task as u64);
            let mut seqs = Vec::with_capacity(per_task);
            for i in 0..per_task {
                let entry = cast.random_entry(&mut rng, i as i64);
                seqs.push(log.record(entry).await.expect("record"));
            }
            seqs
        }));
    }
    let mut all = Vec::new();
    for handle in handles {
        all.extend(handle.await.expect("task"));
    }
    all
}

fn assert_one_gap_free_chain(seqs: &[u64], total: usize) {
    let distinct: BTreeSet<u64> = seqs.iter().copied().collect();
    assert_eq!(distinct.len(), total, "every entry has its own seq");
    assert_eq!(distinct.first(), Some(&1));
    assert_eq!(distinct.last(), Some(&(total as u64)));
}

async fn concurrent_records_form_one_gap_free_chain_in_few_transactions(t: TestStore) {
    let signer = CheckpointSigner::generate();
    let log = AuditLog::start(t.store.clone(), signer.clone());
    let total = TASKS * PER_TASK;

    let started = Instant::now();
    let seqs = record_concurrently(&[log], TASKS, PER_TASK).await;
    let elapsed = started.elapsed();

    assert_one_gap_free_chain(&seqs, total);
    let entries = count(&t.store, "audit_log").await;
    let checkpoints = count(&t.store, "audit_checkpoints").await;
    assert_eq!(entries, total as i64);
    // One checkpoint per committed batch: fewer than entries means entries
    // shared transactions.
    assert!(
        checkpoints < entries / 4,
        "{checkpoints} transactions for {entries} entries: records were not batched"
    );
    println!(
        "group commit on {}: {total} entries from {TASKS} tasks in {checkpoints} transactions, \
         {:.0} entries/s",
        t.backend().name(),
        total as f64 / elapsed.as_secs_f64()
    );
    let mut conn = t.store.read().await.expect("connection");
    let report = verify_chain(&mut conn, &signer.verifying_key())
        .await
        .expect("verify");
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.entries_checked, total as u64);
    assert_eq!(report.checkpoints_checked, checkpoints as u64);
}

async fn an_acknowledged_entry_is_already_visible_to_other_connections(t: TestStore) {
    let log = AuditLog::start(t.store.clone(), CheckpointSigner::generate());
    let cast = Cast::new();
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    for minute in 0..5 {
        let seq = log
            .record(cast.random_entry(&mut rng, minute))
            .await
            .expect("record");
        // A fresh connection sees it: it committed before record returned.
        assert_eq!(count(&t.store, "audit_log").await, seq as i64);
    }
}

async fn a_batch_that_cannot_commit_fails_every_caller_and_keeps_nothing(t: TestStore) {
    let signer = CheckpointSigner::generate();
    let log = AuditLog::start(t.store.clone(), signer.clone());
    let cast = Cast::new();
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    log.record(cast.random_entry(&mut rng, 0))
        .await
        .expect("record");

    // Checkpoints cannot be written while their table is renamed away.
    let rename = |from: &str, to: &str| format!("ALTER TABLE {from} RENAME TO {to}");
    let mut tx = t.store.write().await.expect("begin");
    sqlx::query(&rename("audit_checkpoints", "audit_checkpoints_away"))
        .execute(&mut *tx)
        .await
        .expect("rename");
    tx.commit().await.expect("commit");

    let entries: Vec<_> = (0..20).map(|m| cast.random_entry(&mut rng, m)).collect();
    let failures = join_all(entries.into_iter().map(|e| log.record(e))).await;
    assert!(
        failures
            .iter()
            .all(|r| matches!(r, Err(AuditError::Write(_)))),
        "{failures:?}"
    );
    assert_eq!(
        count(&t.store, "audit_log").await,
        1,
        "nothing half-written"
    );

    let mut tx = t.store.write().await.expect("begin");
    sqlx::query(&rename("audit_checkpoints_away", "audit_checkpoints"))
        .execute(&mut *tx)
        .await
        .expect("rename back");
    tx.commit().await.expect("commit");
    let seq = log
        .record(cast.random_entry(&mut rng, 30))
        .await
        .expect("record after recovery");
    assert_eq!(seq, 2, "the failed batch left no gap");
    let mut conn = t.store.read().await.expect("connection");
    let report = verify_chain(&mut conn, &signer.verifying_key())
        .await
        .expect("verify");
    assert!(report.is_intact(), "{report:?}");
}

crate::on_both_stores!(
    concurrent_records_form_one_gap_free_chain_in_few_transactions,
    an_acknowledged_entry_is_already_visible_to_other_connections,
    a_batch_that_cannot_commit_fails_every_caller_and_keeps_nothing,
    two_writers_on_one_database_extend_one_chain,
);

/// Two writers on one database, each with its own pool, extend ONE chain:
/// two server nodes on PostgreSQL, whose head-row lock makes them take
/// turns; a server and a command run beside it on one SQLite file, where
/// each writer's remembered head goes stale whenever the other commits and
/// the chain's trigger sends the batch round again.
async fn two_writers_on_one_database_extend_one_chain(t: TestStore) {
    let second = Store::open(&t.url, PoolSize(8)).await.expect("second node");
    // Nodes of one deployment share the configured checkpoint key.
    let signer = CheckpointSigner::generate();
    let logs = [
        AuditLog::start(t.store.clone(), signer.clone()),
        AuditLog::start(second, signer.clone()),
    ];
    let seqs = record_concurrently(&logs, 32, 20).await;
    assert_one_gap_free_chain(&seqs, 640);
    let mut conn = t.store.read().await.expect("connection");
    let report = verify_chain(&mut conn, &signer.verifying_key())
        .await
        .expect("verify");
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.entries_checked, 640);
}
