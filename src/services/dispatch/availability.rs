//! Collectors going online/offline and reporting positions. Positions go to the geo index
//! on every report; the database keeps the last known position, written at most once per
//! `location_write_interval` per collector, so frequent reports stay cheap.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use chrono::{DateTime, Utc};
use entity::{collector, pickup_order};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::events::publish_location;
use crate::domain::CollectorStatus;
use crate::domain::geo::GeoPoint;
use crate::domain::order::OrderStatus;
use crate::error::{AppError, AppResult};
use crate::infra::order_signals::OrderSignal;
use crate::services::catalog::service_areas::{list_service_areas, nearest_area};
use crate::services::orders::Party;
use crate::state::AppState;

/// When each collector's position was last written to the database, per process.
static LAST_WRITE: Mutex<Option<HashMap<Uuid, Instant>>> = Mutex::new(None);

fn collector_of(party: Party) -> AppResult<Uuid> {
    match party {
        Party::Collector { collector_id, .. } => Ok(collector_id),
        _ => Err(AppError::Forbidden),
    }
}

/// Goes online (AVAILABLE, at `location` or the last known position) or OFFLINE. Going
/// online makes the collector a candidate for orders still looking for one.
#[tracing::instrument(skip_all)]
pub async fn set_availability(
    state: &AppState,
    party: Party,
    online: bool,
    location: Option<GeoPoint>,
) -> AppResult<collector::Model> {
    let collector_id = collector_of(party)?;
    let now = state.clock.now();
    // Read before the transaction: never wait for a pooled connection inside one.
    let areas = list_service_areas(state).await?;
    let nearest = location
        .and_then(|point| nearest_area(&areas, point))
        .map(|(area, _)| area.id);
    let txn = state.begin_write().await?;
    let profile = collector::Entity::find_by_id(collector_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("collector"))?;
    let position = location.or(match (profile.last_latitude, profile.last_longitude) {
        (Some(latitude), Some(longitude)) => Some(GeoPoint {
            latitude,
            longitude,
        }),
        _ => None,
    });
    if online && position.is_none() {
        return Err(AppError::validation(
            "location",
            "is required to go online the first time",
        ));
    }
    let home_unset = profile.home_service_area_id.is_none();
    let mut row: collector::ActiveModel = profile.into();
    // The first area a collector works in becomes their home area.
    if let (true, Some(area)) = (home_unset, nearest) {
        row.home_service_area_id = Set(Some(area));
    }
    row.status = Set(if online {
        CollectorStatus::Available
    } else {
        CollectorStatus::Offline
    }
    .into());
    if let Some(point) = location {
        row.last_latitude = Set(Some(point.latitude));
        row.last_longitude = Set(Some(point.longitude));
        row.last_location_at = Set(Some(now));
    }
    row.updated_at = Set(now);
    let saved = row.update(&txn).await?;
    txn.commit().await?;
    match (online, position) {
        (true, Some(point)) => {
            state.geo.upsert(collector_id, point).await?;
            offer_waiting_orders(state).await;
        }
        _ => state.geo.remove(collector_id).await?,
    }
    Ok(saved)
}

/// Records a position: the geo index now, the database at most every interval, and the
/// order's customer sees it live while the collector is on the way.
pub async fn report_location(
    state: &AppState,
    party: Party,
    point: GeoPoint,
    recorded_at: Option<DateTime<Utc>>,
) -> AppResult<bool> {
    let collector_id = collector_of(party)?;
    let now = state.clock.now();
    let at = recorded_at.unwrap_or(now).min(now);
    let due = {
        let mut guard = LAST_WRITE.lock().unwrap_or_else(|p| p.into_inner());
        let map = guard.get_or_insert_with(HashMap::new);
        let due = map
            .get(&collector_id)
            .is_none_or(|last| last.elapsed() >= state.config.dispatch.location_write_interval);
        if due {
            map.insert(collector_id, Instant::now());
        }
        due
    };
    let online = if due {
        let txn = state.begin_write().await?;
        collector::Entity::update_many()
            .col_expr(collector::Column::LastLatitude, Expr::value(point.latitude))
            .col_expr(
                collector::Column::LastLongitude,
                Expr::value(point.longitude),
            )
            .col_expr(collector::Column::LastLocationAt, Expr::value(at))
            .filter(collector::Column::Id.eq(collector_id))
            .exec(&txn)
            .await?;
        let profile = collector::Entity::find_by_id(collector_id)
            .one(&txn)
            .await?;
        txn.commit().await?;
        profile.is_some_and(|p| CollectorStatus::from(p.status) == CollectorStatus::Available)
    } else {
        true
    };
    if online {
        state.geo.upsert(collector_id, point).await?;
    }
    publish_location(state, collector_id, point).await;
    Ok(true)
}

/// Hands still-dispatching orders (soonest windows first, at most 200) to the dispatcher,
/// which offers them to the collectors now online off this request's path (best effort).
/// A collector who moves into range is picked up by the sweeper within one interval.
async fn offer_waiting_orders(state: &AppState) {
    let waiting = pickup_order::Entity::find()
        .filter(pickup_order::Column::Status.eq(OrderStatus::Dispatching))
        .order_by_asc(pickup_order::Column::WindowStart)
        .limit(200)
        .all(&state.db)
        .await;
    match waiting {
        Ok(orders) => {
            for order in orders {
                state
                    .order_signals
                    .announce(OrderSignal::NeedsDispatch(order.id));
            }
        }
        Err(err) => tracing::warn!(error = ?err, "listing waiting orders failed"),
    }
}

/// Fills the geo index with the online collectors' last positions (at start-up, so an
/// in-process index survives a restart).
pub async fn load_geo_index(state: &AppState) -> AppResult<usize> {
    let online = collector::Entity::find()
        .filter(collector::Column::Status.eq(CollectorStatus::Available))
        .all(&state.db)
        .await?;
    let mut loaded = 0;
    for profile in online {
        if let (Some(latitude), Some(longitude)) = (profile.last_latitude, profile.last_longitude) {
            state
                .geo
                .upsert(
                    profile.id,
                    GeoPoint {
                        latitude,
                        longitude,
                    },
                )
                .await?;
            loaded += 1;
        }
    }
    Ok(loaded)
}
