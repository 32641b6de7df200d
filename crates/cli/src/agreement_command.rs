//! `concordat agreement …`: information sharing agreements from the command
//! line. Each change is made as a named user (`--by`), through the same
//! workflow and permission rules as the JSON API and the pages, so the
//! command line is no back door: a police officer cannot sign here either.
//! Terms files are the JSON the API takes. Bad input is refused with the rule
//! it broke, and nothing is written.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context as _};
use concordat_domain::agreement::{Agreement, AgreementStatus};
use concordat_domain::ids::AgreementId;
use concordat_domain::user::{User, Username};
use concordat_server::agreements::{self as workflow, Names, StatusChange, TermsJson};
use concordat_server::error::ServiceError;
use concordat_store::{agreements, users, Conn, Store};

use crate::database::DatabaseArgs;

#[derive(Debug, clap::Subcommand)]
pub enum AgreementCommand {
    /// List every agreement: status, version, who is still to sign.
    List {
        #[command(flatten)]
        database: DatabaseArgs,
    },
    /// Show one agreement: its terms, signatures and history.
    Show {
        #[command(flatten)]
        database: DatabaseArgs,
        id: String,
    },
    /// Draft a new agreement from a JSON terms file (the shape
    /// `POST /api/v1/agreements` takes).
    Create {
        #[command(flatten)]
        database: DatabaseArgs,
        /// The terms, as JSON.
        #[arg(long)]
        file: PathBuf,
        /// Username of the information governance lead drafting it.
        #[arg(long)]
        by: String,
    },
    /// Replace an agreement's terms: a new version every party signs again.
    Amend {
        #[command(flatten)]
        database: DatabaseArgs,
        id: String,
        #[arg(long)]
        file: PathBuf,
        #[arg(long)]
        by: String,
    },
    /// Sign the current version for the signing user's own organisation.
    Sign {
        #[command(flatten)]
        database: DatabaseArgs,
        id: String,
        /// Username of the organisation's information governance lead.
        #[arg(long)]
        by: String,
    },
    /// Suspend an active agreement: it allows no sharing until resumed.
    Suspend {
        #[command(flatten)]
        database: DatabaseArgs,
        id: String,
        #[arg(long)]
        by: String,
    },
    /// Resume a suspended agreement.
    Resume {
        #[command(flatten)]
        database: DatabaseArgs,
        id: String,
        #[arg(long)]
        by: String,
    },
    /// End an agreement for good.
    End {
        #[command(flatten)]
        database: DatabaseArgs,
        id: String,
        #[arg(long)]
        by: String,
    },
}

pub async fn run(command: AgreementCommand) -> anyhow::Result<()> {
    use AgreementCommand as C;
    match command {
        C::List { database } => list(&database).await,
        C::Show { database, id } => show(&database, &id).await,
        C::Create { database, file, by } => {
            let terms = read_terms(&file)?;
            let (store, user) = open_as(&database, &by).await?;
            let draft = workflow::create(&store, &user, &terms, chrono::Utc::now())
                .await
                .map_err(|e| explain(e, None))?;
            println!(
                "Drafted “{}” ({}), version 1. {}",
                draft.terms().title,
                draft.id(),
                standing(&store, &draft).await?
            );
            Ok(())
        }
        C::Amend {
            database,
            id,
            file,
            by,
        } => {
            let id = parse_id(&id)?;
            let terms = read_terms(&file)?;
            let (store, user) = open_as(&database, &by).await?;
            let amended = workflow::amend(&store, &user, id, &terms, chrono::Utc::now())
                .await
                .map_err(|e| explain(e, Some(id)))?;
            println!(
                "Amended “{}”: now version {}, every signature cleared. {}",
                amended.terms().title,
                amended.version(),
                standing(&store, &amended).await?
            );
            Ok(())
        }
        C::Sign { database, id, by } => {
            let id = parse_id(&id)?;
            let (store, user) = open_as(&database, &by).await?;
            let signed = workflow::sign(&store, &user, id, chrono::Utc::now())
                .await
                .map_err(|e| explain(e, Some(id)))?;
            println!(
                "{} signed version {} of “{}”. {}",
                user.username().as_str(),
                signed.version(),
                signed.terms().title,
                standing(&store, &signed).await?
            );
            Ok(())
        }
        C::Suspend { database, id, by } => change(&database, &id, &by, StatusChange::Suspend).await,
        C::Resume { database, id, by } => change(&database, &id, &by, StatusChange::Resume).await,
        C::End { database, id, by } => change(&database, &id, &by, StatusChange::End).await,
    }
}

