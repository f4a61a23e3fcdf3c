//! Intake at the doorstep: `completePickup` turns the order's lines into custody items,
//! each with its COLLECTED event, inside the completion's own transaction.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{DbDecimal, category, custody_event, custody_item, order_line, pickup_order};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde_json::json;
use uuid::Uuid;

use super::append::{NewCustodyEvent, seal};
use crate::domain::Role;
use crate::domain::custody::encoding::GENESIS;
use crate::domain::custody::rules::{is_data_bearing, split_line};
use crate::domain::custody::{BatteryStatus, CustodyStatus, CustodyStep, Holder};
use crate::domain::pricing::{PricingItem, PricingUnit};
use crate::error::{AppError, AppResult};
use crate::infra::signing::ServerKey;

/// Who collected, and when.
#[derive(Clone, Copy, Debug)]
pub struct Collection {
    /// The collector profile now holding the items.
    pub collector_id: Uuid,
    /// The collector's user.
    pub actor_user_id: Option<Uuid>,
    /// Server time.
    pub at: DateTime<Utc>,
    /// Device time, when the app sent one.
    pub recorded_at: Option<DateTime<Utc>>,
}

/// One item to create, before sealing.
struct Draft {
    item: custody_item::Model,
    weight_estimated: bool,
}

/// Creates the custody items of a completed `order` with their COLLECTED events.
pub async fn collect_items(
    conn: &impl ConnectionTrait,
    key: &ServerKey,
    order: &pickup_order::Model,
    collection: Collection,
) -> AppResult<Vec<custody_item::Model>> {
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order.id))
        .order_by_asc(order_line::Column::Position)
        .all(conn)
        .await?;
    let certifications = required_certifications(conn, &lines).await?;
    let mut drafts = Vec::new();
    for line in &lines {
        drafts.extend(drafts_of(
            line,
            order,
            &certifications,
            collection,
            drafts.len(),
        )?);
    }
    let mut items = Vec::with_capacity(drafts.len());
    let mut events = Vec::with_capacity(drafts.len());
    for Draft {
        mut item,
        weight_estimated,
    } in drafts
    {
        let event = NewCustodyEvent {
            step: CustodyStep::Collected,
            at: collection.at,
            recorded_at: collection.recorded_at,
            actor_user_id: collection.actor_user_id,
            actor_role: Role::Collector,
            holder: Holder::Collector(collection.collector_id),
            location: Some((order.latitude, order.longitude)),
            weight_kg: item.weight_kg.map(|kg| kg.0),
            weight_estimated,
            note: None,
            details: json!({"orderNumber": order.number, "orderLineId": item.order_line_id,
                            "blocked": item.blocked}),
        };
        let (row, hash, head_signature) = seal(key, &item, 1, GENESIS, &event);
        item.head_sequence = 1;
        item.head_hash = hash;
        item.head_signature = head_signature;
        events.push(row);
        items.push(item);
    }
    if items.is_empty() {
        return Ok(items);
    }
    let rows = items
        .iter()
        .cloned()
        .map(|item| custody_item::ActiveModel::from(item).reset_all());
    custody_item::Entity::insert_many(rows).exec(conn).await?;
    custody_event::Entity::insert_many(events)
        .exec(conn)
        .await?;
    Ok(items)
}

/// The certification each category of `lines` requires, by category code.
async fn required_certifications(
    conn: &impl ConnectionTrait,
    lines: &[order_line::Model],
) -> AppResult<HashMap<String, Option<String>>> {
    let codes: Vec<String> = lines.iter().filter_map(category_code).collect();
    let found = category::Entity::find()
        .filter(category::Column::Code.is_in(codes))
        .all(conn)
        .await?;
    Ok(found
        .into_iter()
        .map(|c| (c.code, c.required_certification))
        .collect())
}

fn category_code(line: &order_line::Model) -> Option<String> {
    line.item
        .pointer("/priced/category/code")
        .and_then(|c| c.as_str())
        .map(str::to_owned)
}

