//! `concordat link run`: probabilistic record linkage over the
//! partnership's people, from the command line. Without `--csv` it looks
//! for person records that may be one person (two records are never merged
//! here: it reports them for a reviewer); with `--csv` it links an agency's
//! register to the people Concordat knows, row by row. Either way the model
//! is estimated from the data it is given, each pair is decided against the
//! two thresholds, and a summary is printed; `--out` writes every decision
//! as CSV. It only reads the database.
//!
//! The register is read whole before anything else is done: a malformed
//! line is reported with its number and nothing runs.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use concordat_domain::identifier::NHS_NUMBER_SYSTEM;
use concordat_link::{link, Decision, Linkage, Record, Settings, Task, Thresholds};
use concordat_server::matching::{record_of, sex_of};
use concordat_store::linkage::{rows_of_everyone, LinkageRow};
use indicatif::{ProgressBar, ProgressStyle};

use crate::database::DatabaseArgs;

#[derive(Debug, Subcommand)]
pub enum LinkCommand {
    /// Link an agency's register (`--csv`) to the people Concordat knows,
    /// or look for people recorded twice; print a summary.
    Run(RunArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// An agency's register to link: a CSV file with a header naming
    /// `record_id` and any of `given_name`, `family_name`, `birth_date`
    /// (YYYY-MM-DD), `postcode`, `phone`, `sex`, `nhs_number`,
    /// `identifier_system`, `identifier_value`.
    #[arg(long)]
    csv: Option<PathBuf>,
    /// Where to write every decision as CSV.
    #[arg(long)]
    out: Option<PathBuf>,
    /// A pair at least this likely to be one person is reviewed by a person.
    #[arg(long, env = "CONCORDAT_LINK_REVIEW", default_value_t = 0.5)]
    review_threshold: f64,
    /// A pair at least this likely is linked without review (never when
    /// identifiers from one system differ).
    #[arg(long, env = "CONCORDAT_LINK_AUTOMATIC", default_value_t = 0.999)]
    link_threshold: f64,
}

pub async fn run(command: LinkCommand) -> anyhow::Result<()> {
    match command {
        LinkCommand::Run(args) => run_linkage(args).await,
    }
}

/// How many malformed lines are listed before the rest are counted.
const LINES_LISTED: usize = 20;

async fn run_linkage(args: RunArgs) -> anyhow::Result<()> {
    let thresholds = Thresholds::new(args.review_threshold, args.link_threshold)
        .map_err(|e| anyhow::anyhow!("`--review-threshold` and `--link-threshold`: {e}"))?;
    let register = match &args.csv {
        Some(path) => Some(read_register(path)?),
        None => None,
    };
    let store = args.database.open(2).await?;
    let reading = spinner("reading the people Concordat knows");
    let people = {
        let mut conn = store.read().await?;
        rows_of_everyone(&mut conn).await?
    };
    reading.finish_and_clear();
    store.close().await;
    let known: Vec<Record> = people.iter().map(record_of).collect();

    let started = Instant::now();
    let comparing = spinner("comparing and estimating the model");
    let task = match &register {
        Some(rows) => Task::Link {
            left: &rows.records,
            right: &known,
        },
        None => Task::Deduplicate(&known),
    };
    let linkage = link(task, &Settings::default())
        .map_err(|e| anyhow::anyhow!("the model could not be estimated from these records: {e}"))?;
    comparing.finish_and_clear();
    let took = started.elapsed();

    let decided = decisions(&linkage, &thresholds, register.is_some());
    let automatic = decided
        .iter()
        .filter(|d| d.decision == Decision::Link)
        .count();
    let review = decided
        .iter()
        .filter(|d| matches!(d.decision, Decision::Review(_)))
        .count();
    println!(
        "Compared {} candidate pairs in {:.1} s (EM: {} iterations{}).",
        linkage.pairs().len(),
        took.as_secs_f64(),
        linkage.em().0,
        if linkage.em().1 {
            ""
        } else {
            ", not converged"
        }
    );
    match &register {
        Some(rows) => {
            let unlinked = rows.records.len() - automatic - review;
            println!(
                "{} register rows against {} people: {automatic} linked automatically \
                 (probability ≥ {}), {review} for a person to review (≥ {}), {unlinked} \
                 unlinked.",
                rows.records.len(),
                people.len(),
                thresholds.link(),
                thresholds.review()
            );
        }
        None => println!(
            "{} people: {} pairs of records may be one person ({automatic} at probability ≥ \
             {}, {review} more at ≥ {}). Nothing is merged: a reviewer decides each.",
            people.len(),
            automatic + review,
            thresholds.link(),
            thresholds.review()
        ),
    }
    if let Some(out) = &args.out {
        write_decisions(out, &decided, register.as_ref(), &people)?;
        println!("Every decision written to {}.", out.display());
    }
    Ok(())
}

fn spinner(what: &'static str) -> ProgressBar {
    let bar = ProgressBar::new_spinner().with_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(what);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// An agency's register, read and checked.
#[derive(Debug)]
struct Register {
    ids: Vec<String>,
    records: Vec<Record>,
}

const COLUMNS: [&str; 10] = [
    "record_id",
    "given_name",
    "family_name",
    "birth_date",
    "postcode",
    "phone",
    "sex",
    "nhs_number",
    "identifier_system",
    "identifier_value",
];

/// Reads the whole register; any malformed line stops it, named with its
/// number.
fn read_register(path: &Path) -> anyhow::Result<Register> {
    let file = std::fs::File::open(path)
        .with_context(|| format!("cannot read the register `{}`", path.display()))?;
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(file);
    let header = reader
        .headers()
        .with_context(|| format!("`{}` has no header line", path.display()))?
        .clone();
    let unknown: Vec<&str> = header
        .iter()
        .filter(|h| !COLUMNS.contains(&h.trim()))
        .collect();
    anyhow::ensure!(
        unknown.is_empty(),
        "line 1: unknown column(s) {}; the columns are {}",
        unknown.join(", "),
        COLUMNS.join(", ")
    );
    let at = |name: &str| header.iter().position(|h| h.trim() == name);
    anyhow::ensure!(
        at("record_id").is_some(),
        "line 1: the header must name `record_id`"
    );
    let mut ids = Vec::new();
    let mut records = Vec::new();
    let mut faults = Vec::new();
    for row in reader.records() {
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                faults.push(format!("line {line}: {e}"));
                continue;
            }
        };
        let line = row.position().map_or(0, csv::Position::line);
        let field = |name: &str| {
            at(name)
                .and_then(|i| row.get(i))
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        match register_row(&field) {
            Ok((id, record)) => {
                ids.push(id);
                records.push(record);
            }
            Err(fault) => faults.push(format!("line {line}: {fault}")),
        }
    }
    if !faults.is_empty() {
        let more = faults.len().saturating_sub(LINES_LISTED);
        let mut listed = faults.into_iter().take(LINES_LISTED).collect::<Vec<_>>();
        if more > 0 {
            listed.push(format!("… and {more} more"));
        }
        anyhow::bail!(
            "the register `{}` has malformed lines; nothing was linked:\n{}",
            path.display(),
            listed.join("\n")
        );
    }
    anyhow::ensure!(
        !records.is_empty(),
        "the register `{}` has no rows",
        path.display()
    );
    Ok(Register { ids, records })
}

/// One register row, or what is wrong with it.
fn register_row<'a>(field: &impl Fn(&str) -> Option<&'a str>) -> Result<(String, Record), String> {
    let id = field("record_id").ok_or("no `record_id`")?.to_owned();
    let mut builder = Record::builder();
    if let Some(given) = field("given_name") {
        builder = builder.given_name(given);
    }
    if let Some(family) = field("family_name") {
        builder = builder.family_name(family);
    }
    if let Some(raw) = field("birth_date") {
        let date =
            concordat_link::BirthDate::parse(raw).map_err(|e| format!("`birth_date`: {e}"))?;
        builder = builder.birth_date(date);
    }
    if let Some(postcode) = field("postcode") {
        builder = builder.postcode(postcode);
    }
    if let Some(phone) = field("phone") {
        builder = builder.phone(phone);
    }
    if let Some(raw) = field("sex") {
        let sex =
            sex_of(raw).ok_or_else(|| format!("`sex`: `{raw}` is not female, male or other"))?;
        builder = builder.sex(sex);
    }
    if let Some(raw) = field("nhs_number") {
        let number = concordat_domain::nhs_number::NhsNumber::parse(raw)
            .map_err(|e| format!("`nhs_number`: {e}"))?;
        builder = builder.identifier(NHS_NUMBER_SYSTEM, number.as_str());
    }
    match (field("identifier_system"), field("identifier_value")) {
        (Some(system), Some(value)) => builder = builder.identifier(system, value),
        (None, None) => {}
        _ => return Err("`identifier_system` and `identifier_value` come together".into()),
    }
    if field("given_name").is_none() && field("family_name").is_none() {
        return Err("a row needs a name to be linked".into());
    }
    Ok((id, builder.build()))
}

