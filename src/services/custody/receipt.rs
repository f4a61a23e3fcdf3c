//! `receiveTransfer`: the facility weighs every item of a transfer and accepts or
//! rejects it. A weight outside tolerance of the collector's is recorded as a
//! discrepancy (never silently overwritten); batteries become WASTE at a recycler's
//! receipt. A transfer is received once.

use std::collections::HashMap;

use entity::{DbDecimal, custody_item, pickup_order, transfer};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use uuid::Uuid;

use super::access::Custodian;
use crate::domain::Role;
use crate::domain::custody::rules::{STATUS_AT_RECEIPT, weight_within_tolerance};
use crate::domain::custody::{CustodyStatus, CustodyStep, Holder, TransferStatus};
use crate::domain::discrepancy::DiscrepancyKind;
use crate::domain::partner::WebhookEventType;
use crate::error::{AppError, AppResult};
use crate::services::compliance;
use crate::services::discrepancies::{self, Found};
use crate::services::ledger::{NewCustodyEvent, append};
use crate::services::partners::outbox;
use crate::services::reports;
use crate::state::AppState;

/// Heaviest weight accepted for one received item or lot, kg.
pub const MAX_RECEIVED_KG: Decimal = Decimal::from_parts(100_000, 0, 0, false, 0);

/// The facility's finding for one item.
#[derive(Clone, Debug)]
pub struct ReceiptLine {
    /// The item.
    pub item_id: Uuid,
    /// Weighed at the facility.
    pub weight_kg: Decimal,
    /// Accepted, or rejected with a reason.
    pub accepted: bool,
    /// Why it was rejected (required then).
    pub reason: Option<String>,
}

/// Receives `transfer_id` at the staff's facility.
#[tracing::instrument(skip_all, fields(%transfer_id))]
pub async fn receive_transfer(
    state: &AppState,
    viewer: Custodian,
    transfer_id: Uuid,
    lines: Vec<ReceiptLine>,
) -> AppResult<transfer::Model> {
    let (user_id, facility_id) = viewer.staff()?;
    check_lines(&lines)?;
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let found = transfer::Entity::find_by_id(transfer_id)
        .one(&txn)
        .await?
        .filter(|t| t.facility_id == facility_id)
        .ok_or(AppError::NotFound("transfer"))?;
    // Claim the transfer first: a second clerk waits here and then finds it received.
    let claimed = transfer::Entity::update_many()
        .col_expr(
            transfer::Column::Status,
            Expr::value(TransferStatus::Received),
        )
        .col_expr(transfer::Column::ReceivedAt, Expr::value(now))
        .col_expr(transfer::Column::ReceivedBy, Expr::value(user_id))
        .filter(transfer::Column::Id.eq(transfer_id))
        .filter(transfer::Column::Status.eq(TransferStatus::InTransit))
        .exec(&txn)
        .await?;
    if claimed.rows_affected != 1 {
        return Err(AppError::InvalidState(format!(
            "transfer {} was already received",
            found.number
        )));
    }
    let items = custody_item::Entity::find()
        .filter(custody_item::Column::TransferId.eq(transfer_id))
        .order_by_asc(custody_item::Column::Position)
        .all(&txn)
        .await?;
    let by_item = match_lines(&items, lines)?;
    let receipt = Receipt {
        state,
        user_id,
        facility_id,
        transfer: &found,
        now,
    };
    for mut item in items {
        let line = &by_item[&item.id];
        receipt.record(&txn, &mut item, line).await?;
    }
    txn.commit().await?;
    Ok(transfer::Entity::find_by_id(transfer_id)
        .one(&state.db)
        .await?
        .unwrap_or(found))
}

/// VALIDATION for bad weights, a rejection without a reason, or an item named twice.
fn check_lines(lines: &[ReceiptLine]) -> AppResult<()> {
    for (index, line) in lines.iter().enumerate() {
        let field = |name: &str| format!("input.lines[{index}].{name}");
        if line.weight_kg < Decimal::ZERO || line.weight_kg > MAX_RECEIVED_KG {
            return Err(AppError::validation(
                field("weightKg"),
                format!("must be between 0 and {MAX_RECEIVED_KG} kg"),
            ));
        }
        if line.weight_kg.normalize().scale() > 3 {
            return Err(AppError::validation(
                field("weightKg"),
                "must have at most 3 decimals",
            ));
        }
        let reason = line.reason.as_deref().map(str::trim).unwrap_or_default();
        if !line.accepted && reason.is_empty() {
            return Err(AppError::validation(
                field("reason"),
                "a rejected item needs a reason",
            ));
        }
        if reason.chars().count() > 500 {
            return Err(AppError::validation(
                field("reason"),
                "must be at most 500 characters",
            ));
        }
        if lines[..index].iter().any(|l| l.item_id == line.item_id) {
            return Err(AppError::validation(field("itemId"), "names an item twice"));
        }
    }
    Ok(())
}

/// The lines by item: VALIDATION for an item not on the transfer or one left out.
fn match_lines(
    items: &[custody_item::Model],
    lines: Vec<ReceiptLine>,
) -> AppResult<HashMap<Uuid, ReceiptLine>> {
    for (index, line) in lines.iter().enumerate() {
        if !items.iter().any(|i| i.id == line.item_id) {
            return Err(AppError::validation(
                format!("input.lines[{index}].itemId"),
                "is not an item of this transfer",
            ));
        }
    }
    let by_item: HashMap<Uuid, ReceiptLine> = lines.into_iter().map(|l| (l.item_id, l)).collect();
    if let Some(missing) = items.iter().find(|i| !by_item.contains_key(&i.id)) {
        return Err(AppError::validation(
            "input.lines",
            format!(
                "item {} ({}) of the transfer has no line",
                missing.id, missing.description
            ),
        ));
    }
    Ok(by_item)
}

