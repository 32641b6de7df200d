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
//! A transaction may touch both files; SQLite commits each file's log on
//! its own, not as one. Every writer but one writes only the database.
//! The audit writer writes the audit log and, in the same transaction, the
//! relationships its entries' acts open (a crisis look-up's: see
//! `audit::writer`). A statement that fails rolls back both files; only a
//! crash of the process or the host, or a failed write to the disk, in the
//! middle of that COMMIT could keep the database's part (committed first)
//! and not the log's. The request then fails and shows nothing, and every
//! later access the relationship allows is audited in its own right.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

use sqlx::{AnyConnection, AnyPool, Executor as _};

/// Why an in-memory (or temporary) SQLite database cannot be a store.
pub const NEEDS_A_FILE: &str = "the SQLite store needs a database file, not an in-memory \
     database: the audit log is kept in a file beside it";

/// The schema name the audit log's file is attached under.
pub const AUDIT_SCHEMA: &str = "audit";

/// The audit log file's page size. Each entry adds a key to the index of
/// the people it names at a random place, so each commit writes one index
/// page per entry to the log and later into the file; smaller pages, fewer
/// bytes. Measured on a log of ~6 million entries, 2 KB pages against 4 KB:
/// 27.3–27.5 % of `/health/live` against 25.0–25.7 %, and the checkpoint
/// rounds' bursts shorter. 1 KB pages would hold one ~700-byte entry each.
pub const AUDIT_PAGE_SIZE: u32 = 2048;

/// How often the write-ahead logs are copied back into the database files.
/// Measured under a saturating load of record reads: every 500 ms, each
/// round's disk writes slowed the requests around it often enough to set
/// the 99th percentile at 21–23 ms; every 2 s (a log of at most two
/// seconds' writes, pages rewritten meanwhile copied once) at 11–14 ms.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(2);

/// Sets up a new connection: attaches the audit log's file, then the
/// settings every connection shares.
pub(crate) async fn prepare(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    let main: String =
        sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
            .fetch_one(&mut *conn)
            .await?;
    let audit = audit_file(&main).ok_or_else(|| sqlx::Error::Configuration(NEEDS_A_FILE.into()))?;
    sqlx::query(&format!("ATTACH DATABASE $1 AS {AUDIT_SCHEMA}"))
        .bind(audit)
        .execute(&mut *conn)
        .await?;
    // Takes effect only when the file is new, before WAL mode first writes
    // its header; an existing file keeps the page size it was made with.
    conn.execute(format!("PRAGMA {AUDIT_SCHEMA}.page_size = {AUDIT_PAGE_SIZE}").as_str())
        .await?;
    // WAL lets readers proceed while one writer commits; NORMAL sync is
    // durable across application crashes and loses at most the last
    // commits on power loss. No connection copies a log back into its
    // database as it commits: `checkpoint_wal` does, beside the writers.
    // `journal_mode` and `mmap_size` without a schema apply to every
    // attached file; `synchronous` must be set for each. Statement journals
    // (the undo of one statement inside a transaction: every page an audit
    // batch's INSERT touches) stay in memory rather than in a file written
    // through the kernel.
    conn.execute(
        "PRAGMA journal_mode = WAL; \
         PRAGMA main.synchronous = NORMAL; PRAGMA audit.synchronous = NORMAL; \
         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
         PRAGMA wal_autocheckpoint = 0; PRAGMA mmap_size = 1073741824; \
         PRAGMA temp_store = MEMORY;",
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
/// writer, with every request of its batch waiting.
///
/// A log starts again from its beginning only when a writer begins after a
/// checkpoint copied all of it. Under a steady stream of audit commits a
/// checkpoint running beside them never catches up, and the log grows by
/// every page written (about 100 MB a second under load), each write into
/// fresh file space. So each round copies beside the writers, flushes the
/// files to disk, and only then holds the writers' turn to copy what they
/// added meanwhile: a short pause, after which the next commit starts the
/// log again. Without a schema the pragma checkpoints every attached file.
pub(crate) async fn checkpoint_wal(pool: AnyPool, writer: Arc<Semaphore>) {
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
        let round = async {
            checkpoint(&mut conn).await?;
            flush(folders(&mut conn).await?).await;
            let _turn = writer.acquire().await;
            checkpoint(&mut conn).await
        };
        if let Err(error) = round.await {
            tracing::warn!(%error, "the write-ahead log could not be checkpointed");
        }
    }
}

async fn checkpoint(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
        .execute(conn)
        .await
        .map(|_| ())
}

/// The folder of every attached database file.
async fn folders(conn: &mut AnyConnection) -> Result<Vec<std::path::PathBuf>, sqlx::Error> {
    let files: Vec<String> =
        sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE file <> ''")
            .fetch_all(conn)
            .await?;
    let mut folders: Vec<std::path::PathBuf> = files
        .iter()
        .filter_map(|f| std::path::Path::new(f).parent().map(ToOwned::to_owned))
        .collect();
    folders.sort();
    folders.dedup();
    Ok(folders)
}

/// Writes what the kernel holds for the filesystems of `folders` to disk
/// (the logs' new pages and the pages the first checkpoint copied), so that
/// the checkpoint made while the writers wait has only the last moment's
/// pages to sync.
///
/// INVARIANT: no database file is opened here. Closing any descriptor of a
/// file drops every POSIX lock this process holds on it, SQLite's included;
/// a folder is a different file.
async fn flush(folders: Vec<std::path::PathBuf>) {
    let _ = tokio::task::spawn_blocking(move || {
        for folder in folders {
            if let Ok(handle) = std::fs::File::open(&folder) {
                if let Err(error) = rustix::fs::syncfs(&handle) {
                    tracing::debug!(%error, folder = %folder.display(), "could not flush");
                }
            }
        }
    })
    .await;
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