/// The store, and the user a change is made as.
async fn open_as(db: &DatabaseArgs, username: &str) -> anyhow::Result<(Store, User)> {
    let username = Username::parse(username)?;
    let store = db.open(4).await?;
    let mut conn = store.read().await?;
    let user = users::user_by_username(&mut conn, &username)
        .await?
        .ok_or_else(|| anyhow!("there is no user `{}`", username.as_str()))?;
    if user.disabled() {
        return Err(anyhow!(
            "`{}` is disabled and cannot act on agreements",
            username.as_str()
        ));
    }
    drop(conn);
    Ok((store, user))
}

fn parse_id(raw: &str) -> anyhow::Result<AgreementId> {
    AgreementId::parse(raw.trim())
        .map_err(|e| anyhow!("{e}; `concordat agreement list` shows the ids"))
}

fn read_terms(path: &Path) -> anyhow::Result<TermsJson> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the terms file `{}`", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("`{}` is not a terms file", path.display()))
}

/// The failure as a message for the terminal.
fn explain(failure: ServiceError, id: Option<AgreementId>) -> anyhow::Error {
    match failure {
        ServiceError::Invalid(errors) => anyhow!(
            "the terms were refused:\n{}",
            errors
                .iter()
                .map(|e| format!("  {}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        ServiceError::NotFound => anyhow!(
            "there is no agreement `{}`; `concordat agreement list` shows them",
            id.map(|i| i.to_string()).unwrap_or_default()
        ),
        other => other.into(),
    }
}

async fn change(db: &DatabaseArgs, id: &str, by: &str, change: StatusChange) -> anyhow::Result<()> {
    let id = parse_id(id)?;
    let (store, user) = open_as(db, by).await?;
    let changed = workflow::change_status(&store, &user, id, change, chrono::Utc::now())
        .await
        .map_err(|e| explain(e, Some(id)))?;
    println!(
        "“{}” is now {}. {}",
        changed.terms().title,
        changed.status(),
        standing(&store, &changed).await?
    );
    Ok(())
}

/// What the agreement's status means for sharing, in a sentence.
async fn standing(store: &Store, agreement: &Agreement) -> anyhow::Result<String> {
    let mut conn = store.read().await?;
    let names = Names::load(&mut conn).await?;
    Ok(match agreement.status() {
        AgreementStatus::Draft => {
            format!("Still to sign: {}.", awaiting(&names, agreement).join(", "))
        }
        AgreementStatus::Active => "Every party has signed: it is active.".into(),
        AgreementStatus::Suspended => "It allows no sharing until resumed.".into(),
        AgreementStatus::Ended => "It allows no sharing.".into(),
    })
}

fn awaiting(names: &Names, agreement: &Agreement) -> Vec<String> {
    agreement
        .awaiting()
        .into_iter()
        .map(|p| names.code(p))
        .collect()
}

async fn list(db: &DatabaseArgs) -> anyhow::Result<()> {
    let store = db.open(4).await?;
    let mut conn = store.read().await?;
    let names = Names::load(&mut conn).await?;
    let today = chrono::Utc::now().date_naive();
    for agreement in agreements::list_agreements(&mut conn).await? {
        let mut notes = Vec::new();
        if agreement.status() == AgreementStatus::Draft {
            notes.push(format!(
                "awaiting {}",
                awaiting(&names, &agreement).join(", ")
            ));
        }
        if agreement.review_overdue(today) {
            notes.push("review overdue".into());
        }
        println!(
            "{}  {:<9} v{:<3} {:<10} {}{}",
            agreement.id(),
            agreement.status().as_str(),
            agreement.version(),
            agreement.terms().tier.as_str(),
            agreement.terms().title,
            if notes.is_empty() {
                String::new()
            } else {
                format!("  ({})", notes.join("; "))
            }
        );
    }
    Ok(())
}

async fn show(db: &DatabaseArgs, id: &str) -> anyhow::Result<()> {
    let id = parse_id(id)?;
    let store = db.open(4).await?;
    let mut conn = store.read().await?;
    let agreement = agreements::agreement_by_id(&mut conn, id)
        .await?
        .ok_or_else(|| explain(ServiceError::NotFound, Some(id)))?;
    let mut names = Names::load(&mut conn).await?;
    let terms = agreement.terms();
    let today = chrono::Utc::now().date_naive();
    println!("{}", terms.title);
    println!("  id            {}", agreement.id());
    println!(
        "  status        {} (version {})",
        agreement.status(),
        agreement.version()
    );
    println!("  tier          {} ({})", terms.tier, terms.tier.label());
    for (i, party) in terms.parties.iter().enumerate() {
        let signed = match agreement
            .signatures()
            .iter()
            .find(|s| s.organisation == *party)
        {
            Some(s) => format!(
                "signed by {} on {}",
                username(&mut names, &mut conn, s.signed_by).await?,
                s.signed_at.format("%Y-%m-%d %H:%M UTC")
            ),
            None => "not yet signed".into(),
        };
        println!(
            "  {:<13} {} {} — {signed}",
            if i == 0 { "parties" } else { "" },
            names.code(*party),
            names.name(*party)
        );
    }
    println!(
        "  purposes      {}",
        terms
            .purposes
            .iter()
            .map(|p| format!("{} ({})", p.code(), p.label()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for (i, grant) in terms.grants.iter().enumerate() {
        let list = |set: &std::collections::BTreeSet<_>| {
            set.iter()
                .map(|c: &concordat_domain::category::DataCategory| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        println!(
            "  {:<13} {}: reads [{}] records [{}]",
            if i == 0 { "grants" } else { "" },
            grant.role,
            list(&grant.read),
            list(&grant.write)
        );
    }
    let basis = &terms.lawful_basis;
    println!("  article 6     {}", basis.article_6());
    println!("  article 9     {}", basis.article_9());
    println!("  DPA sch 1     {}", basis.dpa_schedule_1());
    println!(
        "  dates         starts {}, {}, review by {}{}",
        terms.starts_on,
        terms
            .ends_on
            .map(|d| format!("ends {d}"))
            .unwrap_or_else(|| "no end date".into()),
        terms.review_on,
        if agreement.review_overdue(today) {
            " (overdue)"
        } else {
            ""
        }
    );
    println!("history");
    for event in agreements::agreement_history(&mut conn, id).await? {
        println!(
            "  {:>3}  {}  {:<9} v{:<3} {:<9} by {}",
            event.seq,
            event.changed_at.format("%Y-%m-%d %H:%M"),
            event.event,
            event.version,
            event.status.as_str(),
            username(&mut names, &mut conn, event.changed_by).await?
        );
    }
    Ok(())
}

/// "ig.lead (NMHT)".
async fn username(
    names: &mut Names,
    conn: &mut Conn,
    id: concordat_domain::ids::UserId,
) -> anyhow::Result<String> {
    let user = names.user(conn, id).await?;
    let (username, org) = (user.username().as_str().to_owned(), user.organisation_id());
    Ok(format!("{username} ({})", names.code(org)))
}
