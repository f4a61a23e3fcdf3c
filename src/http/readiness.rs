//! The readiness verdict behind `/ready`: one check at a time, each bounded by
//! [`PROBE_TIMEOUT`], its answer reused for [`CACHE_FOR`]. Probes therefore answer within
//! about a second whatever the database does, a burst of probes costs one check, and the
//! database check uses a connection of its own, so it never queues behind requests for a
//! pooled one.

use std::time::{Duration, Instant};

use sea_orm::DatabaseConnection;
use tokio::sync::Mutex;

use crate::infra::db::{self, pool_stats};
use crate::infra::redis_conn::RedisConn;

/// Longest a single check of one dependency may take.
pub const PROBE_TIMEOUT: Duration = Duration::from_millis(700);
/// How long a verdict is reused.
pub const CACHE_FOR: Duration = Duration::from_secs(1);

/// What the last check found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The database answered.
    pub database: bool,
    /// Redis answered; None when Redis is not configured.
    pub redis: Option<bool>,
}

/// The cached, single-flight readiness check.
pub struct Readiness {
    /// The pool requests use: a closed one means this process no longer serves.
    main: DatabaseConnection,
    /// A one-connection pool for the probe alone (see [`db::connect_probe`]).
    probe: DatabaseConnection,
    redis: Option<RedisConn>,
    last: Mutex<Option<(Instant, Verdict)>>,
}

impl Readiness {
    /// A check over these handles; `probe` should be [`db::connect_probe`]'s pool.
    pub fn new(
        main: DatabaseConnection,
        probe: DatabaseConnection,
        redis: Option<RedisConn>,
    ) -> Self {
        Self {
            main,
            probe,
            redis,
            last: Mutex::new(None),
        }
    }

    /// The current verdict: the cached one while fresh, else a new check. Callers that
    /// arrive during a check wait for it (at most [`PROBE_TIMEOUT`]) and share its answer.
    pub async fn verdict(&self) -> Verdict {
        let mut last = self.last.lock().await;
        if let Some((at, verdict)) = *last
            && at.elapsed() < CACHE_FOR
        {
            return verdict;
        }
        let (database, redis) = tokio::join!(self.database(), self.redis());
        let verdict = Verdict { database, redis };
        *last = Some((Instant::now(), verdict));
        verdict
    }

    async fn database(&self) -> bool {
        if pool_stats(&self.main).closed {
            return false;
        }
        match tokio::time::timeout(PROBE_TIMEOUT, db::ping(&self.probe)).await {
            Ok(Ok(())) => true,
            Ok(Err(err)) => {
                tracing::warn!(error = format!("{err:#}"), "readiness: database");
                false
            }
            Err(_) => {
                tracing::warn!(timeout = ?PROBE_TIMEOUT, "readiness: the database did not answer");
                false
            }
        }
    }

    async fn redis(&self) -> Option<bool> {
        let conn = self.redis.as_ref()?;
        let answered = tokio::time::timeout(PROBE_TIMEOUT, conn.ping()).await;
        Some(matches!(answered, Ok(Ok(()))))
    }
}
