//! The sweeper: expires overdue offers and tops up every waiting order short of K
//! pending offers (a collector may have come online or into range since); orders whose
//! window closed become UNFULFILLED. It runs at start-up and on an
//! interval. On PostgreSQL it claims offers with `FOR UPDATE SKIP LOCKED`, so several
//! instances never expire the same offer twice; every dispatch round is claimed with a
//! conditional update, so they never send the same round twice either.

use std::collections::HashMap;

use entity::{job_offer, pickup_order};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{ColumnTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::events::{OfferEventKind, notify_collector};
use super::matching::dispatch_order;
use crate::domain::dispatch::OfferStatus;
use crate::domain::order::OrderStatus;
use crate::error::AppResult;
use crate::services::orders::publish_order_activity;
use crate::state::AppState;

/// Most offers expired, and orders re-dispatched, per sweep.
const BATCH: u64 = 500;

/// What one sweep did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SweepReport {
    /// Offers that expired.
    pub expired: usize,
    /// Orders given a new batch of offers (or given up).
    pub redispatched: usize,
    /// Final offers the customer left unanswered, called off.
    pub unanswered: usize,
    /// Assigned orders whose collector never set off, back to dispatch.
    pub no_shows: usize,
}

/// One pass.
#[tracing::instrument(skip_all)]
pub async fn sweep(state: &AppState) -> AppResult<SweepReport> {
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let mut overdue = job_offer::Entity::find()
        .filter(job_offer::Column::Status.eq(OfferStatus::Pending))
        .filter(job_offer::Column::ExpiresAt.lte(now))
        .order_by_asc(job_offer::Column::ExpiresAt)
        .limit(BATCH);
    if state.db.get_database_backend() == DatabaseBackend::Postgres {
        overdue = overdue.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let expired = overdue.all(&txn).await?;
    if !expired.is_empty() {
        job_offer::Entity::update_many()
            .col_expr(job_offer::Column::Status, Expr::value(OfferStatus::Expired))
            .col_expr(job_offer::Column::RespondedAt, Expr::value(now))
            .filter(job_offer::Column::Id.is_in(expired.iter().map(|o| o.id)))
            .filter(job_offer::Column::Status.eq(OfferStatus::Pending))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    for offer in &expired {
        notify_collector(state, offer.collector_id, OfferEventKind::Expired, offer.id).await;
    }
    let orders: std::collections::BTreeSet<Uuid> = expired.iter().map(|o| o.order_id).collect();
    for order_id in orders {
        publish_order_activity(state, order_id).await;
    }

    let waiting = pickup_order::Entity::find()
        .filter(pickup_order::Column::Status.eq(OrderStatus::Dispatching))
        .order_by_asc(pickup_order::Column::WindowStart)
        .limit(BATCH)
        .all(&state.db)
        .await?;
    let mut pending: HashMap<Uuid, usize> = HashMap::new();
    if !waiting.is_empty() {
        for offer in job_offer::Entity::find()
            .filter(job_offer::Column::OrderId.is_in(waiting.iter().map(|o| o.id)))
            .filter(job_offer::Column::Status.eq(OfferStatus::Pending))
            .all(&state.db)
            .await?
        {
            *pending.entry(offer.order_id).or_default() += 1;
        }
    }
    // Orders short of K pending offers look again: a collector may have come online or
    // into range since, and an order whose window closed is given up.
    let wanted = state.config.dispatch.offers_per_batch.max(1);
    let mut redispatched = 0;
    for order in waiting
        .iter()
        .filter(|o| pending.get(&o.id).copied().unwrap_or(0) < wanted)
    {
        match dispatch_order(state, order.id).await {
            Ok(_) => redispatched += 1,
            Err(err) => {
                tracing::warn!(error = ?err.into_anyhow(), order_id = %order.id, "re-dispatch failed")
            }
        }
    }
    // Orders the clock moves on: unanswered final offers, collectors who never set off.
    let overdue = crate::services::orders::move_overdue_orders(state).await?;
    Ok(SweepReport {
        expired: expired.len(),
        redispatched,
        unanswered: overdue.unanswered,
        no_shows: overdue.no_shows,
    })
}

/// Runs [`sweep`] now and then every `sweep_interval`, until the runtime stops.
pub fn spawn_sweeper(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(state.config.dispatch.sweep_interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(err) = sweep(&state).await {
                tracing::warn!(error = ?err.into_anyhow(), "dispatch sweep failed");
            }
        }
    })
}
