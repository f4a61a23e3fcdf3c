//! `handOverToFacility`: a collector gives the items of completed orders to a facility
//! that accepts them, on one transfer note; the items go IN_TRANSIT until received. A
//! retry with the same `clientActionId` returns the first transfer.

use chrono::{DateTime, Utc};
use entity::{custody_item, pickup_order, transfer};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::access::Custodian;
use super::device_time;
use super::facilities::{self, accepted_categories, certifications};
use crate::domain::Role;
use crate::domain::custody::{CustodyStatus, CustodyStep, Holder, TransferStatus};
use crate::domain::order::OrderStatus;
use crate::error::{AppError, AppResult};
use crate::infra::counters;
use crate::services::compliance;
use crate::services::ledger::{NewCustodyEvent, append};
use crate::services::orders::Party;
use crate::state::AppState;

/// Most orders on one transfer note.
pub const MAX_ORDERS_PER_TRANSFER: usize = 50;

/// A hand-over as the collector's app sends it.
#[derive(Clone, Debug)]
pub struct HandOver {
    /// Where to.
    pub facility_id: Uuid,
    /// Completed orders whose items go.
    pub order_ids: Vec<Uuid>,
    /// Device time.
    pub recorded_at: Option<DateTime<Utc>>,
    /// The app's id for this action; a retry with it returns the first transfer.
    pub client_action_id: Option<String>,
}

/// Hands the collector's items of `request.order_ids` to the facility.
#[tracing::instrument(skip_all, fields(facility_id = %request.facility_id))]
pub async fn hand_over(
    state: &AppState,
    viewer: Custodian,
    request: HandOver,
) -> AppResult<transfer::Model> {
    let Custodian::Party(Party::Collector {
        user_id,
        collector_id,
    }) = viewer
    else {
        return Err(AppError::Forbidden);
    };
    let now = state.clock.now();
    let recorded_at = device_time::checked(
        request.recorded_at,
        now,
        &state.config.orders.device_clock,
        "input.recordedAt",
    )?;
    let action = checked_action_id(request.client_action_id.as_deref())?;
    if let Some(first) = replayed(&state.db, collector_id, action.as_deref()).await? {
        return Ok(first);
    }
    check_order_list(&request.order_ids)?;
    let attempt = Attempt {
        collector_id,
        user_id,
        recorded_at,
        action: action.clone(),
    };
    match write_transfer(state, &request, &attempt).await {
        Ok(transfer) => Ok(transfer),
        // The same action raced in on another connection and won (a duplicate action id,
        // or the items already moved by it): answer with the first transfer.
        Err(err) => match replayed(&state.db, collector_id, action.as_deref()).await? {
            Some(first) => Ok(first),
            None => Err(err),
        },
    }
}

/// Who hands over, and when.
struct Attempt {
    collector_id: Uuid,
    user_id: Uuid,
    recorded_at: DateTime<Utc>,
    action: Option<String>,
}

