//! The command line, assembled: the subcommands and the one global flag.
//! Each subcommand's own arguments live with the subcommand, and the
//! `--database` every one of them takes in [`crate::database`]. Every
//! setting is a flag with a `CONCORDAT_*` variable behind it, so the same
//! binary configures from either.

use clap::{Parser, Subcommand};

use crate::admin::{OrgCommand, SourceCommand, TeamCommand, UserCommand};
use crate::agreement_command::AgreementCommand;
use crate::audit_command::AuditCommand;
use crate::database::DatabaseArgs;
use crate::demo_command::DemoArgs;
use crate::link_command::LinkCommand;
use crate::logging::LogFormat;
use crate::outcomes_command::OutcomesCommand;
use crate::serve::ServeArgs;

#[derive(Debug, Parser)]
#[command(
    name = "concordat",
    version,
    about = "Information sharing for mental health crisis care, across a partnership"
)]
pub struct Cli {
    /// How log lines are written.
    #[arg(long, env = "CONCORDAT_LOG_FORMAT", value_enum, default_value_t = LogFormat::Human, global = true)]
    pub log_format: LogFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the partnership over HTTP.
    Serve(ServeArgs),
    /// Create (if absent) and serve a synthetic demo partnership on this machine.
    Demo(DemoArgs),
    /// Bring the database schema up to date, then exit.
    Migrate(DatabaseArgs),
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage partner organisations.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Manage teams within organisations.
    #[command(subcommand)]
    Team(TeamCommand),
    /// Register partners' systems that report contacts.
    #[command(subcommand)]
    Source(SourceCommand),
    /// Manage information sharing agreements.
    #[command(subcommand)]
    Agreement(AgreementCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Record linkage: an agency's register against the people Concordat
    /// knows, or people recorded twice.
    #[command(subcommand)]
    Link(LinkCommand),
    /// The partnership's monthly outcome figures.
    #[command(subcommand)]
    Outcomes(OutcomesCommand),
}

impl Command {
    pub fn default_log_level(&self) -> &'static str {
        match self {
            Command::Serve(_) | Command::Demo(_) => "info",
            _ => "warn",
        }
    }
}
