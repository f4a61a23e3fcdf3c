//! Time-slot capacity: each service area takes a limited number of pickups per slot.
//! A conditional increment (`used < capacity`) keeps concurrent bookings of the last
//! place from overbooking on either backend.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{service_area, slot_usage};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, Statement};
use uuid::Uuid;

use crate::domain::geo::GeoPoint;
use crate::error::{AppError, AppResult};
use crate::services::catalog::service_areas::{list_service_areas, nearest_area, service_hours};
use crate::state::AppState;

/// Takes one place in the slot, or CONFLICT when it is full.
///
/// One statement: the slot's row is created at 1 or incremented only while below the
/// capacity, and RETURNING says whether a place was taken. The row is shared by every
/// booking of the area's slot, so bookings take it last, just before they commit: its
/// row lock (PostgreSQL) is then held for one statement and a commit, not a transaction.
pub async fn reserve(
    conn: &impl ConnectionTrait,
    area: &service_area::Model,
    slot_start: DateTime<Utc>,
) -> AppResult<()> {
    if area.slot_capacity < 1 {
        return Err(slot_full());
    }
    let backend = conn.get_database_backend();
    let sql = match backend {
        DatabaseBackend::Postgres => {
            "INSERT INTO slot_usage (service_area_id, slot_start, used) VALUES ($1, $2, 1) \
             ON CONFLICT (service_area_id, slot_start) DO UPDATE SET used = slot_usage.used + 1 \
             WHERE slot_usage.used < $3 RETURNING used"
        }
        _ => {
            "INSERT INTO slot_usage (service_area_id, slot_start, used) VALUES (?, ?, 1) \
             ON CONFLICT (service_area_id, slot_start) DO UPDATE SET used = slot_usage.used + 1 \
             WHERE slot_usage.used < ? RETURNING used"
        }
    };
    let taken = conn
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [area.id.into(), slot_start.into(), area.slot_capacity.into()],
        ))
        .await?;
    match taken {
        Some(_) => Ok(()),
        None => Err(slot_full()),
    }
}

fn slot_full() -> AppError {
    AppError::Conflict("that time slot is fully booked".to_owned())
}

/// Gives the place back (cancellation, reschedule).
pub async fn release(
    conn: &impl ConnectionTrait,
    area_id: Uuid,
    slot_start: DateTime<Utc>,
) -> AppResult<()> {
    slot_usage::Entity::update_many()
        .col_expr(
            slot_usage::Column::Used,
            Expr::col(slot_usage::Column::Used).sub(1),
        )
        .filter(slot_usage::Column::ServiceAreaId.eq(area_id))
        .filter(slot_usage::Column::SlotStart.eq(slot_start))
        .filter(slot_usage::Column::Used.gt(0))
        .exec(conn)
        .await?;
    Ok(())
}

/// The service area serving `point`, or a VALIDATION error on `field`.
pub async fn serving_area(
    state: &AppState,
    point: GeoPoint,
    field: &str,
) -> AppResult<service_area::Model> {
    let areas = list_service_areas(state).await?;
    match nearest_area(&areas, point) {
        Some((area, outside_km)) if outside_km <= state.config.quotes.max_km_outside_area => {
            Ok(area.clone())
        }
        _ => Err(AppError::validation(field, "is outside the areas we serve")),
    }
}

/// One bookable slot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SlotAvailability {
    /// Slot start.
    pub start: DateTime<Utc>,
    /// Slot end.
    pub end: DateTime<Utc>,
    /// Places left.
    pub remaining: i32,
}

/// The slots of `date` (the area's local date) in the area serving `point` that are
/// still in the future, with the places left in each.
pub async fn available_windows(
    state: &AppState,
    point: GeoPoint,
    date: NaiveDate,
) -> AppResult<Vec<SlotAvailability>> {
    let area = serving_area(state, point, "location").await?;
    let rules = state.config.orders.window_rules;
    let (day, close) = service_hours(&area)?.day(date);
    let used: Vec<slot_usage::Model> = slot_usage::Entity::find()
        .filter(slot_usage::Column::ServiceAreaId.eq(area.id))
        .filter(slot_usage::Column::SlotStart.gte(day))
        .filter(slot_usage::Column::SlotStart.lt(close))
        .all(&state.db)
        .await?;
    let now = state.clock.now();
    let mut slots = Vec::new();
    let mut start = day;
    while start + rules.slot_length <= close && rules.slot_length > Duration::zero() {
        let taken = used
            .iter()
            .find(|u| u.slot_start == start)
            .map_or(0, |u| u.used);
        if start > now {
            slots.push(SlotAvailability {
                start,
                end: start + rules.slot_length,
                remaining: Ord::max(area.slot_capacity - taken, 0),
            });
        }
        start += rules.slot_length;
    }
    Ok(slots)
}
