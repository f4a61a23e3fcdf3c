//! Wiring: from a [`Config`] to a listening server.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::Server;
use actix_web::{App, HttpServer};
use anyhow::Context;

use crate::config::Config;
use crate::error::AppError;
use crate::graphql::build_schema;
use crate::http::{DocumentCache, HttpContext, configure, readiness};
use crate::infra::catalog_cache::CatalogCache;
use crate::infra::clock::{Clock, SystemClock};
use crate::infra::geo::GeoIndex;
use crate::infra::geo::memory::InMemoryGeoIndex;
use crate::infra::geo::redis::RedisGeoIndex;
use crate::infra::metrics::Metrics;
use crate::infra::order_signals::OrderSignals;
use crate::infra::password::PasswordHasher;
use crate::infra::pubsub::PubSub;
use crate::infra::pubsub::memory::InMemoryPubSub;
use crate::infra::pubsub::redis::RedisPubSub;
use crate::infra::rate_limit::memory::InMemoryRateLimiter;
use crate::infra::rate_limit::redis::RedisRateLimiter;
use crate::infra::rate_limit::{FallbackRateLimiter, RateLimiter};
use crate::infra::redis_conn::RedisConn;
use crate::infra::signing::ServerKey;
use crate::infra::tokens::AccessTokens;
use crate::infra::{db, secrets};
use crate::services::orders::Booking;
use crate::services::quotes::Quoting;
use crate::services::{
    backlog_sampler, compliance, demo_seed, dispatch, geo_recovery, ledger, partners,
};
use crate::state::AppState;

/// A built application: bound to its port, not yet serving.
pub struct Application {
    port: u16,
    server: Server,
    state: AppState,
}

