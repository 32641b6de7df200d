//! Administration from the command line: migrations, organisations, teams and
//! user accounts. Bad input is refused with the rule it broke, before
//! anything is written. One file at about 400 lines: each command is a short
//! argument type and its handler, and all share the connection and the
//! organisation look-up.

use std::io::BufRead as _;

use anyhow::{bail, Context as _};
use clap::{Args, Subcommand};
use concordat_domain::contact_event::ContactKind;
use concordat_domain::ids::{OrganisationId, TeamId, UserId};
use concordat_domain::nhs_number::NhsNumber;
use concordat_domain::organisation::{Organisation, OrganisationCode, OrganisationKind, Team};
use concordat_domain::role::Role;
use concordat_domain::source_system::SourceSystem;
use concordat_domain::text::PhoneNumber;
use concordat_domain::user::{DisplayName, NewPassword, User, Username};
use concordat_server::auth::password::PasswordHasher;
use concordat_store::{organisations, persons, sessions, source_systems, teams, users, Conn};

use crate::database::DatabaseArgs;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user account. The password is read from standard input.
    Add(UserAddArgs),
    /// List user accounts.
    List {
        #[command(flatten)]
        database: DatabaseArgs,
        /// Only users of this organisation (by code).
        #[arg(long)]
        org: Option<String>,
    },
    /// Disable an account: its sessions and tokens stop working at once.
    Disable {
        #[command(flatten)]
        database: DatabaseArgs,
        username: String,
    },
    /// Enable a disabled account again.
    Enable {
        #[command(flatten)]
        database: DatabaseArgs,
        username: String,
    },
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[arg(long)]
    pub username: String,
    #[arg(long)]
    pub name: String,
    /// Code of the user's organisation.
    #[arg(long)]
    pub org: String,
    /// One of: crisis-clinician, mental-health-practitioner, gp, police-officer,
    /// paramedic, ed-clinician, nhs-111-advisor, social-worker, support-worker,
    /// ig-lead, commissioner, admin, person.
    #[arg(long)]
    pub role: String,
    /// Name of the user's team within the organisation.
    #[arg(long)]
    pub team: Option<String>,
    /// For a person's own account: their NHS number.
    #[arg(long)]
    pub nhs_number: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum SourceCommand {
    /// Register a partner's system (a hospital's patient administration
    /// system, an ambulance service's dispatch) to report contacts through
    /// the API. Prints the system's secret once; it signs in with its name
    /// and that secret (`POST /api/v1/auth/token`).
    Add {
        #[command(flatten)]
        database: DatabaseArgs,
        /// Code of the system's organisation.
        #[arg(long)]
        org: String,
        /// The system's name: its account's username and the
        /// `source_system` its events carry, e.g. `northshire-ed`.
        #[arg(long)]
        system: String,
        /// What people call it, e.g. "Northshire General ED system".
        #[arg(long)]
        name: String,
        /// The kinds of contact it reports, comma-separated, each one its
        /// organisation can truthfully report, e.g. `ed-attendance,admission`.
        #[arg(long, value_delimiter = ',')]
        kinds: Vec<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Add a partner organisation.
    Add {
        #[command(flatten)]
        database: DatabaseArgs,
        /// Short code, e.g. NMHT.
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        /// One of: nhs-trust, gp-practice, police, ambulance, emergency-department,
        /// local-authority, charity, specialist-service, nhs-111.
        #[arg(long)]
        kind: String,
    },
    /// List partner organisations.
    List {
        #[command(flatten)]
        database: DatabaseArgs,
    },
}

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// Add a team to an organisation.
    Add {
        #[command(flatten)]
        database: DatabaseArgs,
        /// Code of the organisation.
        #[arg(long)]
        org: String,
        #[arg(long)]
        name: String,
        /// The number partners ring to reach the team.
        #[arg(long)]
        duty_phone: Option<String>,
    },
}

pub async fn migrate(db: DatabaseArgs) -> anyhow::Result<()> {
    let store = db.open(4).await?;
    println!("The database at {} is up to date.", db.url()?);
    store.close().await;
    Ok(())
}

