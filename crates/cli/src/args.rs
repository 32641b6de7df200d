//! The command line. Every setting is a flag with a `CONCORDAT_*` variable
//! behind it, so the same binary configures from either.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use concordat_store::DatabaseUrl;

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

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Human,
    Json,
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
    Agreement(crate::agreement_command::AgreementCommand),
    /// Check the audit log.
    #[command(subcommand)]
    Audit(crate::audit_command::AuditCommand),
}

impl Command {
    pub fn default_log_level(&self) -> &'static str {
        match self {
            Command::Serve(_) | Command::Demo(_) => "info",
            _ => "warn",
        }
    }
}

#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// sqlite://PATH or postgres://USER:PASSWORD@HOST/DB
    // Parsed after clap, not by it: clap echoes a rejected value, and this
    // one may carry a password.
    #[arg(
        long = "database",
        env = "CONCORDAT_DATABASE_URL",
        hide_env_values = true
    )]
    database: String,
    /// Most connections this node opens to the database.
    #[arg(long, env = "CONCORDAT_DATABASE_POOL", default_value_t = 16)]
    pub pool_size: u32,
}

impl DatabaseArgs {
    pub fn url(&self) -> anyhow::Result<DatabaseUrl> {
        Ok(DatabaseUrl::parse(&self.database)?)
    }

    /// Opens (and migrates) the store, with at most `max_pool` connections
    /// or the configured pool size, whichever is smaller.
    pub async fn open(&self, max_pool: u32) -> anyhow::Result<concordat_store::Store> {
        use anyhow::Context as _;
        let url = self.url()?;
        concordat_store::Store::open(
            &url,
            concordat_store::backend::PoolSize(self.pool_size.min(max_pool)),
        )
        .await
        .with_context(|| format!("cannot open the database at `{url}`"))
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Address to listen on.
    #[arg(long, env = "CONCORDAT_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Mark cookies Secure: set when users reach this server over HTTPS
    /// (including through a TLS-terminating proxy).
    #[arg(long, env = "CONCORDAT_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Minutes of inactivity after which a browser session ends.
    #[arg(long, env = "CONCORDAT_SESSION_IDLE_MINUTES", default_value_t = 30)]
    pub session_idle_minutes: i64,
    /// Hours after which a browser session ends however active it is.
    #[arg(long, env = "CONCORDAT_SESSION_MAX_HOURS", default_value_t = 12)]
    pub session_max_hours: i64,
    /// Minutes an API token lives.
    #[arg(long, env = "CONCORDAT_TOKEN_MINUTES", default_value_t = 60)]
    pub token_minutes: i64,
    /// The ed25519 key that signs audit checkpoints (created if absent; keep
    /// it apart from database backups, and give its public half to auditors).
    #[arg(
        long,
        env = "CONCORDAT_AUDIT_KEY",
        default_value = "concordat-audit.key"
    )]
    pub audit_key: PathBuf,
    /// Minutes a break-glass override lasts.
    #[arg(long, env = "CONCORDAT_BREAK_GLASS_MINUTES", default_value_t = 30)]
    pub break_glass_minutes: i64,
    /// Minutes a crisis look-up lets its user read the crisis summary and
    /// record contacts for the person found.
    #[arg(long, env = "CONCORDAT_CRISIS_LOOKUP_MINUTES", default_value_t = 240)]
    pub crisis_lookup_minutes: i64,
    /// Milliseconds between this node's looks for due jobs (deadlines,
    /// escalations, deliveries); 0 runs no scheduler on this node.
    #[arg(long, env = "CONCORDAT_SCHEDULER_POLL_MS", default_value_t = 1000)]
    pub scheduler_poll_ms: u64,
    /// Bank holidays besides weekends, for deadlines in working days, as
    /// YYYY-MM-DD separated by commas (default: England and Wales).
    #[arg(long, env = "CONCORDAT_BANK_HOLIDAYS", value_delimiter = ',')]
    pub bank_holidays: Option<Vec<chrono::NaiveDate>>,
    /// The SMTP server email leaves through: smtp://HOST:PORT (plain),
    /// smtps://HOST:PORT (TLS), user:password@ before the host if it asks.
    /// Without it no email is sent, and the delivery log says so.
    #[arg(long, env = "CONCORDAT_SMTP_URL", value_parser = parse_smtp_url)]
    pub smtp_url: Option<concordat_server::delivery::SmtpUrl>,
    /// The sender of Concordat's emails, e.g. "Northshire Concordat
    /// <noreply@northshire.example>".
    #[arg(long, env = "CONCORDAT_MAIL_FROM")]
    pub mail_from: Option<String>,
    /// Allow webhooks to plain http:// URLs, not only https://: for
    /// receivers on a network this deployment trusts.
    #[arg(long, env = "CONCORDAT_ALLOW_HTTP_WEBHOOKS")]
    pub allow_http_webhooks: bool,
    /// Private, loopback or other internal networks webhooks may reach,
    /// which they otherwise may not, as ADDRESS/PREFIX separated by commas:
    /// e.g. a partner's integration engine at 10.20.0.0/16.
    #[arg(
        long,
        env = "CONCORDAT_WEBHOOK_ALLOW_NETWORKS",
        value_delimiter = ',',
        value_parser = parse_network
    )]
    pub webhook_allow_networks: Vec<concordat_server::webhooks::destinations::Network>,
}

fn parse_network(
    raw: &str,
) -> Result<
    concordat_server::webhooks::destinations::Network,
    concordat_server::webhooks::destinations::NetworkError,
> {
    concordat_server::webhooks::destinations::Network::parse(raw)
}

fn parse_smtp_url(
    raw: &str,
) -> Result<concordat_server::delivery::SmtpUrl, concordat_server::delivery::email::SmtpUrlError> {
    concordat_server::delivery::SmtpUrl::parse(raw)
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Address to listen on; only loopback addresses are allowed.
    #[arg(long, env = "CONCORDAT_DEMO_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Folder holding the demo database (created if absent).
    #[arg(long, env = "CONCORDAT_DEMO_DATA", default_value = "./concordat-data")]
    pub data: PathBuf,
    /// How many synthetic people to create (1 to 1,000,000).
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub people: u32,
    /// Create the data and exit without serving.
    #[arg(long)]
    pub no_serve: bool,
}

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
