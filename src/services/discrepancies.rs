//! Discrepancies: recorded where they are found (a weight at receipt, a trace code at
//! the door), resolved by an operator with a word on how (audited), and asked about
//! before a payout is paid.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::discrepancy;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use crate::domain::discrepancy::{DiscrepancyKind, Resolution};
use crate::error::{AppError, AppResult};
use crate::services::catalog::audit;
use crate::state::AppState;

/// What was found, and where.
#[derive(Clone, Debug)]
pub struct Found {
    /// What did not match.
    pub kind: DiscrepancyKind,
    /// The order.
    pub order_id: Uuid,
    /// The order line (at the door).
    pub order_line_id: Option<Uuid>,
    /// The custody item (after collection).
    pub item_id: Option<Uuid>,
    /// The transfer (at receipt).
    pub transfer_id: Option<Uuid>,
    /// What differs, in words.
    pub detail: String,
    /// What was expected.
    pub expected: Option<String>,
    /// What was found.
    pub found: Option<String>,
}

/// Records `found` in the caller's transaction.
pub async fn record(
    conn: &impl ConnectionTrait,
    found: Found,
    now: DateTime<Utc>,
) -> AppResult<discrepancy::Model> {
    Ok(discrepancy::ActiveModel {
        id: Set(Uuid::new_v4()),
        kind: Set(found.kind.as_str().to_owned()),
        order_id: Set(found.order_id),
        item_id: Set(found.item_id),
        order_line_id: Set(found.order_line_id),
        transfer_id: Set(found.transfer_id),
        detail: Set(found.detail),
        expected: Set(found.expected),
        found: Set(found.found),
        created_at: Set(now),
        resolved_at: Set(None),
        resolved_by: Set(None),
        resolution: Set(None),
    }
    .insert(conn)
    .await?)
}

/// The open discrepancies of `order_id` that keep its payout from being paid.
pub async fn payout_holds(
    conn: &impl ConnectionTrait,
    order_id: Uuid,
) -> AppResult<Vec<discrepancy::Model>> {
    let open = discrepancy::Entity::find()
        .filter(discrepancy::Column::OrderId.eq(order_id))
        .filter(discrepancy::Column::ResolvedAt.is_null())
        .all(conn)
        .await?;
    Ok(open.into_iter().filter(holds_payout).collect())
}

/// Whether `found` is of a kind that holds the payout.
fn holds_payout(found: &discrepancy::Model) -> bool {
    found
        .kind
        .parse::<DiscrepancyKind>()
        .is_ok_and(DiscrepancyKind::holds_payout)
}

/// Which of `order_ids` have an open discrepancy holding their payout (one query for a
/// page of orders); orders without one are absent.
pub async fn payouts_held(
    conn: &impl ConnectionTrait,
    order_ids: &[Uuid],
) -> AppResult<HashMap<Uuid, bool>> {
    let open = discrepancy::Entity::find()
        .filter(discrepancy::Column::OrderId.is_in(order_ids.iter().copied()))
        .filter(discrepancy::Column::ResolvedAt.is_null())
        .all(conn)
        .await?;
    Ok(open
        .into_iter()
        .filter(holds_payout)
        .map(|d| (d.order_id, true))
        .collect())
}

/// Clears a discrepancy with the operator's `resolution` (audited): NOT_FOUND for an
/// unknown one, INVALID_STATE when it was already resolved (also when two operators
/// resolve it at once: the second finds it resolved).
#[tracing::instrument(skip_all, fields(%discrepancy_id))]
pub async fn resolve(
    state: &AppState,
    operator: Uuid,
    discrepancy_id: Uuid,
    resolution: &Resolution,
) -> AppResult<discrepancy::Model> {
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let found = discrepancy::Entity::find_by_id(discrepancy_id)
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("discrepancy"))?;
    let already = || AppError::InvalidState("the discrepancy was already resolved".to_owned());
    if found.resolved_at.is_some() {
        return Err(already());
    }
    let changed = discrepancy::Entity::update_many()
        .col_expr(discrepancy::Column::ResolvedAt, Expr::value(now))
        .col_expr(discrepancy::Column::ResolvedBy, Expr::value(operator))
        .col_expr(
            discrepancy::Column::Resolution,
            Expr::value(resolution.as_str()),
        )
        .filter(discrepancy::Column::Id.eq(discrepancy_id))
        .filter(discrepancy::Column::ResolvedAt.is_null())
        .exec(&txn)
        .await?;
    if changed.rows_affected != 1 {
        return Err(already());
    }
    let details = json!({"kind": found.kind, "orderId": found.order_id,
                         "expected": found.expected, "found": found.found,
                         "resolution": resolution.as_str()});
    audit::record(
        &txn,
        operator,
        "discrepancy.resolve",
        "discrepancy",
        &discrepancy_id.to_string(),
        details,
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(discrepancy::Model {
        resolved_at: Some(now),
        resolved_by: Some(operator),
        resolution: Some(resolution.as_str().to_owned()),
        ..found
    })
}
