//! `concordat outcomes rebuild`: the partnership's monthly outcome figures
//! worked out again from everything recorded, month by month with a
//! progress bar, and the records counted per second reported. The server
//! keeps the recent months up to date by itself; a rebuild is for a new
//! installation, a restored backup or a changed definition. Safe to run
//! while the server runs: each month is replaced whole.

use std::time::Instant;

use chrono::Utc;
use clap::{Args, Subcommand};
use concordat_domain::calendar::{WorkingCalendar, ENGLAND_AND_WALES};
use concordat_server::outcomes::refresh::{months_to_rebuild, rebuild};
use indicatif::{ProgressBar, ProgressStyle};

use crate::database::DatabaseArgs;

#[derive(Debug, Subcommand)]
pub enum OutcomesCommand {
    /// Work out every month's figures again, from the earliest record.
    Rebuild(RebuildArgs),
}

#[derive(Debug, Args)]
pub struct RebuildArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// Bank holidays besides weekends, for what counts as out of hours,
    /// as YYYY-MM-DD separated by commas (default: England and Wales).
    #[arg(long, env = "CONCORDAT_BANK_HOLIDAYS", value_delimiter = ',')]
    bank_holidays: Option<Vec<chrono::NaiveDate>>,
}

pub async fn run(command: OutcomesCommand) -> anyhow::Result<()> {
    match command {
        OutcomesCommand::Rebuild(args) => rebuild_all(args).await,
    }
}

async fn rebuild_all(args: RebuildArgs) -> anyhow::Result<()> {
    let calendar = match args.bank_holidays {
        Some(days) => WorkingCalendar::new(days),
        None => WorkingCalendar::new(ENGLAND_AND_WALES),
    };
    let store = args.database.open(2).await?;
    let now = Utc::now();
    let months = months_to_rebuild(&store, now).await?;
    let bar = ProgressBar::new(months.len() as u64).with_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} months {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let total = rebuild(&store, &calendar, now, |_, _, month, records| {
        bar.inc(1);
        bar.set_message(format!("{month}: {records} records"));
    })
    .await?;
    bar.finish_and_clear();
    store.close().await;
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "Worked out {} months ({} to {}) from {total} records in {seconds:.1} s: {:.0} records a second.",
        months.len(),
        months.first().map(ToString::to_string).unwrap_or_default(),
        months.last().map(ToString::to_string).unwrap_or_default(),
        total as f64 / seconds.max(1e-9),
    );
    Ok(())
}
