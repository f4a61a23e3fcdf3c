//! `recordInspection`: re-prices every line with the same pricing function and the
//! quote's own evidence (its price table, not today's), records the difference, and
//! moves the order to INSPECTED, or on to AWAITING_CUSTOMER when the final total is
//! outside tolerance.

use std::collections::HashMap;

use entity::{DbDecimal, order_line, pickup_order, quote};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::access::Party;
use super::device::once;
use super::lifecycle::{commit_and_announce, load};
use super::transition::{self, Change};
use crate::domain::discrepancy::{DiscrepancyKind, trace_code_mismatch};
use crate::domain::field_action::ActionKind;
use crate::domain::order::{OrderStatus, Transition, TransitionError, within_tolerance};
use crate::domain::partner::WebhookEventType;
use crate::domain::pricing::{
    Assessment, Condition, PriceTable, PricingContext, PricingItem, price_line,
};
use crate::domain::quote::check_serial;
use crate::domain::trace_code::{TraceCode, TraceScheme};
use crate::error::{AppError, AppResult};
use crate::services::blocklist::{CheckContext, Screening, listing_of};
use crate::services::collector_actions::{DeviceAction, Stamp};
use crate::services::discrepancies::{self, Found};
use crate::services::partners::outbox;
use crate::services::quotes::priced_with;
use crate::state::AppState;

/// What the collector found for one line.
#[derive(Clone, Debug)]
pub struct InspectedLine {
    /// The order line.
    pub line_id: Uuid,
    /// Actual condition.
    pub condition: Option<Condition>,
    /// Actual weight per unit, kg (already range-checked).
    pub weight_kg: Option<Decimal>,
    /// Serial or IMEI read from the item.
    pub serial_number: Option<String>,
    /// A battery's trace code read from its label (checked against the quoted scheme).
    pub trace_code: Option<String>,
    /// Photo references.
    pub photo_refs: Vec<String>,
}

/// Records the inspection of an ARRIVED order, once per client action id.
#[tracing::instrument(skip_all, fields(%order_id))]
pub async fn record_inspection(
    state: &AppState,
    party: Party,
    order_id: Uuid,
    inspected: Vec<InspectedLine>,
    device: DeviceAction,
) -> AppResult<pickup_order::Model> {
    once(
        state,
        &party,
        order_id,
        ActionKind::RecordInspection,
        device,
        |stamp| inspect(state, party, order_id, inspected, stamp),
    )
    .await
}

/// Re-prices the lines and moves the order on, with what the device `stamp`ed.
async fn inspect(
    state: &AppState,
    party: Party,
    order_id: Uuid,
    inspected: Vec<InspectedLine>,
    stamp: Stamp,
) -> AppResult<pickup_order::Model> {
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let order = load(&txn, &party, order_id).await?;
    may_inspect(&order, &party)?;
    let quote = quote::Entity::find_by_id(order.quote_id)
        .one(&txn)
        .await?
        .ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("order {} without its quote", order.id))
        })?;
    let (table, context) = priced_with(&txn, &quote.evidence).await?;
    let lines = order_line::Entity::find()
        .filter(order_line::Column::OrderId.eq(order.id))
        .order_by_asc(order_line::Column::Position)
        .all(&txn)
        .await?;
    let mut found = match_lines(&lines, inspected)?;
    let mut final_sum = Decimal::ZERO;
    for line in &lines {
        let amount = match found.remove(&line.id) {
            Some((index, actual)) => {
                let read = actual.trace_code.clone();
                let amount = reprice_line(&txn, line, index, actual, &table, &context).await?;
                check_trace_code(&txn, &order, line, index, read.as_deref(), now).await?;
                amount
            }
            None => keep_quoted(&txn, line).await?,
        };
        final_sum += unless_blocked(state, &txn, &party, &order, line.id, amount, now).await?;
    }
    let final_payout = final_sum - order.logistics_fee.0;
    let inspected = Change::by(&party, &order, Transition::InspectWithinTolerance, now)
        .recorded(stamp.recorded_at())
        .because(format!(
            "final {final_payout} {} (quoted {})",
            order.currency, order.estimated_payout.0
        ))
        .setting(
            pickup_order::Column::FinalPayout,
            Expr::value(DbDecimal(final_payout)),
        );
    let mut order_after = transition::apply(&txn, &order, inspected).await?;
    let tolerance = state.config.orders.inspection_tolerance;
    if !within_tolerance(order.estimated_payout.0, final_payout, tolerance) {
        let ask = Change::by(&party, &order, Transition::AskCustomer, now)
            .recorded(stamp.recorded_at())
            .because("the final price is outside the tolerance of the quote");
        order_after = transition::apply(&txn, &order_after, ask).await?;
    }
    stamp.remember(&txn, order.id, now).await?;
    commit_and_announce(state, txn, order_after, Vec::new()).await
}

