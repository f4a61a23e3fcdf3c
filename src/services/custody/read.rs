//! Reading custody: an order's items and events, transfers, the chain verification of an
//! order, and the discrepancies operators clear — each behind the visibility rules.

use std::collections::HashMap;

use entity::{custody_event, custody_item, discrepancy, pickup_order, transfer};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::access::Custodian;
use crate::error::{AppError, AppResult};
use crate::infra::signing::ServerKey;
use crate::services::ledger::{ItemVerification, verify_items};
use crate::services::orders::Party;
use crate::services::pagination::{Page, after_desc};

/// The order's items the viewer may see, in order.
pub async fn items_of_order(
    conn: &impl ConnectionTrait,
    viewer: &Custodian,
    order: &pickup_order::Model,
) -> AppResult<Vec<custody_item::Model>> {
    let items = custody_item::Entity::find()
        .filter(custody_item::Column::OrderId.eq(order.id))
        .order_by_asc(custody_item::Column::Position)
        .all(conn)
        .await?;
    Ok(items
        .into_iter()
        .filter(|i| viewer.may_see_item(i, order))
        .collect())
}

/// The events of each item, oldest first (one query for a page of items).
pub async fn events_by_item(
    conn: &impl ConnectionTrait,
    item_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<custody_event::Model>>> {
    let rows = custody_event::Entity::find()
        .filter(custody_event::Column::ItemId.is_in(item_ids.iter().copied()))
        .order_by_asc(custody_event::Column::ItemId)
        .order_by_asc(custody_event::Column::Sequence)
        .all(conn)
        .await?;
    let mut events: HashMap<Uuid, Vec<custody_event::Model>> = HashMap::new();
    for event in rows {
        events.entry(event.item_id).or_default().push(event);
    }
    Ok(events)
}

/// A transfer the viewer may see (NOT_FOUND otherwise, exactly like a missing one).
pub async fn transfer(
    conn: &impl ConnectionTrait,
    viewer: &Custodian,
    id: Uuid,
) -> AppResult<transfer::Model> {
    transfer::Entity::find_by_id(id)
        .one(conn)
        .await?
        .filter(|t| viewer.may_see_transfer(t))
        .ok_or(AppError::NotFound("transfer"))
}

/// The items on a transfer, in order.
pub async fn items_of_transfer(
    conn: &impl ConnectionTrait,
    transfer_id: Uuid,
) -> AppResult<Vec<custody_item::Model>> {
    Ok(custody_item::Entity::find()
        .filter(custody_item::Column::TransferId.eq(transfer_id))
        .order_by_asc(custody_item::Column::OrderId)
        .order_by_asc(custody_item::Column::Position)
        .all(conn)
        .await?)
}

/// Transfers the viewer may see, newest first: their facility's, their own hand-overs,
/// or all for operators.
pub async fn transfers(
    conn: &impl ConnectionTrait,
    viewer: &Custodian,
    take: u64,
    after: Option<(chrono::DateTime<chrono::Utc>, Uuid)>,
) -> AppResult<Page<transfer::Model>> {
    let mut query = transfer::Entity::find();
    query = match viewer {
        Custodian::Staff { facility_id, .. } => {
            query.filter(transfer::Column::FacilityId.eq(*facility_id))
        }
        Custodian::Party(Party::Collector { collector_id, .. }) => {
            query.filter(transfer::Column::CollectorId.eq(*collector_id))
        }
        Custodian::Party(Party::Operator { .. }) => query,
        Custodian::Party(_) => return Err(AppError::Forbidden),
    };
    if let Some(cursor) = after {
        query = query.filter(after_desc(
            transfer::Column::CreatedAt,
            transfer::Column::Id,
            cursor,
        ));
    }
    let rows = query
        .order_by_desc(transfer::Column::CreatedAt)
        .order_by_desc(transfer::Column::Id)
        .limit(take + 1)
        .all(conn)
        .await?;
    Ok(Page::from_rows(rows, take))
}

/// Verifies every chain of the order the viewer may read (NOT_FOUND otherwise).
pub async fn verify_order(
    conn: &impl ConnectionTrait,
    key: &ServerKey,
    viewer: &Custodian,
    order_id: Uuid,
) -> AppResult<Vec<ItemVerification>> {
    let order = pickup_order::Entity::find_by_id(order_id).one(conn).await?;
    let order = match (viewer, order) {
        (Custodian::Party(party), Some(order)) if party.may_see(&order) => order,
        _ => return Err(AppError::NotFound("pickup order")),
    };
    let items = custody_item::Entity::find()
        .filter(custody_item::Column::OrderId.eq(order.id))
        .order_by_asc(custody_item::Column::Position)
        .all(conn)
        .await?;
    verify_items(conn, key, &items).await
}

/// Open discrepancies first, newest first (operators only).
pub async fn discrepancies(
    conn: &impl ConnectionTrait,
    viewer: &Custodian,
    take: u64,
    after: Option<(chrono::DateTime<chrono::Utc>, Uuid)>,
) -> AppResult<Page<discrepancy::Model>> {
    if !matches!(viewer, Custodian::Party(Party::Operator { .. })) {
        return Err(AppError::Forbidden);
    }
    let mut query = discrepancy::Entity::find();
    if let Some(cursor) = after {
        query = query.filter(after_desc(
            discrepancy::Column::CreatedAt,
            discrepancy::Column::Id,
            cursor,
        ));
    }
    let rows = query
        .order_by_desc(discrepancy::Column::CreatedAt)
        .order_by_desc(discrepancy::Column::Id)
        .limit(take + 1)
        .all(conn)
        .await?;
    Ok(Page::from_rows(rows, take))
}