/// One receipt in progress.
struct Receipt<'a> {
    state: &'a AppState,
    user_id: Uuid,
    facility_id: Uuid,
    transfer: &'a transfer::Model,
    now: chrono::DateTime<chrono::Utc>,
}

impl Receipt<'_> {
    fn event(&self, step: CustodyStep, holder: Holder, weight: Decimal) -> NewCustodyEvent {
        NewCustodyEvent {
            step,
            at: self.now,
            recorded_at: None,
            actor_user_id: Some(self.user_id),
            actor_role: Role::Facility,
            holder,
            location: None,
            weight_kg: Some(weight),
            weight_estimated: false,
            note: None,
            details: json!({"transferNumber": self.transfer.number}),
        }
    }

    async fn record(
        &self,
        conn: &impl ConnectionTrait,
        item: &mut custody_item::Model,
        line: &ReceiptLine,
    ) -> AppResult<()> {
        let sent = item.weight_kg.map(|kg| kg.0);
        let weight = line.weight_kg.normalize();
        if !line.accepted {
            return self
                .reject(conn, item, weight, line.reason.clone().unwrap_or_default())
                .await;
        }
        let mut event = self.event(
            CustodyStep::Received,
            Holder::Facility(self.facility_id),
            weight,
        );
        let tolerance = self.state.config.custody.receipt_tolerance;
        if !weight_within_tolerance(sent, weight, tolerance) {
            let detail = format!(
                "received {weight} kg, the collector recorded {} kg",
                sent.map_or("no".to_owned(), |kg| kg.normalize().to_string())
            );
            self.discrepancy(conn, item, &detail, sent, weight).await?;
            event.details["discrepancy"] = json!(detail);
            event.note = Some("weight outside tolerance".to_owned());
        }
        event.details["collectorWeightKg"] = json!(sent.map(|kg| kg.normalize().to_string()));
        let change = vec![
            (
                custody_item::Column::Status,
                Expr::value(CustodyStatus::AtFacility),
            ),
            (
                custody_item::Column::WeightKg,
                Expr::value(DbDecimal(weight)),
            ),
            (custody_item::Column::WeightEstimated, Expr::value(false)),
        ];
        let appended = append(conn, &self.state.server_key, item, event, change).await?;
        reports::rollup::on_receipt(conn, item.id, self.facility_id).await?;
        compliance::tasks::on_battery_event(
            conn,
            &self.state.config.compliance.rules,
            item,
            &appended,
            None,
        )
        .await?;
        if item.battery_status.is_some() {
            let mut changed = self.event(
                CustodyStep::StatusChanged,
                Holder::Facility(self.facility_id),
                weight,
            );
            changed.details = json!({"batteryStatus": {"from": item.battery_status.map(|s| crate::domain::custody::BatteryStatus::from(s).as_str()), "to": STATUS_AT_RECEIPT.as_str()}});
            let change = vec![(
                custody_item::Column::BatteryStatus,
                Expr::value(STATUS_AT_RECEIPT),
            )];
            append(conn, &self.state.server_key, item, changed, change).await?;
        }
        Ok(())
    }

    async fn reject(
        &self,
        conn: &impl ConnectionTrait,
        item: &mut custody_item::Model,
        weight: Decimal,
        reason: String,
    ) -> AppResult<()> {
        let collector = item
            .collector_id
            .map_or(Holder::Facility(self.facility_id), Holder::Collector);
        let mut event = self.event(CustodyStep::Rejected, collector, weight);
        event.note = Some(reason.trim().to_owned());
        let change = vec![(
            custody_item::Column::Status,
            Expr::value(CustodyStatus::Rejected),
        )];
        append(conn, &self.state.server_key, item, event, change).await?;
        let order = pickup_order::Entity::find_by_id(item.order_id)
            .one(conn)
            .await?;
        if let Some(order) = order.filter(|o| o.partner_id.is_some()) {
            let data = json!({"orderId": order.id, "number": order.number, "externalReference": order.external_reference,
                              "itemId": item.id, "description": item.description, "transferNumber": self.transfer.number,
                              "reason": reason.trim()});
            if let Some(partner_id) = order.partner_id {
                outbox::enqueue(
                    conn,
                    partner_id,
                    WebhookEventType::ItemRejected,
                    data,
                    self.now,
                )
                .await?;
            }
        }
        Ok(())
    }

    async fn discrepancy(
        &self,
        conn: &impl ConnectionTrait,
        item: &custody_item::Model,
        detail: &str,
        sent: Option<Decimal>,
        weight: Decimal,
    ) -> AppResult<()> {
        discrepancies::record(
            conn,
            Found {
                kind: DiscrepancyKind::WeightAtReceipt,
                order_id: item.order_id,
                order_line_id: Some(item.order_line_id),
                item_id: Some(item.id),
                transfer_id: Some(self.transfer.id),
                detail: detail.to_owned(),
                expected: sent.map(|kg| kg.normalize().to_string()),
                found: Some(weight.to_string()),
            },
            self.now,
        )
        .await?;
        Ok(())
    }
}
