//! The per-asset disposition report: each asset of the viewer's scope with the order it
//! was booked on, its custody item (status, facility, outcome, sanitisation) and the
//! order's certificate. A page is one range of the scope's asset index plus five
//! look-ups by key (order lines, orders, items, facilities, certificates), so its cost
//! does not grow with the number of assets.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{asset, certificate, custody_item, facility, order_line, pickup_order};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::access::AssetScope;
use crate::domain::order::OrderStatus;
use crate::error::AppResult;
use crate::services::pagination::Page;

/// Where a page starts: after this (created_at, asset list, line number).
pub type AssetCursor = (DateTime<Utc>, Uuid, i32);

/// One asset and what became of it.
#[derive(Clone, Debug)]
pub struct AssetRow {
    /// The asset as imported.
    pub asset: asset::Model,
    /// The order it was booked on: the live one, else the latest (cancelled) one.
    pub order: Option<pickup_order::Model>,
    /// Its custody item, once the pickup completed.
    pub item: Option<custody_item::Model>,
    /// The facility that received it.
    pub facility: Option<facility::Model>,
    /// The order's certificate, once issued.
    pub certificate_id: Option<Uuid>,
}

impl AssetRow {
    /// The cursor after this row.
    pub fn cursor(&self) -> AssetCursor {
        (
            self.asset.created_at,
            self.asset.asset_list_id,
            self.asset.line_number,
        )
    }
}

/// A page of the scope's assets in import order (oldest list first, by line), narrowed
/// to one list when `list` is given.
pub async fn asset_page(
    conn: &impl ConnectionTrait,
    scope: AssetScope,
    list: Option<Uuid>,
    after: Option<AssetCursor>,
    take: u64,
) -> AppResult<Page<AssetRow>> {
    let mut query = asset::Entity::find();
    query = match scope {
        AssetScope::All => query,
        AssetScope::Organization(id) => query.filter(asset::Column::OrganizationId.eq(id)),
        AssetScope::Partner(id) => query.filter(asset::Column::PartnerId.eq(id)),
    };
    if let Some(list) = list {
        query = query.filter(asset::Column::AssetListId.eq(list));
    }
    if let Some((created, list_id, line)) = after {
        // One row-value comparison, `(created_at, asset_list_id, line_number) > (…)`, which
        // both backends read as a range of the scope's index (the equivalent nest of ORs
        // is not always planned as one).
        let columns = Expr::tuple([
            Expr::col(asset::Column::CreatedAt),
            Expr::col(asset::Column::AssetListId),
            Expr::col(asset::Column::LineNumber),
        ]);
        let cursor = Expr::tuple([
            Expr::value(created),
            Expr::value(list_id),
            Expr::value(line),
        ]);
        query = query.filter(columns.gt(cursor));
    }
    let assets = query
        .order_by_asc(asset::Column::CreatedAt)
        .order_by_asc(asset::Column::AssetListId)
        .order_by_asc(asset::Column::LineNumber)
        .limit(take + 1)
        .all(conn)
        .await?;
    let page = Page::from_rows(assets, take);
    let rows = dispositions(conn, page.items).await?;
    Ok(Page {
        items: rows,
        has_next: page.has_next,
    })
}

/// Joins `assets` to their order lines, orders, items, facilities and certificates.
async fn dispositions(
    conn: &impl ConnectionTrait,
    assets: Vec<asset::Model>,
) -> AppResult<Vec<AssetRow>> {
    if assets.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = assets.iter().map(|a| a.id).collect();
    let lines = order_line::Entity::find()
        .filter(order_line::Column::AssetId.is_in(ids))
        .all(conn)
        .await?;
    let order_ids: Vec<Uuid> = lines.iter().map(|l| l.order_id).collect();
    let orders: HashMap<Uuid, pickup_order::Model> = if order_ids.is_empty() {
        HashMap::new()
    } else {
        pickup_order::Entity::find()
            .filter(pickup_order::Column::Id.is_in(order_ids.clone()))
            .all(conn)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect()
    };
    // An asset may have been booked, cancelled and booked again: the live order wins,
    // else the latest.
    let mut chosen: HashMap<Uuid, &order_line::Model> = HashMap::new();
    let rank = |line: &order_line::Model| {
        let order = orders.get(&line.order_id);
        let live = order.is_some_and(|o| {
            !matches!(
                OrderStatus::from(o.status),
                OrderStatus::Cancelled | OrderStatus::Unfulfilled | OrderStatus::Failed
            )
        });
        (live, order.map(|o| o.created_at))
    };
    for line in &lines {
        let Some(asset_id) = line.asset_id else {
            continue;
        };
        match chosen.get(&asset_id) {
            Some(current) if rank(current) >= rank(line) => {}
            _ => {
                chosen.insert(asset_id, line);
            }
        }
    }
    let line_ids: Vec<Uuid> = chosen.values().map(|l| l.id).collect();
    let items: HashMap<Uuid, custody_item::Model> = if line_ids.is_empty() {
        HashMap::new()
    } else {
        custody_item::Entity::find()
            .filter(custody_item::Column::OrderLineId.is_in(line_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|i| (i.order_line_id, i))
            .collect()
    };
    let facility_ids: Vec<Uuid> = items.values().filter_map(|i| i.facility_id).collect();
    let facilities: HashMap<Uuid, facility::Model> = if facility_ids.is_empty() {
        HashMap::new()
    } else {
        facility::Entity::find()
            .filter(facility::Column::Id.is_in(facility_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|f| (f.id, f))
            .collect()
    };
    let certificates: HashMap<Uuid, Uuid> = if order_ids.is_empty() {
        HashMap::new()
    } else {
        certificate::Entity::find()
            .filter(certificate::Column::OrderId.is_in(order_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|c| (c.order_id, c.id))
            .collect()
    };
    Ok(assets
        .into_iter()
        .map(|asset| {
            let line = chosen.get(&asset.id);
            let order = line.and_then(|l| orders.get(&l.order_id)).cloned();
            let item = line.and_then(|l| items.get(&l.id)).cloned();
            let facility = item
                .as_ref()
                .and_then(|i| i.facility_id)
                .and_then(|id| facilities.get(&id))
                .cloned();
            let certificate_id = order
                .as_ref()
                .and_then(|o| certificates.get(&o.id))
                .copied();
            AssetRow {
                asset,
                order,
                item,
                facility,
                certificate_id,
            }
        })
        .collect())
}
