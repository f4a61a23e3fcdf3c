//! `reschedulePickup`: moves the window of an order not yet on its way, within the
//! capacity of the new slot. An assigned order goes back to dispatch: its collector
//! accepted the old window, not the new one.

use chrono::{DateTime, Utc};
use entity::{pickup_order, service_area};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::access::Party;
use super::lifecycle::{commit_and_announce, load};
use super::slots::{release, reserve};
use super::transition::{self, Change, NewEvent};
use crate::domain::order::{OrderStatus, TimeWindow, Transition};
use crate::error::{AppError, AppResult};
use crate::services::catalog::service_areas::service_hours;
use crate::state::AppState;

/// Moves the order's window to `start`–`end`.
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
    let status = OrderStatus::from(order.status);
    if !status.reschedulable() {
        return Err(AppError::InvalidState(format!(
            "the order is {status}; it can no longer be rescheduled"
        )));
    }
    let area = area_of(&snapshot.service_areas, &order)?;
    let hours = service_hours(area)?;
    hours
        .admit(&window)
        .map_err(|e| AppError::validation("window", e.0))?;
    let new_slot = hours.slot_start(window.start, rules.slot_length);
    if new_slot != order.slot_start {
        reserve(&txn, area, new_slot, order.total_weight_kg.0).await?;
        release(&txn, &order).await?;
    }
    let mut order = move_window(&txn, &party, &order, &window, new_slot, now).await?;
    if status == OrderStatus::Assigned {
        let back = Change::by_system(Transition::Redispatch, now)
            .because("rescheduled; needs a collector for the new window")
            .setting(
                pickup_order::Column::CollectorId,
                Expr::value(Option::<Uuid>::None),
            );
        order = transition::apply(&txn, &order, back).await?;
    }
    // Offers made for the old window no longer stand.
    let withdrawn = transition::withdraw_pending_offers(&txn, order.id, now).await?;
    commit_and_announce(state, txn, order, withdrawn).await
}

fn area_of<'a>(
    areas: &'a [service_area::Model],
    order: &pickup_order::Model,
) -> AppResult<&'a service_area::Model> {
    areas
        .iter()
        .find(|a| a.id == order.service_area_id)
        .ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "order {} has an unknown service area",
                order.id
            ))
        })
}

/// Writes the new window and slot if the order is still at the version read, and an
/// event that keeps the status and says what moved.
async fn move_window(
    conn: &impl ConnectionTrait,
    party: &Party,
    order: &pickup_order::Model,
    window: &TimeWindow,
    new_slot: DateTime<Utc>,
    now: DateTime<Utc>,
) -> AppResult<pickup_order::Model> {
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
        .exec(conn)
        .await?;
    if moved.rows_affected != 1 {
        return Err(AppError::Conflict(
            "the order changed meanwhile; read it again".to_owned(),
        ));
    }
    let status = OrderStatus::from(order.status);
    transition::record_event(
        conn,
        NewEvent {
            order_id: order.id,
            sequence: order.version + 1,
            from: Some(status),
            to: status,
            reason: Some(format!(
                "rescheduled to {} – {}",
                window.start.to_rfc3339(),
                window.end.to_rfc3339()
            )),
            location: None,
            actor_user: party.actor_user(),
            actor_role: Some(party.role(order)),
            at: now,
            recorded_at: None,
        },
    )
    .await?;
    pickup_order::Entity::find_by_id(order.id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("pickup order"))
}
