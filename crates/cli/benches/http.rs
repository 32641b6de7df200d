//! The audited record read and the crisis look-up over real HTTP, under
//! load, against the same server's `/health/live` measured in the same run —
//! and the Cedar decision on its own. Prints figures and ratios; asserts
//! nothing (timed assertions do not belong in tests). Run through
//! `scripts/bench`.
//!
//! The requests measured besides `/health/live`:
//!
//! - `read`: a community practitioner reading people on their caseloads
//!   (`GET /api/v1/persons/{id}`, audited);
//! - `lookup-nhs`: a police officer's crisis look-up by NHS number, for
//!   emergency treatment, rotating over up to 2,000 people with an agreed
//!   plan (each look-up decides, writes its relationship and audit entry,
//!   and reads the crisis summary);
//! - `lookup-details`: the same look-up by surname and date of birth, over
//!   people whom those two alone identify;
//! - `fhir-read`, `fhir-search`, `fhir-everything`: the same practitioner
//!   reading the same people over HL7 FHIR — `GET /fhir/Patient/{id}`,
//!   `GET /fhir/Patient?identifier=…` by NHS number, and
//!   `GET /fhir/Patient/{id}/$everything` — each also set against `read`
//!   when both are measured.
//!
//! Settings (environment): `BENCH_REQUESTS` (which of the above, comma
//! separated; default all), `BENCH_PEOPLE` (default 100000), `BENCH_SECONDS`
//! of each kind of request (default 10), `BENCH_ROUNDS` the kinds take
//! turns in (default 5), `BENCH_CONCURRENCY` (default 64), `BENCH_DATA`
//! (folder kept between runs, default target/bench-data), `BENCH_POOL`
//! (database connections, default 16 as for `concordat serve`),
//! `BENCH_DATABASE_URL` (a PostgreSQL database to run on instead of SQLite,
//! seeded the first time).
//!
//! Longer than a module should be because the kinds of request and their
//! set-up are one measurement, read top to bottom; the load generator is
//! `support/load.rs`.

#[path = "support/load.rs"]
mod load;
#[path = "support/setup.rs"]
mod setup;

use load::{load, load_live, percentile, print_ratio, print_table, Figures, Sample};
use setup::{env_or, run_on_runtime, seeded_store, token, Server};
use std::sync::Arc;
use std::time::{Duration, Instant};

use concordat_access::AccessAction;
use concordat_domain::category::DataCategory;
use concordat_domain::identifier::IdentifierSystem;
use concordat_domain::ids::PersonId;
use concordat_domain::purpose::Purpose;
use concordat_domain::user::Username;
use concordat_server::authorisation::{decide, gather, Viewer};
use concordat_store::{users, Store};
use sqlx::Row;

fn main() -> anyhow::Result<()> {
    run_on_runtime(run())
}

