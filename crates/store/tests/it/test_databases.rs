//! The test databases themselves (`concordat_store::testing`): a test's
//! PostgreSQL database is gone when the test ends, passed or failed, its
//! connections still open or not; and what runs of this checkout that were
//! killed left behind is dropped, while a running run's, another
//! checkout's and databases named otherwise are kept. PostgreSQL only:
//! a SQLite test database is a temporary folder.

use concordat_store::backend::PoolSize;
use concordat_store::testing::{drop_leftovers, TestDatabase, TestRun};
use concordat_store::{Backend, Store};
use sqlx::{Connection as _, PgConnection};

/// A connection to the test server's administrative database, or `None`
/// (with a note) as `TestDatabase::fresh` would skip.
async fn admin() -> Option<PgConnection> {
    let Ok(url) = std::env::var("CONCORDAT_TEST_POSTGRES_URL") else {
        assert!(
            !std::env::var("CONCORDAT_TEST_REQUIRE_ALL").is_ok_and(|v| v == "1"),
            "CONCORDAT_TEST_POSTGRES_URL is not set but CONCORDAT_TEST_REQUIRE_ALL=1"
        );
        eprintln!("skipped: CONCORDAT_TEST_POSTGRES_URL is not set");
        return None;
    };
    Some(PgConnection::connect(&url).await.expect("connect as admin"))
}

async fn exists(admin: &mut PgConnection, name: &str) -> bool {
    sqlx::query_scalar::<_, bool>("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(name)
        .fetch_one(admin)
        .await
        .expect("look in pg_database")
}

async fn create(admin: &mut PgConnection, name: &str) {
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(admin)
        .await
        .expect("create a database");
}

async fn remove(admin: &mut PgConnection, name: &str) {
    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(admin)
        .await
        .expect("drop a database");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_database_is_dropped_when_its_test_ends_with_connections_still_open() {
    let Some(db) = TestDatabase::fresh(Backend::Postgres).await else {
        return;
    };
    let mut admin = admin().await.expect("admin connection");
    let name = db
        .postgres_name()
        .expect("a PostgreSQL database")
        .to_owned();
    let store = Store::open(db.url(), PoolSize(4)).await.expect("open");
    let _reader = store.read().await.expect("a connection in use");
    assert!(exists(&mut admin, &name).await);

    drop(db);

    assert!(!exists(&mut admin, &name).await, "`{name}` is still there");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_database_is_dropped_when_its_test_panics() {
    let Some(mut admin) = admin().await else {
        return;
    };
    let (name_tx, name_rx) = std::sync::mpsc::channel();
    // A failing test of its own, on a thread of its own.
    let failed = std::thread::spawn(move || {
        tokio::runtime::Runtime::new()
            .expect("runtime")
            .block_on(async move {
                let db = TestDatabase::fresh(Backend::Postgres)
                    .await
                    .expect("a PostgreSQL database");
                let name = db.postgres_name().expect("a PostgreSQL database");
                name_tx.send(name.to_owned()).expect("send the name");
                let _store = Store::open(db.url(), PoolSize(2)).await.expect("open");
                panic!("the test fails here, holding its database");
            })
    })
    .join();
    assert!(failed.is_err(), "the test failed");
    let name = name_rx.recv().expect("the database's name");

    assert!(!exists(&mut admin, &name).await, "`{name}` is still there");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leftovers_of_ended_runs_of_this_checkout_are_dropped_and_nothing_else() {
    // Creating one database first sweeps, once per process; the sweep
    // below is then this test's.
    let Some(_db) = TestDatabase::fresh(Backend::Postgres).await else {
        return;
    };
    let mut admin = admin().await.expect("admin connection");
    let me = TestRun::current();
    let ended_pid = {
        let mut child = std::process::Command::new("true")
            .spawn()
            .expect("run `true`");
        child.wait().expect("`true` ends");
        child.id()
    };
    let mut running = std::process::Command::new("sleep")
        .arg("600")
        .spawn()
        .expect("run `sleep`");
    let run = |checkout: &str, pid: u32| TestRun {
        checkout: checkout.to_owned(),
        started: me.started - 60,
        pid,
    };
    let killed = run(&me.checkout, ended_pid).database(0);
    let still_running = run(&me.checkout, running.id()).database(0);
    let other_checkout = if me.checkout == "00000000" {
        "00000001"
    } else {
        "00000000"
    };
    let elsewhere = run(other_checkout, ended_pid).database(0);
    let named_otherwise = format!("concordat_test_{}", uuid::Uuid::new_v4().simple());
    for name in [&killed, &still_running, &elsewhere, &named_otherwise] {
        create(&mut admin, name).await;
    }

    drop_leftovers(&mut admin).await.expect("drop leftovers");

    let left = (
        exists(&mut admin, &killed).await,
        exists(&mut admin, &still_running).await,
        exists(&mut admin, &elsewhere).await,
        exists(&mut admin, &named_otherwise).await,
    );
    running.kill().expect("stop `sleep`");
    let _ = running.wait();
    for name in [&killed, &still_running, &elsewhere, &named_otherwise] {
        remove(&mut admin, name).await;
    }
    assert_eq!(
        left,
        (false, true, true, true),
        "(ended run's, running run's, another checkout's, named otherwise) still there"
    );
}
