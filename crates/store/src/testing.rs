//! Databases that exist for one test (feature `testing`, for the test
//! harnesses of this workspace only): a SQLite file in a temporary folder,
//! or a PostgreSQL database on the server `CONCORDAT_TEST_POSTGRES_URL`
//! names, dropped when the test ends, whether it passed or failed.
//!
//! A PostgreSQL test database is named for the run that made it:
//! `concordat_test_<checkout>_<started>_<pid>_<n>` — this checkout on this
//! host (a hash of both), when the test process started (Unix seconds), its
//! process id, and a counter. A process killed before its tests end (Ctrl-C,
//! a crash) leaves its databases behind; the next run of the same checkout
//! drops them before creating its first, unless the process that made them
//! is still running. Other checkouts' and other hosts' databases, and
//! databases named any other way, are never touched.
//!
//! Without `CONCORDAT_TEST_POSTGRES_URL` PostgreSQL is skipped with a note,
//! unless `CONCORDAT_TEST_REQUIRE_ALL=1` demands every store.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use sha2::{Digest, Sha256};
use sqlx::{Connection, PgConnection};

use crate::{Backend, DatabaseUrl};

/// What every test database's name starts with.
pub const PREFIX: &str = "concordat_test_";

/// A database that exists only for one test, gone when this is dropped.
#[derive(Debug)]
pub struct TestDatabase {
    url: DatabaseUrl,
    /// A SQLite database's folder, removed with it.
    _dir: Option<tempfile::TempDir>,
    /// A PostgreSQL database, dropped with it.
    postgres: Option<PostgresDatabase>,
}

#[derive(Debug)]
struct PostgresDatabase {
    /// The server's administrative database, to connect to when dropping.
    admin_url: String,
    name: String,
}

impl TestDatabase {
    /// A new, empty database on `backend`, or `None` (with a note) when
    /// that store is not available and the run does not demand it.
    pub async fn fresh(backend: impl Into<Backend>) -> Option<Self> {
        match backend.into() {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = DatabaseUrl::sqlite_file(&dir.path().join("concordat.db"));
                Some(Self {
                    url,
                    _dir: Some(dir),
                    postgres: None,
                })
            }
            Backend::Postgres => {
                let Ok(admin_url) = std::env::var("CONCORDAT_TEST_POSTGRES_URL") else {
                    assert!(
                        !require_all(),
                        "CONCORDAT_TEST_POSTGRES_URL is not set but CONCORDAT_TEST_REQUIRE_ALL=1"
                    );
                    eprintln!("skipped on PostgreSQL: CONCORDAT_TEST_POSTGRES_URL is not set");
                    return None;
                };
                sweep_once(&admin_url);
                let name = TestRun::current().database(next_number());
                let mut admin = PgConnection::connect(&admin_url)
                    .await
                    .expect("connect to the test PostgreSQL server");
                sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                    .execute(&mut admin)
                    .await
                    .expect("create a test database");
                let _ = admin.close().await;
                let mut url = url::Url::parse(&admin_url).expect("test PostgreSQL URL");
                url.set_path(&name);
                Some(Self {
                    url: DatabaseUrl::parse(url.as_str()).expect("database URL"),
                    _dir: None,
                    postgres: Some(PostgresDatabase { admin_url, name }),
                })
            }
        }
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// The PostgreSQL database's name; `None` on SQLite.
    pub fn postgres_name(&self) -> Option<&str> {
        self.postgres.as_ref().map(|p| p.name.as_str())
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(database) = self.postgres.take() else {
            return;
        };
        // Drop runs inside the test's runtime, or while a failed test
        // unwinds; the database is dropped from a thread and a runtime of
        // its own, which need nothing from the test's. A failure here is
        // reported, not raised: panicking while unwinding would abort the
        // whole run, and the next run drops what is left.
        let name = database.name.clone();
        let dropped = std::thread::spawn(move || {
            blocking(async {
                let mut admin = PgConnection::connect(&database.admin_url).await?;
                drop_database(&mut admin, &database.name).await
            })
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(error)) => eprintln!("could not drop test database `{name}`: {error}"),
            Err(_) => {
                eprintln!("could not drop test database `{name}`: the dropping thread panicked")
            }
        }
    }
}

fn require_all() -> bool {
    std::env::var("CONCORDAT_TEST_REQUIRE_ALL").is_ok_and(|v| v == "1")
}

fn next_number() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Runs `work` to completion on a runtime of its own.
fn blocking<T>(work: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime to drop test databases with")
        .block_on(work)
}

/// Drops `name`, ending its connections first (a test's pools may still
/// hold some). Tried a few times: a pool may reconnect in between.
async fn drop_database(admin: &mut PgConnection, name: &str) -> Result<(), sqlx::Error> {
    let mut attempt = 0;
    loop {
        let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        match sqlx::query(&sql).execute(&mut *admin).await {
            Ok(_) => return Ok(()),
            Err(error) if attempt < 4 => {
                attempt += 1;
                tracing::debug!(%error, name, attempt, "test database not dropped yet");
                tokio::time::sleep(Duration::from_millis(100 * attempt)).await;
            }
            Err(error) => return Err(error),
        }
    }
}

/// The run of the tests a database belongs to: this checkout on this host,
/// and the test process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TestRun {
    /// Eight hex digits of a hash of the host's name and this checkout's
    /// path.
    pub checkout: String,
    /// When the process made its first test database, in Unix seconds.
    pub started: u64,
    pub pid: u32,
}

