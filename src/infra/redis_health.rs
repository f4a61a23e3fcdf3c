//! Whether Redis answered lately: a small circuit breaker shared by every clone of one
//! [`RedisConn`](crate::infra::redis_conn::RedisConn), which sets `reloop_redis_up` and counts
//! degraded calls on `/metrics`.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::infra::metrics::RedisMetrics;

/// How long Redis counts as down after a call found it so: short, so recovery is noticed within a
/// second, and long enough that a burst of requests during an outage pays the timeout once.
pub const DOWN_FOR: Duration = Duration::from_secs(1);

/// Whether Redis answered lately, shared by every clone of one connection.
pub struct Health {
    /// Until when calls skip Redis; None while it answers.
    down_until: Mutex<Option<Instant>>,
    metrics: Option<RedisMetrics>,
}

impl Health {
    /// Up, reporting to `metrics` when given.
    pub fn new(metrics: Option<RedisMetrics>) -> Self {
        Self {
            down_until: Mutex::new(None),
            metrics,
        }
    }

    /// Whether calls should skip Redis now.
    pub fn is_down(&self) -> bool {
        let guard = self.down_until.lock().unwrap_or_else(|p| p.into_inner());
        guard.is_some_and(|until| Instant::now() < until)
    }

    /// Redis answered.
    pub fn mark_up(&self) {
        let was_down = self
            .down_until
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .is_some();
        if was_down {
            tracing::info!("Redis answers again");
        }
        if let Some(metrics) = &self.metrics {
            metrics.up.set(1);
        }
    }

    /// A call found Redis broken or silent: skip it for [`DOWN_FOR`].
    pub fn mark_down(&self, error: &anyhow::Error) {
        let previous = self
            .down_until
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .replace(Instant::now() + DOWN_FOR);
        if previous.is_none() {
            tracing::warn!(error = format!("{error:#}"), "Redis is down; falling back");
        }
        if let Some(metrics) = &self.metrics {
            metrics.up.set(0);
        }
    }

    /// Counts a failed or skipped call of `component`.
    pub fn degraded(&self, component: &'static str) {
        if let Some(metrics) = &self.metrics {
            metrics.degraded.with_label_values(&[component]).inc();
        }
    }
}