/// The hand-over's transaction: the transfer note and a HANDED_OVER event per item.
async fn write_transfer(
    state: &AppState,
    request: &HandOver,
    attempt: &Attempt,
) -> AppResult<transfer::Model> {
    let Attempt {
        collector_id,
        user_id,
        recorded_at,
        ref action,
    } = *attempt;
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let facility = facilities::find(&txn, request.facility_id).await?;
    let mut items = held_items(&txn, collector_id, &request.order_ids).await?;
    facility_takes(&facility, &items)?;
    let number = format!("TN-{:06}", counters::next_value(&txn, "transfers").await?);
    let transfer = transfer::ActiveModel {
        id: Set(Uuid::new_v4()),
        number: Set(number.clone()),
        facility_id: Set(facility.id),
        collector_id: Set(collector_id),
        status: Set(TransferStatus::InTransit.into()),
        client_action_id: Set(action.clone()),
        created_at: Set(now),
        recorded_at: Set(recorded_at),
        received_at: Set(None),
        received_by: Set(None),
    }
    .insert(&txn)
    .await?;
    for item in &mut items {
        let event = NewCustodyEvent {
            step: CustodyStep::HandedOver,
            at: now,
            recorded_at: Some(recorded_at),
            actor_user_id: Some(user_id),
            actor_role: Role::Collector,
            // The collector stays responsible until the facility acknowledges receipt.
            holder: Holder::Collector(collector_id),
            location: Some((facility.latitude, facility.longitude)),
            weight_kg: item.weight_kg.map(|kg| kg.0),
            weight_estimated: item.weight_estimated,
            note: None,
            details: json!({"transferNumber": number, "facilityId": facility.id}),
        };
        let change = vec![
            (
                custody_item::Column::Status,
                Expr::value(CustodyStatus::InTransit),
            ),
            (custody_item::Column::FacilityId, Expr::value(facility.id)),
            (custody_item::Column::TransferId, Expr::value(transfer.id)),
        ];
        let appended = append(&txn, &state.server_key, item, event, change).await?;
        compliance::tasks::on_battery_event(
            &txn,
            &state.config.compliance.rules,
            item,
            &appended,
            None,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(transfer)
}

fn checked_action_id(raw: Option<&str>) -> AppResult<Option<String>> {
    match raw.map(str::trim) {
        None => Ok(None),
        Some(id) if !id.is_empty() && id.len() <= 100 => Ok(Some(id.to_owned())),
        Some(_) => Err(AppError::validation(
            "input.clientActionId",
            "must be 1 to 100 characters",
        )),
    }
}

/// The transfer this collector already made with `action`, if any.
async fn replayed(
    conn: &impl ConnectionTrait,
    collector_id: Uuid,
    action: Option<&str>,
) -> AppResult<Option<transfer::Model>> {
    let Some(action) = action else {
        return Ok(None);
    };
    Ok(transfer::Entity::find()
        .filter(transfer::Column::CollectorId.eq(collector_id))
        .filter(transfer::Column::ClientActionId.eq(action))
        .one(conn)
        .await?)
}

fn check_order_list(order_ids: &[Uuid]) -> AppResult<()> {
    if order_ids.is_empty() || order_ids.len() > MAX_ORDERS_PER_TRANSFER {
        return Err(AppError::validation(
            "input.orderIds",
            format!("name 1 to {MAX_ORDERS_PER_TRANSFER} orders"),
        ));
    }
    let mut seen = order_ids.to_vec();
    seen.sort_unstable();
    seen.dedup();
    if seen.len() != order_ids.len() {
        return Err(AppError::validation(
            "input.orderIds",
            "names an order twice",
        ));
    }
    Ok(())
}

/// The collector's items of `order_ids` still with them: NOT_FOUND for an order that is
/// not theirs, INVALID_STATE for one not completed or already handed over.
async fn held_items(
    conn: &impl ConnectionTrait,
    collector_id: Uuid,
    order_ids: &[Uuid],
) -> AppResult<Vec<custody_item::Model>> {
    let orders = pickup_order::Entity::find()
        .filter(pickup_order::Column::Id.is_in(order_ids.iter().copied()))
        .all(conn)
        .await?;
    let items = custody_item::Entity::find()
        .filter(custody_item::Column::OrderId.is_in(order_ids.iter().copied()))
        .order_by_asc(custody_item::Column::OrderId)
        .order_by_asc(custody_item::Column::Position)
        .all(conn)
        .await?;
    let mut held = Vec::new();
    for (index, order_id) in order_ids.iter().enumerate() {
        let field = format!("input.orderIds[{index}]");
        let order = orders
            .iter()
            .find(|o| o.id == *order_id && o.collector_id == Some(collector_id))
            .ok_or(AppError::NotFound("pickup order"))?;
        if OrderStatus::from(order.status) != OrderStatus::Completed {
            return Err(AppError::InvalidState(format!(
                "{field}: order {} is {}, hand over completed pickups only",
                order.number,
                OrderStatus::from(order.status)
            )));
        }
        let mine: Vec<_> = items
            .iter()
            .filter(|i| i.order_id == *order_id && i.collector_id == Some(collector_id))
            .filter(|i| CustodyStatus::from(i.status) == CustodyStatus::WithCollector)
            .cloned()
            .collect();
        if mine.is_empty() {
            return Err(AppError::InvalidState(format!(
                "{field}: the items of order {} were already handed over",
                order.number
            )));
        }
        held.extend(mine);
    }
    Ok(held)
}

/// VALIDATION unless the facility accepts every item's category and holds every
/// certification the items need.
fn facility_takes(
    facility: &entity::facility::Model,
    items: &[custody_item::Model],
) -> AppResult<()> {
    let accepted = accepted_categories(facility);
    let held = certifications(facility);
    for item in items {
        if !accepted.contains(&item.category_code) {
            return Err(AppError::validation(
                "input.facilityId",
                format!("{} does not accept {}", facility.name, item.category_code),
            ));
        }
        if let Some(needed) = &item.required_certification
            && !held.contains(needed)
        {
            return Err(AppError::validation(
                "input.facilityId",
                format!(
                    "{} lacks the {needed} certification {} needs",
                    facility.name, item.category_code
                ),
            ));
        }
    }
    Ok(())
}
