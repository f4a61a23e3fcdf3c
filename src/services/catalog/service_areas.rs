//! Service areas: where reloop collects.

use entity::service_area;

use crate::domain::geo::{GeoPoint, haversine_km};
use crate::error::AppResult;
use crate::state::AppState;

/// Every service area, by name (from the catalog snapshot).
pub async fn list_service_areas(state: &AppState) -> AppResult<Vec<service_area::Model>> {
    Ok(state
        .catalog
        .snapshot(&state.db)
        .await?
        .service_areas
        .clone())
}

/// The area whose edge is nearest to `point`, and how far outside it the point lies (0
/// inside it). None when there is no area at all.
pub fn nearest_area(
    areas: &[service_area::Model],
    point: GeoPoint,
) -> Option<(&service_area::Model, f64)> {
    areas
        .iter()
        .map(|area| {
            let centre = GeoPoint {
                latitude: area.center_latitude,
                longitude: area.center_longitude,
            };
            (
                area,
                (haversine_km(centre, point) - area.radius_km).max(0.0),
            )
        })
        .min_by(|a, b| a.1.total_cmp(&b.1))
}
