//! Prometheus metrics: GraphQL request counts and latencies per operation, and the
//! subscriptions open now.

use std::time::Duration;

use anyhow::Context;
use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
    TextEncoder,
};

/// The process's metrics registry; cheap to clone.
#[derive(Clone)]
pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    subscriptions: IntGaugeVec,
    dispatch_backlog: IntGauge,
}

/// One open subscription, counted until it is dropped.
pub struct OpenSubscription {
    gauge: prometheus::IntGauge,
}

impl Drop for OpenSubscription {
    fn drop(&mut self) {
        self.gauge.dec();
    }
}

impl Metrics {
    /// Registers the collectors.
    pub fn new() -> anyhow::Result<Self> {
        let registry = Registry::new_custom(Some("reloop".to_owned()), None)?;
        let requests = IntCounterVec::new(
            Opts::new(
                "graphql_requests_total",
                "GraphQL requests by operation and outcome",
            ),
            &["operation", "outcome"],
        )?;
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "graphql_request_duration_seconds",
                "GraphQL request latency by operation",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
            ]),
            &["operation"],
        )?;
        let subscriptions = IntGaugeVec::new(
            Opts::new(
                "graphql_subscriptions_active",
                "GraphQL subscriptions attached to their event source, by field",
            ),
            &["field"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        registry.register(Box::new(latency.clone()))?;
        registry.register(Box::new(subscriptions.clone()))?;
        let dispatch_backlog = IntGauge::new(
            "dispatch_backlog",
            "Orders announced for dispatch whose round has not finished",
        )?;
        registry.register(Box::new(dispatch_backlog.clone()))?;
        Ok(Self {
            dispatch_backlog,
            registry,
            requests,
            latency,
            subscriptions,
        })
    }

    /// The gauge of orders announced for dispatch and not yet dispatched.
    pub fn dispatch_backlog(&self) -> IntGauge {
        self.dispatch_backlog.clone()
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
        let mut buffer = Vec::new();
        TextEncoder::new()
            .encode(&self.registry.gather(), &mut buffer)
            .context("encoding metrics")?;
        String::from_utf8(buffer).context("metrics are not UTF-8")
    }
}
