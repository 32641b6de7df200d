//! How every SQLite connection is set up, and the work SQLite leaves to
//! its host: copying the write-ahead logs back into the database files.
//!
//! The audit log lives in a file of its own beside the database
//! (`concordat.db` → `concordat-audit.db`), attached to every connection
//! as the schema `audit`, so its tables are named as on PostgreSQL. Every
//! record read appends to the audit log; in the same file, each of those
//! commits would empty the page cache of every connection reading people,
//! tokens and agreements (SQLite drops a connection's whole cache when the
//! file changed under it), and every read would start cold. In a file of
//! its own, the audit log's commits leave the other readers' caches alone.
//!
//! A transaction may touch both files (SQLite commits each file's log on
//! its own, not as one); nothing does: the audit writer writes only the
//! audit log, and every other writer only the database.

use std::time::Duration;

use sqlx::{AnyConnection, AnyPool, Executor as _};

/// The schema name the audit log's file is attached under.
pub const AUDIT_SCHEMA: &str = "audit";

/// How often the write-ahead logs are copied back into the database files.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(500);

/// Sets up a new connection: attaches the audit log's file, then the
/// settings every connection shares.
pub(crate) async fn prepare(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    let main: String =
        sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
            .fetch_one(&mut *conn)
            .await?;
    let audit = audit_file(&main).ok_or_else(|| {
        sqlx::Error::Configuration(
            "the SQLite store needs a database file (not an in-memory database): \
             the audit log is kept in a file beside it"
                .into(),
        )
    })?;
    sqlx::query(&format!("ATTACH DATABASE $1 AS {AUDIT_SCHEMA}"))
        .bind(audit)
        .execute(&mut *conn)
        .await?;
    // WAL lets readers proceed while one writer commits; NORMAL sync is
    // durable across application crashes and loses at most the last
    // commits on power loss. No connection copies a log back into its
    // database as it commits: `checkpoint_wal` does, beside the writers.
    // `journal_mode` and `mmap_size` without a schema apply to every
    // attached file; `synchronous` must be set for each.
    conn.execute(
        "PRAGMA journal_mode = WAL; \
         PRAGMA main.synchronous = NORMAL; PRAGMA audit.synchronous = NORMAL; \
         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
         PRAGMA wal_autocheckpoint = 0; PRAGMA mmap_size = 1073741824;",
    )
    .await?;
    Ok(())
}

/// The audit log's file for the database file `main`: `-audit` before the
/// extension. `None` for an in-memory or temporary database (no file).
fn audit_file(main: &str) -> Option<String> {
    if main.is_empty() {
        return None;
    }
    let path = std::path::Path::new(main);
    let stem = path.file_stem()?.to_string_lossy();
    let name = match path.extension() {
        Some(extension) => format!("{stem}-audit.{}", extension.to_string_lossy()),
        None => format!("{stem}-audit"),
    };
    Some(path.with_file_name(name).to_string_lossy().into_owned())
}

/// Copies the write-ahead logs back into the database files until the pool
/// closes. Left to SQLite, the connection that happened to commit would do
/// it (with an fsync) before its commit returned — usually the audit
/// writer, with every request of its batch waiting. PASSIVE waits for no
/// reader or writer: writers append to the logs meanwhile. Without a schema
/// the pragma checkpoints every attached file.
pub(crate) async fn checkpoint_wal(pool: AnyPool) {
    let mut ticks = tokio::time::interval(CHECKPOINT_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = pool.close_event() => return,
            _ = ticks.tick() => {}
        }
        let Ok(mut conn) = pool.acquire().await else {
            return;
        };
        if let Err(error) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&mut *conn)
            .await
        {
            tracing::warn!(%error, "the write-ahead log could not be checkpointed");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::audit_file;

    #[test]
    fn the_audit_file_sits_beside_the_database() {
        assert_eq!(
            audit_file("/data/concordat.db").as_deref(),
            Some("/data/concordat-audit.db")
        );
        assert_eq!(
            audit_file("/data/partnership").as_deref(),
            Some("/data/partnership-audit")
        );
        assert_eq!(
            audit_file("/data/v1.2/store.sqlite3").as_deref(),
            Some("/data/v1.2/store-audit.sqlite3")
        );
        assert_eq!(audit_file(""), None);
    }
}
