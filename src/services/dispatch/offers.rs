//! Answering offers: the first accept wins atomically; declines move dispatch on.

use chrono::{DateTime, Utc};
use entity::{collector, job_offer, pickup_order};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::events::{OfferEventKind, notify_collector};
use crate::domain::dispatch::OfferStatus;
use crate::domain::field_action::ActionKind;
use crate::domain::order::{OrderStatus, Transition};
use crate::error::{AppError, AppResult};
use crate::infra::order_signals::{OrderSignal, WithdrawnOffer};
use crate::services::collector_actions::{ActionTarget, DeviceAction, Stamp, replay_or_run};
use crate::services::orders::transition::{self, Change};
use crate::services::orders::{Party, find_order, publish_order_update};
use crate::state::AppState;

pub(super) fn collector_of(party: &Party) -> AppResult<Uuid> {
    match party {
        Party::Collector { collector_id, .. } => Ok(*collector_id),
        _ => Err(AppError::Forbidden),
    }
}

/// The offer `offer_id` if it was made to `party` (NOT_FOUND otherwise).
pub async fn find_offer_for(
    state: &AppState,
    party: &Party,
    offer_id: Uuid,
) -> AppResult<job_offer::Model> {
    own_offer(&state.db, collector_of(party)?, offer_id).await
}

/// The offer `offer_id` read in `conn` if it was made to `collector_id` (NOT_FOUND
/// otherwise, like an unknown one).
pub(super) async fn own_offer(
    conn: &impl ConnectionTrait,
    collector_id: Uuid,
    offer_id: Uuid,
) -> AppResult<job_offer::Model> {
    match job_offer::Entity::find_by_id(offer_id).one(conn).await? {
        Some(offer) if offer.collector_id == collector_id => Ok(offer),
        _ => Err(AppError::NotFound("job offer")),
    }
}

/// The calling collector's open offers, soonest expiry first.
pub async fn my_offers(state: &AppState, party: &Party) -> AppResult<Vec<job_offer::Model>> {
    let collector_id = collector_of(party)?;
    Ok(job_offer::Entity::find()
        .filter(job_offer::Column::CollectorId.eq(collector_id))
        .filter(job_offer::Column::Status.eq(OfferStatus::Pending))
        .filter(job_offer::Column::ExpiresAt.gt(state.clock.now()))
        .order_by_asc(job_offer::Column::ExpiresAt)
        .all(&state.db)
        .await?)
}

/// Accepts an offer. Exactly one accept per order wins: the order moves DISPATCHING →
/// ASSIGNED with a conditional update on its version, inside the same transaction that
/// marks this offer ACCEPTED and withdraws the others. A late accept gets
/// ALREADY_ASSIGNED (someone else won) or OFFER_EXPIRED; a replay of the same client
/// action id gets the order it won.
#[tracing::instrument(skip_all, fields(%offer_id))]
pub async fn accept_offer(
    state: &AppState,
    party: Party,
    offer_id: Uuid,
    device: DeviceAction,
) -> AppResult<pickup_order::Model> {
    let target = ActionTarget {
        collector_id: collector_of(&party)?,
        kind: ActionKind::AcceptJobOffer,
        target_id: offer_id,
    };
    let run = |stamp| accept(state, party, offer_id, stamp);
    replay_or_run(state, target, device, run)
        .await?
        .or_reload(|order_id| find_order(state, &party, order_id))
        .await
}

/// [`accept_offer`]'s work, with what the device `stamp`ed.
async fn accept(
    state: &AppState,
    party: Party,
    offer_id: Uuid,
    stamp: Stamp,
) -> AppResult<pickup_order::Model> {
    let collector_id = collector_of(&party)?;
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let offer = own_offer(&txn, collector_id, offer_id).await?;
    still_open(&offer, now)?;
    let order = pickup_order::Entity::find_by_id(offer.order_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("pickup order"))?;
    if OrderStatus::from(order.status) != OrderStatus::Dispatching {
        return Err(AppError::AlreadyAssigned);
    }
    // One accept at a time per collector: the overlap check below is a read, and two
    // accepts of overlapping orders would otherwise both see no clash (PostgreSQL; on
    // SQLite the single writer already serialises them).
    lock_collector(&txn, collector_id).await?;
    refuse_overlap(&txn, collector_id, &order).await?;
    // Lock order: the order row first (conditional update), then offer rows. Every
    // writer of an order's offers goes through the order first or touches one offer row
    // only, so two accepts cannot deadlock: the loser waits on the order row, then finds
    // the version moved on.
    let change = Change::by(&party, &order, Transition::Assign, now)
        .recorded(stamp.recorded_at())
        .because("offer accepted")
        .setting(pickup_order::Column::CollectorId, Expr::value(collector_id));
    let applied = match transition::apply_with_effects(&txn, &order, change).await {
        Ok(applied) => applied,
        // Another accept committed first (the version moved on): this one lost.
        Err(AppError::Conflict(_) | AppError::InvalidState(_)) => {
            return Err(AppError::AlreadyAssigned);
        }
        Err(err) => return Err(err),
    };
    mark_accepted(&txn, &offer, now).await?;
    stamp.remember(&txn, order.id, now).await?;
    txn.commit().await?;
    let others: Vec<WithdrawnOffer> = applied
        .withdrawn
        .into_iter()
        .filter(|withdrawn| withdrawn.offer_id != offer.id)
        .collect();
    for other in &others {
        notify_collector(
            state,
            other.collector_id,
            OfferEventKind::Withdrawn,
            other.offer_id,
        )
        .await;
    }
    publish_order_update(state, applied.order.id, applied.order.version).await;
    Ok(applied.order)
}

