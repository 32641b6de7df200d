//! `concordat demo`: a synthetic partnership on this machine, created on first
//! run and served on a loopback address with the demo sign-ins printed.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use clap::Args;
use concordat::demo::partnership::{ORGANISATIONS, SIGN_INS, SOURCE_SYSTEMS};
use concordat::demo::people::SCENARIO_STORIES;
use concordat::demo::seed::{seed_partnership, SeedOptions};
use concordat_domain::calendar::{WorkingCalendar, ENGLAND_AND_WALES};
use concordat_domain::nhs_number::NhsNumber;
use concordat_server::auth::password::PasswordHasher;
use concordat_server::ServerConfig;
use concordat_store::backend::PoolSize;
use concordat_store::{persons, DatabaseUrl, Store};
use indicatif::{ProgressBar, ProgressStyle};

use crate::access_settings::AccessSettings;

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Address to listen on; only loopback addresses are allowed.
    #[arg(long, env = "CONCORDAT_DEMO_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Serve Prometheus metrics at http://ADDR/metrics (a loopback
    /// address).
    #[arg(long, env = "CONCORDAT_DEMO_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,
    /// Folder holding the demo database (created if absent).
    #[arg(long, env = "CONCORDAT_DEMO_DATA", default_value = "./concordat-data")]
    pub data: PathBuf,
    /// How many synthetic people to create (1 to 1,000,000).
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub people: u32,
    /// Create the data and exit without serving.
    #[arg(long)]
    pub no_serve: bool,
    #[command(flatten)]
    pub access: AccessSettings,
}

/// The demo's one password, for demo data only.
const DEMO_PASSWORD: &str = "demo";

pub async fn demo(args: DemoArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.addr.ip().is_loopback(),
        "the demo serves only this machine: `--addr` must be a loopback address such as \
         127.0.0.1:8080, not `{}`",
        args.addr
    );
    if let Some(metrics) = args.metrics_addr {
        anyhow::ensure!(
            metrics.ip().is_loopback(),
            "the demo serves only this machine: `--metrics-addr` must be a loopback address \
             such as 127.0.0.1:9464, not `{metrics}`"
        );
    }
    args.access.check()?;
    std::fs::create_dir_all(&args.data)
        .with_context(|| format!("cannot create the data folder `{}`", args.data.display()))?;
    let url = DatabaseUrl::sqlite_file(&args.data.join("concordat.db"));
    let store = Store::open(&url, PoolSize(16))
        .await
        .with_context(|| format!("cannot open the demo database in `{}`", args.data.display()))?;

    let hash = PasswordHasher::new()?.hash(DEMO_PASSWORD).await?;
    let bar = ProgressBar::new(u64::from(args.people)).with_style(
        ProgressStyle::with_template("creating people {bar:40} {pos}/{len} ({eta} left)")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let options = SeedOptions {
        people: args.people,
        password_hash: hash,
        now: chrono::Utc::now(),
    };
    let summary = seed_partnership(&store, &options, |n| bar.set_position(n)).await?;
    bar.finish_and_clear();
    if summary.created {
        concordat::demo::contacts::seed_frequent_contact(&store, args.people, options.now).await?;
        concordat::demo::cases::seed_case(&store, options.now).await?;
        concordat::demo::held::seed_held_events(&store, options.now).await?;
        concordat::demo::corrections::seed_correction(&store, options.now).await?;
        concordat::demo::wellbeing::seed_wellbeing(&store, options.now).await?;
        let history = concordat::demo::history::seed_history(&store, options.now).await?;
        let calendar = WorkingCalendar::new(ENGLAND_AND_WALES);
        concordat_server::outcomes::refresh::rebuild(
            &store,
            &calendar,
            options.now,
            |_, _, _, _| {},
        )
        .await
        .context("cannot work out the outcome figures of the demo's history")?;
        println!(
            "Created the demo partnership in {}: {} organisations, {} users, {} people.",
            args.data.display(),
            summary.organisations,
            summary.users,
            summary.people
        );
        println!(
            "Added {} months of history for the outcomes dashboard: {} emergency contacts, {} \
             hospital stays, {} referrals and {} break-glass uses.",
            history.months, history.contacts, history.stays, history.referrals, history.break_glass
        );
    } else {
        println!(
            "Using the demo partnership already in {} ({} people; delete the folder to start again).",
            args.data.display(),
            summary.people
        );
    }
    print_scenarios(&store).await?;
    print_sign_ins(args.addr);
    if args.no_serve {
        store.close().await;
        return Ok(());
    }
    let mut config = ServerConfig::new(args.addr);
    config.metrics_addr = args.metrics_addr;
    config.audit_key = args.data.join("audit-signing.key");
    args.access.apply(&mut config);
    crate::serve::run(config, store).await
}

async fn print_scenarios(store: &Store) -> anyhow::Result<()> {
    println!("\nPeople from the source stories:");
    let mut conn = store.read().await?;
    for (nhs, story) in SCENARIO_STORIES {
        let number = NhsNumber::parse(nhs)?;
        let name = persons::person_by_nhs_number(&mut conn, &number)
            .await?
            .map(|p| p.name().full())
            .unwrap_or_else(|| "(missing)".into());
        println!("  {}  {:<16} {}", number.formatted(), name, story);
    }
    Ok(())
}

fn print_sign_ins(addr: std::net::SocketAddr) {
    println!("\nConcordat demo at http://{addr}/ — every password is `{DEMO_PASSWORD}`:");
    for user in SIGN_INS {
        let org = ORGANISATIONS
            .iter()
            .find(|o| o.code == user.org)
            .map_or(user.org, |o| o.name);
        println!("  {:<16} {:<31} {}", user.username, user.role.label(), org);
    }
    println!(
        "  {:<16} {:<31} Daniel Reid, NHS number 999 000 0018",
        "person", "Person (own record)"
    );
    println!(
        "  {:<16} {:<31} Margaret Reid, Daniel's mother and nominated carer",
        concordat::demo::carers::USERNAME,
        "Carer or family member"
    );
    let systems: Vec<&str> = SOURCE_SYSTEMS.iter().map(|s| s.username).collect();
    println!(
        "\nSource systems, which report contacts through the API only (POST /api/v1/events):\n  {}",
        systems.join(", ")
    );
    println!("\nPress Ctrl-C to stop.\n");
}
