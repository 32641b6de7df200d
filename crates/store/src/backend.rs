//! The two stores and everything that differs between them: how to connect,
//! the SQLite settings, which migrations to run, and how writers take turns.
//!
//! SQLite allows one writer at a time. Rather than let concurrent writers
//! collide and retry on `SQLITE_BUSY`, writers queue here for a single permit;
//! PostgreSQL writers run concurrently and rely on row locks.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Transaction};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::StoreError;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// Where the data lives: `sqlite://PATH` or `postgres://…`.
///
/// INVARIANT: `Display` and `Debug` never show a password, so the address can
/// be logged.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    raw: String,
    backend: Backend,
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, StoreError> {
        let raw = raw.trim();
        let backend = if raw.starts_with("sqlite:") {
            Backend::Sqlite
        } else if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            return Err(StoreError::Url(format!(
                "`{}` is not a database address; expected sqlite://PATH or postgres://…",
                redact(raw)
            )));
        };
        if backend == Backend::Postgres {
            url::Url::parse(raw).map_err(|e| StoreError::Url(format!("`{}`: {e}", redact(raw))))?;
        }
        if backend == Backend::Sqlite && (raw.contains(":memory:") || raw.contains("mode=memory")) {
            return Err(StoreError::Url(format!(
                "`{raw}`: {}",
                crate::sqlite::NEEDS_A_FILE
            )));
        }
        Ok(Self {
            raw: raw.to_owned(),
            backend,
        })
    }

    /// A SQLite database file at `path`, created if absent.
    pub fn sqlite_file(path: &std::path::Path) -> Self {
        Self {
            raw: format!("sqlite://{}", path.display()),
            backend: Backend::Sqlite,
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The full address, password included: pass it to a driver, never to a log.
    pub fn expose(&self) -> &str {
        &self.raw
    }
}

impl FromStr for DatabaseUrl {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(&self.raw))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", redact(&self.raw))
    }
}

fn redact(raw: &str) -> String {
    match url::Url::parse(raw) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => raw.to_owned(),
    }
}

/// Which store a connection is to.
pub(crate) fn backend_of(conn: &sqlx::AnyConnection) -> Backend {
    if conn.backend_name().eq_ignore_ascii_case("postgresql") {
        Backend::Postgres
    } else {
        Backend::Sqlite
    }
}

/// The clause that locks the rows a `SELECT` reads until the transaction
/// ends: `FOR UPDATE` on PostgreSQL; nothing on SQLite, whose single writer
/// (see [`Store::write`]) already serialises read-modify-write steps.
pub(crate) fn lock_rows(conn: &sqlx::AnyConnection) -> &'static str {
    match backend_of(conn) {
        Backend::Postgres => " FOR UPDATE",
        Backend::Sqlite => "",
    }
}

/// [`lock_rows`], skipping rows another transaction holds instead of
/// waiting for them: for claiming work that any node may take.
pub(crate) fn lock_rows_skipping_held(conn: &sqlx::AnyConnection) -> &'static str {
    match backend_of(conn) {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    }
}

/// IMMEDIATE takes the write lock at BEGIN, so a transaction that reads
/// before it writes waits (busy_timeout) for a connection still finishing a
/// rollback, rather than failing at its first write with SQLITE_BUSY.
const SQLITE_BEGIN: &str = "BEGIN IMMEDIATE";

/// The `n`th (from 1) parameter of a statement with many of them. SQLite
/// looks a numbered parameter's name up in a list, so binding hundreds of
/// `$n` costs time that grows with their square; anonymous `?`s, bound in
/// order, cost nothing. PostgreSQL knows only `$n`.
pub(crate) fn bulk_parameter(backend: Backend, n: usize) -> String {
    match backend {
        Backend::Sqlite => "?".to_owned(),
        Backend::Postgres => format!("${n}"),
    }
}

/// A handle on the database, cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// One permit on SQLite (a single writer at a time); none on PostgreSQL.
    writer: Option<Arc<Semaphore>>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish()
    }
}

/// A write transaction. On SQLite it also holds the writer permit, released
/// when the transaction is committed or dropped (rolled back). `'c` is
/// `'static` for a connection from the pool, else the caller's connection.
pub struct WriteTx<'c> {
    tx: Transaction<'c, Any>,
    _permit: Option<OwnedSemaphorePermit>,
}

impl fmt::Debug for WriteTx<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WriteTx")
    }
}

impl WriteTx<'_> {
    pub async fn commit(self) -> Result<(), StoreError> {
        self.tx.commit().await?;
        Ok(())
    }
}

impl std::ops::Deref for WriteTx<'_> {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx<'_> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

