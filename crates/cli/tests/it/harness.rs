//! The test harness: a fresh database per test on either store (dropped
//! when the test ends, passed or failed: `concordat_store::testing`), the
//! demo partnership seeded into it, and the real server serving it on a
//! random port with a clock the test can move.

use std::future::Future;
use std::sync::{Arc, OnceLock};

use chrono::{TimeZone, Utc};
use concordat::demo::seed::{seed_partnership, SeedOptions};
use concordat_server::auth::password::PasswordHasher;
use concordat_server::{Application, ManualClock, ServerConfig};
use concordat_store::backend::PoolSize;
use concordat_store::{Backend, DatabaseUrl, Store};
use tokio::sync::oneshot;

/// A database that exists only for one test: `TestDb::fresh(kind)`.
pub use concordat_store::testing::TestDatabase as TestDb;

/// The password of every demo user.
pub const DEMO_PASSWORD: &str = "demo";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreKind {
    Sqlite,
    Postgres,
}

impl From<StoreKind> for Backend {
    fn from(kind: StoreKind) -> Self {
        match kind {
            StoreKind::Sqlite => Backend::Sqlite,
            StoreKind::Postgres => Backend::Postgres,
        }
    }
}

/// Runs `test` against a fresh app on `kind`, or skips (with a note) when that
/// store is not available — unless the run demands every store.
pub async fn run<F, Fut>(kind: StoreKind, test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    if let Some(app) = TestApp::spawn(kind).await {
        test(app).await;
    }
}

/// [`run`], with the server's settings adjusted first.
pub async fn run_with<F, Fut>(kind: StoreKind, adjust: impl FnOnce(&mut ServerConfig), test: F)
where
    F: FnOnce(TestApp) -> Fut,
    Fut: Future<Output = ()>,
{
    if let Some(app) = TestApp::spawn_with(kind, adjust).await {
        test(app).await;
    }
}

/// Declares each listed `async fn(TestApp)` as two tests, `sqlite::NAME` and
/// `postgres::NAME`; with `GROUP with ADJUST:` they sit in `GROUP::sqlite` and
/// `GROUP::postgres` and run on a server whose settings `ADJUST` changed.
#[macro_export]
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::harness::run($crate::harness::StoreKind::Sqlite, super::$name).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::harness::run($crate::harness::StoreKind::Postgres, super::$name).await;
                }
            )*
        }
    };
    ($group:ident with $adjust:ident: $($name:ident),* $(,)?) => {
        mod $group {
            mod sqlite {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $name() {
                        $crate::harness::run_with(
                            $crate::harness::StoreKind::Sqlite, super::super::$adjust, super::super::$name,
                        ).await;
                    }
                )*
            }
            mod postgres {
                $(
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $name() {
                        $crate::harness::run_with(
                            $crate::harness::StoreKind::Postgres, super::super::$adjust, super::super::$name,
                        ).await;
                    }
                )*
            }
        }
    };
}

/// One argon2 hash of the demo password, shared by every test in the run:
/// hashing is slow by design and the tests need only that it verifies.
pub fn demo_password_hash() -> String {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        let hasher = PasswordHasher::new().expect("hasher");
        tokio::task::block_in_place(|| {
            tokio::runtime::Handle::current()
                .block_on(hasher.hash(DEMO_PASSWORD))
                .expect("hash")
        })
    })
    .clone()
}

pub struct TestApp {
    pub base: String,
    /// `http://ADDR` of `/metrics`, when the settings asked for it.
    pub metrics_base: Option<String>,
    pub kind: StoreKind,
    pub store: Store,
    pub clock: ManualClock,
    pub client: reqwest::Client,
    pub state: concordat_server::AppState,
    pub db_url: DatabaseUrl,
    pub audit_key: std::path::PathBuf,
    shutdown: Option<oneshot::Sender<()>>,
    _db: TestDb,
    _key_dir: tempfile::TempDir,
}

impl TestApp {
    pub async fn spawn(kind: StoreKind) -> Option<Self> {
        Self::spawn_with(kind, |_| {}).await
    }

