//! Settling payouts: an operator (or the partner that booked the order) records that the
//! payout was paid or failed, with the payment's reference. The customer sees it on the
//! order, the booking partner gets a PAYOUT webhook, in the same transaction. A payout
//! held by an open trace-code discrepancy cannot be marked PAID until it is resolved.

use entity::{payout, pickup_order};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::access::Party;
use super::completion::payout_event;
use super::lifecycle::{commit_and_announce, load};
use crate::domain::order::PayoutStatus;
use crate::domain::partner::WebhookEventType;
use crate::error::{AppError, AppResult};
use crate::services::discrepancies;
use crate::services::partners::outbox;
use crate::state::AppState;

/// Records the payout of `order_id` as `outcome` (PAID or FAILED) with `reference`.
#[tracing::instrument(skip_all, fields(%order_id, outcome = %outcome))]
pub async fn settle_payout(
    state: &AppState,
    party: Party,
    order_id: Uuid,
    outcome: PayoutStatus,
    reference: String,
) -> AppResult<pickup_order::Model> {
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    // Visibility first (NOT_FOUND), then the role (FORBIDDEN).
    let order = load(&txn, &party, order_id).await?;
    if !matches!(party, Party::Operator { .. } | Party::Partner { .. }) {
        return Err(AppError::Forbidden);
    }
    let row = payout::Entity::find()
        .filter(payout::Column::OrderId.eq(order.id))
        .one(&txn)
        .await?
        .ok_or_else(|| AppError::InvalidState("the order has no payout yet".to_owned()))?;
    if outcome == PayoutStatus::Paid {
        let holds = discrepancies::payout_holds(&txn, order.id).await?;
        if let Some(hold) = holds.first() {
            return Err(AppError::InvalidState(format!(
                "the payout is held until an operator resolves discrepancy {} ({})",
                hold.id, hold.detail
            )));
        }
    }
    let current = PayoutStatus::from(row.status);
    if !current.may_settle_as(outcome) {
        return Err(AppError::InvalidState(format!(
            "the payout is {current}; it cannot become {outcome}"
        )));
    }
    let paid_at = (outcome == PayoutStatus::Paid).then_some(now);
    let settled = payout::Entity::update_many()
        .col_expr(payout::Column::Status, Expr::value(outcome))
        .col_expr(payout::Column::Reference, Expr::value(reference.clone()))
        .col_expr(payout::Column::SettledAt, Expr::value(now))
        .col_expr(payout::Column::PaidAt, Expr::value(paid_at))
        .filter(payout::Column::Id.eq(row.id))
        .filter(payout::Column::Status.eq(current))
        .exec(&txn)
        .await?;
    if settled.rows_affected != 1 {
        return Err(AppError::Conflict(
            "the payout changed meanwhile; read it again".to_owned(),
        ));
    }
    if let Some(partner_id) = order.partner_id {
        let data = payout_event(&order, row.amount.0, outcome, Some(&reference));
        outbox::enqueue(&txn, partner_id, WebhookEventType::Payout, data, now).await?;
    }
    commit_and_announce(state, txn, order, Vec::new()).await
}