/// The error an accept of `offer` gets unless it is PENDING and unexpired.
fn still_open(offer: &job_offer::Model, now: DateTime<Utc>) -> AppResult<()> {
    match OfferStatus::from(offer.status) {
        OfferStatus::Pending if offer.expires_at > now => Ok(()),
        OfferStatus::Pending | OfferStatus::Expired => Err(AppError::OfferExpired),
        OfferStatus::Withdrawn => Err(AppError::AlreadyAssigned),
        OfferStatus::Accepted => Err(AppError::Conflict(
            "you already accepted this offer".to_owned(),
        )),
        OfferStatus::Declined => Err(AppError::InvalidState("you declined this offer".to_owned())),
    }
}

/// Takes the collector's row lock until the transaction ends (PostgreSQL `FOR UPDATE`).
async fn lock_collector(conn: &impl ConnectionTrait, collector_id: Uuid) -> AppResult<()> {
    if conn.get_database_backend() == DatabaseBackend::Postgres {
        collector::Entity::find_by_id(collector_id)
            .lock_exclusive()
            .one(conn)
            .await?;
    }
    Ok(())
}

/// Offers go only to collectors free in the window, but one may have accepted another
/// overlapping order since: a collector cannot be in two places at once (CONFLICT).
async fn refuse_overlap(
    conn: &impl ConnectionTrait,
    collector_id: Uuid,
    order: &pickup_order::Model,
) -> AppResult<()> {
    let clash = pickup_order::Entity::find()
        .filter(pickup_order::Column::CollectorId.eq(collector_id))
        .filter(pickup_order::Column::Status.is_in(OrderStatus::occupying()))
        .filter(pickup_order::Column::WindowStart.lt(order.window_end))
        .filter(pickup_order::Column::WindowEnd.gt(order.window_start))
        .one(conn)
        .await?;
    match clash {
        Some(other) => Err(AppError::Conflict(format!(
            "you already have pickup {} in this window",
            other.number
        ))),
        None => Ok(()),
    }
}

/// Leaving dispatch withdrew every pending offer, `offer` included: it becomes the
/// accepted one, and counts towards its collector's acceptance rate. If it was no longer
/// pending (expired by the sweeper meanwhile), OFFER_EXPIRED drops the transaction.
async fn mark_accepted(
    conn: &impl ConnectionTrait,
    offer: &job_offer::Model,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let marked = job_offer::Entity::update_many()
        .col_expr(
            job_offer::Column::Status,
            Expr::value(OfferStatus::Accepted),
        )
        .col_expr(job_offer::Column::RespondedAt, Expr::value(now))
        .filter(job_offer::Column::Id.eq(offer.id))
        .filter(job_offer::Column::Status.eq(OfferStatus::Withdrawn))
        .exec(conn)
        .await?;
    if marked.rows_affected != 1 {
        return Err(AppError::OfferExpired);
    }
    collector::Entity::update_many()
        .col_expr(
            collector::Column::OffersAccepted,
            Expr::col(collector::Column::OffersAccepted).add(1),
        )
        .filter(collector::Column::Id.eq(offer.collector_id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Withdraws every open offer of an order (used by operators' tools); returns how many.
pub async fn withdraw_pending(state: &AppState, order_id: Uuid) -> AppResult<usize> {
    let txn = state.begin_write().await?;
    let withdrawn = transition::withdraw_pending_offers(&txn, order_id, state.clock.now()).await?;
    txn.commit().await?;
    let count = withdrawn.len();
    state
        .order_signals
        .announce(OrderSignal::OffersWithdrawn(withdrawn));
    Ok(count)
}
