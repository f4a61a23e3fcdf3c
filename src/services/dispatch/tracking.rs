//! Live tracking: the assigned collector's positions for an order's customer (or an
//! operator), only while that collector is on the way to or at the door.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use entity::pickup_order;
use futures_util::{Stream, StreamExt, stream};
use uuid::Uuid;

use super::events::locations;
use crate::domain::geo::GeoPoint;
use crate::domain::order::OrderStatus;
use crate::error::{AppError, AppResult};
use crate::services::orders::{self, Party};
use crate::state::AppState;

/// What the tracking stream reacts to.
enum Tick {
    /// The order changed: whether positions are shown may have changed.
    Order,
    /// The collector reported a position.
    Position(GeoPoint),
}

/// Whether `collector_id`'s positions are shown for `order` now.
fn tracked(order: &pickup_order::Model, collector_id: Uuid) -> bool {
    matches!(
        OrderStatus::from(order.status),
        OrderStatus::EnRoute | OrderStatus::Arrived
    ) && order.collector_id == Some(collector_id)
}

/// The positions of the collector assigned to `order_id`. NOT_FOUND for anyone but the
/// order's customer and operators; INVALID_STATE while no collector is assigned. The
/// order is read again when it changes, never per position, so a collector reporting
/// every second costs no database work.
pub async fn collector_positions(
    state: &AppState,
    party: Party,
    order_id: Uuid,
) -> AppResult<impl Stream<Item = GeoPoint> + use<>> {
    let order = orders::find_order(state, &party, order_id).await?;
    if !matches!(party, Party::Customer { .. } | Party::Operator { .. }) {
        return Err(AppError::NotFound("pickup order"));
    }
    let collector_id = order
        .collector_id
        .ok_or_else(|| AppError::InvalidState("the order has no collector yet".to_owned()))?;
    // Subscribe to changes before reading the state they update, so none is missed.
    let changes = orders::order_updates(state, order_id)
        .await?
        .map(|()| Tick::Order);
    let positions = locations(state, collector_id).await?.map(Tick::Position);
    let order = orders::find_order(state, &party, order_id).await?;
    let shown = Arc::new(AtomicBool::new(tracked(&order, collector_id)));
    let state = state.clone();
    Ok(stream::select(changes, positions).filter_map(move |tick| {
        let (state, shown) = (state.clone(), Arc::clone(&shown));
        async move {
            match tick {
                Tick::Order => {
                    let now = orders::find_order(&state, &party, order_id).await.ok();
                    let on = now.is_some_and(|order| tracked(&order, collector_id));
                    shown.store(on, Ordering::Release);
                    None
                }
                Tick::Position(point) => shown.load(Ordering::Acquire).then_some(point),
            }
        }
    }))
}
