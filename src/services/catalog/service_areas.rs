//! Service areas: where reloop collects, and when (each area's own service hours).

use entity::service_area;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use super::{announce_change, audit};
use crate::domain::geo::{GeoPoint, haversine_km};
use crate::domain::order::ServiceHours;
use crate::error::{AppError, AppResult};
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

/// The service hours of `area` (INTERNAL if what is stored makes no sense: only
/// [`set_service_hours`] writes them, after checking).
pub fn service_hours(area: &service_area::Model) -> AppResult<ServiceHours> {
    ServiceHours::new(&area.time_zone, area.opens_minute, area.closes_minute).map_err(|e| {
        AppError::Internal(anyhow::anyhow!(
            "service area {} has unusable hours: {}",
            area.id,
            e.0
        ))
    })
}

/// Operators: sets the service hours of an area (audited). Windows already booked keep
/// their time; new bookings and reschedules follow the new hours.
#[tracing::instrument(skip_all, fields(%area_id))]
pub async fn set_service_hours(
    state: &AppState,
    actor: Uuid,
    area_id: Uuid,
    hours: ServiceHours,
) -> AppResult<service_area::Model> {
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let before = service_area::Entity::find_by_id(area_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("service area"))?;
    service_area::Entity::update_many()
        .col_expr(
            service_area::Column::TimeZone,
            Expr::value(hours.zone_name()),
        )
        .col_expr(
            service_area::Column::OpensMinute,
            Expr::value(hours.opens_minute()),
        )
        .col_expr(
            service_area::Column::ClosesMinute,
            Expr::value(hours.closes_minute()),
        )
        .filter(service_area::Column::Id.eq(area_id))
        .exec(&txn)
        .await?;
    let previous = service_hours(&before).ok();
    let details = json!({
        "timeZone": hours.zone_name(), "opens": hours.opens_text(), "closes": hours.closes_text(),
        "previous": previous.map(|p| json!({"timeZone": p.zone_name(), "opens": p.opens_text(), "closes": p.closes_text()})),
    });
    let id = area_id.to_string();
    audit::record(
        &txn,
        actor,
        "service_area.hours",
        "service_area",
        &id,
        details,
        now,
    )
    .await?;
    let saved = service_area::Entity::find_by_id(area_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("service area"))?;
    txn.commit().await?;
    announce_change(state).await;
    Ok(saved)
}
