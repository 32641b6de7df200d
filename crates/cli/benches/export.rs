//! Bulk Data `$export` over real HTTP: a community practitioner exports
//! their team's caseload (`GET /fhir/Group/{team}/$export`), every person
//! of it decided and audited, while the scheduler works through it; the
//! bench polls the status as a client would (with a progress line), then
//! reads every file. Prints people decided per second and resources
//! written per second, beside the same server's `/health/live` measured in
//! the same run. Asserts nothing. Run through `scripts/bench`.
//!
//! Settings (environment): `BENCH_PEOPLE` (default 100000),
//! `BENCH_DATA` (folder kept between runs, default target/bench-data),
//! `BENCH_DATABASE_URL` (a PostgreSQL database instead of SQLite, seeded
//! the first time), `BENCH_EXPORT_BATCH` and `BENCH_EXPORT_CONCURRENCY`
//! (people per batch and decided at once; the server's defaults if unset).

#[path = "support/setup.rs"]
mod setup;

use setup::{env_or, run_on_runtime, seeded_store, token, Server};
use std::io::Write;
use std::time::{Duration, Instant};

use sqlx::Row;

fn main() -> anyhow::Result<()> {
    run_on_runtime(run())
}

async fn run() -> anyhow::Result<()> {
    let people: u32 = env_or("BENCH_PEOPLE", 100_000);
    let store = seeded_store(people).await?;
    // Exports of earlier runs are not this run's work.
    {
        let mut tx = store.write().await?;
        sqlx::query("DELETE FROM bulk_export_files")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM bulk_exports")
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM jobs WHERE kind LIKE 'bulk-export%'")
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    }
    let team: String = {
        let mut conn = store.read().await?;
        sqlx::query("SELECT team_id FROM users WHERE username = 'mh.practitioner'")
            .fetch_one(&mut *conn)
            .await?
            .get("team_id")
    };

    let mut settings = (0, 0);
    let server = Server::start(&store, |config| {
        config.scheduler_poll = Some(Duration::from_millis(50));
        config.export.batch = env_or("BENCH_EXPORT_BATCH", config.export.batch);
        config.export.concurrency = env_or("BENCH_EXPORT_CONCURRENCY", config.export.concurrency);
        settings = (config.export.batch, config.export.concurrency);
    })
    .await?;
    let (batch, concurrency) = settings;
    let base = server.base.clone();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;

    let health = health_per_second(&client, &base, 64, Duration::from_secs(3)).await?;
    println!("GET /health/live: {health:.0}/s at 64 connections (the ceiling)");

    let token = token(&client, &base, "mh.practitioner", "TREAT").await?;

    // A team's caseload by default; `BENCH_EXPORT_PATH=/fhir/Patient/$export`
    // for the practitioner's own people.
    let path = std::env::var("BENCH_EXPORT_PATH")
        .unwrap_or_else(|_| format!("/fhir/Group/{team}/$export"));
    let started = Instant::now();
    let kicked = client
        .get(format!("{base}{path}"))
        .bearer_auth(&token)
        .header("prefer", "respond-async")
        .send()
        .await?;
    anyhow::ensure!(kicked.status() == 202, "kick-off: {}", kicked.status());
    let status = kicked
        .headers()
        .get("content-location")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| anyhow::anyhow!("no status address"))?
        .to_owned();
    let manifest: serde_json::Value = loop {
        let polled = client.get(&status).bearer_auth(&token).send().await?;
        match polled.status().as_u16() {
            200 => break polled.json().await?,
            202 => {
                let progress = polled
                    .headers()
                    .get("x-progress")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                print!(
                    "\rexporting: {progress} ({:.0} s)   ",
                    started.elapsed().as_secs_f64()
                );
                std::io::stdout().flush()?;
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            other => anyhow::bail!("status {other}: {}", polled.text().await?),
        }
    };
    let written = started.elapsed();
    println!();

    let mut resources = 0u64;
    let mut bytes = 0u64;
    let files = manifest["output"].as_array().cloned().unwrap_or_default();
    let reading = Instant::now();
    for file in &files {
        let url = file["url"].as_str().unwrap_or_default();
        let body = client
            .get(url)
            .bearer_auth(&token)
            .send()
            .await?
            .error_for_status()?
            .text()
            .await?;
        resources += body.lines().count() as u64;
        bytes += body.len() as u64;
    }
    let read = reading.elapsed();
    let covered: i64 = {
        let mut conn = store.read().await?;
        sqlx::query("SELECT people_total FROM bulk_exports")
            .fetch_one(&mut *conn)
            .await?
            .get("people_total")
    };
    let secs = written.as_secs_f64();
    println!(
        "GET {path}, {} (batch {batch}, {concurrency} at once): \
         {covered} people decided in {secs:.1} s = {:.0} people/s; \
         {resources} resources in {} files ({:.1} MB) = {:.0} resources/s written; \
         files read back in {:.1} s",
        store.backend().name(),
        covered as f64 / secs,
        files.len(),
        bytes as f64 / 1e6,
        resources as f64 / secs,
        read.as_secs_f64(),
    );
    println!(
        "ratio: {:.2} people decided per /health/live answer",
        covered as f64 / secs / health
    );
    server.stop().await?;
    Ok(())
}

/// `/health/live` answers per second at `connections`, for `lasting`.
async fn health_per_second(
    client: &reqwest::Client,
    base: &str,
    connections: usize,
    lasting: Duration,
) -> anyhow::Result<f64> {
    let until = Instant::now() + lasting;
    let url = format!("{base}/health/live");
    let mut workers = Vec::new();
    for _ in 0..connections {
        let (client, url) = (client.clone(), url.clone());
        workers.push(tokio::spawn(async move {
            let mut answered = 0u64;
            while Instant::now() < until {
                if client.get(&url).send().await.is_ok() {
                    answered += 1;
                }
            }
            answered
        }));
    }
    let mut total = 0u64;
    for worker in workers {
        total += worker.await?;
    }
    Ok(total as f64 / lasting.as_secs_f64())
}
