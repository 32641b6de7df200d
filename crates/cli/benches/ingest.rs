//! Batch ingest of contact events over real HTTP on SQLite:
//! `POST /api/v1/events:batch` with 100,000 NDJSON events about the demo's
//! people, from the emergency department's registered source system
//! (`northshire-ed`), decided and audited per person per batch. Prints events per second and the ratio to
//! the 20,000 events/s target; asserts nothing but that every event was
//! recorded. Run through `scripts/bench`.
//!
//! Settings (environment): `BENCH_INGEST_EVENTS` (default 100000),
//! `BENCH_INGEST_PEOPLE` (people seeded, default 2000),
//! `BENCH_INGEST_BATCH` (lines per request, default 100000: one file).

#[path = "support/setup.rs"]
#[expect(
    dead_code,
    reason = "ingest seeds a throwaway partnership of its own size"
)]
mod setup;

use setup::{env_or, run_on_runtime, token, Server};
use std::time::Instant;

use concordat::demo::seed::{seed_partnership, SeedOptions};
use concordat_server::auth::password::PasswordHasher;
use concordat_store::backend::PoolSize;
use concordat_store::{DatabaseUrl, Store};
use sqlx::Row;

/// The target the issue sets, in events per second.
const TARGET: f64 = 20_000.0;

fn main() -> anyhow::Result<()> {
    run_on_runtime(run())
}

async fn run() -> anyhow::Result<()> {
    let events: usize = env_or("BENCH_INGEST_EVENTS", 100_000);
    let people: u32 = env_or("BENCH_INGEST_PEOPLE", 2_000);
    let batch: usize = env_or("BENCH_INGEST_BATCH", 100_000).max(1);

    let folder = tempfile::tempdir()?;
    let store = Store::open(
        &DatabaseUrl::sqlite_file(&folder.path().join("concordat.db")),
        PoolSize(16),
    )
    .await?;
    let seeding = Instant::now();
    let hash = PasswordHasher::new()?.hash("demo").await?;
    let summary = seed_partnership(
        &store,
        &SeedOptions {
            people,
            password_hash: hash,
            now: chrono::Utc::now(),
        },
        |_| {},
    )
    .await?;
    println!(
        "data: {} people on SQLite, seeded in {:.1} s",
        summary.people,
        seeding.elapsed().as_secs_f64()
    );
    let nhs_numbers: Vec<String> = {
        let mut conn = store.read().await?;
        sqlx::query(
            "SELECT value FROM person_identifiers WHERE system = 'https://fhir.nhs.uk/Id/nhs-number' \
             ORDER BY value",
        )
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| r.get::<String, _>("value"))
        .collect()
    };
    anyhow::ensure!(!nhs_numbers.is_empty(), "no NHS numbers seeded");

    let server = Server::start(&store, |config| config.scheduler_poll = None).await?;
    let base = server.base.clone();

    let client = reqwest::Client::new();
    let token = token(&client, &base, "northshire-ed", "TREAT").await?;

    // Mostly attendances; one in twenty an admission, which tells whole
    // care teams and carers. (An emergency department's system reports
    // only what happens there: no 999 or 111 calls.)
    const KINDS: [&str; 20] = [
        "ed-attendance",
        "ed-attendance",
        "ed-attendance",
        "ed-attendance",
        "ed-attendance",
        "ed-attendance",
        "ed-attendance",
        "ed-attendance",
        "ed-attendance",
        "ed-attendance",
        "ed-attendance",
        "ed-attendance",
        "ed-attendance",
        "ed-attendance",
        "ed-attendance",
        "ed-attendance",
        "ed-attendance",
        "ed-attendance",
        "ed-attendance",
        "admission",
    ];
    let occurred = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let lines: Vec<String> = (0..events)
        .map(|i| {
            serde_json::json!({
                "source_system": "northshire-ed",
                "event_id": format!("E{i:07}"),
                "kind": KINDS[i % KINDS.len()],
                "nhs_number": nhs_numbers[(i * 7919) % nhs_numbers.len()],
                "occurred_at": occurred,
                "outcome": "Seen and discharged home",
            })
            .to_string()
        })
        .collect();
    let bodies: Vec<String> = lines.chunks(batch).map(|c| c.join("\n")).collect();
    let bytes: usize = bodies.iter().map(String::len).sum();

    let (recorded, took) = post_all(&client, &base, &token, &bodies, "recorded").await?;
    anyhow::ensure!(
        recorded == events as u64,
        "only {recorded} of {events} events were recorded"
    );
    let rate = events as f64 / took;
    println!(
        "ingest: {events} events ({:.1} MB NDJSON, {} requests of up to {batch} lines, {} people) \
         in {took:.2} s = {rate:.0} events/s",
        bytes as f64 / 1e6,
        bodies.len(),
        nhs_numbers.len(),
    );
    println!(
        "ratio: {:.2} × the target of {TARGET:.0} events/s",
        rate / TARGET
    );

    // The same file again: every line a duplicate, nothing written.
    let (duplicates, took) = post_all(&client, &base, &token, &bodies, "duplicates").await?;
    println!(
        "re-sent: {duplicates} duplicates in {took:.2} s = {:.0} events/s",
        events as f64 / took
    );

    let _ = server.stop().await;
    store.close().await;
    Ok(())
}

/// Posts every body in turn; returns the sum of the reports' `totals[total]`
/// and the seconds taken.
async fn post_all(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    bodies: &[String],
    total: &str,
) -> anyhow::Result<(u64, f64)> {
    let started = Instant::now();
    let mut sum = 0;
    for body in bodies {
        let report: serde_json::Value = client
            .post(format!("{base}/api/v1/events:batch"))
            .bearer_auth(token)
            .header("content-type", "application/x-ndjson")
            .body(body.clone())
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        sum += report["totals"][total].as_u64().unwrap_or(0);
    }
    Ok((sum, started.elapsed().as_secs_f64()))
}
