//! `recordProcessing`: the facility holding items records what became of them: the
//! outcome, recovered materials (no more than the received weight) and, for
//! data-bearing devices, the NIST SP 800-88 sanitisation. An item is processed once;
//! the order's certificate is issued in the same transaction when its last item is.

use std::collections::BTreeMap;

use entity::{custody_item, pickup_order};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use uuid::Uuid;

use super::access::Custodian;
use crate::domain::Role;
use crate::domain::custody::rules::{check_materials, status_after_processing};
use crate::domain::custody::{
    BatteryStatus, CustodyStatus, CustodyStep, Holder, ProcessingOutcome, SanitizationMethod,
};
use crate::domain::partner::WebhookEventType;
use crate::error::{AppError, AppResult};
use crate::services::compliance;
use crate::services::ledger::{NewCustodyEvent, append, certificates};
use crate::services::partners::outbox;
use crate::services::reports;
use crate::state::AppState;

/// Most items in one processing record.
pub const MAX_ITEMS_PER_RECORD: usize = 200;

/// A NIST SP 800-88 sanitisation record.
#[derive(Clone, Debug)]
pub struct Sanitization {
    /// CLEAR, PURGE or DESTROY.
    pub method: SanitizationMethod,
    /// e.g. "cryptographic erase", "shred".
    pub technique: String,
    /// The tool used.
    pub tool: Option<String>,
    /// Whether the result was verified.
    pub verified: bool,
}

/// What the facility records.
#[derive(Clone, Debug)]
pub struct Processing {
    /// Items held at the facility.
    pub item_ids: Vec<Uuid>,
    /// What became of them.
    pub outcome: ProcessingOutcome,
    /// Required for data-bearing items.
    pub sanitization: Option<Sanitization>,
    /// kg recovered per material, over all the items (MATERIAL_RECOVERED).
    pub materials: BTreeMap<String, Decimal>,
}

/// Records the processing of items the staff's facility holds.
#[tracing::instrument(skip_all, fields(items = request.item_ids.len()))]
pub async fn record_processing(
    state: &AppState,
    viewer: Custodian,
    request: Processing,
) -> AppResult<Vec<custody_item::Model>> {
    let (user_id, facility_id) = viewer.staff()?;
    check_request(&request)?;
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let mut items = held_at(&txn, facility_id, &request.item_ids).await?;
    let received: Option<Decimal> = items.iter().map(|i| i.weight_kg.map(|kg| kg.0)).sum();
    check_materials(&request.materials, received)
        .map_err(|e| AppError::validation("input.recoveredMaterials", e))?;
    check_sanitization(&request, &items)?;
    let shares = material_shares(&items, &request.materials);
    let sanitization = request.sanitization.as_ref().map(|s| {
        json!({"method": s.method.as_str(), "technique": s.technique, "tool": s.tool,
               "verified": s.verified, "verifiedBy": user_id, "standard": "NIST SP 800-88"})
    });
    for (item, materials) in items.iter_mut().zip(shares) {
        let item_sanitization = sanitization.clone().filter(|_| item.data_bearing);
        let event = NewCustodyEvent {
            step: CustodyStep::Processed,
            at: now,
            recorded_at: None,
            actor_user_id: Some(user_id),
            actor_role: Role::Facility,
            holder: Holder::Facility(facility_id),
            location: None,
            weight_kg: item.weight_kg.map(|kg| kg.0),
            weight_estimated: item.weight_estimated,
            note: None,
            details: json!({"outcome": request.outcome.as_str(), "materials": materials, "sanitization": item_sanitization}),
        };
        let change = vec![
            (
                custody_item::Column::Status,
                Expr::value(CustodyStatus::Processed),
            ),
            (
                custody_item::Column::Outcome,
                Expr::value(request.outcome.as_str()),
            ),
            (
                custody_item::Column::Materials,
                Expr::value(json!(materials)),
            ),
            (
                custody_item::Column::Sanitization,
                Expr::value(item_sanitization),
            ),
        ];
        let appended = append(&txn, &state.server_key, item, event, change).await?;
        reports::rollup::on_processing(&txn, item.id, &materials).await?;
        let rules = &state.config.compliance.rules;
        compliance::tasks::on_battery_event(&txn, rules, item, &appended, Some(request.outcome))
            .await?;
        change_battery_status(
            state,
            &txn,
            item,
            request.outcome,
            user_id,
            facility_id,
            now,
        )
        .await?;
    }
    issue_certificates(state, &txn, &items, now).await?;
    txn.commit().await?;
    let ids: Vec<Uuid> = items.iter().map(|i| i.id).collect();
    Ok(custody_item::Entity::find()
        .filter(custody_item::Column::Id.is_in(ids))
        .order_by_asc(custody_item::Column::Position)
        .all(&state.db)
        .await?)
}

/// VALIDATION when a data-bearing item comes without a sanitisation record.
fn check_sanitization(request: &Processing, items: &[custody_item::Model]) -> AppResult<()> {
    if request.sanitization.is_none()
        && let Some(item) = items.iter().find(|i| i.data_bearing)
    {
        return Err(AppError::validation(
            "input.sanitization",
            format!(
                "{} carries data: record its sanitisation (NIST SP 800-88)",
                item.description
            ),
        ));
    }
    Ok(())
}

