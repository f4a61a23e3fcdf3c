//! `AppState`: the shared handles every request uses, built once at start-up.

use std::sync::Arc;

use sea_orm::{DatabaseConnection, DbErr};

use crate::config::Config;
use crate::infra::catalog_cache::CatalogCache;
use crate::infra::clock::Clock;
use crate::infra::db::{WriteGate, WriteTxn, begin_write};
use crate::infra::geo::GeoIndex;
use crate::infra::metrics::Metrics;
use crate::infra::order_signals::OrderSignals;
use crate::infra::password::PasswordHasher;
use crate::infra::pubsub::PubSub;
use crate::infra::rate_limit::RateLimiter;
use crate::infra::redis_conn::RedisConn;
use crate::infra::signing::ServerKey;
use crate::infra::tokens::AccessTokens;

/// Cheap to clone: every field is a handle.
#[derive(Clone)]
pub struct AppState {
    /// The settings the application started with.
    pub config: Arc<Config>,
    /// The database pool.
    pub db: DatabaseConnection,
    /// Where "now" comes from.
    pub clock: Arc<dyn Clock>,
    /// Signs and checks access tokens.
    pub tokens: Arc<AccessTokens>,
    /// Signs custody events, checkpoints and certificates.
    pub server_key: Arc<ServerKey>,
    /// Hashes and verifies passwords.
    pub passwords: PasswordHasher,
    /// Collector positions.
    pub geo: Arc<dyn GeoIndex>,
    /// Events between requests and instances.
    pub pubsub: Arc<dyn PubSub>,
    /// Budgets per key.
    pub rate_limiter: Arc<dyn RateLimiter>,
    /// The Redis connection when configured (for `/ready`).
    pub redis: Option<RedisConn>,
    /// Request metrics.
    pub metrics: Metrics,
    /// Snapshot of the read-mostly catalog tables.
    pub catalog: Arc<CatalogCache>,
    /// Announcements from the order lifecycle to dispatch.
    pub order_signals: OrderSignals,
    /// Queues this process's SQLite writers.
    pub write_gate: WriteGate,
}

impl AppState {
    /// Begins a write transaction (see [`crate::infra::db::begin_write`]).
    pub async fn begin_write(&self) -> Result<WriteTxn, DbErr> {
        begin_write(&self.db, &self.write_gate).await
    }
}
