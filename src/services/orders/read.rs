//! Reading orders with object-level authorization: one order, or a keyset-paginated
//! list of the orders a party may see (own, organisation's, assigned, or all).

use chrono::{DateTime, Utc};
use entity::pickup_order;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::access::{Party, visible};
use crate::domain::order::OrderStatus;
use crate::error::{AppError, AppResult};
use crate::services::pagination::{Page, after_desc};
use crate::state::AppState;

/// The order `id` if `party` may see it, else NOT_FOUND.
pub async fn find_order(
    state: &AppState,
    party: &Party,
    id: Uuid,
) -> AppResult<pickup_order::Model> {
    visible(
        pickup_order::Entity::find_by_id(id).one(&state.db).await?,
        party,
    )
}

/// Narrows a list.
#[derive(Clone, Debug, Default)]
pub struct OrderFilter {
    /// Only this status.
    pub status: Option<OrderStatus>,
    /// Pickup window starting at or after.
    pub from: Option<DateTime<Utc>>,
    /// Pickup window starting before.
    pub to: Option<DateTime<Utc>>,
    /// Only orders of this service area (operators only: FORBIDDEN for other parties,
    /// whose lists walk their own index).
    pub service_area: Option<Uuid>,
}

/// Where a page starts: after this (created_at, id), newest first.
pub type OrderCursor = (DateTime<Utc>, Uuid);

/// The orders `party` may see, newest first (an organisation's admin: every member's;
/// a member: their own). Each party's list walks its own index
/// (customer, organisation, collector; an operator's area filter the area's), so a page
/// costs the same at 10k or 1M orders.
pub async fn list_orders(
    state: &AppState,
    party: &Party,
    filter: &OrderFilter,
    after: Option<OrderCursor>,
    take: u64,
) -> AppResult<Page<pickup_order::Model>> {
    let mut query = pickup_order::Entity::find();
    query = match *party {
        Party::Customer {
            organization_id: Some(org),
            sees_organization: true,
            ..
        } => query.filter(pickup_order::Column::OrganizationId.eq(org)),
        Party::Customer { user_id, .. } => {
            query.filter(pickup_order::Column::CustomerUserId.eq(user_id))
        }
        Party::Collector { collector_id, .. } => {
            query.filter(pickup_order::Column::CollectorId.eq(collector_id))
        }
        Party::Partner { partner_id } => {
            query.filter(pickup_order::Column::PartnerId.eq(partner_id))
        }
        Party::Operator { .. } => query,
    };
    if let Some(area) = filter.service_area {
        if !matches!(party, Party::Operator { .. }) {
            return Err(AppError::Forbidden);
        }
        query = query.filter(pickup_order::Column::ServiceAreaId.eq(area));
    }
    if let Some(status) = filter.status {
        query = query.filter(pickup_order::Column::Status.eq(status));
    }
    if let Some(from) = filter.from {
        query = query.filter(pickup_order::Column::WindowStart.gte(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(pickup_order::Column::WindowStart.lt(to));
    }
    if let Some(cursor) = after {
        query = query.filter(after_desc(
            pickup_order::Column::CreatedAt,
            pickup_order::Column::Id,
            cursor,
        ));
    }
    let rows = query
        .order_by_desc(pickup_order::Column::CreatedAt)
        .order_by_desc(pickup_order::Column::Id)
        .limit(take + 1)
        .all(&state.db)
        .await?;
    Ok(Page::from_rows(rows, take))
}
