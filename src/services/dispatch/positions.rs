//! Collectors' reported positions. A report moves the collector in the geo index and is
//! passed on live to the customer following them; the database keeps the last known
//! position, written at most once per `location_write_interval` per collector so frequent
//! reports stay cheap.
//!
//! Reports arrive out of order (an app replaying what it queued offline, a retry that
//! overtook): a point recorded before the newest one already taken moves nothing and is
//! not broadcast. This instance remembers the newest time per collector; the database
//! write is conditional on its own time, so the stored position never goes back either,
//! whichever instance wrote last. A report never puts a collector into the geo index:
//! only going online does, so a late report from someone who went offline cannot make
//! them a candidate again.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use entity::collector;
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::events::publish_location;
use super::presence::{self, PresenceKind};
use crate::domain::CollectorStatus;
use crate::domain::geo::GeoPoint;
use crate::error::{AppError, AppResult};
use crate::services::orders::Party;
use crate::state::AppState;

/// What this process last took from one collector.
struct Seen {
    /// The newest recorded time taken.
    latest: DateTime<Utc>,
    /// When the position was last written to the database.
    written: Option<Instant>,
}

/// Per collector, in this process.
static SEEN: Mutex<Option<HashMap<Uuid, Seen>>> = Mutex::new(None);

/// Whether a report recorded `at` is newer than everything taken from the collector so
/// far: None when it is out of order, otherwise whether the database write is due.
fn take(collector_id: Uuid, at: DateTime<Utc>, interval: Duration) -> Option<bool> {
    let mut guard = SEEN.lock().unwrap_or_else(|p| p.into_inner());
    let seen = guard
        .get_or_insert_with(HashMap::new)
        .entry(collector_id)
        .or_insert(Seen {
            latest: at,
            written: None,
        });
    if at < seen.latest {
        return None;
    }
    seen.latest = at;
    let due = seen.written.is_none_or(|last| last.elapsed() >= interval);
    if due {
        seen.written = Some(Instant::now());
    }
    Some(due)
}

/// Records that the collector was at a known position at `at` by other means (going
/// online with a location): earlier reports arriving late are out of order.
pub(super) fn seen(collector_id: Uuid, at: DateTime<Utc>) {
    let mut guard = SEEN.lock().unwrap_or_else(|p| p.into_inner());
    let map = guard.get_or_insert_with(HashMap::new);
    match map.get_mut(&collector_id) {
        Some(seen) => seen.latest = seen.latest.max(at),
        None => {
            map.insert(
                collector_id,
                Seen {
                    latest: at,
                    written: None,
                },
            );
        }
    }
}

/// Records a position the collector's device took at `recorded_at` (now when absent;
/// VALIDATION outside the device-clock bounds). Always true: an out-of-order point is
/// accepted and dropped, so an app replaying its queue never retries it.
#[tracing::instrument(skip_all)]
pub async fn report_location(
    state: &AppState,
    party: Party,
    point: GeoPoint,
    recorded_at: Option<DateTime<Utc>>,
) -> AppResult<bool> {
    let Party::Collector { collector_id, .. } = party else {
        return Err(AppError::Forbidden);
    };
    let now = state.clock.now();
    let at = recorded_at
        .map(|at| state.config.orders.device_clock.check(at, now))
        .transpose()
        .map_err(|e| AppError::validation("recordedAt", e.0))?
        .unwrap_or(now);
    let interval = state.config.dispatch.location_write_interval;
    let Some(write_due) = take(collector_id, at, interval) else {
        return Ok(true);
    };
    if write_due && !save(state, collector_id, point, at).await? {
        // Another instance already stored a newer position.
        return Ok(true);
    }
    state.geo.move_existing(collector_id, point).await?;
    // Together: the customer following the collector, and operators watching the area.
    tokio::join!(
        publish_location(state, collector_id, point),
        presence::publish(state, PresenceKind::Moved, collector_id, point),
    );
    Ok(true)
}

/// Stores the last known position unless a newer one is stored; false when it was.
async fn save(
    state: &AppState,
    collector_id: Uuid,
    point: GeoPoint,
    at: DateTime<Utc>,
) -> AppResult<bool> {
    let txn = state.begin_write().await?;
    let saved = collector::Entity::update_many()
        .col_expr(collector::Column::LastLatitude, Expr::value(point.latitude))
        .col_expr(
            collector::Column::LastLongitude,
            Expr::value(point.longitude),
        )
        .col_expr(collector::Column::LastLocationAt, Expr::value(at))
        .filter(collector::Column::Id.eq(collector_id))
        .filter(
            Condition::any()
                .add(collector::Column::LastLocationAt.is_null())
                .add(collector::Column::LastLocationAt.lte(at)),
        )
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(saved.rows_affected == 1)
}

/// Fills the geo index with the online collectors' last positions (at start-up, so an
/// in-process index survives a restart, and after a Redis came back empty).
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
