//! The checks that found a listed device, newest first, for operators: what was found,
//! where (a quote or an inspection), by whom and when.

use chrono::{DateTime, Utc};
use entity::{blocked_device, blocklist_check, pickup_order};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use uuid::Uuid;

use crate::error::AppResult;
use crate::services::pagination::{Page, after_desc};

/// One hit with the listing it matched and the order's number (inspections).
#[derive(Clone, Debug)]
pub struct Hit {
    /// The recorded check.
    pub check: blocklist_check::Model,
    /// The listing it matched (also when since removed).
    pub listing: Option<blocked_device::Model>,
    /// The order's number, for a hit at the door.
    pub order_number: Option<String>,
}

/// A page of hits, newest first. The caller checks that the viewer is an operator.
pub async fn list(
    conn: &impl ConnectionTrait,
    take: u64,
    after: Option<(DateTime<Utc>, Uuid)>,
) -> AppResult<Page<Hit>> {
    let mut query = blocklist_check::Entity::find().filter(blocklist_check::Column::Hit.eq(true));
    if let Some(cursor) = after {
        query = query.filter(after_desc(
            blocklist_check::Column::CreatedAt,
            blocklist_check::Column::Id,
            cursor,
        ));
    }
    let checks = query
        .order_by_desc(blocklist_check::Column::CreatedAt)
        .order_by_desc(blocklist_check::Column::Id)
        .limit(take + 1)
        .all(conn)
        .await?;
    let listing_ids: Vec<Uuid> = checks.iter().filter_map(|c| c.blocked_device_id).collect();
    let listings: HashMap<Uuid, blocked_device::Model> = blocked_device::Entity::find()
        .filter(blocked_device::Column::Id.is_in(listing_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect();
    let order_ids: Vec<Uuid> = checks.iter().filter_map(|c| c.order_id).collect();
    let numbers: HashMap<Uuid, String> = pickup_order::Entity::find()
        .filter(pickup_order::Column::Id.is_in(order_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|o| (o.id, o.number))
        .collect();
    let page = Page::from_rows(checks, take);
    Ok(Page {
        has_next: page.has_next,
        items: page
            .items
            .into_iter()
            .map(|check| Hit {
                listing: check
                    .blocked_device_id
                    .and_then(|id| listings.get(&id).cloned()),
                order_number: check.order_id.and_then(|id| numbers.get(&id).cloned()),
                check,
            })
            .collect(),
    })
}
