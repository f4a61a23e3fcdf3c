//! Prometheus metrics: GraphQL requests and latencies, open WebSockets and subscriptions,
//! the database pool, Redis health, the durable backlogs (outbox, offers) and the process
//! itself. Everything is registered at start-up, so a fresh server exports every series
//! (at zero) before its first request.

mod backlog;
mod pool;

use std::time::Duration;

use anyhow::Context;
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};
use sea_orm::DatabaseConnection;

pub use backlog::Backlog;
use backlog::build_info;
pub use pool::PoolCollector;

/// The process's metrics registry; cheap to clone.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    /// `process_*` without our prefix, as every Prometheus dashboard expects them.
    process: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    subscriptions: IntGaugeVec,
    websockets: IntGauge,
    dispatch_backlog: IntGauge,
    db_begin: Histogram,
    geo_rebuilds: IntCounter,
    backlog: Backlog,
    compliance_tasks: IntGaugeVec,
}

/// Gauges of Redis health, shared with the Redis connection that sets them.
#[derive(Clone)]
pub struct RedisMetrics {
    /// 1 while Redis answers, 0 while it is marked down.
    pub up: IntGauge,
    /// Calls that failed, timed out or were skipped while Redis was down, by component.
    pub degraded: IntCounterVec,
}

/// One open subscription or socket, counted until it is dropped.
pub struct OpenSubscription {
    gauge: prometheus::IntGauge,
}

impl Drop for OpenSubscription {
    fn drop(&mut self) {
        self.gauge.dec();
    }
}

pub(super) fn register<C: prometheus::core::Collector + Clone + 'static>(
    registry: &Registry,
    collector: C,
) -> anyhow::Result<C> {
    registry.register(Box::new(collector.clone()))?;
    Ok(collector)
}