/// Checks the state and the actor before any work: FORBIDDEN for anyone but the assigned
/// collector, INVALID_STATE before arrival.
fn may_inspect(order: &pickup_order::Model, party: &Party) -> AppResult<()> {
    OrderStatus::from(order.status)
        .apply(Transition::InspectWithinTolerance, party.actor())
        .map(|_| ())
        .map_err(|e| match e {
            TransitionError::NotAllowed { .. } => AppError::Forbidden,
            TransitionError::InvalidState { from, .. } => {
                AppError::InvalidState(format!("the order is {from}; inspect it after arriving"))
            }
        })
}

/// The inspected lines by order line id, each with its position in the input (for
/// error paths); VALIDATION for a line that is not the order's.
fn match_lines(
    lines: &[order_line::Model],
    inspected: Vec<InspectedLine>,
) -> AppResult<HashMap<Uuid, (usize, InspectedLine)>> {
    let mut found = HashMap::new();
    for (index, line) in inspected.into_iter().enumerate() {
        if !lines.iter().any(|l| l.id == line.line_id) {
            return Err(AppError::validation(
                format!("input.lines[{index}].lineId"),
                "is not a line of this order",
            ));
        }
        found.insert(line.line_id, (index, line));
    }
    Ok(found)
}

/// Prices `line` again with what the collector found (input position `index`) and the
/// quote's own table, records the difference, and returns the final amount.
async fn reprice_line(
    conn: &impl ConnectionTrait,
    line: &order_line::Model,
    index: usize,
    actual: InspectedLine,
    table: &PriceTable,
    context: &PricingContext,
) -> AppResult<Decimal> {
    let field = |name: &str| format!("input.lines[{index}].{name}");
    let mut item: PricingItem = serde_json::from_value(
        line.item.get("priced").cloned().unwrap_or_default(),
    )
    .map_err(|e| AppError::Internal(anyhow::anyhow!("order line {} evidence: {e}", line.id)))?;
    if let Some(condition) = actual.condition {
        item.assessment = Some(Assessment::Condition(condition));
    }
    if let Some(weight) = actual.weight_kg {
        item.weight_kg = Some(weight);
        if let Some(battery) = item.battery.as_mut() {
            battery.weight_kg = weight;
        }
    }
    let serial = actual
        .serial_number
        .as_deref()
        .map(|raw| check_serial(raw, &item.category.code))
        .transpose()
        .map_err(|e| AppError::validation(field("serialNumber"), e.0))?;
    let priced = price_line(&item, table, context)
        .map_err(|e| AppError::validation(field("weightKg"), e.to_string()))?;
    let inspection = json!({
        "method": priced.method, "breakdown": priced.breakdown,
        "difference": (priced.amount - line.quoted_amount.0).to_string(),
    });
    let mut row = line.clone().into_active_model();
    row.final_amount = Set(Some(DbDecimal(priced.amount)));
    row.condition = Set(actual.condition.map(|c| c.as_str().to_owned()));
    row.weight_kg = Set(actual.weight_kg.map(DbDecimal));
    if let Some(serial) = serial {
        row.serial_number = Set(Some(serial.as_str().to_owned()));
    }
    row.photo_refs = Set(json!(actual.photo_refs));
    row.inspection = Set(Some(inspection));
    row.update(conn).await?;
    Ok(priced.amount)
}

