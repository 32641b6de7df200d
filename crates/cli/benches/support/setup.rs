//! What the benches share: their settings from the environment, a runtime
//! to run on, the seeded partnership kept between runs (SQLite in
//! `BENCH_DATA`, or the PostgreSQL database `BENCH_DATABASE_URL` names),
//! and the server they measure.

use std::sync::Arc;
use std::time::Instant;

use concordat::demo::seed::{seed_partnership, SeedOptions};
use concordat_server::auth::password::PasswordHasher;
use concordat_server::{Application, ServerConfig, SystemClock};
use concordat_store::backend::PoolSize;
use concordat_store::{DatabaseUrl, Store};

/// The setting `name`, or `default` when unset or unreadable.
pub fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Runs `bench` on a multi-threaded runtime.
pub fn run_on_runtime<F>(bench: F) -> anyhow::Result<()>
where
    F: std::future::Future<Output = anyhow::Result<()>>,
{
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(bench)
}

/// The partnership with `people` people, seeded the first time and kept:
/// `BENCH_DATA/people-{people}/concordat.db` (default `target/bench-data`),
/// or `BENCH_DATABASE_URL`; `BENCH_POOL` connections (default 16, as for
/// `concordat serve`). Prints what it found or made.
pub async fn seeded_store(people: u32) -> anyhow::Result<Store> {
    seeded_store_in(&format!("people-{people}"), people, |_| {}).await
}

/// [`seeded_store`] in the folder `BENCH_DATA/{folder}` on SQLite, for a
/// bench that adds data of its own to the partnership; `progress` is told
/// how many people have been written.
pub async fn seeded_store_in(
    folder: &str,
    people: u32,
    progress: impl FnMut(u64),
) -> anyhow::Result<Store> {
    let root = std::env::var("BENCH_DATA").unwrap_or_else(|_| {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../target/bench-data").to_owned()
    });
    let url = match std::env::var("BENCH_DATABASE_URL") {
        Ok(raw) => DatabaseUrl::parse(&raw)?,
        Err(_) => {
            let folder = std::path::Path::new(&root).join(folder);
            std::fs::create_dir_all(&folder)?;
            DatabaseUrl::sqlite_file(&folder.join("concordat.db"))
        }
    };
    let store = Store::open(&url, PoolSize(env_or("BENCH_POOL", 16))).await?;
    let seeding = Instant::now();
    let hash = PasswordHasher::new()?.hash("demo").await?;
    let summary = seed_partnership(
        &store,
        &SeedOptions {
            people,
            password_hash: hash,
            now: chrono::Utc::now(),
        },
        progress,
    )
    .await?;
    println!(
        "data: {} people on {} ({})",
        summary.people,
        store.backend().name(),
        if summary.created {
            format!("created in {:.1} s", seeding.elapsed().as_secs_f64())
        } else {
            "reused".into()
        }
    );
    Ok(store)
}

/// A token for the demo user `username` (password `demo`) for `purpose`.
pub async fn token(
    client: &reqwest::Client,
    base: &str,
    username: &str,
    purpose: &str,
) -> anyhow::Result<String> {
    let answer: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/token"))
        .json(&serde_json::json!({"username": username, "password": "demo", "purpose": purpose}))
        .send()
        .await?
        .json()
        .await?;
    answer["access_token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("no token for {username}: {answer}"))
}

/// The server under measurement, on a free port of 127.0.0.1 with an audit
/// key of its own, running until [`Server::stop`].
pub struct Server {
    /// `http://127.0.0.1:{port}`.
    pub base: String,
    stop: tokio::sync::oneshot::Sender<()>,
    running: tokio::task::JoinHandle<std::io::Result<()>>,
    /// Holds the audit key's folder until the server has stopped.
    _keys: tempfile::TempDir,
}

impl Server {
    /// Starts the server on `store` with the settings of `concordat
    /// serve`, as `configure` changes them.
    pub async fn start(
        store: &Store,
        configure: impl FnOnce(&mut ServerConfig),
    ) -> anyhow::Result<Self> {
        let keys = tempfile::tempdir()?;
        let mut config = ServerConfig::new("127.0.0.1:0".parse()?);
        config.audit_key = keys.path().join("audit.key");
        configure(&mut config);
        let app = Application::build(config, store.clone(), Arc::new(SystemClock)).await?;
        let base = format!("http://{}", app.local_addr()?);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let running = tokio::spawn(app.run_until(async {
            let _ = stopped.await;
        }));
        Ok(Self {
            base,
            stop,
            running,
            _keys: keys,
        })
    }

    /// Stops the server once the requests in flight are answered.
    pub async fn stop(self) -> anyhow::Result<()> {
        let _ = self.stop.send(());
        self.running.await??;
        Ok(())
    }
}