impl TestRun {
    /// This process's run.
    pub fn current() -> &'static TestRun {
        static RUN: OnceLock<TestRun> = OnceLock::new();
        RUN.get_or_init(|| TestRun {
            checkout: checkout(),
            started: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            pid: std::process::id(),
        })
    }

    /// The name of this run's `n`th database.
    pub fn database(&self, n: u64) -> String {
        format!(
            "{PREFIX}{}_{}_{}_{n}",
            self.checkout, self.started, self.pid
        )
    }

    /// The run that named a database so, if it is a test database's name.
    pub fn of_database(name: &str) -> Option<TestRun> {
        let mut parts = name.strip_prefix(PREFIX)?.split('_');
        let checkout = parts.next()?;
        let started = parts.next()?.parse().ok()?;
        let pid = parts.next()?.parse().ok()?;
        let _n: u64 = parts.next()?.parse().ok()?;
        let well_formed = checkout.len() == 8
            && checkout.bytes().all(|b| b.is_ascii_hexdigit())
            && parts.next().is_none();
        well_formed.then(|| TestRun {
            checkout: checkout.to_owned(),
            started,
            pid,
        })
    }

    /// Whether this run's process has ended, as far as this host can tell:
    /// another run of this checkout whose process is gone. (A process id
    /// in use again by another program keeps its databases until that
    /// program ends: never dropping what may be in use matters more.)
    fn is_over(&self) -> bool {
        let me = TestRun::current();
        if self.checkout != me.checkout || self == me {
            return false;
        }
        if self.pid == me.pid {
            // The id is this process's now, so the one that had it ended.
            return true;
        }
        !process_exists(self.pid)
    }
}

#[cfg(unix)]
fn process_exists(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    match rustix::process::test_kill_process(pid) {
        Ok(()) => true,
        // It exists, but is another user's.
        Err(rustix::io::Errno::PERM) => true,
        Err(_) => false,
    }
}

/// Without a way to ask, every process might still be running.
#[cfg(not(unix))]
fn process_exists(_pid: u32) -> bool {
    true
}

fn checkout() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_default();
    let mut hash = Sha256::new();
    hash.update(host.trim().as_bytes());
    hash.update([0]);
    hash.update(env!("CARGO_MANIFEST_DIR").as_bytes());
    hex::encode(&hash.finalize()[..4])
}

/// Drops the test databases that runs of this checkout left behind and
/// whose processes have ended; returns their names.
pub async fn drop_leftovers(admin: &mut PgConnection) -> Result<Vec<String>, sqlx::Error> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT datname::text FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname",
    )
    .bind(PREFIX)
    .fetch_all(&mut *admin)
    .await?;
    let mut dropped = Vec::new();
    for name in names {
        if TestRun::of_database(&name).is_some_and(|run| run.is_over()) {
            drop_database(admin, &name).await?;
            dropped.push(name);
        }
    }
    Ok(dropped)
}

/// [`drop_leftovers`], once per process, before its first database.
fn sweep_once(admin_url: &str) {
    static SWEPT: OnceLock<()> = OnceLock::new();
    SWEPT.get_or_init(|| {
        let admin_url = admin_url.to_owned();
        let swept = std::thread::spawn(move || {
            blocking(async {
                let mut admin = PgConnection::connect(&admin_url).await?;
                drop_leftovers(&mut admin).await
            })
        })
        .join();
        match swept {
            Ok(Ok(dropped)) if dropped.is_empty() => {}
            Ok(Ok(dropped)) => eprintln!(
                "dropped {} test database(s) left by earlier runs of this checkout",
                dropped.len()
            ),
            Ok(Err(error)) => eprintln!("could not drop earlier runs' test databases: {error}"),
            Err(_) => eprintln!("could not drop earlier runs' test databases: the thread panicked"),
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_database_name_says_which_run_made_it() {
        let run = TestRun {
            checkout: "0a1b2c3d".into(),
            started: 1_772_000_000,
            pid: 4242,
        };
        let name = run.database(17);
        assert_eq!(name, "concordat_test_0a1b2c3d_1772000000_4242_17");
        assert!(name.len() <= 63, "PostgreSQL names are at most 63 bytes");
        assert_eq!(TestRun::of_database(&name), Some(run));
    }

    #[test]
    fn names_made_any_other_way_are_no_runs() {
        for name in [
            "concordat_test_6f1c0d2e9b8a4f3c8d7e6f5a4b3c2d1e",
            "concordat_store_test_6f1c0d2e9b8a4f3c8d7e6f5a4b3c2d1e",
            "concordat_test_0a1b2c3d_1772000000_4242",
            "concordat_test_0a1b2c3d_1772000000_4242_17_extra",
            "concordat_test_nothex!!_1772000000_4242_17",
            "concordat",
            "postgres",
        ] {
            assert_eq!(TestRun::of_database(name), None, "{name}");
        }
    }

    #[test]
    fn this_run_is_not_over_and_another_checkouts_never_is() {
        let me = TestRun::current();
        assert!(!me.is_over());
        let elsewhere = TestRun {
            checkout: "ffffffff".into(),
            started: 1,
            pid: u32::MAX,
        };
        assert!(!elsewhere.is_over());
    }
}