/// A pair's decision: for a register, each row's best pair only.
struct Decided {
    left: usize,
    right: usize,
    probability: f64,
    decision: Decision,
}

fn decisions(linkage: &Linkage, thresholds: &Thresholds, register: bool) -> Vec<Decided> {
    let mut decided: Vec<Decided> = linkage
        .pairs()
        .iter()
        .map(|pair| Decided {
            left: pair.left,
            right: pair.right,
            probability: pair.probability(),
            decision: thresholds.decide(pair.probability(), &pair.pattern),
        })
        .filter(|d| d.decision != Decision::NoLink)
        .collect();
    if register {
        // Each register row keeps its likeliest person.
        decided.sort_by(|a, b| {
            a.left
                .cmp(&b.left)
                .then(b.probability.total_cmp(&a.probability))
        });
        decided.dedup_by_key(|d| d.left);
    }
    decided
}

fn nhs_number(row: &LinkageRow) -> &str {
    row.identifiers
        .iter()
        .find(|(system, _)| system == NHS_NUMBER_SYSTEM)
        .map_or("", |(_, value)| value.as_str())
}

fn write_decisions(
    out: &Path,
    decided: &[Decided],
    register: Option<&Register>,
    people: &[LinkageRow],
) -> anyhow::Result<()> {
    let mut writer =
        csv::Writer::from_path(out).with_context(|| format!("cannot write `{}`", out.display()))?;
    let word = |d: &Decision| match d {
        Decision::Link => "link",
        Decision::Review(_) => "review",
        Decision::NoLink => "no-link",
    };
    match register {
        Some(register) => {
            writer.write_record([
                "record_id",
                "person_id",
                "nhs_number",
                "probability",
                "decision",
            ])?;
            for d in decided {
                let person = &people[d.right];
                writer.write_record([
                    register.ids[d.left].as_str(),
                    &person.person.to_string(),
                    nhs_number(person),
                    &format!("{:.6}", d.probability),
                    word(&d.decision),
                ])?;
            }
        }
        None => {
            writer.write_record([
                "person_id",
                "nhs_number",
                "other_person_id",
                "other_nhs_number",
                "probability",
                "decision",
            ])?;
            for d in decided {
                let (a, b) = (&people[d.left], &people[d.right]);
                writer.write_record([
                    &a.person.to_string(),
                    nhs_number(a),
                    &b.person.to_string(),
                    nhs_number(b),
                    &format!("{:.6}", d.probability),
                    word(&d.decision),
                ])?;
            }
        }
    }
    writer.flush()?;
    Ok(())
}
