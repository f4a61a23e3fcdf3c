//! `recordInspection`: re-prices every line with the same pricing function and the
//! quote's own evidence (its price table, not today's), records the difference, and
//! moves the order to INSPECTED, or on to AWAITING_CUSTOMER when the final total is
//! outside tolerance.

use std::collections::HashMap;

use entity::{DbDecimal, order_line, pickup_order, quote};
use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::access::Party;
use super::lifecycle::load;
use super::transition::{self, Change};
use super::updates::publish_order_update;
use crate::domain::order::{Transition, within_tolerance};
use crate::domain::pricing::{Assessment, Condition, PricingItem, price_line};
use crate::domain::quote::check_serial;
use crate::error::{AppError, AppResult};
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
    /// Photo references.
    pub photo_refs: Vec<String>,
}

/// Records the inspection of an ARRIVED order.
#[tracing::instrument(skip_all, fields(%order_id))]
pub async fn record_inspection(
    state: &AppState,
    party: Party,
    order_id: Uuid,
    inspected: Vec<InspectedLine>,
) -> AppResult<pickup_order::Model> {
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let order = load(&txn, &party, order_id).await?;
    // Checks the state and the actor before any work.
    transition::status_of(&order)?
        .apply(Transition::InspectWithinTolerance, party.actor())
        .map_err(|e| match e {
            crate::domain::order::TransitionError::NotAllowed { .. } => AppError::Forbidden,
            crate::domain::order::TransitionError::InvalidState { from, .. } => {
                AppError::InvalidState(format!("the order is {from}; inspect it after arriving"))
            }
        })?;
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
    let mut found: HashMap<Uuid, (usize, InspectedLine)> = HashMap::new();
    for (index, line) in inspected.into_iter().enumerate() {
        if !lines.iter().any(|l| l.id == line.line_id) {
            return Err(AppError::validation(
                format!("input.lines[{index}].lineId"),
                "is not a line of this order",
            ));
        }
        found.insert(line.line_id, (index, line));
    }

    let mut final_sum = Decimal::ZERO;
    for line in &lines {
        let Some((index, actual)) = found.remove(&line.id) else {
            final_sum += line.quoted_amount.0;
            update_line(&txn, line, line.quoted_amount.0, None, None).await?;
            continue;
        };
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
        let priced = price_line(&item, &table, &context)
            .map_err(|e| AppError::validation(field("weightKg"), e.to_string()))?;
        final_sum += priced.amount;
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
        row.update(&txn).await?;
    }
    let final_payout = final_sum - order.logistics_fee.0;
    let mut inspected_change = Change::new(
        Transition::InspectWithinTolerance,
        party.actor(),
        party.actor_user(),
        Some(party.role(&order)),
        now,
    );
    inspected_change.reason = Some(format!(
        "final {final_payout} {} (quoted {})",
        order.currency, order.estimated_payout.0
    ));
    inspected_change.sets.push((
        pickup_order::Column::FinalPayout,
        Expr::value(DbDecimal(final_payout)),
    ));
    let mut order_after = transition::apply(&txn, &order, inspected_change).await?;
    if !within_tolerance(
        order.estimated_payout.0,
        final_payout,
        state.config.orders.inspection_tolerance,
    ) {
        let mut ask = Change::new(
            Transition::AskCustomer,
            party.actor(),
            party.actor_user(),
            Some(party.role(&order)),
            now,
        );
        ask.reason = Some("the final price is outside the tolerance of the quote".to_owned());
        order_after = transition::apply(&txn, &order_after, ask).await?;
    }
    txn.commit().await?;
    publish_order_update(state, order_after.id, order_after.version).await;
    Ok(order_after)
}

/// Keeps a line that was not inspected at its quoted amount.
async fn update_line(
    conn: &impl sea_orm::ConnectionTrait,
    line: &order_line::Model,
    amount: Decimal,
    condition: Option<String>,
    weight: Option<Decimal>,
) -> AppResult<()> {
    let mut row = line.clone().into_active_model();
    row.final_amount = Set(Some(DbDecimal(amount)));
    row.condition = Set(condition);
    row.weight_kg = Set(weight.map(DbDecimal));
    row.update(conn).await?;
    Ok(())
}
