//! The dispatcher task: listens to the order lifecycle's announcements and does the
//! dispatch work off the requests' path. An order that needs a collector gets its next
//! round of offers; holders of withdrawn offers are told.
//!
//! Rounds for different orders run concurrently (bounded), and each round is claimed in
//! the database, so a duplicate announcement or the sweeper working on the same order
//! at the same moment sends nothing twice.

use std::sync::Arc;

use tokio::sync::Semaphore;

use super::events::{OfferEventKind, notify_collector};
use super::matching::dispatch_order;
use crate::infra::order_signals::OrderSignal;
use crate::state::AppState;

/// Rounds dispatched at the same time; more wait for a place.
const CONCURRENT_ROUNDS: usize = 16;

/// Starts the task; does nothing if another task already took the announcements.
pub fn spawn_dispatcher(state: AppState) -> Option<tokio::task::JoinHandle<()>> {
    let mut signals = state.order_signals.take_receiver()?;
    let places = Arc::new(Semaphore::new(CONCURRENT_ROUNDS));
    Some(tokio::spawn(async move {
        while let Some(signal) = signals.recv().await {
            match signal {
                OrderSignal::NeedsDispatch(order_id) => {
                    let Ok(place) = Arc::clone(&places).acquire_owned().await else {
                        return;
                    };
                    let state = state.clone();
                    tokio::spawn(async move {
                        if let Err(err) = dispatch_order(&state, order_id).await {
                            tracing::warn!(error = ?err.into_anyhow(), %order_id, "dispatch failed; the sweeper will retry");
                        }
                        state.order_signals.settled();
                        drop(place);
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
