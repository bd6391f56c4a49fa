//! The command line: `gridhall [serve]`, `gridhall migrate`, `gridhall demo`,
//! `gridhall admin create`.

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

    /// The configuration, from flags and the environment.
    #[command(flatten)]
    pub config: Config,
}

/// The subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve the portal and the API (migrates the database first).
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// Load the demo data set (idempotent), give every demo login a new random password,
    /// print the logins and exit.
    Demo {
        /// Also write the logins as JSON to this file (for the end-to-end tests).
        #[arg(long)]
        logins_file: Option<std::path::PathBuf>,
    },
    /// Staff administration from the command line.
    Admin {
        /// What to do.
        #[command(subcommand)]
        action: AdminCommand,
    },
}

/// `gridhall admin …`.
#[derive(Debug, Clone, Subcommand)]
pub enum AdminCommand {
    /// Create a staff administrator (the first one, or a replacement). Prints a one-time
    /// link, valid 72 hours, where they choose their password; it is also emailed to
    /// them. No password is ever set or shown by this command.
    Create {
        /// Their work email address (their login).
        #[arg(long)]
        email: String,
        /// Their name.
        #[arg(long)]
        name: String,
        /// The language of the invitation: zh-CN or en.
        #[arg(long, default_value = "zh-CN")]
        language: shared::Locale,
    },
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
            crate::startup::prepare_database(&db).await?;
            tracing::info!("migrations applied");
            Ok(())
        }
        Command::Demo { logins_file } => {
            let db = db::Db::connect(&config).await?;
            crate::startup::prepare_database(&db).await?;
            let ctx = crate::context::Ctx::new(config, db);
            let report = demo::load(&ctx).await?;
            let applications = demo::applications::load(&ctx).await?;
            let bills = demo::billing::load(&ctx).await?;
            tracing::info!(added = report.added, applications, bills, "demo data loaded");
            println!("Demo logins (new passwords, and staff authenticator secrets, at every load):");
            for login in &report.logins {
                let totp = login.totp_secret.as_deref().map(|s| format!("  TOTP secret {s}")).unwrap_or_default();
                println!("  {:<30} {:<40} {}{totp}", login.role, login.email, login.password);
            }
            if let Some(path) = logins_file {
                std::fs::write(&path, serde_json::to_vec_pretty(&report.logins)?)
                    .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?;
            }
            Ok(())
        }
        Command::Admin { action: AdminCommand::Create { email, name, language } } => {
            let db = db::Db::connect(&config).await?;
            crate::startup::prepare_database(&db).await?;
            let ctx = crate::context::Ctx::new(config, db);
            let actor =
                crate::services::Actor { user_id: None, label: "command line".to_owned(), ip: "local".to_owned() };
            let request = shared::api::staff::CreateStaffRequest {
                email,
                display_name: name,
                roles: vec![shared::roles::StaffRole::Admin],
                regions: Vec::new(),
            };
            let (_, link) = crate::services::staff::invite(&ctx, &actor, None, &request, language)
                .await
                .map_err(|fail| anyhow::anyhow!("{}", describe(fail)))?;
            println!("Administrator created. They choose their password here (valid 72 hours, once):");
            println!("{link}");
            Ok(())
        }
    }
}

/// A service refusal as one line for the command line.
fn describe(fail: crate::services::Fail) -> String {
    use crate::services::Fail;
    match fail {
        Fail::Code(code) => (shared::Locale::En.messages().error)(code).to_owned(),
        Fail::Fields(errors) => errors
            .iter()
            .map(|e| format!("{}: {}", e.field, shared::Locale::En.messages().field.for_problem(e.problem)))
            .collect::<Vec<_>>()
            .join("; "),
        Fail::RateLimited(seconds) => format!("rate limited for {seconds} s"),
        Fail::Database(error) => format!("database: {error}"),
        Fail::Internal(error) => format!("{error:#}"),
    }
}
