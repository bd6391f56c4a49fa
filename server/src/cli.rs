//! The command line: `gridhall [serve]`, `gridhall migrate`, `gridhall demo`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{Config, LogFormat};
use crate::{db, demo, serve, telemetry};

/// Gridhall, the online service hall of an electricity utility.
#[derive(Debug, Parser)]
#[command(name = "gridhall", version, about)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub config: Config,
}

/// The subcommands.
#[derive(Debug, Clone, Copy, Subcommand)]
pub enum Command {
    /// Serve the portal and the API (migrates the database first).
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// Load the demo data set (idempotent) and exit.
    Demo,
}

/// Parses the command line, runs the command, and turns any failure into one line on
/// stderr and a non-zero exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    telemetry::init(&cli.config);
    let log_format = cli.config.log_format;
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("gridhall: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One line: a log collector reads JSON, a person reads plain text.
            match log_format {
                LogFormat::Json => tracing::error!("{error:#}"),
                LogFormat::Text => eprintln!("gridhall: {error:#}"),
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve::run(config).await,
        Command::Migrate => {
            let db = db::Db::connect(&config).await?;
            db.migrate().await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Demo => {
            let db = db::Db::connect(&config).await?;
            db.migrate().await?;
            let report = demo::load(&db).await?;
            tracing::info!(added = report.added, "demo data loaded");
            Ok(())
        }
    }
}
