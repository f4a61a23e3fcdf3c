//! The lifecycle steps that are a single transition: cancel, the collector's trip steps,
//! failure, the customer's answer to a final offer, and giving up an order nobody took.
//! Every step commits through [`commit_and_announce`], the one place an order change
//! leaves its transaction.

use entity::pickup_order;
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use super::access::{Party, visible};
use super::device::once;
use super::slots::release;
use super::transition::{self, Change};
use super::updates::publish_order_update;
use crate::domain::field_action::ActionKind;
use crate::domain::geo::GeoPoint;
use crate::domain::order::{OrderStatus, Transition};
use crate::error::AppResult;
use crate::infra::db::WriteTxn;
use crate::infra::order_signals::{OrderFacts, OrderSignal, WithdrawnOffer};
use crate::services::collector_actions::{DeviceAction, Stamp};
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

/// Runs one transition by `party` and commits it, with what the device `stamp`ed.
async fn step(
    state: &AppState,
    party: Party,
    order_id: Uuid,
    transition: Transition,
    reason: Option<String>,
    stamp: Stamp,
) -> AppResult<pickup_order::Model> {
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let order = load(&txn, &party, order_id).await?;
    let mut change = Change::by(&party, &order, transition, now).recorded(stamp.recorded_at());
    change.reason = reason;
    let applied = transition::apply_with_effects(&txn, &order, change).await?;
    stamp.remember(&txn, order.id, now).await?;
    commit_and_announce(state, txn, applied.order, applied.withdrawn).await
}

/// [`step`] as a collector's app sends it: once per client action id.
async fn device_step(
    state: &AppState,
    party: Party,
    order_id: Uuid,
    (kind, transition): (ActionKind, Transition),
    reason: Option<String>,
    device: DeviceAction,
) -> AppResult<pickup_order::Model> {
    once(state, &party, order_id, kind, device, |stamp| {
        step(state, party, order_id, transition, reason, stamp)
    })
    .await
}

/// Commits, then tells everyone who should hear of the change (see [`announce_committed`]).
pub(super) async fn commit_and_announce(
    state: &AppState,
    txn: WriteTxn,
    order: pickup_order::Model,
    withdrawn: Vec<WithdrawnOffer>,
) -> AppResult<pickup_order::Model> {
    txn.commit().await?;
    announce_committed(state, &order, withdrawn).await;
    Ok(order)
}

/// Tells everyone who should hear of a committed change: subscribers of the order, the
/// holders of `withdrawn` offers, and dispatch when the order (still or again) needs a
/// collector.
pub(super) async fn announce_committed(
    state: &AppState,
    order: &pickup_order::Model,
    withdrawn: Vec<WithdrawnOffer>,
) {
    if !withdrawn.is_empty() {
        state
            .order_signals
            .announce(OrderSignal::OffersWithdrawn(withdrawn));
    }
    if OrderStatus::from(order.status) == OrderStatus::Dispatching {
        state.order_signals.announce(OrderSignal::NeedsDispatch {
            order_id: order.id,
            facts: Some(OrderFacts {
                point: GeoPoint {
                    latitude: order.latitude,
                    longitude: order.longitude,
                },
                area_id: order.service_area_id,
                window_end: order.window_end,
            }),
        });
    }
    publish_order_update(state, order.id, order.version).await;
}

/// Cancels before the collector arrives (customer, partner or operator), or calls the
/// pickup off at the door after the inspection (the collector or an operator); frees the
/// slot.
#[tracing::instrument(skip_all, fields(%order_id))]
pub async fn cancel_pickup(
    state: &AppState,
    party: Party,
    order_id: Uuid,
    reason: String,
) -> AppResult<pickup_order::Model> {
    let txn = state.begin_write().await?;
    let order = load(&txn, &party, order_id).await?;
    let at_the_door = matches!(
        OrderStatus::from(order.status),
        OrderStatus::Inspected | OrderStatus::AwaitingCustomer
    );
    let transition = match party {
        Party::Collector { .. } | Party::Operator { .. } if at_the_door => Transition::Abandon,
        _ => Transition::Cancel,
    };
    let change = Change::by(&party, &order, transition, state.clock.now()).because(reason);
    let cancelled = transition::apply_with_effects(&txn, &order, change).await?;
    release(&txn, &order).await?;
    commit_and_announce(state, txn, cancelled.order, cancelled.withdrawn).await
}

/// Gives up on an order nobody took (UNFULFILLED) and frees its slot; the customer is
/// told through `orderUpdated`. A no-op when the order has moved on meanwhile.
pub async fn give_up(state: &AppState, order_id: Uuid, reason: &str) -> AppResult<()> {
    let txn = state.begin_write().await?;
    let Some(order) = pickup_order::Entity::find_by_id(order_id).one(&txn).await? else {
        return Ok(());
    };
    if OrderStatus::from(order.status) != OrderStatus::Dispatching {
        return Ok(());
    }
    let change = Change::by_system(Transition::GiveUp, state.clock.now()).because(reason);
    let applied = transition::apply_with_effects(&txn, &order, change).await?;
    release(&txn, &order).await?;
    commit_and_announce(state, txn, applied.order, applied.withdrawn).await?;
    Ok(())
}

/// The assigned collector sets off.
pub async fn start_trip(
    state: &AppState,
    party: Party,
    order_id: Uuid,
    device: DeviceAction,
) -> AppResult<pickup_order::Model> {
    let what = (ActionKind::StartTrip, Transition::StartTrip);
    device_step(state, party, order_id, what, None, device).await
}

/// The assigned collector is at the door.
pub async fn mark_arrived(
    state: &AppState,
    party: Party,
    order_id: Uuid,
    device: DeviceAction,
) -> AppResult<pickup_order::Model> {
    let what = (ActionKind::MarkArrived, Transition::Arrive);
    device_step(state, party, order_id, what, None, device).await
}

/// The pickup could not be done at the door.
pub async fn report_failed_pickup(
    state: &AppState,
    party: Party,
    order_id: Uuid,
    reason: String,
    device: DeviceAction,
) -> AppResult<pickup_order::Model> {
    let what = (ActionKind::ReportFailedPickup, Transition::Fail);
    device_step(state, party, order_id, what, Some(reason), device).await
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
    let reason = Some(reason.to_owned());
    step(state, party, order_id, transition, reason, Stamp::none()).await
}