async fn run() -> anyhow::Result<()> {
    let people: u32 = env_or("BENCH_PEOPLE", 100_000);
    let seconds: u64 = env_or("BENCH_SECONDS", 10);
    let concurrency: usize = env_or("BENCH_CONCURRENCY", 64);
    let rounds: u32 = env_or("BENCH_ROUNDS", 5u32).max(1);
    let requests = Requests::from_env()?;
    let store = seeded_store(people).await?;

    // The reader: a community mental health practitioner, reading people on
    // the caseloads they are on.
    let mut conn = store.read().await?;
    let reader = users::user_by_username(&mut conn, &Username::parse("mh.practitioner")?)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no demo practitioner"))?;
    let rows = sqlx::query(
        "SELECT DISTINCT t.person_id, i.value AS nhs_number FROM care_team_members m \
         JOIN care_teams t ON t.id = m.care_team_id \
         JOIN person_identifiers i ON i.person_id = t.person_id AND i.system = $2 \
         WHERE m.user_id = $1 LIMIT 2000",
    )
    .bind(reader.id().to_string())
    .bind(IdentifierSystem::nhs_number().as_str().to_owned())
    .fetch_all(&mut *conn)
    .await?;
    let people_read: Vec<PersonId> = rows
        .iter()
        .map(|r| PersonId::parse(&r.get::<String, _>("person_id")))
        .collect::<Result<_, _>>()?;
    let nhs_numbers_read: Vec<String> = rows
        .iter()
        .map(|r| r.get::<String, _>("nhs_number"))
        .collect();
    anyhow::ensure!(!people_read.is_empty(), "the practitioner has no caseload");

    // The Cedar decision alone, on facts gathered from this database.
    let engine = concordat_access::AccessEngine::new()?.without_memo();
    let viewer = Viewer {
        user: reader.clone(),
        purpose: Purpose::DirectCare,
    };
    let now = chrono::Utc::now();
    let facts = gather(&mut conn, &reader, people_read[0], now).await?;
    drop(conn);
    let mut decisions = Vec::with_capacity(20_000);
    for i in 0..21_000 {
        let started = Instant::now();
        let d = decide(
            &engine,
            &viewer,
            people_read[0],
            AccessAction::Read,
            &[DataCategory::Demographics],
            None,
            &facts,
            now,
        );
        let took = started.elapsed();
        assert!(d[0].1.is_allowed(), "the bench reader must be allowed");
        if i >= 1_000 {
            decisions.push(took);
        }
    }
    decisions.sort();
    println!(
        "cedar decision ({} agreements, {} directives, {} relationships): median {:.1} µs, p99 {:.1} µs ({} runs)",
        facts.agreements.len(),
        facts.consents.len(),
        facts.relationships.len(),
        percentile(&decisions, 0.5).as_secs_f64() * 1e6,
        percentile(&decisions, 0.99).as_secs_f64() * 1e6,
        decisions.len()
    );

    // Whom the police officer looks up: people with an agreed plan who have
    // refused nothing, each named by their surname and date of birth alone
    // (so a look-up by those finds one person rather than candidates).
    let looked_up = people_to_look_up(&store).await?;
    anyhow::ensure!(
        !looked_up.is_empty(),
        "no one with an agreed plan to look up"
    );

    let server = Server::start(&store, |_| {}).await?;
    let base = server.base.clone();

    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .build()?;
    let reader_token = token(&client, &base, "mh.practitioner", "TREAT").await?;
    let police_token = token(&client, &base, "police", "ETREAT").await?;

    let mut kinds: Vec<Kind> = Vec::new();
    if requests.read {
        kinds.push(Kind {
            name: "GET /api/v1/persons/{id} (audited)",
            paths: Arc::new(
                people_read
                    .iter()
                    .map(|p| format!("/api/v1/persons/{p}"))
                    .collect(),
            ),
            token: reader_token.clone(),
            target: "target ≥ 25%, p99 < 10 ms",
            sample: Sample::default(),
        });
    }
    if requests.lookup_nhs {
        kinds.push(Kind {
            name: "crisis look-up by NHS number",
            paths: Arc::new(looked_up.iter().map(|p| p.by_nhs_number()).collect()),
            token: police_token.clone(),
            target: "target ≥ 20%, p99 < 15 ms",
            sample: Sample::default(),
        });
    }
    if requests.lookup_details {
        kinds.push(Kind {
            name: "crisis look-up by surname + DOB",
            paths: Arc::new(looked_up.iter().map(|p| p.by_details()).collect()),
            token: police_token.clone(),
            target: "target ≥ 15%, p99 < 15 ms",
            sample: Sample::default(),
        });
    }
    let fhir_kinds = [
        (
            requests.fhir_read,
            "GET /fhir/Patient/{id}",
            people_read
                .iter()
                .map(|p| format!("/fhir/Patient/{p}"))
                .collect::<Vec<_>>(),
            "target ≥ 80% of the JSON read",
        ),
        (
            requests.fhir_search,
            "GET /fhir/Patient?identifier=",
            nhs_numbers_read
                .iter()
                .map(|n| {
                    format!("/fhir/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number%7C{n}")
                })
                .collect(),
            "target ≥ 80% of the JSON read",
        ),
        (
            requests.fhir_everything,
            "GET /fhir/Patient/{id}/$everything",
            people_read
                .iter()
                .map(|p| format!("/fhir/Patient/{p}/$everything"))
                .collect(),
            "target p99 < 20 ms",
        ),
    ];
    for (wanted, name, paths, target) in fhir_kinds {
        if wanted {
            kinds.push(Kind {
                name,
                paths: Arc::new(paths),
                token: reader_token.clone(),
                target,
                sample: Sample::default(),
            });
        }
    }
    // Each FHIR request must answer the resource or Bundle it names.
    for kind in kinds.iter().filter(|k| k.name.contains("/fhir/")) {
        let answer = client
            .get(format!("{base}{}", kind.paths[0]))
            .bearer_auth(&kind.token)
            .send()
            .await?;
        anyhow::ensure!(
            answer.status().is_success(),
            "{}: {}",
            kind.name,
            answer.text().await?
        );
    }
    // Each kind of look-up must show a summary, or the bench measures
    // something else (a refusal, a list of candidates).
    for kind in kinds.iter().filter(|k| k.name.starts_with("crisis")) {
        let answer: serde_json::Value = client
            .get(format!("{base}{}", kind.paths[0]))
            .bearer_auth(&kind.token)
            .send()
            .await?
            .json()
            .await?;
        anyhow::ensure!(
            answer["outcome"] == "summary",
            "{}: expected a crisis summary, got {answer}",
            kind.name
        );
    }

    let live_for = |duration| load_live(&client, &base, concurrency, duration);
    // Warm every path before measuring.
    live_for(Duration::from_secs(1)).await;
    for kind in &kinds {
        kind.load(&client, &base, concurrency, Duration::from_secs(1))
            .await;
    }

    // The kinds of request take turns, `rounds` times, so that a machine
    // whose speed drifts during the run (other work on the host) weighs on
    // all of them alike.
    let phase = Duration::from_secs(seconds) / rounds;
    let mut live = Sample::default();
    for _ in 0..rounds {
        live.add(live_for(phase).await);
        for kind in &mut kinds {
            let sample = kind.load(&client, &base, concurrency, phase).await;
            kind.sample.add(sample);
        }
    }
    let live = live.figures();
    let measured: Vec<(&'static str, &'static str, Figures)> = kinds
        .into_iter()
        .map(|k| (k.name, k.target, k.sample.figures()))
        .collect();

    println!(
        "\n{concurrency} concurrent connections, {seconds} s of each in {rounds} alternating rounds, \
         same process and machine, {}",
        store.backend().name()
    );
    print_table(
        std::iter::once(("GET /health/live", &live))
            .chain(measured.iter().map(|(name, _, f)| (*name, f))),
    );
    for (name, target, f) in &measured {
        print_ratio(name, target, f, &live);
    }
    // FHIR reads against the JSON API's read of the same people.
    if let Some((_, _, json)) = measured
        .iter()
        .find(|(n, _, _)| n.starts_with("GET /api/v1"))
    {
        for (name, _, f) in measured.iter().filter(|(n, _, _)| n.contains("/fhir/")) {
            println!(
                "ratio: {name} reaches {:.1}% of the JSON read's rate",
                100.0 * f.per_second / json.per_second
            );
        }
    }

    let _ = server.stop().await;
    store.close().await;
    Ok(())
}