/// `amount`, or zero when the line's serial is on the blocklist: the device is taken
/// out of circulation (it still goes into custody, flagged) but not paid for, the line
/// says why, and the partner that reported it is told.
async fn unless_blocked(
    state: &AppState,
    conn: &impl ConnectionTrait,
    party: &Party,
    order: &pickup_order::Model,
    line_id: Uuid,
    amount: Decimal,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<Decimal> {
    let Some(line) = order_line::Entity::find_by_id(line_id).one(conn).await? else {
        return Ok(amount);
    };
    let Some(serial) = line.serial_number.clone() else {
        return Ok(amount);
    };
    let who = Screening {
        actor_user_id: party.actor_user(),
        partner_id: None,
    };
    let context = CheckContext::Inspection { order_id: order.id };
    let Some(listed) = listing_of(conn, &state.server_key, &serial, context, who, now).await?
    else {
        return Ok(amount);
    };
    let why = format!(
        "this device is reported {} to reloop's blocklist: it is taken out of circulation and not paid for",
        listed.reason
    );
    let mut inspection = line.inspection.clone().unwrap_or_else(|| json!({}));
    inspection["blocked"] =
        json!({"reason": listed.reason, "message": why, "blockedDeviceId": listed.id});
    let mut row = line.into_active_model();
    row.final_amount = Set(Some(DbDecimal(Decimal::ZERO)));
    row.inspection = Set(Some(inspection));
    row.update(conn).await?;
    if let Some(partner_id) = listed.partner_id {
        let data = json!({"blockedDeviceId": listed.id, "serialNumber": listed.serial_number,
                          "reason": listed.reason, "orderNumber": order.number, "foundAt": now});
        outbox::enqueue(
            conn,
            partner_id,
            WebhookEventType::BlockedDeviceFound,
            data,
            now,
        )
        .await?;
    }
    Ok(Decimal::ZERO)
}

/// Checks the trace code read at the door (input position `index`) against the quoted
/// one: VALIDATION when it does not parse in the quoted scheme; otherwise it is kept on
/// the line (the item goes into custody with the code on its label), and a code that
/// differs, or is missing where the quote had one, is recorded as a discrepancy that holds
/// the payout until an operator resolves it.
async fn check_trace_code(
    conn: &impl ConnectionTrait,
    order: &pickup_order::Model,
    line: &order_line::Model,
    index: usize,
    read: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let quoted = line
        .item
        .pointer("/reference/traceCode")
        .and_then(|t| t.as_str());
    let scheme = line
        .item
        .pointer("/reference/traceCodeScheme")
        .and_then(|t| t.as_str())
        .and_then(|s| s.parse::<TraceScheme>().ok());
    let read = read
        .filter(|raw| !raw.trim().is_empty())
        .map(|raw| TraceCode::parse(raw, scheme))
        .transpose()
        .map_err(|e| AppError::validation(format!("input.lines[{index}].traceCode"), e.0))?;
    if let Some(code) = &read {
        let mut row = order_line::Entity::find_by_id(line.id)
            .one(conn)
            .await?
            .ok_or(AppError::NotFound("order line"))?;
        let mut inspection = row.inspection.take().unwrap_or_else(|| json!({}));
        inspection["traceCode"] = json!(code.as_str());
        inspection["traceCodeScheme"] = json!(code.scheme().as_str());
        let mut active = row.into_active_model();
        active.inspection = Set(Some(inspection));
        active.update(conn).await?;
    }
    let Some((expected, found)) = trace_code_mismatch(quoted, read.as_ref().map(TraceCode::as_str))
    else {
        return Ok(());
    };
    let detail = match found {
        Some(_) => format!(
            "line {}: the trace code on the label differs from the quoted one",
            line.position + 1
        ),
        None => format!(
            "line {}: no trace code was read where the quote had one",
            line.position + 1
        ),
    };
    discrepancies::record(
        conn,
        Found {
            kind: DiscrepancyKind::TraceCodeAtInspection,
            order_id: order.id,
            order_line_id: Some(line.id),
            item_id: None,
            transfer_id: None,
            detail,
            expected: expected.map(str::to_owned),
            found: found.map(str::to_owned),
        },
        now,
    )
    .await?;
    Ok(())
}

/// Keeps a line that was not inspected at its quoted amount, and returns it.
async fn keep_quoted(conn: &impl ConnectionTrait, line: &order_line::Model) -> AppResult<Decimal> {
    let mut row = line.clone().into_active_model();
    row.final_amount = Set(Some(line.quoted_amount));
    row.condition = Set(None);
    row.weight_kg = Set(None);
    row.update(conn).await?;
    Ok(line.quoted_amount.0)
}
