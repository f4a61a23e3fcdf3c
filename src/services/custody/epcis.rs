//! The EPCIS 2.0 export of an order's custody events (`GET /epcis/events`): who may have
//! it, which items and places they see, and the rows the pure mapping in
//! `domain::epcis` turns into the document.

use chrono::{DateTime, Utc};
use entity::{category, custody_event, custody_item, pickup_order};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::Value;
use uuid::Uuid;

use super::access::Custodian;
use super::read::items_of_order;
use crate::domain::custody::{CustodyStep, Holder};
use crate::domain::epcis::{self, CustodyRecord, Export, ItemKind};
use crate::error::{AppError, AppResult};

/// The EPCISDocument of `order_id` as `viewer` may see it. The order's readers get every
/// item and the doorstep; facility staff get the items sent to their facility and no
/// doorstep; anyone else NOT_FOUND, exactly like a missing order.
#[tracing::instrument(skip(conn, viewer))]
pub async fn order_events(
    conn: &impl ConnectionTrait,
    viewer: &Custodian,
    order_id: Uuid,
    time_zone: chrono_tz::Tz,
    now: DateTime<Utc>,
) -> AppResult<Value> {
    let order = pickup_order::Entity::find_by_id(order_id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("pickup order"))?;
    let reads_order = matches!(viewer, Custodian::Party(party) if party.may_see(&order));
    let items = items_of_order(conn, viewer, &order).await?;
    if !reads_order && items.is_empty() {
        return Err(AppError::NotFound("pickup order"));
    }
    let records = records_of(conn, &items).await?;
    let export = Export {
        order_id,
        show_doorstep: reads_order,
        time_zone,
        created_at: now,
    };
    Ok(epcis::document(&export, &records))
}

/// Every event of `items`, in two queries (events, then the categories that say which
/// items are weighed lots).
async fn records_of(
    conn: &impl ConnectionTrait,
    items: &[custody_item::Model],
) -> AppResult<Vec<CustodyRecord>> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let events = custody_event::Entity::find()
        .filter(custody_event::Column::ItemId.is_in(items.iter().map(|i| i.id)))
        .order_by_asc(custody_event::Column::ItemId)
        .order_by_asc(custody_event::Column::Sequence)
        .all(conn)
        .await?;
    let mut codes: Vec<&str> = items.iter().map(|i| i.category_code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let by_weight: Vec<String> = category::Entity::find()
        .filter(category::Column::Code.is_in(codes))
        .all(conn)
        .await?
        .into_iter()
        .filter(|c| c.pricing_unit == "KG")
        .map(|c| c.code)
        .collect();
    // A KG category becomes one weighed lot, except batteries, which are counted by the
    // piece (as at intake, `domain::custody::rules::split_line`).
    let kind = |item: &custody_item::Model| {
        if by_weight.contains(&item.category_code) && item.battery_status.is_none() {
            ItemKind::WeighedLot
        } else {
            ItemKind::Piece
        }
    };
    let kinds: std::collections::HashMap<Uuid, ItemKind> =
        items.iter().map(|i| (i.id, kind(i))).collect();
    Ok(events
        .into_iter()
        .filter_map(|row| {
            let kind = *kinds.get(&row.item_id)?;
            Some(record(row, kind))
        })
        .collect())
}

/// One row as the mapping reads it; the step's details give the hand-over's facility,
/// the transfer note, the outcome and the new battery status.
fn record(row: custody_event::Model, kind: ItemKind) -> CustodyRecord {
    let details: Value = serde_json::from_str(&row.details).unwrap_or_default();
    let text = |pointer: &str| details.pointer(pointer).and_then(Value::as_str);
    CustodyRecord {
        id: row.id,
        item_id: row.item_id,
        kind,
        sequence: row.sequence,
        step: CustodyStep::from(row.step),
        at: row.at,
        recorded_at: row.recorded_at,
        holder: Holder::parse(&row.holder),
        location: row.latitude.zip(row.longitude),
        weight_kg: row.weight_kg.map(|kg| kg.0),
        weight_estimated: row.weight_estimated,
        facility_id: text("/facilityId").and_then(|id| Uuid::parse_str(id).ok()),
        transfer_number: text("/transferNumber").map(str::to_owned),
        outcome: text("/outcome").and_then(|o| o.parse().ok()),
        battery_status: text("/batteryStatus/to").and_then(|s| s.parse().ok()),
        hash: row.hash,
    }
}
