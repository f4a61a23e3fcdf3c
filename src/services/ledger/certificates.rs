//! Certificates of recycling (and of data sanitisation): when every accepted item of an
//! order is processed, a JSON document of what became of each item, signed with the
//! server key. The stored payload is the exact text signed, so anyone can check the
//! signature over its UTF-8 bytes without re-encoding anything.

use std::collections::HashMap;

use chrono::{DateTime, SecondsFormat, Utc};
use entity::{asset, certificate, custody_item, facility, order_line, pickup_order};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::domain::custody::CustodyStatus;
use crate::error::AppResult;
use crate::infra::signing::ServerKey;

/// The payload's format tag.
pub const CERTIFICATE_FORMAT: &str = "reloop-certificate-v1";

/// The order's certificate, if issued.
pub async fn of_order(
    conn: &impl ConnectionTrait,
    order_id: Uuid,
) -> AppResult<Option<certificate::Model>> {
    Ok(certificate::Entity::find()
        .filter(certificate::Column::OrderId.eq(order_id))
        .one(conn)
        .await?)
}

/// A certificate by id.
pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> AppResult<Option<certificate::Model>> {
    Ok(certificate::Entity::find_by_id(id).one(conn).await?)
}

/// Issues `order`'s certificate when its last accepted item has just been processed;
/// None while items are still on their way (or when it was issued already). Takes the
/// order's row lock on PostgreSQL so two facilities finishing the last two items at once
/// cannot each miss the other's.
pub async fn issue_if_complete(
    conn: &impl ConnectionTrait,
    key: &ServerKey,
    order_id: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Option<certificate::Model>> {
    let Some(order) = lock_order(conn, order_id).await? else {
        return Ok(None);
    };
    let items = custody_item::Entity::find()
        .filter(custody_item::Column::OrderId.eq(order_id))
        .order_by_asc(custody_item::Column::Position)
        .all(conn)
        .await?;
    let statuses: Vec<CustodyStatus> = items
        .iter()
        .map(|i| CustodyStatus::from(i.status))
        .collect();
    let pending = statuses.iter().any(|s| {
        matches!(
            s,
            CustodyStatus::WithCollector | CustodyStatus::InTransit | CustodyStatus::AtFacility
        )
    });
    if pending
        || !statuses.contains(&CustodyStatus::Processed)
        || of_order(conn, order_id).await?.is_some()
    {
        return Ok(None);
    }
    let facility_ids: Vec<Uuid> = items.iter().filter_map(|i| i.facility_id).collect();
    let facilities = facility::Entity::find()
        .filter(facility::Column::Id.is_in(facility_ids))
        .all(conn)
        .await?;
    let assets = assets_of(conn, order_id).await?;
    let id = Uuid::new_v4();
    let payload = payload(id, &order, &items, &facilities, &assets, now).to_string();
    let signature = key.sign(payload.as_bytes());
    let issued = certificate::ActiveModel {
        id: Set(id),
        order_id: Set(order_id),
        payload: Set(payload),
        signature: Set(signature),
        key_id: Set(key.key_id().to_owned()),
        issued_at: Set(now),
    }
    .insert(conn)
    .await?;
    Ok(Some(issued))
}

/// The asset-list assets of the order's lines, by order line id (empty unless the order
/// was quoted from an asset list).
async fn assets_of(
    conn: &impl ConnectionTrait,
    order_id: Uuid,
) -> AppResult<HashMap<Uuid, asset::Model>> {
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order_id))
        .filter(order_line::Column::AssetId.is_not_null())
        .all(conn)
        .await?;
    let ids: Vec<Uuid> = lines.iter().filter_map(|l| l.asset_id).collect();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let assets: HashMap<Uuid, asset::Model> = asset::Entity::find()
        .filter(asset::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|a| (a.id, a))
        .collect();
    Ok(lines
        .into_iter()
        .filter_map(|l| Some((l.id, assets.get(&l.asset_id?)?.clone())))
        .collect())
}

async fn lock_order(
    conn: &impl ConnectionTrait,
    order_id: Uuid,
) -> AppResult<Option<pickup_order::Model>> {
    let mut select = pickup_order::Entity::find_by_id(order_id);
    if conn.get_database_backend() == DatabaseBackend::Postgres {
        select = select.lock_exclusive();
    }
    Ok(select.one(conn).await?)
}

/// The certificate document.
fn payload(
    id: Uuid,
    order: &pickup_order::Model,
    items: &[custody_item::Model],
    facilities: &[facility::Model],
    assets: &HashMap<Uuid, asset::Model>,
    now: DateTime<Utc>,
) -> Value {
    let facility_of = |facility_id: Option<Uuid>| {
        facilities
            .iter()
            .find(|f| Some(f.id) == facility_id)
            .map(|f| json!({"id": f.id, "name": f.name, "permitNumber": f.permit_number}))
    };
    let items: Vec<Value> = items
        .iter()
        .map(|item| {
            let mut entry = json!({
                "itemId": item.id,
                "description": item.description,
                "categoryCode": item.category_code,
                "serialNumber": item.serial_number,
                "traceCode": item.trace_code,
                "status": CustodyStatus::from(item.status).as_str(),
                "weightKg": item.weight_kg.map(|kg| kg.0.normalize().to_string()),
                "outcome": item.outcome,
                "materials": item.materials,
                "sanitization": item.sanitization,
                "facility": facility_of(item.facility_id),
                "chainHead": {"sequence": item.head_sequence, "hash": item.head_hash},
            });
            // Only items quoted from an asset list name their asset: other certificates
            // keep exactly the members they always had.
            if let Some(a) = assets.get(&item.order_line_id) {
                entry["asset"] = json!({
                    "assetId": a.id, "assetListId": a.asset_list_id, "assetTag": a.asset_tag,
                });
            }
            entry
        })
        .collect();
    let mut document = json!({
        "format": CERTIFICATE_FORMAT,
        "certificateId": id,
        "orderId": order.id,
        "orderNumber": order.number,
        "issuedAt": now.to_rfc3339_opts(SecondsFormat::Secs, true),
        "items": items,
    });
    if !assets.is_empty() {
        document["assetSummary"] = asset_summary(items_of(&document), assets.len());
    }
    document
}

fn items_of(document: &Value) -> &[Value] {
    document["items"].as_array().map_or(&[], Vec::as_slice)
}

/// What a business reads first on an asset list's certificate: how many assets, how many
/// of each outcome, and how many data-bearing ones carry a verified sanitisation record.
fn asset_summary(items: &[Value], assets: usize) -> Value {
    let mut outcomes: std::collections::BTreeMap<String, usize> = Default::default();
    let mut sanitized = 0;
    let mut verified = 0;
    for item in items.iter().filter(|i| i.get("asset").is_some()) {
        if let Some(outcome) = item["outcome"].as_str() {
            *outcomes.entry(outcome.to_owned()).or_default() += 1;
        }
        if item["sanitization"].is_object() {
            sanitized += 1;
            if item["sanitization"]["verified"] == json!(true) {
                verified += 1;
            }
        }
    }
    json!({"assets": assets, "outcomes": outcomes, "sanitized": sanitized, "sanitizationVerified": verified})
}