/// The items `line` becomes (`first_position` is the order's item count so far).
fn drafts_of(
    line: &order_line::Model,
    order: &pickup_order::Model,
    certifications: &HashMap<String, Option<String>>,
    collection: Collection,
    first_position: usize,
) -> AppResult<Vec<Draft>> {
    let priced: PricingItem = serde_json::from_value(
        line.item.get("priced").cloned().unwrap_or_default(),
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("order line {} evidence: {e}", line.id)))?;
    let split = split_line(
        priced.category.pricing_unit == PricingUnit::Kg,
        priced.battery.is_some(),
        priced.quantity,
    );
    // The collector's measured unit weight, else the quote's, else the category's typical one.
    let (unit_kg, estimated) = match (line.weight_kg, priced.weight_kg) {
        (Some(measured), _) => (measured.0, false),
        (None, Some(quoted)) => (quoted, true),
        (None, None) => (priced.category.typical_weight_kg, true),
    };
    let item_kg = unit_kg * Decimal::from(split.units_per_item);
    let single = split.count == 1;
    let blocked = line
        .inspection
        .as_ref()
        .is_some_and(|i| i.get("blocked").is_some());
    // The code on the label, as read at the door, else the quoted one.
    let read_at_door = line
        .inspection
        .as_ref()
        .and_then(|i| i.get("traceCode"))
        .and_then(|t| t.as_str())
        .map(|code| {
            (
                code,
                line.inspection
                    .as_ref()
                    .and_then(|i| i.get("traceCodeScheme")),
            )
        });
    let (trace_code, scheme) = match read_at_door {
        Some((code, scheme)) => (Some(code), scheme.and_then(|s| s.as_str())),
        None => (
            line.item
                .pointer("/reference/traceCode")
                .and_then(|t| t.as_str()),
            line.item
                .pointer("/reference/traceCodeScheme")
                .and_then(|t| t.as_str()),
        ),
    };
    let drafts = (0..split.count)
        .map(|piece| {
            let position = i32::try_from(first_position)
                .unwrap_or(i32::MAX)
                .saturating_add_unsigned(piece);
            let description = if single {
                line.description.clone()
            } else {
                format!("{} ({} of {})", line.description, piece + 1, split.count)
            };
            Draft {
                weight_estimated: estimated,
                item: custody_item::Model {
                    id: Uuid::new_v4(),
                    order_id: order.id,
                    order_line_id: line.id,
                    position,
                    description,
                    category_code: priced.category.code.clone(),
                    serial_number: line.serial_number.clone().filter(|_| single),
                    trace_code: trace_code.filter(|_| single).map(str::to_owned),
                    trace_code_scheme: trace_code
                        .filter(|_| single)
                        .map(|_| scheme.unwrap_or("GB_T_34014").to_owned()),
                    chemistry: priced.battery.as_ref().and_then(|b| {
                        serde_json::to_value(b.chemistry)
                            .ok()
                            .and_then(|v| v.as_str().map(str::to_owned))
                    }),
                    state_of_health_pct: priced
                        .battery
                        .as_ref()
                        .and_then(|b| b.state_of_health_pct)
                        .map(i32::from),
                    battery_status: priced
                        .battery
                        .as_ref()
                        .map(|_| BatteryStatus::Original.into()),
                    data_bearing: is_data_bearing(&priced.category.code),
                    blocked,
                    required_certification: certifications
                        .get(&priced.category.code)
                        .cloned()
                        .flatten(),
                    status: CustodyStatus::WithCollector.into(),
                    weight_kg: Some(DbDecimal(item_kg.normalize())),
                    weight_estimated: estimated,
                    collector_id: Some(collection.collector_id),
                    facility_id: None,
                    transfer_id: None,
                    outcome: None,
                    materials: json!({}),
                    sanitization: None,
                    head_sequence: 0,
                    head_hash: GENESIS.to_owned(),
                    head_signature: String::new(),
                    created_at: collection.at,
                    updated_at: collection.at,
                },
            }
        })
        .collect();
    Ok(drafts)
}
