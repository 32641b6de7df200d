//! Accuracy and speed of record linkage on FEBRL 3 (deduplication), FEBRL 4
//! (linking 4a to 4b) and the synthetic population. Run by
//! `scripts/bench-link`, which fetches FEBRL and passes its files in
//! `FEBRL3`, `FEBRL4A` and `FEBRL4B`; without them only the synthetic set
//! runs. Not a test: it asserts nothing, it reports.
//!
//! Every data set is linked the same way: default settings, and a pair
//! counts as a match when its match probability is at least 0.5 (the
//! Bayes decision: more likely one person than two). Time is end to end
//! from records in memory: blocking, comparing, estimating u, m and λ,
//! and weighing every pair.
//!
//! `BENCH_LINK_RECORDS` sets the synthetic set's size (200,000 by
//! default); `BENCH_LINK_VERBOSE=1` prints the model and some misclassified
//! pairs.

#[path = "link/information.rs"]
mod information;

use std::collections::HashMap;
use std::time::Instant;

use concordat_link::evaluate::PairCounts;
use concordat_link::synthetic::{Population, RecordsPerPerson};
use concordat_link::{
    compare, link, BirthDate, Decision, Field, Linkage, Record, Settings, Task, Thresholds,
};

/// The bench's match rule: at least as likely one person as two.
const MATCH_PROBABILITY: f64 = 0.5;

fn main() {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let verbose = std::env::var("BENCH_LINK_VERBOSE").is_ok_and(|v| v == "1");
    println!(
        "record linkage, {cores} cores; a match is a pair with probability >= {MATCH_PROBABILITY}"
    );
    println!(
        "{:<24} {:>9} {:>11} {:>8} {:>14} {:>14} {:>9} {:>9} {:>9}",
        "data set",
        "records",
        "pairs",
        "wall s",
        "pairs/s/core",
        "cmp/s/core",
        "precision",
        "recall",
        "F1"
    );
    if let Ok(path) = std::env::var("FEBRL3") {
        let (records, entities) = read_febrl(&path);
        run(
            "FEBRL 3 (dedup)",
            Task::Deduplicate(&records),
            |a, b| entities[a] == entities[b],
            true_pairs(&entities),
            cores,
            verbose,
            &records,
            &records,
            Some(&entities),
        );
    }
    if let (Ok(a), Ok(b)) = (std::env::var("FEBRL4A"), std::env::var("FEBRL4B")) {
        let (left, left_entities) = read_febrl(&a);
        let (right, right_entities) = read_febrl(&b);
        let mut in_right: HashMap<u64, u64> = HashMap::new();
        for e in &right_entities {
            *in_right.entry(*e).or_default() += 1;
        }
        let truth: u64 = left_entities
            .iter()
            .map(|e| in_right.get(e).copied().unwrap_or(0))
            .sum();
        run(
            "FEBRL 4 (4a to 4b)",
            Task::Link {
                left: &left,
                right: &right,
            },
            |a, b| left_entities[a] == right_entities[b],
            truth,
            cores,
            verbose,
            &left,
            &right,
            None,
        );
    }
    let target: usize = std::env::var("BENCH_LINK_RECORDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let per_person = RecordsPerPerson::default();
    let people = (target as f64 / per_person.mean()).round() as usize;
    let start = Instant::now();
    let population = Population::generate(2024, people, &per_person);
    let generated = start.elapsed();
    let records: Vec<Record> = population
        .records()
        .iter()
        .map(|r| r.record.clone())
        .collect();
    let persons: Vec<u64> = population
        .records()
        .iter()
        .map(|r| r.person as u64)
        .collect();
    println!(
        "(synthetic: {people} people, {} records generated in {:.2} s, not counted below)",
        records.len(),
        generated.as_secs_f64()
    );
    run(
        &format!("synthetic {}", records.len()),
        Task::Deduplicate(&records),
        |a, b| persons[a] == persons[b],
        population.true_pairs(),
        cores,
        verbose,
        &records,
        &records,
        Some(&persons),
    );
}

#[expect(
    clippy::too_many_arguments,
    reason = "one call per data set; a struct would only rename them"
)]
fn run(
    name: &str,
    task: Task<'_>,
    same: impl Fn(usize, usize) -> bool,
    true_pairs: u64,
    cores: usize,
    verbose: bool,
    left: &[Record],
    right: &[Record],
    person: Option<&[u64]>,
) {
    let settings = Settings::default();
    let records = match task {
        Task::Deduplicate(r) => r.len(),
        Task::Link { left, right } => left.len() + right.len(),
    };
    let start = Instant::now();
    let linkage = link(task, &settings).expect("linkage runs");
    let wall = start.elapsed().as_secs_f64();

    let predicted: Vec<_> = linkage
        .pairs()
        .iter()
        .filter(|p| p.probability() >= MATCH_PROBABILITY)
        .collect();
    let correct = predicted.iter().filter(|p| same(p.left, p.right)).count() as u64;
    let counts = PairCounts::new(predicted.len() as u64, correct, true_pairs);
    let pairs = linkage.pairs().len();

    // The comparisons alone, for the raw rate: candidate pairs compared
    // again on one thread.
    let sample: Vec<_> = linkage.pairs().iter().take(200_000).collect();
    let t = Instant::now();
    let mut checksum = 0u64;
    for p in &sample {
        checksum += u64::from(compare(&left[p.left], &right[p.right]).level(Field::GivenName));
    }
    let compare_rate = sample.len() as f64 / t.elapsed().as_secs_f64();
    std::hint::black_box(checksum);

    println!(
        "{:<24} {:>9} {:>11} {:>8.2} {:>14.0} {:>14.0} {:>9.4} {:>9.4} {:>9.4}",
        name,
        records,
        pairs,
        wall,
        pairs as f64 / wall / cores as f64,
        compare_rate,
        counts.precision(),
        counts.recall(),
        counts.f1()
    );
    decisions(&linkage, &same);
    if let Some(person) = person {
        information::report(&linkage, person, left, MATCH_PROBABILITY, verbose);
    }
    if verbose {
        describe(&linkage, &same, left, right);
    }
}

