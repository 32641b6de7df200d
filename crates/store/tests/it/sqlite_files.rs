//! SQLite's files: the audit log in a file of its own beside the database,
//! and no store without a file to put it in. (PostgreSQL keeps one
//! database; there is nothing to compare.)

use concordat_store::audit::{AuditLog, CheckpointSigner};
use concordat_store::backend::PoolSize;
use concordat_store::{sqlite, DatabaseUrl, Store};
use rand::SeedableRng as _;

use crate::harness::Cast;

async fn tables_named(store: &Store, schema: &str, table: &str) -> i64 {
    let mut conn = store.read().await.expect("connection");
    sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM {schema}.sqlite_master WHERE type = 'table' AND name = $1"
    ))
    .bind(table.to_owned())
    .fetch_one(&mut *conn)
    .await
    .expect("count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_is_written_to_its_own_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = DatabaseUrl::sqlite_file(&dir.path().join("concordat.db"));
    let store = Store::open(&url, PoolSize(4)).await.expect("store");
    let log = AuditLog::start(store.clone(), CheckpointSigner::generate());
    let entry = Cast::new().random_entry(&mut rand::rngs::StdRng::seed_from_u64(1), 0);
    log.record(entry).await.expect("record");

    for table in ["audit_log", "audit_checkpoints", "audit_head"] {
        assert_eq!(tables_named(&store, "main", table).await, 0, "{table}");
        assert_eq!(tables_named(&store, "audit", table).await, 1, "{table}");
    }
    assert!(dir.path().join("concordat-audit.db").exists());

    let mut conn = store.read().await.expect("connection");
    let page_size = |schema: &str| format!("PRAGMA {schema}.page_size");
    let audit: i64 = sqlx::query_scalar(&page_size("audit"))
        .fetch_one(&mut *conn)
        .await
        .expect("page size");
    let main: i64 = sqlx::query_scalar(&page_size("main"))
        .fetch_one(&mut *conn)
        .await
        .expect("page size");
    assert_eq!(audit, i64::from(sqlite::AUDIT_PAGE_SIZE));
    assert_eq!(main, 4096, "the database keeps SQLite's default");
}

#[test]
fn an_in_memory_database_is_refused_for_want_of_a_file() {
    let refused = DatabaseUrl::parse("sqlite::memory:").expect_err("no file for the audit log");
    assert!(
        refused.to_string().contains("needs a database file"),
        "{refused}"
    );
}
