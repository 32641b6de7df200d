//! The partnership outcomes dashboard at the scale of a large area: a year
//! and a month of emergency contacts, referrals and break-glass uses
//! (`outcomes/seed.rs`, written once and kept), then
//!
//! 1. `rebuild` of every month's figures from that whole history, timed:
//!    months, records read, seconds, records per second;
//! 2. `GET /api/v1/outcomes?month=…` for a commissioner (`HOPERAT`),
//!    rotating over the thirteen months the history covers, under load,
//!    against the same server's `/health/live` in the same run: req/s,
//!    p50, p99, CPU per request and the ratio. The target: dashboard p99
//!    under 50 ms. Then, one request at a time for this month, how much
//!    of a request is the read of the kept figures.
//!
//! Prints figures; asserts nothing but that the dashboard answers with
//! every month computed. The scheduler is off while the load runs, so the
//! figures are those of the dashboard's reads alone; its refresh every
//! five minutes is three months of the rebuild's work.
//!
//! Settings (environment): `BENCH_OUTCOMES_PEOPLE` (default 1000000; up to
//! 100,000 seeded as the http bench's people, the rest in bulk),
//! `BENCH_OUTCOMES_EVENTS` (contacts, default 5000000),
//! `BENCH_OUTCOMES_REFERRALS` (default 200000),
//! `BENCH_OUTCOMES_BREAK_GLASS` (default 3000), `BENCH_SECONDS` of each
//! kind of request (default 10) in `BENCH_ROUNDS` (default 5),
//! `BENCH_CONCURRENCY` (default 64), `BENCH_DATA` (folder kept between
//! runs, default target/bench-data; the data go in
//! `outcomes-{people}`), `BENCH_POOL` (database connections, default 16),
//! `BENCH_DATABASE_URL` (a PostgreSQL database of its own to run on
//! instead of SQLite, seeded the first time). Run through `scripts/bench`.

#[path = "support/load.rs"]
mod load;
#[path = "outcomes/seed.rs"]
mod seed;
#[path = "support/setup.rs"]
#[expect(
    dead_code,
    reason = "the outcomes bench keeps its partnership in a folder of its own"
)]
mod setup;

use std::sync::Arc;
use std::time::{Duration, Instant};

use concordat_domain::calendar::{WorkingCalendar, ENGLAND_AND_WALES};
use concordat_domain::outcomes::Month;
use concordat_server::outcomes::dashboard::MONTHS;
use concordat_server::outcomes::refresh::{months_to_rebuild, rebuild};
use concordat_store::outcomes::figures;
use indicatif::{ProgressBar, ProgressStyle};
use load::{load, load_live, ms, percentile, print_ratio, print_table, Sample};
use seed::Sizes;
use setup::{env_or, run_on_runtime, seeded_store_in, token, Server};

/// People the demo seeding writes one by one, with NHS numbers, care
/// teams and plans (the http bench's default); the rest are written in
/// bulk.
const DEMO_PEOPLE: u32 = 100_000;

const TARGET: &str = "target p99 < 50 ms";
const TARGET_P99: Duration = Duration::from_millis(50);

fn main() -> anyhow::Result<()> {
    run_on_runtime(run())
}

