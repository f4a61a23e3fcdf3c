//! Batch reads of an order's relations, for the GraphQL DataLoaders (one query per
//! relation per request, never one per order).

use std::collections::HashMap;

use entity::{collector, order_event, order_line, payout, pickup_order, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::error::AppResult;

/// Orders by id (an offer's order, for collectors; visibility is the caller's check).
pub async fn orders_by_id(
    conn: &impl ConnectionTrait,
    order_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, pickup_order::Model>> {
    let rows = pickup_order::Entity::find()
        .filter(pickup_order::Column::Id.is_in(order_ids.iter().copied()))
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|row| (row.id, row)).collect())
}

/// Lines of each order, in order.
pub async fn lines_by_order(
    conn: &impl ConnectionTrait,
    order_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<order_line::Model>>> {
    let rows = order_line::Entity::find()
        .filter(order_line::Column::OrderId.is_in(order_ids.iter().copied()))
        .order_by_asc(order_line::Column::Position)
        .all(conn)
        .await?;
    Ok(group(rows, |row| row.order_id))
}

/// Events of each order, oldest first.
pub async fn events_by_order(
    conn: &impl ConnectionTrait,
    order_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<order_event::Model>>> {
    let rows = order_event::Entity::find()
        .filter(order_event::Column::OrderId.is_in(order_ids.iter().copied()))
        .order_by_asc(order_event::Column::Sequence)
        .all(conn)
        .await?;
    Ok(group(rows, |row| row.order_id))
}

/// The payout of each completed order.
pub async fn payouts_by_order(
    conn: &impl ConnectionTrait,
    order_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, payout::Model>> {
    let rows = payout::Entity::find()
        .filter(payout::Column::OrderId.is_in(order_ids.iter().copied()))
        .all(conn)
        .await?;
    Ok(rows.into_iter().map(|row| (row.order_id, row)).collect())
}

/// Collector profiles with their user's display name, by collector id.
pub async fn collectors_by_id(
    conn: &impl ConnectionTrait,
    collector_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, (collector::Model, String)>> {
    let profiles = collector::Entity::find()
        .filter(collector::Column::Id.is_in(collector_ids.iter().copied()))
        .all(conn)
        .await?;
    let users: HashMap<Uuid, String> = user::Entity::find()
        .filter(user::Column::Id.is_in(profiles.iter().map(|p| p.user_id)))
        .all(conn)
        .await?
        .into_iter()
        .map(|u| (u.id, u.display_name))
        .collect();
    Ok(profiles
        .into_iter()
        .map(|p| {
            let name = users.get(&p.user_id).cloned().unwrap_or_default();
            (p.id, (p, name))
        })
        .collect())
}

fn group<T>(rows: Vec<T>, key: impl Fn(&T) -> Uuid) -> HashMap<Uuid, Vec<T>> {
    let mut grouped: HashMap<Uuid, Vec<T>> = HashMap::new();
    for row in rows {
        grouped.entry(key(&row)).or_default().push(row);
    }
    grouped
}

/// Collectors (by id) that are at work right now: on the way to or at a pickup.
pub async fn working_collectors(
    conn: &impl ConnectionTrait,
    collector_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, bool>> {
    use crate::domain::order::OrderStatus;
    use entity::pickup_order;
    let rows = pickup_order::Entity::find()
        .filter(pickup_order::Column::CollectorId.is_in(collector_ids.iter().copied()))
        .filter(pickup_order::Column::Status.is_in(OrderStatus::working()))
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|o| o.collector_id)
        .map(|id| (id, true))
        .collect())
}
