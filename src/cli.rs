//! The command line: `serve` (default), `migrate`, `create-operator`, `seed-demo`, `demo`,
//! `print-schema`.

use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::demo::{self, DemoSettings};
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
    /// Serve, with simulated collectors, households and plants using the API (see README).
    Demo(DemoArgs),
    /// Print the GraphQL schema (SDL), as committed in schema.graphql.
    PrintSchema,
}

/// `reloop demo`'s options.
#[derive(clap::Args, Debug)]
struct DemoArgs {
    /// Seed of every random choice (people, items, addresses, routes).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Collectors on the road.
    #[arg(long, default_value_t = 8)]
    collectors: usize,
    /// Households taking turns to book.
    #[arg(long, default_value_t = 16)]
    households: usize,
    /// Bookings per minute.
    #[arg(long, default_value_t = 6.0)]
    bookings_per_minute: f64,
    /// Simulated time per real time, for driving and for time at the door.
    #[arg(long, default_value_t = 30.0)]
    speed: f64,
    /// A collector takes its load to a plant after this many pickups.
    #[arg(long, default_value_t = 3)]
    handover_every: usize,
    /// Stop after this many seconds (default: run until Ctrl-C).
    #[arg(long)]
    duration_secs: Option<u64>,
}

impl From<DemoArgs> for DemoSettings {
    fn from(args: DemoArgs) -> Self {
        Self {
            seed: args.seed,
            collectors: args.collectors.max(1),
            households: args.households.max(1),
            bookings_per_minute: args.bookings_per_minute,
            speed: args.speed.max(0.1),
            handover_every: args.handover_every.max(1),
            duration: args.duration_secs.map(std::time::Duration::from_secs),
        }
    }
}

/// Parses the arguments and runs the command.
pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Some(Command::PrintSchema) = cli.command {
        print!("{}", crate::graphql::sdl());
        return Ok(());
    }
    let config = Config::from_env()?;
    // The demo narrates what its people do; the server itself speaks up only to warn.
    let filter = match cli.command {
        Some(Command::Demo(_)) => "warn,reloop::demo=info",
        _ => "info,sqlx=warn",
    };
    telemetry::init(filter, config.log_json);
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
        Command::Demo(args) => demo::run(config, args.into()).await?,
        Command::PrintSchema => unreachable!("handled above"),
    }
    Ok(())
}