/// The GraphQL request counter, latency histogram and open-subscriptions gauge.
fn graphql_collectors(r: &Registry) -> anyhow::Result<(IntCounterVec, HistogramVec, IntGaugeVec)> {
    let requests = register(
        r,
        IntCounterVec::new(
            Opts::new(
                "graphql_requests_total",
                "GraphQL requests by operation and outcome",
            ),
            &["operation", "outcome"],
        )?,
    )?;
    let latency = register(
        r,
        HistogramVec::new(
            HistogramOpts::new(
                "graphql_request_duration_seconds",
                "GraphQL request latency by operation",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["operation"],
        )?,
    )?;
    let subscriptions = register(
        r,
        IntGaugeVec::new(
            Opts::new(
                "graphql_subscriptions_active",
                "GraphQL subscriptions attached to their event source, by field",
            ),
            &["field"],
        )?,
    )?;
    for field in [
        "orderUpdated",
        "jobOffers",
        "collectorLocation",
        "accountEvents",
        "complianceTaskOverdue",
        "orderActivity",
        "collectorPositions",
    ] {
        subscriptions.with_label_values(&[field]);
    }
    Ok((requests, latency, subscriptions))
}

/// `compliance_tasks{status}`, every status at zero from the start.
fn compliance_gauges(r: &Registry) -> anyhow::Result<IntGaugeVec> {
    let gauges = register(
        r,
        IntGaugeVec::new(
            Opts::new(
                "compliance_tasks",
                "Battery reporting tasks by status (OPEN, OVERDUE, REPORTED), sampled by the compliance sweep",
            ),
            &["status"],
        )?,
    )?;
    for status in ["OPEN", "OVERDUE", "REPORTED"] {
        gauges.with_label_values(&[status]);
    }
    Ok(gauges)
}

impl Metrics {
    /// Registers the collectors.
    pub fn new() -> anyhow::Result<Self> {
        let registry = Registry::new_custom(Some("reloop".to_owned()), None)?;
        let process = Registry::new();
        // The crate reads /proc: elsewhere there is simply no process_* series.
        #[cfg(target_os = "linux")]
        process.register(Box::new(
            prometheus::process_collector::ProcessCollector::for_self(),
        ))?;
        let r = &registry;
        let (requests, latency, subscriptions) = graphql_collectors(r)?;
        build_info(r)?;
        Ok(Self {
            websockets: register(
                r,
                IntGauge::new("websocket_connections", "WebSockets open now")?,
            )?,
            dispatch_backlog: register(
                r,
                IntGauge::new(
                    "dispatch_backlog",
                    "Orders announced for dispatch whose round has not finished",
                )?,
            )?,
            db_begin: register(
                r,
                Histogram::with_opts(
                    HistogramOpts::new(
                        "db_acquire_seconds",
                        "Time a write transaction waited for a pooled connection, BEGIN included",
                    )
                    .buckets(vec![
                        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                    ]),
                )?,
            )?,
            geo_rebuilds: register(
                r,
                IntCounter::new(
                    "geo_index_rebuilds_total",
                    "Times the geo index was refilled from the database after Redis lost it",
                )?,
            )?,
            backlog: Backlog::register(r)?,
            compliance_tasks: compliance_gauges(r)?,
            registry,
            process,
            requests,
            latency,
            subscriptions,
        })
    }

    /// Exports `db`'s pool occupancy, read at each scrape.
    pub fn observe_pool(&self, db: &DatabaseConnection) -> anyhow::Result<()> {
        self.registry
            .register(Box::new(PoolCollector::new(db.clone())?))
            .context("registering the pool gauges")
    }

    /// Registers the Redis gauges (only when Redis is configured, so their absence says so).
    pub fn redis(&self) -> anyhow::Result<RedisMetrics> {
        let up = register(
            &self.registry,
            IntGauge::new(
                "redis_up",
                "1 while Redis answers, 0 while it is marked down",
            )?,
        )?;
        let degraded = register(
            &self.registry,
            IntCounterVec::new(
                Opts::new(
                    "redis_degraded_calls_total",
                    "Redis calls that failed, timed out or were skipped while Redis was down; \
                     each fell back (rate limits, local pub/sub) or failed a best-effort step",
                ),
                &["component"],
            )?,
        )?;
        for component in ["rate_limit", "geo", "pubsub", "ping"] {
            degraded.with_label_values(&[component]);
        }
        Ok(RedisMetrics { up, degraded })
    }

    /// The gauge of orders announced for dispatch and not yet dispatched.
    pub fn dispatch_backlog(&self) -> IntGauge {
        self.dispatch_backlog.clone()
    }

    /// The histogram of waits for a pooled connection (see [`crate::infra::db::WriteGate`]).
    pub fn db_acquire(&self) -> Histogram {
        self.db_begin.clone()
    }

    /// The counter of geo index refills.
    pub fn geo_rebuilds(&self) -> IntCounter {
        self.geo_rebuilds.clone()
    }

    /// The gauge of compliance tasks with `status` (OPEN, OVERDUE or REPORTED).
    pub fn compliance_tasks(&self, status: &str) -> IntGauge {
        self.compliance_tasks.with_label_values(&[status])
    }

    /// The backlog gauges the sampler sets.
    pub fn backlog(&self) -> &Backlog {
        &self.backlog
    }

    /// Records one GraphQL request. `operation` must come from a bounded set (the
    /// schema's root field names), never straight from the client.
    pub fn observe_graphql(&self, operation: &str, ok: bool, elapsed: Duration) {
        let outcome = if ok { "ok" } else { "error" };
        self.requests.with_label_values(&[operation, outcome]).inc();
        self.latency
            .with_label_values(&[operation])
            .observe(elapsed.as_secs_f64());
    }

    /// Counts a subscription to `field` (a schema field name) as open until the returned
    /// guard is dropped. Taken once the subscription listens to its events, so a client
    /// (or a test) that sees the count can rely on being notified from then on.
    pub fn subscription_opened(&self, field: &'static str) -> OpenSubscription {
        let gauge = self.subscriptions.with_label_values(&[field]);
        gauge.inc();
        OpenSubscription { gauge }
    }

    /// Counts a WebSocket as open until the returned guard is dropped.
    pub fn websocket_opened(&self) -> OpenSubscription {
        self.websockets.inc();
        OpenSubscription {
            gauge: self.websockets.clone(),
        }
    }

    /// How many subscriptions are open now, over every field.
    pub fn open_subscriptions(&self) -> i64 {
        self.registry
            .gather()
            .iter()
            .filter(|family| family.name() == "reloop_graphql_subscriptions_active")
            .flat_map(|family| family.get_metric())
            .map(|metric| metric.get_gauge().get_value() as i64)
            .sum()
    }

    /// The Prometheus text exposition of every metric.
    pub fn render(&self) -> anyhow::Result<String> {
        let mut families = self.process.gather();
        families.extend(self.registry.gather());
        let mut buffer = Vec::new();
        TextEncoder::new()
            .encode(&families, &mut buffer)
            .context("encoding metrics")?;
        String::from_utf8(buffer).context("metrics are not UTF-8")
    }
}
