//! The lifecycle steps that are a single transition: cancel, reschedule, the collector's
//! trip steps, failure, the customer's answer to a final offer, and operator assignment.

use chrono::{DateTime, Utc};
use entity::{collector, pickup_order};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::access::{Party, visible};
use super::slots::{release, reserve};
use super::transition::{self, Change, status_of};
use super::updates::publish_order_update;
use crate::domain::order::{Actor, OrderStatus, TimeWindow, Transition};
use crate::error::{AppError, AppResult};
use crate::infra::db::WriteTxn;
use crate::services::dispatch::dispatch_order;
use crate::services::dispatch::events::{OfferEventKind, notify_collector};
use crate::state::AppState;

/// Reads `order_id` inside `txn` for `party`, NOT_FOUND when it may not see it.
pub(super) async fn load(
    conn: &impl ConnectionTrait,
    party: &Party,
    order_id: Uuid,
) -> AppResult<pickup_order::Model> {
    visible(
        pickup_order::Entity::find_by_id(order_id).one(conn).await?,
        party,
    )
}

/// Runs one transition by `party` and publishes it.
async fn step(
    state: &AppState,
    party: Party,
    order_id: Uuid,
    transition: Transition,
    reason: Option<String>,
) -> AppResult<pickup_order::Model> {
    let txn = state.begin_write().await?;
    let order = load(&txn, &party, order_id).await?;
    let mut change = Change::new(
        transition,
        party.actor(),
        party.actor_user(),
        Some(party.role(&order)),
        state.clock.now(),
    );
    change.reason = reason;
    let order = transition::apply(&txn, &order, change).await?;
    finish(state, txn, order).await
}

async fn finish(
    state: &AppState,
    txn: WriteTxn,
    order: pickup_order::Model,
) -> AppResult<pickup_order::Model> {
    finish_with(state, txn, order, Vec::new()).await
}

/// Commits, publishes the order update, and tells the holders of withdrawn offers.
pub(super) async fn finish_with(
    state: &AppState,
    txn: WriteTxn,
    order: pickup_order::Model,
    withdrawn: Vec<(Uuid, Uuid)>,
) -> AppResult<pickup_order::Model> {
    txn.commit().await?;
    for (offer_id, collector_id) in withdrawn {
        notify_collector(state, collector_id, OfferEventKind::Withdrawn, offer_id).await;
    }
    publish_order_update(state, order.id, order.version).await;
    Ok(order)
}

/// Cancels before the collector arrives (customer, partner or operator); frees the slot.
#[tracing::instrument(skip_all, fields(%order_id))]
pub async fn cancel_pickup(
    state: &AppState,
    party: Party,
    order_id: Uuid,
    reason: String,
) -> AppResult<pickup_order::Model> {
    let txn = state.begin_write().await?;
    let order = load(&txn, &party, order_id).await?;
    let mut change = Change::new(
        Transition::Cancel,
        party.actor(),
        party.actor_user(),
        Some(party.role(&order)),
        state.clock.now(),
    );
    change.reason = Some(reason);
    let cancelled = transition::apply_with_effects(&txn, &order, change).await?;
    release(&txn, order.service_area_id, order.slot_start).await?;
    finish_with(state, txn, cancelled.order, cancelled.withdrawn).await
}

/// Moves the window of an order not yet on its way, within capacity. An assigned order
/// goes back to dispatch: its collector accepted the old window, not the new one.
#[tracing::instrument(skip_all, fields(%order_id))]
pub async fn reschedule_pickup(
    state: &AppState,
    party: Party,
    order_id: Uuid,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
) -> AppResult<pickup_order::Model> {
    let now = state.clock.now();
    let rules = state.config.orders.window_rules;
    let window = TimeWindow::parse(start, end, now, &rules)
        .map_err(|e| AppError::validation("window", e.0))?;
    // Read before the transaction (see booking): never wait for a connection inside one.
    let snapshot = state.catalog.snapshot(&state.db).await?;
    let txn = state.begin_write().await?;
    let order = load(&txn, &party, order_id).await?;
    // Visibility first (NOT_FOUND), then the role (FORBIDDEN): a stranger learns nothing.
    if matches!(party, Party::Collector { .. }) {
        return Err(AppError::Forbidden);
    }
    let status = status_of(&order)?;
    if !status.reschedulable() {
        return Err(AppError::InvalidState(format!(
            "the order is {status}; it can no longer be rescheduled"
        )));
    }
    let new_slot = window.slot_start(&rules);
    if new_slot != order.slot_start {
        let area = snapshot
            .service_areas
            .iter()
            .find(|a| a.id == order.service_area_id)
            .ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!(
                    "order {} has an unknown service area",
                    order.id
                ))
            })?;
        reserve(&txn, area, new_slot).await?;
        release(&txn, order.service_area_id, order.slot_start).await?;
    }
    let moved = pickup_order::Entity::update_many()
        .col_expr(pickup_order::Column::WindowStart, Expr::value(window.start))
        .col_expr(pickup_order::Column::WindowEnd, Expr::value(window.end))
        .col_expr(pickup_order::Column::SlotStart, Expr::value(new_slot))
        .col_expr(
            pickup_order::Column::Version,
            Expr::value(order.version + 1),
        )
        .col_expr(pickup_order::Column::UpdatedAt, Expr::value(now))
        .filter(pickup_order::Column::Id.eq(order.id))
        .filter(pickup_order::Column::Version.eq(order.version))
        .exec(&txn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(AppError::Conflict(
            "the order changed meanwhile; read it again".to_owned(),
        ));
    }
    let reason = Some(format!(
        "rescheduled to {} – {}",
        window.start.to_rfc3339(),
        window.end.to_rfc3339()
    ));
    transition::record_event(
        &txn,
        order.id,
        order.version + 1,
        Some(status),
        status,
        &reason,
        None,
        party.actor_user(),
        Some(party.role(&order)),
        now,
    )
    .await?;
    let mut order = pickup_order::Entity::find_by_id(order.id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("pickup order"))?;
    if status == OrderStatus::Assigned {
        let mut back = Change::new(Transition::Redispatch, Actor::System, None, None, now);
        back.reason = Some("rescheduled; needs a collector for the new window".to_owned());
        back.sets.push((
            pickup_order::Column::CollectorId,
            Expr::value(Option::<Uuid>::None),
        ));
        order = transition::apply(&txn, &order, back).await?;
    }
    // Offers made for the old window no longer stand.
    let withdrawn = transition::withdraw_pending_offers(&txn, order.id, now).await?;
    let order = finish_with(state, txn, order, withdrawn).await?;
    redispatch(state, &order).await;
    Ok(order)
}

