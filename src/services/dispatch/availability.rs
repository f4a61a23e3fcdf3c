//! Collectors going online or offline. Going online is the expensive one: it draws from
//! the collector's cost budget and makes dispatch look at the waiting orders again, off
//! the request's path (the dispatcher hears of it through the order signals).

use entity::collector;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use uuid::Uuid;

use super::positions;
use super::presence::{self, PresenceKind};
use crate::domain::CollectorStatus;
use crate::domain::geo::GeoPoint;
use crate::error::{AppError, AppResult};
use crate::infra::order_signals::OrderSignal;
use crate::services::budget;
use crate::services::catalog::service_areas::{list_service_areas, nearest_area};
use crate::services::orders::Party;
use crate::state::AppState;

/// Goes online (AVAILABLE, at `location` or the last known position) or OFFLINE. Going
/// online needs a verified profile (INVALID_STATE otherwise) and costs
/// `config.users.availability_cost` from the caller's budget (RATE_LIMITED when spent);
/// going offline is always allowed and free.
#[tracing::instrument(skip_all)]
pub async fn set_availability(
    state: &AppState,
    party: Party,
    online: bool,
    location: Option<GeoPoint>,
) -> AppResult<collector::Model> {
    let Party::Collector {
        user_id,
        collector_id,
    } = party
    else {
        return Err(AppError::Forbidden);
    };
    let now = state.clock.now();
    // Read before the transaction: never wait for a pooled connection inside one.
    let areas = list_service_areas(state).await?;
    if online {
        ready_to_work(state, collector_id).await?;
        budget::charge(state, user_id, state.config.users.availability_cost).await?;
    }
    let txn = state.begin_write().await?;
    let profile = collector::Entity::find_by_id(collector_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("collector"))?;
    let position = location.or(last_position(&profile));
    if online && position.is_none() {
        return Err(AppError::validation(
            "location",
            "is required to go online the first time",
        ));
    }
    let area = position
        .and_then(|point| nearest_area(&areas, point))
        .map(|(area, _)| area.id);
    let home_unset = profile.home_service_area_id.is_none();
    let mut row: collector::ActiveModel = profile.into();
    // The first area a collector works in becomes their home area.
    if let (true, Some(area), Some(_)) = (home_unset, area, location) {
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
        positions::seen(collector_id, now);
    }
    row.updated_at = Set(now);
    let saved = row.update(&txn).await?;
    txn.commit().await?;
    match (online, position) {
        (true, Some(point)) => {
            state.geo.upsert(collector_id, point).await?;
            state
                .order_signals
                .announce(OrderSignal::CollectorAvailable {
                    collector_id,
                    area_id: area,
                });
            presence::publish(state, PresenceKind::Online, collector_id, point).await;
        }
        _ => {
            state.geo.remove(collector_id).await?;
            if let Some(point) = position {
                presence::publish(state, PresenceKind::Offline, collector_id, point).await;
            }
        }
    }
    Ok(saved)
}

/// INVALID_STATE, saying why, unless the collector's profile is verified.
async fn ready_to_work(state: &AppState, collector_id: Uuid) -> AppResult<()> {
    let profile = collector::Entity::find_by_id(collector_id)
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("collector"))?;
    if profile.verified {
        Ok(())
    } else {
        Err(AppError::InvalidState(
            "your collector profile is not verified yet: an operator verifies it before you \
             can go online and receive offers"
                .to_owned(),
        ))
    }
}

fn last_position(profile: &collector::Model) -> Option<GeoPoint> {
    match (profile.last_latitude, profile.last_longitude) {
        (Some(latitude), Some(longitude)) => Some(GeoPoint {
            latitude,
            longitude,
        }),
        _ => None,
    }
}