async fn organisation(conn: &mut Conn, code: &str) -> anyhow::Result<Organisation> {
    let code = OrganisationCode::parse(code)?;
    organisations::organisation_by_code(conn, &code)
        .await?
        .with_context(|| {
            format!(
                "there is no organisation with code `{}`; `concordat org list` shows them",
                code.as_str()
            )
        })
}

pub async fn org(command: OrgCommand) -> anyhow::Result<()> {
    match command {
        OrgCommand::Add {
            database,
            code,
            name,
            kind,
        } => {
            let org = Organisation::new(
                OrganisationId::new(),
                OrganisationCode::parse(&code)?,
                &name,
                OrganisationKind::parse(&kind)?,
            )?;
            let store = database.open(4).await?;
            let mut tx = store.write().await?;
            organisations::insert_organisation(&mut tx, &org, chrono::Utc::now()).await?;
            tx.commit().await?;
            println!(
                "Added {} ({}), {}.",
                org.name(),
                org.code().as_str(),
                org.kind().label()
            );
        }
        OrgCommand::List { database } => {
            let store = database.open(4).await?;
            let mut conn = store.read().await?;
            for org in organisations::list_organisations(&mut conn).await? {
                println!(
                    "{:<8} {:<22} {}",
                    org.code().as_str(),
                    org.kind().as_str(),
                    org.name()
                );
            }
        }
    }
    Ok(())
}

pub async fn team(command: TeamCommand) -> anyhow::Result<()> {
    let TeamCommand::Add {
        database,
        org,
        name,
        duty_phone,
    } = command;
    let phone = duty_phone.as_deref().map(PhoneNumber::parse).transpose()?;
    let store = database.open(4).await?;
    let mut tx = store.write().await?;
    let org = organisation(&mut tx, &org).await?;
    let team = Team::new(TeamId::new(), org.id(), &name, phone)?;
    teams::insert_team(&mut tx, &team).await?;
    tx.commit().await?;
    println!("Added team {} to {}.", team.name(), org.name());
    Ok(())
}

pub async fn user(command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add(args) => add_user(args).await,
        UserCommand::List { database, org } => {
            let store = database.open(4).await?;
            let mut conn = store.read().await?;
            let filter = match org {
                Some(code) => Some(organisation(&mut conn, &code).await?.id()),
                None => None,
            };
            for user in users::list_users(&mut conn, filter).await? {
                println!(
                    "{:<20} {:<28} {:<30} {}",
                    user.username().as_str(),
                    user.role().as_str(),
                    user.display_name().as_str(),
                    if user.disabled() {
                        "disabled"
                    } else {
                        "active"
                    }
                );
            }
            Ok(())
        }
        UserCommand::Disable { database, username } => {
            set_disabled(&database, &username, true).await
        }
        UserCommand::Enable { database, username } => {
            set_disabled(&database, &username, false).await
        }
    }
}

async fn set_disabled(db: &DatabaseArgs, username: &str, disabled: bool) -> anyhow::Result<()> {
    let username = Username::parse(username)?;
    let store = db.open(4).await?;
    let mut tx = store.write().await?;
    users::set_disabled(&mut tx, &username, disabled)
        .await
        .map_err(|e| match e {
            concordat_store::StoreError::NotFound { .. } => {
                anyhow::anyhow!("there is no user `{}`", username.as_str())
            }
            other => other.into(),
        })?;
    if disabled {
        // Sessions would be refused anyway; removing them keeps the table honest.
        if let Some(user) = users::user_by_username(&mut tx, &username).await? {
            sessions::delete_sessions_of_user(&mut tx, user.id()).await?;
        }
    }
    tx.commit().await?;
    println!(
        "{} is now {}.",
        username.as_str(),
        if disabled {
            "disabled: their sessions and tokens no longer work"
        } else {
            "enabled"
        }
    );
    Ok(())
}

