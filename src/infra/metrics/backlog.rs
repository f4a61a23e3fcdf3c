//! Gauges of the durable backlogs (webhook outbox, job offers, sweeper lag) and the build
//! info series.

use prometheus::{Gauge, IntGauge, IntGaugeVec, Opts, Registry};

use super::register;

/// Gauges of the work waiting in the database, refreshed by a sampler (see
/// `services::backlog_sampler`), never by a query at scrape time.
#[derive(Clone)]
pub struct Backlog {
    /// Webhook deliveries PENDING (not yet delivered nor given up).
    pub outbox_pending: IntGauge,
    /// Age of the oldest PENDING delivery, seconds (0 when none).
    pub outbox_oldest_age: Gauge,
    /// Job offers PENDING.
    pub offers_pending: IntGauge,
    /// How far past its expiry the most overdue PENDING offer is, seconds (0 when none):
    /// how far the sweeper lags behind.
    pub sweeper_lag: Gauge,
    /// Unix time of the last successful sample (0 before the first).
    pub sampled_at: Gauge,
}

impl Backlog {
    pub(super) fn register(registry: &Registry) -> anyhow::Result<Self> {
        Ok(Self {
            outbox_pending: register(
                registry,
                IntGauge::new(
                    "webhook_outbox_pending",
                    "Webhook deliveries waiting to be delivered (PENDING)",
                )?,
            )?,
            outbox_oldest_age: register(
                registry,
                Gauge::new(
                    "webhook_outbox_oldest_pending_age_seconds",
                    "Age of the oldest PENDING webhook delivery (0 when none)",
                )?,
            )?,
            offers_pending: register(
                registry,
                IntGauge::new("dispatch_offers_pending", "Job offers PENDING")?,
            )?,
            sweeper_lag: register(
                registry,
                Gauge::new(
                    "dispatch_sweeper_lag_seconds",
                    "How long the most overdue PENDING offer is past its expiry (0 when none)",
                )?,
            )?,
            sampled_at: register(
                registry,
                Gauge::new(
                    "backlog_sampled_timestamp_seconds",
                    "Unix time the backlog gauges were last read from the database (0 before)",
                )?,
            )?,
        })
    }
}

/// `reloop_build_info{version, profile} 1`, the conventional way to export what runs.
pub(super) fn build_info(registry: &Registry) -> anyhow::Result<()> {
    let info = IntGaugeVec::new(
        Opts::new("build_info", "The running build; the value is always 1"),
        &["version", "profile"],
    )?;
    let profile = if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    };
    info.with_label_values(&[env!("CARGO_PKG_VERSION"), profile])
        .set(1);
    registry.register(Box::new(info))?;
    Ok(())
}