/// Pool sizes: SQLite readers share one file, PostgreSQL serves many nodes.
#[derive(Debug, Clone, Copy)]
pub struct PoolSize(pub u32);

impl Default for PoolSize {
    fn default() -> Self {
        PoolSize(16)
    }
}

impl Store {
    /// Connects (creating a SQLite file if absent). Does not migrate.
    pub async fn connect(url: &DatabaseUrl, size: PoolSize) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = url.backend();
        let raw = match backend {
            Backend::Sqlite if !url.expose().contains('?') => format!("{}?mode=rwc", url.expose()),
            _ => url.expose().to_owned(),
        };
        let options = AnyConnectOptions::from_str(&raw)
            .map_err(|e| StoreError::Url(format!("`{url}`: {e}")))?;
        let pool = AnyPoolOptions::new()
            .max_connections(size.0.max(1))
            .acquire_timeout(Duration::from_secs(10))
            // A round trip to the connection's thread before every use
            // guards against a server that went away; a SQLite file does
            // not, and on a record read the pings cost as much as the reads.
            .test_before_acquire(backend == Backend::Postgres)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        crate::sqlite::prepare(conn).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let writer = (backend == Backend::Sqlite).then(|| Arc::new(Semaphore::new(1)));
        if let Some(writer) = &writer {
            tokio::spawn(crate::sqlite::checkpoint_wal(
                pool.clone(),
                Arc::clone(writer),
            ));
        }
        Ok(Self {
            pool,
            backend,
            writer,
        })
    }

    /// Connects and brings the schema up to date.
    pub async fn open(url: &DatabaseUrl, size: PoolSize) -> Result<Self, StoreError> {
        let store = Self::connect(url, size).await?;
        store.migrate().await?;
        Ok(store)
    }

    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        // Holding the writer permit keeps a migrating SQLite file to itself;
        // PostgreSQL nodes migrating together are serialised by sqlx's advisory lock.
        let _permit = self.writer_permit().await;
        migrator.run(&self.pool).await?;
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The most connections the pool opens.
    pub fn max_connections(&self) -> u32 {
        self.pool.options().get_max_connections()
    }

    /// A connection for reads (and for single-statement writes on PostgreSQL).
    pub async fn read(&self) -> Result<PoolConnection<Any>, StoreError> {
        Ok(self.pool.acquire().await?)
    }

    /// Begins a write transaction, waiting for the writer's turn on SQLite.
    pub async fn write(&self) -> Result<WriteTx<'static>, StoreError> {
        let permit = self.writer_permit().await;
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with(SQLITE_BEGIN).await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(WriteTx {
            tx,
            _permit: permit,
        })
    }

    /// Begins a write transaction on a connection the caller keeps, waiting
    /// for the writer's turn on SQLite as [`Store::write`] does.
    pub async fn write_on<'c>(
        &self,
        conn: &'c mut sqlx::AnyConnection,
    ) -> Result<WriteTx<'c>, StoreError> {
        use sqlx::Connection as _;
        let permit = self.writer_permit().await;
        let tx = match self.backend {
            Backend::Sqlite => conn.begin_with(SQLITE_BEGIN).await?,
            Backend::Postgres => conn.begin().await?,
        };
        Ok(WriteTx {
            tx,
            _permit: permit,
        })
    }

    pub(crate) async fn writer_permit(&self) -> Option<OwnedSemaphorePermit> {
        match &self.writer {
            // The semaphore is never closed, so acquiring cannot fail.
            Some(sem) => Arc::clone(sem).acquire_owned().await.ok(),
            None => None,
        }
    }

    /// Proves the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let mut conn = self.read().await?;
        sqlx::query("SELECT 1").execute(&mut *conn).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Completes once [`Store::close`] has been called: a task keeping a
    /// connection must then give it back, or closing waits for ever.
    pub async fn closing(&self) {
        self.pool.close_event().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_url_never_shows_the_password() {
        let url = DatabaseUrl::parse("postgres://app:s3cret@db.example:5432/concordat").unwrap();
        assert!(!url.to_string().contains("s3cret"));
        assert!(!format!("{url:?}").contains("s3cret"));
        assert!(url.expose().contains("s3cret"));
        assert_eq!(url.backend(), Backend::Postgres);
    }

    #[test]
    fn database_url_rejects_unknown_schemes() {
        let err = DatabaseUrl::parse("mysql://x@y/z").unwrap_err();
        assert!(err
            .to_string()
            .contains("expected sqlite://PATH or postgres://"));
    }

    #[test]
    fn database_url_accepts_sqlite_paths() {
        let url = DatabaseUrl::parse("sqlite://./data/concordat.db").unwrap();
        assert_eq!(url.backend(), Backend::Sqlite);
    }
}