/// Which kinds of request to measure besides `/health/live`.
struct Requests {
    read: bool,
    lookup_nhs: bool,
    lookup_details: bool,
    fhir_read: bool,
    fhir_search: bool,
    fhir_everything: bool,
}

impl Requests {
    const NAMES: &'static str =
        "read, lookup-nhs, lookup-details, fhir-read, fhir-search, fhir-everything";

    fn from_env() -> anyhow::Result<Self> {
        let Ok(raw) = std::env::var("BENCH_REQUESTS") else {
            return Ok(Self {
                read: true,
                lookup_nhs: true,
                lookup_details: true,
                fhir_read: true,
                fhir_search: true,
                fhir_everything: true,
            });
        };
        let mut requests = Self {
            read: false,
            lookup_nhs: false,
            lookup_details: false,
            fhir_read: false,
            fhir_search: false,
            fhir_everything: false,
        };
        for name in raw.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            match name {
                "read" => requests.read = true,
                "lookup-nhs" => requests.lookup_nhs = true,
                "lookup-details" => requests.lookup_details = true,
                "fhir-read" => requests.fhir_read = true,
                "fhir-search" => requests.fhir_search = true,
                "fhir-everything" => requests.fhir_everything = true,
                other => anyhow::bail!("BENCH_REQUESTS: `{other}` is not one of {}", Self::NAMES),
            }
        }
        Ok(requests)
    }
}

/// One kind of request measured against `/health/live`.
struct Kind {
    name: &'static str,
    paths: Arc<Vec<String>>,
    token: String,
    target: &'static str,
    sample: Sample,
}

impl Kind {
    async fn load(
        &self,
        client: &reqwest::Client,
        base: &str,
        concurrency: usize,
        duration: Duration,
    ) -> Sample {
        load(
            client,
            base,
            Arc::clone(&self.paths),
            Some(&self.token),
            concurrency,
            duration,
        )
        .await
    }
}

/// Someone a crisis role may look up.
struct LookedUp {
    nhs_number: String,
    surname: String,
    birth_date: String,
}

/// Why every bench look-up is made: one reason, so that a person looked up
/// again is looked up for the same reason, as a repeated look-up by an
/// officer at the same scene would be.
const REASON: &str = "Concern for welfare";

impl LookedUp {
    fn by_nhs_number(&self) -> String {
        lookup_path(&[("nhs_number", &self.nhs_number), ("reason", REASON)])
    }

    fn by_details(&self) -> String {
        lookup_path(&[
            ("surname", &self.surname),
            ("birth_date", &self.birth_date),
            ("reason", REASON),
        ])
    }
}

fn lookup_path(pairs: &[(&str, &str)]) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    format!("/api/v1/crisis-lookup?{query}")
}

/// Up to 2,000 people with an agreed crisis plan and no consent directive,
/// whose surname and date of birth together name no one else.
async fn people_to_look_up(store: &Store) -> anyhow::Result<Vec<LookedUp>> {
    let mut conn = store.read().await?;
    let rows = sqlx::query(
        "SELECT i.value AS nhs_number, p.family_name, p.birth_date FROM persons p \
         JOIN person_identifiers i ON i.person_id = p.id AND i.system = $1 \
         JOIN crisis_plans c ON c.person_id = p.id AND c.agreed_version IS NOT NULL \
         WHERE NOT EXISTS (SELECT 1 FROM consent_directives d WHERE d.person_id = p.id) \
         AND (SELECT COUNT(*) FROM persons q WHERE q.family_name_key = p.family_name_key \
              AND q.birth_date = p.birth_date) = 1 \
         ORDER BY p.id LIMIT 2000",
    )
    .bind(IdentifierSystem::nhs_number().as_str().to_owned())
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .iter()
        .map(|r| LookedUp {
            nhs_number: r.get("nhs_number"),
            surname: r.get("family_name"),
            birth_date: r.get("birth_date"),
        })
        .collect())
}
