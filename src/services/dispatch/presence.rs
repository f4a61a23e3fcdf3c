//! Operators' view of the collectors online in a service area: who is online there now
//! (the geo index's live positions, checked against the database), and a live feed of
//! collectors going online, moving and going offline there.
//!
//! Going online, going offline and every position taken are published to one
//! network-wide topic (with Redis, every instance already receives every topic of the
//! prefix, so one topic costs no more than one per area); each subscriber keeps only its
//! area. A position report does not say whether its collector is online, so the feed
//! remembers who it has shown: it starts from who is online in the area, adds collectors
//! going online there or moving in while online, and drops those going offline or moving
//! out. A late report from someone offline never puts them on the map.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use entity::{collector, service_area};
use futures_util::{Stream, StreamExt};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::CollectorStatus;
use crate::domain::geo::{GeoPoint, haversine_km};
use crate::error::{AppError, AppResult};
use crate::services::catalog::service_areas::list_service_areas;
use crate::state::AppState;

/// The network-wide topic of collectors going online, moving and going offline.
const TOPIC: &str = "collectors:presence";

/// The most collectors `online_in_area` answers, nearest the area's centre first.
pub const ONLINE_LIMIT: usize = 500;

/// What a collector did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PresenceKind {
    /// Went online (or, for one area's feed, came into it while online).
    Online,
    /// Moved while online.
    Moved,
    /// Went offline (or, for one area's feed, left it).
    Offline,
}

/// A collector at a position: online now, or what one event says.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Presence {
    /// What happened (Online for a collector listed as online now).
    pub kind: PresenceKind,
    /// The collector profile.
    pub collector_id: Uuid,
    /// Where: the live position, or where they went offline.
    pub location: GeoPoint,
}

/// A [`Presence`] as published.
#[derive(Serialize, Deserialize)]
struct Notice {
    kind: PresenceKind,
    id: Uuid,
    lat: f64,
    lon: f64,
}

impl From<Notice> for Presence {
    fn from(n: Notice) -> Self {
        Self {
            kind: n.kind,
            collector_id: n.id,
            location: GeoPoint {
                latitude: n.lat,
                longitude: n.lon,
            },
        }
    }
}

/// Announces a collector's presence change to every instance. Best effort: the change is
/// committed (or, for a position, in the geo index) whatever happens here.
pub async fn publish(state: &AppState, kind: PresenceKind, collector_id: Uuid, at: GeoPoint) {
    let notice = Notice {
        kind,
        id: collector_id,
        lat: at.latitude,
        lon: at.longitude,
    };
    let payload = match serde_json::to_string(&notice) {
        Ok(payload) => payload,
        Err(err) => {
            tracing::warn!(error = ?err, "encoding a presence notice failed");
            return;
        }
    };
    if let Err(err) = state.pubsub.publish(TOPIC, payload).await {
        tracing::debug!(error = ?err, %collector_id, "publishing a presence notice failed");
    }
}

/// The area `area_id` (NOT_FOUND when there is none), from the catalog snapshot.
async fn area(state: &AppState, area_id: Uuid) -> AppResult<service_area::Model> {
    list_service_areas(state)
        .await?
        .into_iter()
        .find(|a| a.id == area_id)
        .ok_or(AppError::NotFound("service area"))
}

fn centre(area: &service_area::Model) -> GeoPoint {
    GeoPoint {
        latitude: area.center_latitude,
        longitude: area.center_longitude,
    }
}

fn inside(area: &service_area::Model, point: GeoPoint) -> bool {
    haversine_km(centre(area), point) <= area.radius_km
}

/// The collectors online in `area_id` (within its radius of its centre) at their live
/// positions, nearest the centre first, at most [`ONLINE_LIMIT`]. The geo index may still
/// hold someone whose going offline it missed (Redis was unreachable); only collectors the
/// database has online are listed.
pub async fn online_in_area(state: &AppState, area_id: Uuid) -> AppResult<Vec<Presence>> {
    let area = area(state, area_id).await?;
    online_in(state, &area).await
}

async fn online_in(state: &AppState, area: &service_area::Model) -> AppResult<Vec<Presence>> {
    let hits = state
        .geo
        .search(centre(area), area.radius_km, ONLINE_LIMIT)
        .await?;
    let ids: Vec<Uuid> = hits.iter().map(|hit| hit.id).collect();
    let points = state.geo.positions(&ids).await?;
    let online: HashSet<Uuid> = collector::Entity::find()
        .select_only()
        .column(collector::Column::Id)
        .filter(collector::Column::Id.is_in(ids.iter().copied()))
        .filter(collector::Column::Status.eq(CollectorStatus::Available))
        .into_tuple::<Uuid>()
        .all(&state.db)
        .await?
        .into_iter()
        .collect();
    Ok(ids
        .into_iter()
        .zip(points)
        .filter(|(id, _)| online.contains(id))
        .filter_map(|(collector_id, point)| {
            Some(Presence {
                kind: PresenceKind::Online,
                collector_id,
                location: point?,
            })
        })
        .collect())
}

/// From now on, collectors going online in `area_id`, moving in it while online, and going
/// offline or leaving it (as [`PresenceKind::Offline`] at their last position there);
/// NOT_FOUND for an unknown area.
pub async fn presence_in_area(
    state: &AppState,
    area_id: Uuid,
) -> AppResult<impl Stream<Item = Presence> + use<>> {
    let area = area(state, area_id).await?;
    // Listen before reading who is online, so no change falls in between.
    let messages = state.pubsub.subscribe(TOPIC).await?;
    let shown: HashSet<Uuid> = online_in(state, &area)
        .await?
        .into_iter()
        .map(|p| p.collector_id)
        .collect();
    let shown = Arc::new(Mutex::new(shown));
    let state = state.clone();
    Ok(messages.filter_map(move |payload| {
        let (state, area, shown) = (state.clone(), area.clone(), Arc::clone(&shown));
        async move {
            let notice: Notice = serde_json::from_str(&payload).ok()?;
            follow(&state, &area, &shown, notice.into()).await
        }
    }))
}

/// What one notice means for the feed of `area`, given who it shows.
async fn follow(
    state: &AppState,
    area: &service_area::Model,
    shown: &Mutex<HashSet<Uuid>>,
    notice: Presence,
) -> Option<Presence> {
    let id = notice.collector_id;
    let here = inside(area, notice.location);
    let was_shown = shown
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .contains(&id);
    let kind = match (notice.kind, was_shown, here) {
        (PresenceKind::Offline, true, _) | (_, true, false) => PresenceKind::Offline,
        (PresenceKind::Offline, false, _) | (_, false, false) => return None,
        (PresenceKind::Moved, true, true) => PresenceKind::Moved,
        (PresenceKind::Online, _, true) => PresenceKind::Online,
        // Someone moving in: shown only if they are online (in the geo index).
        (PresenceKind::Moved, false, true) => {
            let positions = state.geo.positions(&[id]).await.ok()?;
            positions.first().copied().flatten()?;
            PresenceKind::Online
        }
    };
    let mut shown = shown.lock().unwrap_or_else(PoisonError::into_inner);
    if kind == PresenceKind::Offline {
        shown.remove(&id);
    } else {
        shown.insert(id);
    }
    Some(Presence { kind, ..notice })
}
