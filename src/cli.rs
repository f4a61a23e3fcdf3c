//! The command line: `serve` (default), `migrate`, `create-operator`, `seed-demo`,
//! `print-schema`.

use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::error::AppError;
use crate::infra::clock::SystemClock;
use crate::services::{demo_seed, operators};
use crate::startup::{Application, build_state};
use crate::telemetry;

/// reloop: the recycling network's back end. Settings come from the environment
/// (see README).
#[derive(Parser, Debug)]
#[command(name = "reloop", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve HTTP and GraphQL (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Create an OPERATOR account.
    CreateOperator {
        /// Login email.
        #[arg(long)]
        email: String,
        /// Password (8 to 128 characters).
        #[arg(long, env = "RELOOP_OPERATOR_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// Seed the demo catalog if the database is empty.
    SeedDemo,
    /// Print the GraphQL schema (SDL), as committed in schema.graphql.
    PrintSchema,
}

/// Parses the arguments and runs the command.
pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(Command::PrintSchema) = cli.command {
        print!("{}", crate::graphql::sdl());
        return Ok(());
    }
    let config = Config::from_env()?;
    telemetry::init("info,sqlx=warn", config.log_json);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(config).await?;
            tracing::info!(port = app.port(), "reloop is listening");
            app.run_until_stopped().await.context("server")?;
        }
        Command::Migrate => {
            build_state(config, Arc::new(SystemClock)).await?;
            tracing::info!("migrations applied");
        }
        Command::CreateOperator { email, password } => {
            let state = build_state(config, Arc::new(SystemClock)).await?;
            let operator = operators::create_operator(&state, &email, password)
                .await
                .map_err(AppError::into_anyhow)?;
            tracing::info!(user_id = %operator.id, email = %operator.email, "operator created");
        }
        Command::SeedDemo => {
            let state = build_state(config, Arc::new(SystemClock)).await?;
            let seeded = demo_seed::seed_if_empty(&state)
                .await
                .map_err(AppError::into_anyhow)?;
            tracing::info!(seeded, "demo data");
        }
        Command::PrintSchema => unreachable!("handled above"),
    }
    Ok(())
}