/// How the default thresholds would route the candidate pairs, and where
/// the true pairs among them go.
fn decisions(linkage: &Linkage, same: &impl Fn(usize, usize) -> bool) {
    let thresholds = Thresholds::default();
    let mut counts = [[0u64; 2]; 3];
    for p in linkage.pairs() {
        let slot = match thresholds.decide(p.probability(), &p.pattern) {
            Decision::Link => 0,
            Decision::Review(_) => 1,
            Decision::NoLink => 2,
        };
        counts[slot][usize::from(same(p.left, p.right))] += 1;
    }
    println!(
        "    at review {} / link {}: linked {} ({} wrong), reviewed {} ({} one person), not linked {} ({} one person)",
        thresholds.review(),
        thresholds.link(),
        counts[0][0] + counts[0][1],
        counts[0][0],
        counts[1][0] + counts[1][1],
        counts[1][1],
        counts[2][0] + counts[2][1],
        counts[2][1]
    );
    let rules: Vec<String> = linkage
        .blocking()
        .iter()
        .map(|s| {
            format!(
                "{} {} (skipped {} blocks)",
                s.rule.label(),
                s.pairs,
                s.skipped_blocks
            )
        })
        .collect();
    println!(
        "    blocking: {}; EM iterations {} converged {}",
        rules.join(", "),
        linkage.em().0,
        linkage.em().1
    );
}

fn describe(
    linkage: &Linkage,
    same: &impl Fn(usize, usize) -> bool,
    left: &[Record],
    right: &[Record],
) {
    let model = linkage.model();
    println!("    λ = {:.5}", model.lambda());
    for field in Field::ALL {
        let levels: Vec<String> = (1..field.levels().len() as u8)
            .map(|l| {
                format!(
                    "{} m={:.4} u={:.5}",
                    field.levels()[usize::from(l)],
                    model.m().get(field, l),
                    model.u().get(field, l)
                )
            })
            .collect();
        println!("    {}: {}", field.label(), levels.join("; "));
    }
    // The commonest patterns among the mistakes.
    let mut mistakes: HashMap<(bool, [u8; Field::COUNT]), usize> = HashMap::new();
    for p in linkage.pairs() {
        let predicted = p.probability() >= MATCH_PROBABILITY;
        if predicted != same(p.left, p.right) {
            *mistakes.entry((predicted, p.pattern.levels())).or_default() += 1;
        }
    }
    let mut mistakes: Vec<_> = mistakes.into_iter().collect();
    mistakes.sort_by_key(|m| std::cmp::Reverse(m.1));
    for ((predicted, levels), n) in mistakes.iter().take(16) {
        let kind = if *predicted { "false match" } else { "missed" };
        println!("    {n:>6} {kind} {levels:?}");
    }
    let mut shown = (0, 0);
    for p in linkage.pairs() {
        let predicted = p.probability() >= MATCH_PROBABILITY;
        let truth = same(p.left, p.right);
        if predicted != truth {
            let counter = if predicted {
                &mut shown.0
            } else {
                &mut shown.1
            };
            if *counter < 8 {
                *counter += 1;
                let kind = if predicted { "false match" } else { "missed" };
                println!(
                    "    {kind} w={:.2}: {:?}",
                    p.match_weight,
                    p.pattern.levels()
                );
                println!("      {}", show(&left[p.left]));
                println!("      {}", show(&right[p.right]));
            }
        }
    }
}

fn show(r: &Record) -> String {
    format!(
        "{:?} {:?} {:?} {:?} {:?} {:?} {:?}",
        r.given_name(),
        r.family_name(),
        r.birth_date().map(|d| d.to_string()),
        r.postcode(),
        r.phone(),
        r.sex(),
        r.identifiers()
            .iter()
            .map(|i| format!("{}={}", i.system(), i.value()))
            .collect::<Vec<_>>()
    )
}

fn true_pairs(entities: &[u64]) -> u64 {
    let mut counts: HashMap<u64, u64> = HashMap::new();
    for e in entities {
        *counts.entry(*e).or_default() += 1;
    }
    counts.values().map(|k| k * (k - 1) / 2).sum()
}

/// FEBRL records and the entity each is a version of (the N of
/// `rec-N-org` and `rec-N-dup-K`). The social security number is the
/// identifier; FEBRL has no phone or sex.
fn read_febrl(path: &str) -> (Vec<Record>, Vec<u64>) {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .unwrap_or_else(|e| panic!("reading {path}: {e}"));
    let headers = reader.headers().expect("a header line").clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{path} has no {name} column"))
    };
    let (id, given, family, dob, postcode, ssn) = (
        column("rec_id"),
        column("given_name"),
        column("surname"),
        column("date_of_birth"),
        column("postcode"),
        column("soc_sec_id"),
    );
    let mut records = Vec::new();
    let mut entities = Vec::new();
    for row in reader.records() {
        let row = row.expect("a CSV row");
        let entity = row[id]
            .split('-')
            .nth(1)
            .and_then(|n| n.parse().ok())
            .expect("rec-N-…");
        let mut b = Record::builder()
            .given_name(&row[given])
            .family_name(&row[family])
            .postcode(&row[postcode])
            .identifier("febrl:soc_sec_id", &row[ssn]);
        if let Ok(date) = BirthDate::parse(&row[dob]) {
            b = b.birth_date(date);
        }
        records.push(b.build());
        entities.push(entity);
    }
    (records, entities)
}