async fn add_user(args: UserAddArgs) -> anyhow::Result<()> {
    // Everything is checked before anything is written.
    let username = Username::parse(&args.username)?;
    let display_name = DisplayName::parse(&args.name)?;
    let role = Role::parse(&args.role)?;
    let nhs_number = args
        .nhs_number
        .as_deref()
        .map(NhsNumber::parse)
        .transpose()?;
    if role == Role::Person && nhs_number.is_none() {
        bail!("a `person` account needs `--nhs-number`: the person's own record it opens");
    }
    if role != Role::Person && nhs_number.is_some() {
        bail!("only a `person` account is linked to an NHS number");
    }
    if role == Role::SourceSystem {
        bail!(
            "a source system is registered with `concordat source add`, which says what it reports"
        );
    }
    let password = read_password()?;

    let store = args.database.open(4).await?;
    let mut tx = store.write().await?;
    let org = organisation(&mut tx, &args.org).await?;
    let team = match &args.team {
        Some(name) => Some(
            teams::team_by_name(&mut tx, org.id(), name)
                .await?
                .with_context(|| format!("{} has no team `{name}`", org.name()))?
                .id(),
        ),
        None => None,
    };
    let person = match &nhs_number {
        Some(number) => Some(
            persons::person_by_nhs_number(&mut tx, number)
                .await?
                .with_context(|| format!("no person has NHS number `{}`", number.formatted()))?
                .id(),
        ),
        None => None,
    };
    let user = User::new(
        UserId::new(),
        username,
        display_name,
        org.id(),
        team,
        role,
        person,
        false,
    )?;
    let hash = PasswordHasher::new()?.hash(password.expose()).await?;
    users::insert_user(&mut tx, &user, &hash, chrono::Utc::now()).await?;
    tx.commit().await?;
    println!(
        "Added {} ({}, {}).",
        user.username().as_str(),
        user.role().label(),
        org.name()
    );
    Ok(())
}

pub async fn source(command: SourceCommand) -> anyhow::Result<()> {
    let SourceCommand::Add {
        database,
        org,
        system,
        name,
        kinds,
    } = command;
    // Everything is checked before anything is written.
    let username = Username::parse(&system)?;
    let display_name = DisplayName::parse(&name)?;
    let kinds = kinds
        .iter()
        .map(|k| ContactKind::parse(k.trim()))
        .collect::<Result<Vec<_>, _>>()?;
    let store = database.open(4).await?;
    let mut tx = store.write().await?;
    let org = organisation(&mut tx, &org).await?;
    let user = User::new(
        UserId::new(),
        username,
        display_name,
        org.id(),
        None,
        Role::SourceSystem,
        None,
        false,
    )?;
    let registration = SourceSystem::register(user.id(), org.kind(), kinds)?;
    // 256 random bits: a system keeps its secret in its configuration, so
    // it need not be memorable, only unguessable.
    let secret = concordat_server::auth::secret::new_secret();
    let hash = PasswordHasher::new()?.hash(&secret).await?;
    let now = chrono::Utc::now();
    users::insert_user(&mut tx, &user, &hash, now).await?;
    source_systems::insert_source_system(&mut tx, &registration, now).await?;
    tx.commit().await?;
    let reported: Vec<&str> = registration.kinds().iter().map(|k| k.as_str()).collect();
    println!(
        "Registered {} ({}) for {}, reporting {}.",
        user.username().as_str(),
        user.display_name().as_str(),
        org.name(),
        reported.join(", ")
    );
    println!("Its secret, shown only now: {secret}");
    Ok(())
}

/// One line from standard input: the new account's password. Reading it
/// from input rather than a flag keeps it out of shell history and `ps`.
fn read_password() -> anyhow::Result<NewPassword> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("cannot read the password from standard input")?;
    let line = line.trim_end_matches(['\r', '\n']);
    if line.is_empty() {
        bail!(
            "give the new password on standard input, e.g. `concordat user add … < password.txt`"
        );
    }
    Ok(NewPassword::parse(line)?)
}