async fn run() -> anyhow::Result<()> {
    let sizes = Sizes {
        people: env_or("BENCH_OUTCOMES_PEOPLE", 1_000_000),
        events: env_or("BENCH_OUTCOMES_EVENTS", 5_000_000),
        referrals: env_or("BENCH_OUTCOMES_REFERRALS", 200_000),
        break_glass: env_or("BENCH_OUTCOMES_BREAK_GLASS", 3_000),
    };
    let seconds: u64 = env_or("BENCH_SECONDS", 10);
    let concurrency: usize = env_or("BENCH_CONCURRENCY", 64);
    let rounds: u32 = env_or("BENCH_ROUNDS", 5u32).max(1);

    let seeding = Instant::now();
    let demo_people = sizes.people.min(DEMO_PEOPLE);
    let bar = seed::progress("demo people", u64::from(demo_people));
    let store = seeded_store_in(&format!("outcomes-{}", sizes.people), demo_people, |n| {
        bar.set_position(n)
    })
    .await?;
    bar.finish_and_clear();
    let now = chrono::Utc::now();
    let wrote = seed::history(&store, &sizes, now).await?;
    if wrote > 0.0 {
        println!(
            "data: seeded in {:.1} s in all ({:.1} s of it the history)",
            seeding.elapsed().as_secs_f64(),
            wrote
        );
    }

    // 1. The rebuild of every month from the whole history.
    let calendar = WorkingCalendar::new(ENGLAND_AND_WALES);
    let months = months_to_rebuild(&store, now).await?;
    let bar = ProgressBar::new(months.len() as u64).with_style(
        ProgressStyle::with_template("rebuild {bar:30} {pos}/{len} months {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let records = rebuild(&store, &calendar, now, |_, _, month, records| {
        bar.inc(1);
        bar.set_message(format!("{month}: {records} records"));
    })
    .await?;
    bar.finish_and_clear();
    let took = started.elapsed().as_secs_f64();
    println!(
        "\nrebuild on {}: {} months ({} to {}), {records} records read in {took:.1} s = \
         {:.0} records/s, {:.2} s a month (the scheduler refreshes {} every 5 minutes)",
        store.backend().name(),
        months.len(),
        months.first().map(ToString::to_string).unwrap_or_default(),
        months.last().map(ToString::to_string).unwrap_or_default(),
        records as f64 / took.max(1e-9),
        took / months.len().max(1) as f64,
        concordat_server::outcomes::job::MONTHS,
    );

    // 2. The dashboard under load, against /health/live.
    let shown = Month::of(now).trailing(MONTHS);
    let server = Server::start(&store, |config| config.scheduler_poll = None).await?;
    let base = server.base.clone();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()?;
    let commissioner = token(&client, &base, "commissioner", "HOPERAT").await?;
    let dashboard_paths: Arc<Vec<String>> = Arc::new(
        shown
            .iter()
            .map(|m| format!("/api/v1/outcomes?month={m}"))
            .collect(),
    );
    let newest = client
        .get(format!("{base}{}", dashboard_paths[MONTHS - 1]))
        .bearer_auth(&commissioner)
        .send()
        .await?;
    anyhow::ensure!(
        newest.status().is_success(),
        "the dashboard: {}",
        newest.text().await?
    );
    let body = newest.bytes().await?;
    let answer: serde_json::Value = serde_json::from_slice(&body)?;
    anyhow::ensure!(
        answer["not_computed"].as_array().is_some_and(Vec::is_empty),
        "months not computed: {}",
        answer["not_computed"]
    );
    println!(
        "GET /api/v1/outcomes: {:.0} KB of JSON for {} months",
        body.len() as f64 / 1024.0,
        MONTHS
    );

    let dashboard = |duration| {
        load(
            &client,
            &base,
            Arc::clone(&dashboard_paths),
            Some(&commissioner),
            concurrency,
            duration,
        )
    };
    let live = |duration| load_live(&client, &base, concurrency, duration);
    // Warm both paths before measuring, then let them take turns so a
    // machine whose speed drifts weighs on both alike.
    live(Duration::from_secs(1)).await;
    dashboard(Duration::from_secs(1)).await;
    let phase = Duration::from_secs(seconds) / rounds;
    let (mut live_sample, mut dashboard_sample) = (Sample::default(), Sample::default());
    for _ in 0..rounds {
        live_sample.add(live(phase).await);
        dashboard_sample.add(dashboard(phase).await);
    }
    let (live, dashboard) = (live_sample.figures(), dashboard_sample.figures());

    println!(
        "\n{concurrency} concurrent connections, {seconds} s of each in {rounds} alternating \
         rounds, same process and machine, {}",
        store.backend().name()
    );
    let name = "GET /api/v1/outcomes?month=…";
    print_table([("GET /health/live", &live), (name, &dashboard)]);
    print_ratio(name, TARGET, &dashboard, &live);
    println!(
        "target: dashboard p99 < 50 ms: {}",
        if dashboard.p99 < TARGET_P99 {
            "met"
        } else {
            "not met"
        }
    );

    // Unhurried, one at a time, for this month (the one whose twelve
    // months before are all in the history): a whole request, and the
    // part of it that reads the kept figures of its months.
    let (mut requests, mut reads) = (Vec::new(), Vec::new());
    let mut rows = 0;
    for _ in 0..50 {
        let started = Instant::now();
        client
            .get(format!("{base}{}", dashboard_paths[MONTHS - 1]))
            .bearer_auth(&commissioner)
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        requests.push(started.elapsed());
        // On a worker thread of the runtime, as a request's read is.
        let (reader, first, last) = (store.clone(), shown[0], shown[MONTHS - 1]);
        let (took, read) = tokio::spawn(async move {
            let mut conn = reader.read().await?;
            let started = Instant::now();
            let read = figures(&mut conn, first, last).await?.len();
            anyhow::Ok((started.elapsed(), read))
        })
        .await??;
        reads.push(took);
        rows = read;
    }
    requests.sort();
    reads.sort();
    println!(
        "one at a time, for {}: a request in {}, of which reading the kept figures of \
         {MONTHS} months ({rows} rows) {} (medians of {})",
        shown[MONTHS - 1],
        ms(percentile(&requests, 0.5)),
        ms(percentile(&reads, 0.5)),
        reads.len()
    );

    let _ = server.stop().await;
    store.close().await;
    Ok(())
}
