//! The operators' dispatch board: orders by state and the offers outstanding.

use entity::{job_offer, pickup_order};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::domain::dispatch::OfferStatus;
use crate::domain::order::OrderStatus;
use crate::error::AppResult;
use crate::state::AppState;

/// A snapshot of dispatch.
#[derive(Clone, Debug)]
pub struct DispatchBoard {
    /// How many orders are in each state.
    pub counts: Vec<(OrderStatus, u64)>,
    /// Orders looking for a collector, window soonest first (at most 100).
    pub dispatching: Vec<pickup_order::Model>,
    /// Offers waiting for an answer, expiry soonest first (at most 200).
    pub pending_offers: Vec<job_offer::Model>,
}

/// Builds the board.
pub async fn dispatch_board(state: &AppState) -> AppResult<DispatchBoard> {
    let mut counts = Vec::with_capacity(OrderStatus::ALL.len());
    for status in OrderStatus::ALL {
        let n = pickup_order::Entity::find()
            .filter(pickup_order::Column::Status.eq(*status))
            .count(&state.db)
            .await?;
        counts.push((*status, n));
    }
    let dispatching = pickup_order::Entity::find()
        .filter(pickup_order::Column::Status.eq(OrderStatus::Dispatching))
        .order_by_asc(pickup_order::Column::WindowStart)
        .limit(100)
        .all(&state.db)
        .await?;
    let pending_offers = job_offer::Entity::find()
        .filter(job_offer::Column::Status.eq(OfferStatus::Pending))
        .order_by_asc(job_offer::Column::ExpiresAt)
        .limit(200)
        .all(&state.db)
        .await?;
    Ok(DispatchBoard {
        counts,
        dispatching,
        pending_offers,
    })
}
