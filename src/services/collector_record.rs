//! Reading one collector's record: who may read it (operators any, a collector their own),
//! and what operators see of a collector's work: how their offers ended and the orders
//! they hold now. The batch reads feed the GraphQL DataLoaders, so a page of collectors
//! costs one query per relation, not one per collector.

use std::collections::HashMap;

use entity::{collector, job_offer, pickup_order};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::domain::Role;
use crate::domain::acceptance::OfferTally;
use crate::domain::dispatch::OfferStatus;
use crate::domain::order::OrderStatus;
use crate::error::{AppError, AppResult};
use crate::services::Viewer;

/// The most current orders listed per collector, soonest window first.
pub const CURRENT_ORDERS_LIMIT: usize = 50;

/// The collector `id` for `viewer`: operators read any, a collector their own (another
/// collector's looks missing: NOT_FOUND, as for a foreign order), every other role is
/// FORBIDDEN and anonymous callers UNAUTHENTICATED. `id` is None when the caller's id was
/// not a UUID: NOT_FOUND, after the role check, like an unknown one.
pub async fn find_for(
    conn: &impl ConnectionTrait,
    viewer: Viewer,
    id: Option<Uuid>,
) -> AppResult<collector::Model> {
    let user_id = viewer.require_role(&[Role::Operator, Role::Collector])?;
    let found = match id {
        Some(id) => collector::Entity::find_by_id(id).one(conn).await?,
        None => None,
    };
    match found {
        Some(profile) if viewer.role() == Some(Role::Operator) || profile.user_id == user_id => {
            Ok(profile)
        }
        _ => Err(AppError::NotFound("collector")),
    }
}

/// How each collector's offers ended, counted by status, in one grouped query (collectors
/// without offers are absent).
pub async fn offer_tallies(
    conn: &impl ConnectionTrait,
    collector_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, OfferTally>> {
    let rows: Vec<(Uuid, entity::enums::OfferStatus, i64)> = job_offer::Entity::find()
        .select_only()
        .column(job_offer::Column::CollectorId)
        .column(job_offer::Column::Status)
        .column_as(job_offer::Column::Id.count(), "offers")
        .filter(job_offer::Column::CollectorId.is_in(collector_ids.iter().copied()))
        .group_by(job_offer::Column::CollectorId)
        .group_by(job_offer::Column::Status)
        .into_tuple()
        .all(conn)
        .await?;
    let mut tallies: HashMap<Uuid, OfferTally> = HashMap::new();
    for (collector_id, status, offers) in rows {
        tallies.entry(collector_id).or_default().add(
            OfferStatus::from(status),
            u64::try_from(offers).unwrap_or(0),
        );
    }
    Ok(tallies)
}

/// Each collector's current work: orders assigned to them and not finished (ASSIGNED
/// through AWAITING_CUSTOMER), soonest window first, at most [`CURRENT_ORDERS_LIMIT`] each.
pub async fn current_orders(
    conn: &impl ConnectionTrait,
    collector_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, Vec<pickup_order::Model>>> {
    let rows = pickup_order::Entity::find()
        .filter(pickup_order::Column::CollectorId.is_in(collector_ids.iter().copied()))
        .filter(pickup_order::Column::Status.is_in(OrderStatus::occupying()))
        .order_by_asc(pickup_order::Column::WindowStart)
        .order_by_asc(pickup_order::Column::Id)
        .all(conn)
        .await?;
    let mut work: HashMap<Uuid, Vec<pickup_order::Model>> = HashMap::new();
    for order in rows {
        if let Some(collector_id) = order.collector_id {
            let held = work.entry(collector_id).or_default();
            if held.len() < CURRENT_ORDERS_LIMIT {
                held.push(order);
            }
        }
    }
    Ok(work)
}
