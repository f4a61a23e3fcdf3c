//! The dispatcher task: listens to the order lifecycle's announcements and does the
//! dispatch work off the requests' path. An order that needs a collector gets its next
//! round of offers; holders of withdrawn offers are told; a collector going online makes
//! the orders waiting in their area look again.
//!
//! Rounds for different orders run concurrently (bounded), and each round is claimed in
//! the database, so a duplicate announcement or the sweeper working on the same order
//! at the same moment sends nothing twice.

use std::sync::Arc;

use entity::pickup_order;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio::sync::Semaphore;
use uuid::Uuid;

use super::events::{OfferEventKind, notify_collector};
use super::matching::dispatch_announced;
use crate::domain::order::OrderStatus;
use crate::error::AppResult;
use crate::infra::order_signals::OrderSignal;
use crate::state::AppState;

/// Rounds dispatched at the same time; more wait for a place.
const CONCURRENT_ROUNDS: usize = 16;

/// Most waiting orders one collector going online sends back to dispatch (soonest
/// windows first); the sweeper tops up the rest within an interval.
const WAITING_PER_ARRIVAL: u64 = 200;

/// Starts the task; does nothing if another task already took the announcements.
pub fn spawn_dispatcher(state: AppState) -> Option<tokio::task::JoinHandle<()>> {
    let mut signals = state.order_signals.take_receiver()?;
    let places = Arc::new(Semaphore::new(CONCURRENT_ROUNDS));
    Some(tokio::spawn(async move {
        while let Some(signal) = signals.recv().await {
            match signal {
                OrderSignal::NeedsDispatch { order_id, facts } => {
                    let Ok(place) = Arc::clone(&places).acquire_owned().await else {
                        return;
                    };
                    let state = state.clone();
                    tokio::spawn(async move {
                        if let Err(err) = dispatch_announced(&state, order_id, facts).await {
                            tracing::warn!(error = ?err.into_anyhow(), %order_id, "dispatch failed; the sweeper will retry");
                        }
                        state.order_signals.settled();
                        drop(place);
                    });
                }
                OrderSignal::CollectorAvailable { area_id, .. } => {
                    let state = state.clone();
                    tokio::spawn(async move {
                        if let Err(err) = offer_waiting_orders(&state, area_id).await {
                            tracing::warn!(error = ?err.into_anyhow(), "listing waiting orders failed; the sweeper will catch up");
                        }
                        state.order_signals.settled();
                    });
                }
                OrderSignal::OffersWithdrawn(offers) => {
                    for offer in offers {
                        notify_collector(
                            &state,
                            offer.collector_id,
                            OfferEventKind::Withdrawn,
                            offer.offer_id,
                        )
                        .await;
                    }
                }
            }
        }
    }))
}

/// Announces the orders still looking for a collector in `area_id` (anywhere when
/// unknown), soonest windows first, so each gets a round that may include the collector
/// who just came online.
async fn offer_waiting_orders(state: &AppState, area_id: Option<Uuid>) -> AppResult<()> {
    let mut waiting = pickup_order::Entity::find()
        .filter(pickup_order::Column::Status.eq(OrderStatus::Dispatching))
        .order_by_asc(pickup_order::Column::WindowStart)
        .limit(WAITING_PER_ARRIVAL);
    if let Some(area_id) = area_id {
        waiting = waiting.filter(pickup_order::Column::ServiceAreaId.eq(area_id));
    }
    for order in waiting.all(&state.db).await? {
        state
            .order_signals
            .announce(OrderSignal::needs_dispatch(order.id));
    }
    Ok(())
}
