//! `concordat audit …`: proving the tamper-evident audit log from the command
//! line. `verify` walks the whole chain and its signed checkpoints and prints
//! one line — intact, or the first broken entry and why — exiting 0 or 1,
//! and 2 when it could not check at all, so it can run from cron or a
//! monitoring check. It only reads the database.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand};
use concordat_store::audit::signer::{parse_public_key, public_key_hex};
use concordat_store::audit::{verify_chain, CheckpointSigner, VerifyingKey};
use concordat_store::backend::PoolSize;
use concordat_store::Store;

use crate::database::DatabaseArgs;

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Check every audit entry and signed checkpoint from the first; exit 1
    /// at the first broken link, 2 when the check cannot be made (the key
    /// unreadable, the database unreachable).
    Verify {
        #[command(flatten)]
        database: DatabaseArgs,
        #[command(flatten)]
        key: KeyArgs,
    },
    /// Print the public half of the checkpoint key, so auditors can verify
    /// with `--public-key` without holding the secret.
    PublicKey {
        /// The checkpoint signing key file.
        #[arg(long, env = "CONCORDAT_AUDIT_KEY")]
        key: PathBuf,
    },
}

/// The key checkpoints must be signed with: the secret key file, or the
/// public key alone.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct KeyArgs {
    /// The checkpoint signing key file (the server keeps it in its data folder).
    #[arg(long, env = "CONCORDAT_AUDIT_KEY")]
    key: Option<PathBuf>,
    /// The checkpoint public key as 64 hex digits, as `concordat audit
    /// public-key` prints it.
    #[arg(long)]
    public_key: Option<String>,
}

impl KeyArgs {
    fn verifying_key(&self) -> anyhow::Result<VerifyingKey> {
        match (&self.key, &self.public_key) {
            (Some(path), _) => Ok(CheckpointSigner::load(path)?.verifying_key()),
            (None, Some(hex)) => Ok(parse_public_key(hex)?),
            // clap's group demands one of the two.
            (None, None) => anyhow::bail!("give the checkpoint key with --key or --public-key"),
        }
    }
}

/// The exit status of a verification that could not be made.
const COULD_NOT_VERIFY: u8 = 2;

pub async fn run(command: AuditCommand) -> anyhow::Result<ExitCode> {
    match command {
        // Monitoring tells a broken chain (1) from a check that could not
        // run at all (2: the key unreadable, the database unreachable).
        AuditCommand::Verify { database, key } => match verify(&database, &key).await {
            Ok(code) => Ok(code),
            Err(error) => {
                eprintln!("error: {error:#}");
                Ok(ExitCode::from(COULD_NOT_VERIFY))
            }
        },
        AuditCommand::PublicKey { key } => {
            let signer = CheckpointSigner::load(&key)?;
            println!(
                "{} (key id {})",
                public_key_hex(&signer.verifying_key()),
                signer.key_id()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn verify(database: &DatabaseArgs, key: &KeyArgs) -> anyhow::Result<ExitCode> {
    let key = key.verifying_key()?;
    let url = database.url()?;
    // connect, not open: verifying must not change the database, not even
    // by migrating it.
    let store = Store::connect(&url, PoolSize(1))
        .await
        .with_context(|| format!("cannot open the database at `{url}`"))?;
    let mut conn = store.read().await?;
    let report = verify_chain(&mut conn, &key).await.with_context(|| {
        format!("cannot read the audit log at `{url}` (has `concordat migrate` run?)")
    })?;
    drop(conn);
    store.close().await;
    Ok(match report.first_break {
        None => {
            println!(
                "audit chain intact: {} entries, {} checkpoints",
                report.entries_checked, report.checkpoints_checked
            );
            ExitCode::SUCCESS
        }
        Some(found) => {
            println!(
                "audit chain broken at entry {}: {}",
                found.seq, found.reason
            );
            ExitCode::FAILURE
        }
    })
}