fn check_request(request: &Processing) -> AppResult<()> {
    if request.item_ids.is_empty() || request.item_ids.len() > MAX_ITEMS_PER_RECORD {
        return Err(AppError::validation(
            "input.itemIds",
            format!("name 1 to {MAX_ITEMS_PER_RECORD} items"),
        ));
    }
    let mut ids = request.item_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    if ids.len() != request.item_ids.len() {
        return Err(AppError::validation("input.itemIds", "names an item twice"));
    }
    let recovering = request.outcome == ProcessingOutcome::MaterialRecovered;
    if recovering && request.materials.is_empty() {
        return Err(AppError::validation(
            "input.recoveredMaterials",
            "MATERIAL_RECOVERED needs the kg recovered per material",
        ));
    }
    if !recovering && !request.materials.is_empty() {
        return Err(AppError::validation(
            "input.recoveredMaterials",
            "only MATERIAL_RECOVERED records materials",
        ));
    }
    if let Some(s) = &request.sanitization
        && (s.technique.trim().is_empty() || s.technique.chars().count() > 200)
    {
        return Err(AppError::validation(
            "input.sanitization.technique",
            "must be 1 to 200 characters",
        ));
    }
    Ok(())
}

/// The items, all held at the facility: NOT_FOUND for one that is not theirs,
/// INVALID_STATE for one not received or already processed.
async fn held_at(
    conn: &impl ConnectionTrait,
    facility_id: Uuid,
    ids: &[Uuid],
) -> AppResult<Vec<custody_item::Model>> {
    let items = custody_item::Entity::find()
        .filter(custody_item::Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?;
    ids.iter()
        .enumerate()
        .map(|(index, id)| {
            let item = items
                .iter()
                .find(|i| i.id == *id && i.facility_id == Some(facility_id))
                .ok_or(AppError::NotFound("custody item"))?;
            match CustodyStatus::from(item.status) {
                CustodyStatus::AtFacility => Ok(item.clone()),
                CustodyStatus::Processed => Err(AppError::InvalidState(format!(
                    "input.itemIds[{index}]: the item was already processed"
                ))),
                other => Err(AppError::InvalidState(format!(
                    "input.itemIds[{index}]: the item is {other}; receive it first"
                ))),
            }
        })
        .collect()
}

/// Splits the recovered totals over the items by weight (3 decimals; the last item takes
/// the rounding remainder, so the shares add up exactly).
fn material_shares(
    items: &[custody_item::Model],
    totals: &BTreeMap<String, Decimal>,
) -> Vec<BTreeMap<String, String>> {
    let weights: Vec<Decimal> = items
        .iter()
        .map(|i| i.weight_kg.map_or(Decimal::ZERO, |kg| kg.0))
        .collect();
    let total_weight: Decimal = weights.iter().copied().sum();
    let mut shares = vec![BTreeMap::new(); items.len()];
    for (material, total) in totals {
        let mut left = *total;
        for (index, weight) in weights.iter().enumerate() {
            let share = if index + 1 == items.len() {
                left
            } else if total_weight > Decimal::ZERO {
                (*total * *weight / total_weight).round_dp(3)
            } else {
                Decimal::ZERO
            };
            left -= share;
            shares[index].insert(material.clone(), share.normalize().to_string());
        }
    }
    shares
}

/// A battery given a second life (or reused) changes status: a STATUS_CHANGED event.
async fn change_battery_status(
    state: &AppState,
    conn: &impl ConnectionTrait,
    item: &mut custody_item::Model,
    outcome: ProcessingOutcome,
    user_id: Uuid,
    facility_id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let (Some(from), Some(to)) = (
        item.battery_status.map(BatteryStatus::from),
        status_after_processing(outcome),
    ) else {
        return Ok(());
    };
    let event = NewCustodyEvent {
        step: CustodyStep::StatusChanged,
        at: now,
        recorded_at: None,
        actor_user_id: Some(user_id),
        actor_role: Role::Facility,
        holder: Holder::Facility(facility_id),
        location: None,
        weight_kg: item.weight_kg.map(|kg| kg.0),
        weight_estimated: item.weight_estimated,
        note: None,
        details: json!({"batteryStatus": {"from": from.as_str(), "to": to.as_str()}}),
    };
    let change = vec![(custody_item::Column::BatteryStatus, Expr::value(to))];
    append(conn, &state.server_key, item, event, change).await?;
    Ok(())
}

/// Issues the certificate of every order whose last item this record processed, and
/// tells the booking partner.
async fn issue_certificates(
    state: &AppState,
    conn: &impl ConnectionTrait,
    items: &[custody_item::Model],
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let mut orders: Vec<Uuid> = items.iter().map(|i| i.order_id).collect();
    orders.sort_unstable();
    orders.dedup();
    for order_id in orders {
        let Some(issued) =
            certificates::issue_if_complete(conn, &state.server_key, order_id, now).await?
        else {
            continue;
        };
        let order = pickup_order::Entity::find_by_id(order_id).one(conn).await?;
        if let Some((order, partner_id)) = order.and_then(|o| o.partner_id.map(|p| (o, p))) {
            let data = json!({"orderId": order.id, "number": order.number, "externalReference": order.external_reference,
                              "certificateId": issued.id, "issuedAt": issued.issued_at});
            outbox::enqueue(
                conn,
                partner_id,
                WebhookEventType::CertificateIssued,
                data,
                now,
            )
            .await?;
        }
    }
    Ok(())
}
