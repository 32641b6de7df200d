//! `--database`: where the store is, as every subcommand that opens it
//! takes it.

use clap::Args;
use concordat_store::DatabaseUrl;

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