impl Application {
    /// Builds with the system clock.
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        Self::build_with_clock(config, Arc::new(SystemClock)).await
    }

    /// Connects, migrates, seeds (when configured and empty) and binds the listener;
    /// `bind` with port 0 picks a free port (see [`Application::port`]).
    pub async fn build_with_clock(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<Self> {
        Self::build_inner(config, clock, true).await
    }

    /// Like [`Application::build`], for a host that decides when to stop (`reloop demo`):
    /// the server ignores SIGINT/SIGTERM and stops through [`Application::handle`], so the
    /// host can first stop its own clients of it.
    pub async fn build_managed(config: Config) -> anyhow::Result<Self> {
        Self::build_inner(config, Arc::new(SystemClock), false).await
    }

    async fn build_inner(
        config: Config,
        clock: Arc<dyn Clock>,
        handle_signals: bool,
    ) -> anyhow::Result<Self> {
        let state = build_state(config, clock).await?;
        if state.config.seed_demo {
            demo_seed::seed_if_empty(&state)
                .await
                .map_err(AppError::into_anyhow)?;
        }
        // An in-process geo index starts empty: refill it from the last known positions.
        geo_recovery::load_at_start(&state)
            .await
            .map_err(AppError::into_anyhow)?;
        // Refills the geo index if Redis comes back without it.
        geo_recovery::spawn_geo_recovery(state.clone());
        // Keeps the backlog gauges on /metrics current.
        backlog_sampler::spawn_backlog_sampler(state.clone());
        // Looks for collectors for the orders the lifecycle announces.
        dispatch::spawn_dispatcher(state.clone());
        // Expires offers left over from before a restart, then keeps sweeping.
        dispatch::spawn_sweeper(state.clone());
        // Sends webhooks left in the outbox (also those from before a restart).
        partners::delivery::spawn_delivery_worker(state.clone());
        // Signs a checkpoint of the custody log on its interval.
        ledger::checkpoints::spawn_checkpointer(state.clone());
        // A calendar that replaced a projected year moves the deadlines counted over it.
        let moved = compliance::tasks::recount_provisional(&state)
            .await
            .map_err(AppError::into_anyhow)?;
        if moved > 0 {
            tracing::info!(moved, "recounted provisional compliance deadlines");
        }
        // Announces overdue compliance tasks and keeps their gauges current.
        compliance::sweep::spawn_compliance_sweeper(state.clone());
        let listener = TcpListener::bind(&state.config.bind)
            .with_context(|| format!("binding {}", state.config.bind))?;
        let port = listener.local_addr()?.port();
        let probe = db::connect_probe(&state.config, readiness::PROBE_TIMEOUT).await?;
        let context = HttpContext {
            readiness: Arc::new(readiness::Readiness::new(
                state.db.clone(),
                probe,
                state.redis.clone(),
            )),
            schema: build_schema(
                state.clone(),
                Quoting::start(state.db.clone(), state.write_gate.clone()),
                Booking::start(state.db.clone(), state.write_gate.clone()),
                &state.config.graphql,
            ),
            state: state.clone(),
            documents: DocumentCache::default(),
        };
        let mut server =
            HttpServer::new(move || App::new().configure(|cfg| configure(cfg, context.clone())))
                .listen(listener)?
                .shutdown_timeout(10);
        if !handle_signals {
            server = server.disable_signals();
        }
        let server = server.run();
        Ok(Self {
            port,
            server,
            state,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Stops the server (gracefully or not) from elsewhere.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// The shared state (tests use it to reach the database and clock).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT/SIGTERM, then drains in-flight requests (up to 10 s).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Everything but the HTTP server: database (migrated), secrets and adapters. The CLI
/// commands use it too.
pub async fn build_state(config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<AppState> {
    let db = db::connect(&config).await?;
    db::migrate(&db).await?;
    let secret = secrets::jwt_secret(config.auth.jwt_secret.as_ref(), &config.data_dir)?;
    let tokens = AccessTokens::new(
        &secret,
        &config.auth.issuer,
        &config.auth.audience,
        config.auth.access_token_ttl,
    )?;
    let server_key = ServerKey::load(config.custody.signing_key.as_ref(), &config.data_dir)?;
    let metrics = Metrics::new()?;
    metrics.observe_pool(&db)?;
    let adapters = Adapters::connect(&config, &clock, &metrics).await?;
    let catalog = Arc::new(CatalogCache::new(Duration::from_secs(30)));
    let write_gate = db::WriteGate::for_connection(&db).with_begin_histogram(metrics.db_acquire());
    Arc::clone(&catalog)
        .follow_changes(Arc::clone(&adapters.pubsub))
        .await?;
    Ok(AppState {
        config: Arc::new(config),
        clock,
        tokens: Arc::new(tokens),
        server_key: Arc::new(server_key),
        passwords: PasswordHasher::new()?,
        geo: adapters.geo,
        pubsub: adapters.pubsub,
        rate_limiter: adapters.rate_limiter,
        redis: adapters.redis,
        order_signals: OrderSignals::new(metrics.dispatch_backlog()),
        metrics,
        catalog,
        write_gate,
        db,
    })
}

/// The pieces Redis backs, or their in-process twins.
struct Adapters {
    geo: Arc<dyn GeoIndex>,
    pubsub: Arc<dyn PubSub>,
    rate_limiter: Arc<dyn RateLimiter>,
    redis: Option<RedisConn>,
}

impl Adapters {
    async fn connect(
        config: &Config,
        clock: &Arc<dyn Clock>,
        metrics: &Metrics,
    ) -> anyhow::Result<Self> {
        let Some(url) = &config.redis_url else {
            return Ok(Self {
                geo: Arc::new(InMemoryGeoIndex::default()),
                pubsub: Arc::new(InMemoryPubSub::default()),
                rate_limiter: Arc::new(InMemoryRateLimiter::new(Arc::clone(clock))),
                redis: None,
            });
        };
        // Redis is an accelerator: a server starts without it (degraded, on the in-process
        // twins below) and takes it up when it answers.
        let conn = RedisConn::open(
            url,
            &config.redis_prefix,
            config.redis_connect_timeout,
            config.redis_response_timeout,
            Some(metrics.redis()?),
        )
        .context("connecting to Redis")?;
        conn.reach_or_degrade().await;
        let pubsub = RedisPubSub::start_or_degrade(&conn).await;
        Ok(Self {
            geo: Arc::new(RedisGeoIndex::new(&conn)),
            pubsub: Arc::new(pubsub),
            // Shared buckets while Redis answers, this process's own while it does not.
            rate_limiter: Arc::new(FallbackRateLimiter::new(
                Arc::new(RedisRateLimiter::new(&conn, Arc::clone(clock))),
                Arc::new(InMemoryRateLimiter::new(Arc::clone(clock))),
            )),
            redis: Some(conn),
        })
    }
}
