//! Orders that would otherwise get stuck, moved on by the clock (run by the dispatch
//! sweeper on every pass):
//!
//! - a final offer the customer leaves unanswered for `consent_timeout` is called off
//!   (AWAITING_CUSTOMER → CANCELLED): the collector is waiting at the door;
//! - an assigned collector who has not set off `no_show_grace` after the window started
//!   loses the order back to dispatch (ASSIGNED → DISPATCHING), hears of it over
//!   `jobOffers` when it came from an offer, and the no-show counts against their score.
//!
//! Each order is moved in its own transaction that reads it again, so a customer's answer
//! or a collector setting off at the same moment wins or is refused cleanly.

use chrono::{DateTime, Duration, Utc};
use entity::{collector, pickup_order};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::lifecycle::commit_and_announce;
use super::slots::release;
use super::transition::{self, Change};
use crate::domain::order::{OrderStatus, Transition};
use crate::error::AppResult;
use crate::state::AppState;

/// Most orders moved per pass.
const BATCH: u64 = 200;

/// What one pass did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Overdue {
    /// Final offers called off.
    pub unanswered: usize,
    /// No-shows sent back to dispatch.
    pub no_shows: usize,
}

/// Moves every overdue order on.
pub async fn move_overdue_orders(state: &AppState) -> AppResult<Overdue> {
    let now = state.clock.now();
    let consent =
        Duration::from_std(state.config.orders.consent_timeout).map_err(anyhow::Error::from)?;
    let grace =
        Duration::from_std(state.config.orders.no_show_grace).map_err(anyhow::Error::from)?;
    let mut overdue = Overdue::default();
    for order_id in ids(
        state,
        OrderStatus::AwaitingCustomer,
        pickup_order::Column::UpdatedAt,
        now - consent,
    )
    .await?
    {
        if call_off_unanswered(state, order_id, now - consent).await? {
            overdue.unanswered += 1;
        }
    }
    for order_id in ids(
        state,
        OrderStatus::Assigned,
        pickup_order::Column::WindowStart,
        now - grace,
    )
    .await?
    {
        if reclaim_no_show(state, order_id, now - grace).await? {
            overdue.no_shows += 1;
        }
    }
    Ok(overdue)
}

/// Orders in `status` whose `since` column is at or before `cutoff`, oldest first.
async fn ids(
    state: &AppState,
    status: OrderStatus,
    since: pickup_order::Column,
    cutoff: DateTime<Utc>,
) -> AppResult<Vec<Uuid>> {
    Ok(pickup_order::Entity::find()
        .select_only()
        .column(pickup_order::Column::Id)
        .filter(pickup_order::Column::Status.eq(status))
        .filter(since.lte(cutoff))
        .order_by_asc(since)
        .limit(BATCH)
        .into_tuple::<Uuid>()
        .all(&state.db)
        .await?)
}

/// Cancels the order if its final offer is still unanswered since before `cutoff`.
async fn call_off_unanswered(
    state: &AppState,
    order_id: Uuid,
    cutoff: DateTime<Utc>,
) -> AppResult<bool> {
    let txn = state.begin_write().await?;
    let Some(order) = pickup_order::Entity::find_by_id(order_id).one(&txn).await? else {
        return Ok(false);
    };
    if OrderStatus::from(order.status) != OrderStatus::AwaitingCustomer || order.updated_at > cutoff
    {
        return Ok(false);
    }
    let minutes = state.config.orders.consent_timeout.as_secs() / 60;
    let change = Change::by_system(Transition::Abandon, state.clock.now()).because(format!(
        "the customer did not answer the final offer within {minutes} minutes"
    ));
    let cancelled = transition::apply_with_effects(&txn, &order, change).await?;
    release(&txn, &order).await?;
    commit_and_announce(state, txn, cancelled.order, cancelled.withdrawn).await?;
    Ok(true)
}

/// Sends the order back to dispatch if its collector has still not set off and its
/// window started before `cutoff`; counts the no-show against the collector.
async fn reclaim_no_show(
    state: &AppState,
    order_id: Uuid,
    cutoff: DateTime<Utc>,
) -> AppResult<bool> {
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let Some(order) = pickup_order::Entity::find_by_id(order_id).one(&txn).await? else {
        return Ok(false);
    };
    let Some(collector_id) = order.collector_id else {
        return Ok(false);
    };
    if OrderStatus::from(order.status) != OrderStatus::Assigned || order.window_start > cutoff {
        return Ok(false);
    }
    // The offer stays ACCEPTED (a no-show is not asked again); its holder is told.
    let withdrawn = transition::accepted_offer(&txn, &order).await?;
    let back = Change::by_system(Transition::Redispatch, now)
        .because("the collector did not set off in time; looking for another")
        .setting(
            pickup_order::Column::CollectorId,
            Expr::value(Option::<Uuid>::None),
        );
    let order = transition::apply(&txn, &order, back).await?;
    collector::Entity::update_many()
        .col_expr(
            collector::Column::NoShows,
            Expr::col(collector::Column::NoShows).add(1),
        )
        .filter(collector::Column::Id.eq(collector_id))
        .exec(&txn)
        .await?;
    commit_and_announce(state, txn, order, withdrawn.into_iter().collect()).await?;
    Ok(true)
}
