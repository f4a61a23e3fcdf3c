//! The catalog: categories, device models, material prices and service areas, read by
//! everyone and changed by operators (every change audited).

pub mod audit;
pub mod cache;
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
        .publish(cache::CATALOG_CHANGED, String::new())
        .await
    {
        tracing::warn!(error = ?err, "announcing a catalog change failed; other instances catch up within the TTL");
    }
}

/// One page of a keyset-paginated list.
#[derive(Clone, Debug)]
pub struct Page<T> {
    /// The rows, in order.
    pub items: Vec<T>,
    /// Whether more rows follow the last one.
    pub has_next: bool,
}

/// Page sizes: the default when `first` is absent, and the most one page may hold.
pub const DEFAULT_PAGE: u64 = 20;
/// See [`DEFAULT_PAGE`].
pub const MAX_PAGE: u64 = 100;

/// Checks `first` against [`MAX_PAGE`]; None means [`DEFAULT_PAGE`].
pub fn page_size(first: Option<i32>) -> crate::error::AppResult<u64> {
    match first {
        None => Ok(DEFAULT_PAGE),
        Some(n) if (1..=MAX_PAGE as i32).contains(&n) => Ok(n as u64),
        Some(_) => Err(crate::error::AppError::validation(
            "first",
            format!("must be between 1 and {MAX_PAGE}"),
        )),
    }
}
