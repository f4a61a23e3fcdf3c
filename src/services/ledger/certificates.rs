//! Certificates of recycling (and of data sanitisation): when every accepted item of an
//! order is processed, a JSON document of what became of each item, signed with the
//! server key. The stored payload is the exact text signed, so anyone can check the
//! signature over its UTF-8 bytes without re-encoding anything.

use chrono::{DateTime, SecondsFormat, Utc};
use entity::{certificate, custody_item, facility, pickup_order};
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
    let id = Uuid::new_v4();
    let payload = payload(id, &order, &items, &facilities, now).to_string();
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
            json!({
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
            })
        })
        .collect();
    json!({
        "format": CERTIFICATE_FORMAT,
        "certificateId": id,
        "orderId": order.id,
        "orderNumber": order.number,
        "issuedAt": now.to_rfc3339_opts(SecondsFormat::Secs, true),
        "items": items,
    })
}
