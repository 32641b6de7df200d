//! The `concordat` command: parse the arguments, set up logging, run the
//! chosen subcommand. Everything it does is built from the library crates.

mod access_settings;
mod admin;
mod agreement_command;
mod args;
mod audit_command;
mod database;
mod demo_command;
mod link_command;
mod logging;
mod outcomes_command;
mod serve;

use clap::Parser;

use args::{Cli, Command};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    logging::init(cli.log_format, cli.command.default_log_level());
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<std::process::ExitCode> {
    match command {
        Command::Serve(args) => serve::serve(args).await?,
        Command::Demo(args) => demo_command::demo(args).await?,
        Command::Migrate(db) => admin::migrate(db).await?,
        Command::User(cmd) => admin::user(cmd).await?,
        Command::Org(cmd) => admin::org(cmd).await?,
        Command::Team(cmd) => admin::team(cmd).await?,
        Command::Source(cmd) => admin::source(cmd).await?,
        Command::Agreement(cmd) => agreement_command::run(cmd).await?,
        Command::Audit(cmd) => return audit_command::run(cmd).await,
        Command::Link(cmd) => link_command::run(cmd).await?,
        Command::Outcomes(cmd) => outcomes_command::run(cmd).await?,
    }
    Ok(std::process::ExitCode::SUCCESS)
}