/// Sends a DISPATCHING order to dispatch again (best effort; the sweeper retries).
async fn redispatch(state: &AppState, order: &pickup_order::Model) {
    if order.status == OrderStatus::Dispatching.as_str()
        && let Err(err) = dispatch_order(state, order.id).await
    {
        tracing::warn!(error = ?err.into_anyhow(), order_id = %order.id, "dispatch failed; the sweeper will retry");
    }
}

/// Gives up on an order nobody took (UNFULFILLED) and frees its slot; the customer is
/// told through `orderUpdated`. A no-op when the order has moved on meanwhile.
pub async fn give_up(state: &AppState, order_id: Uuid, reason: &str) -> AppResult<()> {
    let txn = state.begin_write().await?;
    let Some(order) = pickup_order::Entity::find_by_id(order_id).one(&txn).await? else {
        return Ok(());
    };
    if status_of(&order)? != OrderStatus::Dispatching {
        return Ok(());
    }
    let mut change = Change::new(
        Transition::GiveUp,
        Actor::System,
        None,
        None,
        state.clock.now(),
    );
    change.reason = Some(reason.to_owned());
    let applied = transition::apply_with_effects(&txn, &order, change).await?;
    release(&txn, order.service_area_id, order.slot_start).await?;
    finish_with(state, txn, applied.order, applied.withdrawn).await?;
    Ok(())
}

/// The assigned collector sets off.
pub async fn start_trip(
    state: &AppState,
    party: Party,
    order_id: Uuid,
) -> AppResult<pickup_order::Model> {
    step(state, party, order_id, Transition::StartTrip, None).await
}

/// The assigned collector is at the door.
pub async fn mark_arrived(
    state: &AppState,
    party: Party,
    order_id: Uuid,
) -> AppResult<pickup_order::Model> {
    step(state, party, order_id, Transition::Arrive, None).await
}

/// The pickup could not be done at the door.
pub async fn report_failed_pickup(
    state: &AppState,
    party: Party,
    order_id: Uuid,
    reason: String,
) -> AppResult<pickup_order::Model> {
    step(state, party, order_id, Transition::Fail, Some(reason)).await
}

/// The customer accepts (back to INSPECTED) or rejects (CANCELLED) a final price outside
/// tolerance.
pub async fn respond_to_final_offer(
    state: &AppState,
    party: Party,
    order_id: Uuid,
    accept: bool,
) -> AppResult<pickup_order::Model> {
    let (transition, reason) = if accept {
        (Transition::AcceptFinalOffer, "final offer accepted")
    } else {
        (Transition::RejectFinalOffer, "final offer rejected")
    };
    step(state, party, order_id, transition, Some(reason.to_owned())).await
}

/// Operator assignment: gives the order to `collector_id` (taking it from a previous
/// collector first), or with None sends it back to dispatch.
#[tracing::instrument(skip_all, fields(%order_id))]
pub async fn assign_collector(
    state: &AppState,
    party: Party,
    order_id: Uuid,
    collector_id: Option<Uuid>,
) -> AppResult<pickup_order::Model> {
    let Party::Operator { user_id } = party else {
        return Err(AppError::Forbidden);
    };
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let mut order = load(&txn, &party, order_id).await?;
    let role = Some(party.role(&order));
    if let Some(id) = collector_id {
        let verified = collector::Entity::find_by_id(id)
            .one(&txn)
            .await?
            .is_some_and(|c| c.verified);
        if !verified {
            return Err(AppError::validation(
                "collectorId",
                "is not a verified collector",
            ));
        }
    }
    if matches!(
        status_of(&order)?,
        OrderStatus::Assigned | OrderStatus::EnRoute
    ) {
        let mut back = Change::new(
            Transition::Redispatch,
            Actor::Operator,
            Some(user_id),
            role,
            now,
        );
        back.reason = Some("reassigned by an operator".to_owned());
        back.sets.push((
            pickup_order::Column::CollectorId,
            Expr::value(Option::<Uuid>::None),
        ));
        order = transition::apply(&txn, &order, back).await?;
    } else if collector_id.is_none() {
        return Err(AppError::InvalidState(
            "the order has no collector to take back".to_owned(),
        ));
    }
    let mut withdrawn = Vec::new();
    if let Some(id) = collector_id {
        let mut assign = Change::new(
            Transition::Assign,
            Actor::Operator,
            Some(user_id),
            role,
            now,
        );
        assign.reason = Some("assigned by an operator".to_owned());
        assign
            .sets
            .push((pickup_order::Column::CollectorId, Expr::value(id)));
        let applied = transition::apply_with_effects(&txn, &order, assign).await?;
        order = applied.order;
        withdrawn = applied.withdrawn;
    }
    let order = finish_with(state, txn, order, withdrawn).await?;
    redispatch(state, &order).await;
    Ok(order)
}
