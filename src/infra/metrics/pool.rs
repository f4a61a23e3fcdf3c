//! The database pool's occupancy as gauges, read from the pool at each scrape (no query runs).

use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{IntGauge, Opts};
use sea_orm::DatabaseConnection;

use crate::infra::db::pool_stats;

/// Reads `size`, `idle`, `in use` and `max` from the pool whenever `/metrics` is rendered.
pub struct PoolCollector {
    db: DatabaseConnection,
    size: IntGauge,
    idle: IntGauge,
    in_use: IntGauge,
    max: IntGauge,
    descs: Vec<Desc>,
}

impl PoolCollector {
    /// A collector over `db`'s pool.
    pub fn new(db: DatabaseConnection) -> prometheus::Result<Self> {
        let gauge = |name: &str, help: &str| IntGauge::with_opts(Opts::new(name, help));
        let size = gauge("db_pool_connections", "Connections the pool holds open now")?;
        let idle = gauge("db_pool_idle", "Open connections nobody is using")?;
        let in_use = gauge(
            "db_pool_in_use",
            "Connections lent to requests now; at db_pool_max, requests wait (up to the acquire timeout)",
        )?;
        let max = gauge("db_pool_max", "The most connections the pool opens")?;
        let descs = [&size, &idle, &in_use, &max]
            .iter()
            .flat_map(|g| g.desc().into_iter().cloned())
            .collect();
        Ok(Self {
            db,
            size,
            idle,
            in_use,
            max,
            descs,
        })
    }
}

impl Collector for PoolCollector {
    fn desc(&self) -> Vec<&Desc> {
        self.descs.iter().collect()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        let stats = pool_stats(&self.db);
        self.size.set(i64::from(stats.size));
        self.idle.set(i64::from(stats.idle));
        self.in_use
            .set(i64::from(stats.size.saturating_sub(stats.idle)));
        self.max.set(i64::from(stats.max));
        [&self.size, &self.idle, &self.in_use, &self.max]
            .iter()
            .flat_map(|g| g.collect())
            .collect()
    }
}