    /// Like [`spawn`](Self::spawn), with a chance to adjust the settings.
    pub async fn spawn_with(
        kind: StoreKind,
        adjust: impl FnOnce(&mut ServerConfig),
    ) -> Option<Self> {
        let db = TestDb::fresh(kind).await?;
        let store = Store::open(db.url(), PoolSize(8))
            .await
            .expect("open store");
        let clock = ManualClock::starting_at(Utc.with_ymd_and_hms(2026, 3, 3, 9, 0, 0).unwrap());
        seed_partnership(
            &store,
            &SeedOptions {
                people: 40,
                password_hash: demo_password_hash(),
                now: clock_now(&clock),
            },
            |_| {},
        )
        .await
        .expect("seed the demo partnership");

        let key_dir = tempfile::tempdir().expect("temp dir for the audit key");
        let mut config = ServerConfig::new("127.0.0.1:0".parse().unwrap());
        config.audit_key = key_dir.path().join("audit-signing.key");
        // Tests run the scheduler by hand (`run_jobs`) after moving the clock.
        config.scheduler_poll = None;
        adjust(&mut config);
        let (base, metrics_base, state, tx) = serve(config, store.clone(), &clock).await;
        Some(Self {
            base,
            metrics_base,
            kind,
            store,
            clock,
            client: client(),
            state,
            db_url: db.url().clone(),
            audit_key: key_dir.path().join("audit-signing.key"),
            shutdown: Some(tx),
            _db: db,
            _key_dir: key_dir,
        })
    }

    /// Runs every job due by the test's clock, as one node would.
    pub async fn run_jobs(&self) -> usize {
        concordat_server::scheduler::run_due(&self.state, "test-node")
            .await
            .expect("run due jobs")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A new client with its own cookie jar (a second browser, say).
    pub fn new_client(&self) -> reqwest::Client {
        client()
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn request_token(
        &self,
        username: &str,
        password: &str,
        purpose: &str,
    ) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/auth/token"))
            .json(&serde_json::json!({
                "username": username, "password": password, "purpose": purpose
            }))
            .send()
            .await
            .expect("POST /api/v1/auth/token")
    }

    /// A live token for a demo user, or a panic saying why not.
    pub async fn token_for(&self, username: &str, purpose: &str) -> String {
        let response = self.request_token(username, DEMO_PASSWORD, purpose).await;
        assert_eq!(response.status(), 200, "token for {username}");
        let body: serde_json::Value = response.json().await.expect("token JSON");
        body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    pub async fn get_with_token(&self, path: &str, token: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET with token")
    }
}

/// A second server on a test's database, as another node of one deployment
/// would be: its own connections, caches and audit writer, the same audit
/// key and clock. Stops when dropped.
pub struct OtherNode {
    pub base: String,
    _shutdown: oneshot::Sender<()>,
}

impl TestApp {
    pub async fn another_node(&self) -> OtherNode {
        let store = Store::open(&self.db_url, PoolSize(4))
            .await
            .expect("open store");
        let mut config = ServerConfig::new("127.0.0.1:0".parse().unwrap());
        config.audit_key = self.audit_key.clone();
        let (base, _, _, tx) = serve(config, store, &self.clock).await;
        OtherNode {
            base,
            _shutdown: tx,
        }
    }
}

/// Starts a server; it runs until the sender is used or dropped.
async fn serve(
    config: ServerConfig,
    store: Store,
    clock: &ManualClock,
) -> (
    String,
    Option<String>,
    concordat_server::AppState,
    oneshot::Sender<()>,
) {
    let app = Application::build(config, store, Arc::new(clock.clone()))
        .await
        .expect("build app");
    let addr = app.local_addr().expect("local addr");
    let metrics = app
        .metrics_addr()
        .map(|a| format!("http://{}", a.expect("metrics addr")));
    let state = app.state();
    let (tx, rx) = oneshot::channel();
    tokio::spawn(app.run_until(async {
        let _ = rx.await;
    }));
    (format!("http://{addr}"), metrics, state, tx)
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

fn clock_now(clock: &ManualClock) -> chrono::DateTime<Utc> {
    use concordat_server::Clock;
    clock.now()
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("HTTP client")
}

/// Reads a problem-details body, checking its media type.
pub async fn problem(response: reqwest::Response) -> serde_json::Value {
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    response.json().await.expect("problem JSON")
}
