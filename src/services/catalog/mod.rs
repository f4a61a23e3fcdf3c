//! The catalog: categories, device models, material prices and service areas, read by
//! everyone and changed by operators (every change audited).

pub mod audit;
pub mod categories;
pub mod device_models;
pub mod material_prices;
pub mod service_areas;

pub use categories::list_categories;
pub use device_models::search_key;

/// Drops this instance's catalog snapshot and tells the other instances to drop theirs.
/// Called after a committed catalog change; a lost notice is covered by the snapshot TTL.
pub async fn announce_change(state: &crate::state::AppState) {
    state.catalog.invalidate();
    if let Err(err) = state
        .pubsub
        .publish(crate::infra::catalog_cache::CATALOG_CHANGED, String::new())
        .await
    {
        tracing::warn!(error = ?err, "announcing a catalog change failed; other instances catch up within the TTL");
    }
}
