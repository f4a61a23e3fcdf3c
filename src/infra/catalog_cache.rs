//! An in-process snapshot of the small, read-mostly catalog tables (categories, material
//! price history, service areas), so quotes and catalog reads do not query them on every
//! request.
//!
//! Freshness: the instance that changes the catalog drops its snapshot at once and
//! publishes `catalog.changed`, on which every other instance drops its own; a snapshot
//! older than the TTL is reloaded anyway, in case such a notice was lost.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use entity::{category, material_price, service_area};
use futures_util::StreamExt;
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};

use crate::error::AppResult;
use crate::infra::pubsub::PubSub;

/// The pub/sub topic announcing a catalog change.
pub const CATALOG_CHANGED: &str = "catalog.changed";

/// The catalog tables as of one load.
#[derive(Debug)]
pub struct CatalogSnapshot {
    /// Every category, by code.
    pub categories: Vec<category::Model>,
    by_code: HashMap<String, usize>,
    /// Every material price point (history included), for "current at time t".
    pub material_prices: Vec<material_price::Model>,
    /// Every service area, by name.
    pub service_areas: Vec<service_area::Model>,
}

impl CatalogSnapshot {
    /// The category with `code`.
    pub fn category(&self, code: &str) -> Option<&category::Model> {
        self.by_code.get(code).map(|&i| &self.categories[i])
    }
}

/// The shared snapshot holder.
pub struct CatalogCache {
    current: RwLock<Option<(Instant, Arc<CatalogSnapshot>)>>,
    loading: tokio::sync::Mutex<()>,
    ttl: Duration,
}

impl CatalogCache {
    /// An empty cache whose snapshots live at most `ttl`.
    pub fn new(ttl: Duration) -> Self {
        Self {
            current: RwLock::new(None),
            loading: tokio::sync::Mutex::new(()),
            ttl,
        }
    }

    /// The current snapshot, loading it when absent or stale (one loader at a time).
    pub async fn snapshot(&self, db: &DatabaseConnection) -> AppResult<Arc<CatalogSnapshot>> {
        if let Some(fresh) = self.fresh() {
            return Ok(fresh);
        }
        let _loading = self.loading.lock().await;
        if let Some(fresh) = self.fresh() {
            return Ok(fresh);
        }
        let snapshot = Arc::new(load(db).await?);
        *self.current.write().unwrap_or_else(|p| p.into_inner()) =
            Some((Instant::now(), Arc::clone(&snapshot)));
        Ok(snapshot)
    }

    /// Drops the snapshot; the next read loads a new one.
    pub fn invalidate(&self) {
        *self.current.write().unwrap_or_else(|p| p.into_inner()) = None;
    }

    fn fresh(&self) -> Option<Arc<CatalogSnapshot>> {
        let guard = self.current.read().unwrap_or_else(|p| p.into_inner());
        guard
            .as_ref()
            .filter(|(loaded, _)| loaded.elapsed() < self.ttl)
            .map(|(_, snapshot)| Arc::clone(snapshot))
    }

    /// Drops the snapshot whenever another instance announces a change. Runs until the
    /// pub/sub stream ends.
    pub async fn follow_changes(self: Arc<Self>, pubsub: Arc<dyn PubSub>) -> anyhow::Result<()> {
        let mut changes = pubsub.subscribe(CATALOG_CHANGED).await?;
        tokio::spawn(async move {
            while changes.next().await.is_some() {
                self.invalidate();
            }
        });
        Ok(())
    }
}

async fn load(db: &DatabaseConnection) -> AppResult<CatalogSnapshot> {
    let categories = category::Entity::find()
        .order_by_asc(category::Column::Code)
        .all(db)
        .await?;
    let by_code = categories
        .iter()
        .enumerate()
        .map(|(i, c)| (c.code.clone(), i))
        .collect();
    let material_prices = material_price::Entity::find().all(db).await?;
    let service_areas = service_area::Entity::find()
        .order_by_asc(service_area::Column::Name)
        .all(db)
        .await?;
    Ok(CatalogSnapshot {
        categories,
        by_code,
        material_prices,
        service_areas,
    })
}
