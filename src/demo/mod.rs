//! `reloop demo`: a living network on the embedded defaults. The server starts as `serve`
//! would, then simulated people use it through its public GraphQL API over HTTP, exactly as
//! apps do (no shortcut into the tables): collectors go online and drive around Shanghai,
//! households book pickups at a steady rate, collectors accept, travel, inspect, complete
//! and hand the items to a plant, whose staff receive and process them, so certificates
//! follow. The same seed gives the same people, items, addresses and routes; who wins an
//! offer follows real time. Ctrl-C stops the people between two requests, then the server.
//!
//! - [`api`]: the GraphQL client and signed-in sessions
//! - [`cast`]: the operator, plants, staff and collectors, set up through the API
//! - [`city`]: Shanghai's landmarks, addresses and routes along the streets
//! - [`collector`], [`household`] (with its [`basket`]), [`plant`]: what each kind of person does
//! - [`pace`], [`tally`]: the demo's clock and stop signal, and its counters

pub mod api;
pub mod basket;
pub mod cast;
pub mod city;
pub mod collector;
pub mod household;
pub mod pace;
pub mod plant;
pub mod tally;

use std::sync::Arc;
use std::time::Duration;

use rand::SeedableRng;
use rand::rngs::StdRng;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::config::Config;
use crate::startup::Application;
use crate::state::AppState;
use api::{Api, DEMO_PASSWORD};
use pace::Pace;
use tally::Tally;

/// How the demo runs (the command line's options).
#[derive(Clone, Debug)]
pub struct DemoSettings {
    /// Seed of every random choice.
    pub seed: u64,
    /// Collectors on the road.
    pub collectors: usize,
    /// Households taking turns to book.
    pub households: usize,
    /// Bookings per minute, all households together.
    pub bookings_per_minute: f64,
    /// Simulated time per real time (travel, time at the door).
    pub speed: f64,
    /// A collector drives to a plant after this many pickups.
    pub handover_every: usize,
    /// Stop after this long (else at Ctrl-C).
    pub duration: Option<Duration>,
}

/// Starts the server and the people; runs until Ctrl-C (or SIGTERM, or `duration`).
pub async fn run(config: Config, settings: DemoSettings) -> anyhow::Result<()> {
    let app = Application::build_managed(config).await?;
    let base = local_url(&app.state().config.bind, app.port());
    let state = app.state().clone();
    let server_handle = app.handle();
    let server = tokio::spawn(app.run_until_stopped());
    let result = people(&state, &base, &settings).await;
    // The people have stopped: nobody is left to be cut off mid-request.
    server_handle.stop(true).await;
    server.await??;
    result
}

/// Where the demo's own clients reach the server: loopback when it listens everywhere.
fn local_url(bind: &str, port: u16) -> String {
    let host = bind.rsplit_once(':').map_or("127.0.0.1", |(host, _)| host);
    let host = match host {
        "0.0.0.0" | "" => "127.0.0.1",
        "[::]" => "[::1]",
        other => other,
    };
    format!("http://{host}:{port}")
}

/// Sets the people up, lets them work until told to stop, and prints what they did.
async fn people(state: &AppState, base: &str, settings: &DemoSettings) -> anyhow::Result<()> {
    let api = Api::new(base)?;
    let mut operator = cast::operator(state, &api).await?;
    let categories = cast::category_codes(&api).await?;
    let plants = cast::plants(&api, &mut operator, &categories).await?;
    let recruits =
        cast::collectors(&api, &mut operator, settings.collectors, settings.seed).await?;
    let (stop, stopped) = watch::channel(false);
    let pace = Pace::new(Duration::from_secs(1), settings.speed, stopped);
    let tally = Arc::new(Tally::default());
    let rng = |n: u64| StdRng::seed_from_u64(settings.seed.wrapping_mul(1_000_003).wrapping_add(n));
    let mut actors = JoinSet::new();
    let (customers, calls) = tokio::sync::mpsc::unbounded_channel();
    for (index, recruit) in recruits.into_iter().enumerate() {
        let partners = collector::Partners {
            plants: &plants,
            customers: customers.clone(),
        };
        let actor = collector::CollectorActor::new(
            recruit,
            partners,
            settings.handover_every,
            rng(100 + index as u64),
            pace.clone(),
            Arc::clone(&tally),
        );
        actors.spawn(actor.run());
    }
    for (index, plant) in plants.iter().enumerate() {
        let actor = plant::PlantActor::new(
            plant,
            rng(200 + index as u64),
            pace.clone(),
            Arc::clone(&tally),
        );
        actors.spawn(actor.run());
    }
    let households = household::Households::new(
        api.clone(),
        settings.households,
        categories,
        rng(1),
        pace.clone(),
        Arc::clone(&tally),
    );
    actors.spawn(households.run(settings.bookings_per_minute, calls));
    actors.spawn(report(pace.clone(), Arc::clone(&tally)));
    print_banner(base, settings, &plants);
    wait_for_stop(settings.duration).await;
    tracing::info!("stopping: letting everyone finish the request in hand");
    stop.send_replace(true);
    while actors.join_next().await.is_some() {}
    println!("reloop demo stopped: {}", tally.line());
    Ok(())
}

/// Prints the counters every half minute.
async fn report(mut pace: Pace, tally: Arc<Tally>) {
    while pace.wait(Duration::from_secs(30)).await {
        tracing::info!("so far: {}", tally.line());
    }
}

/// Ctrl-C, SIGTERM, or the end of `duration`.
async fn wait_for_stop(duration: Option<Duration>) {
    let ended = async {
        match duration {
            Some(duration) => tokio::time::sleep(duration).await,
            None => std::future::pending().await,
        }
    };
    let terminated = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminated => {}
        () = ended => {}
    }
}

fn print_banner(base: &str, settings: &DemoSettings, plants: &[cast::Plant]) {
    let plant_names: Vec<&str> = plants.iter().map(|p| p.name.as_str()).collect();
    println!(
        "\nreloop demo (seed {}): {} collectors, {} households booking {}/min, time ×{}\n\
         \n  GraphiQL        {base}/graphql\
         \n  operator        {} / {}   (sign in with `login`, then e.g. `dispatchBoard`)\
         \n  metrics         {base}/metrics\
         \n  signing key     {base}/.well-known/reloop-signing-key\
         \n  plants          {}\
         \n  every demo user has the password above: demo.collector.01@example.com, demo.household.01@example.com, demo.plant.1@example.com …\
         \n\nCtrl-C stops it.\n",
        settings.seed,
        settings.collectors,
        settings.households,
        settings.bookings_per_minute,
        settings.speed,
        cast::OPERATOR_EMAIL,
        DEMO_PASSWORD,
        plant_names.join(", "),
    );
}
