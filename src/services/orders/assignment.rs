//! Operator assignment: an operator gives an order to a collector (taking it from a
//! previous one first), or sends it back to dispatch. The collector must be fit for the
//! order as dispatch would require (certifications, capacity, no overlapping pickup);
//! an operator may override that with a reason, which is audited. A verified collector
//! is always required.

use entity::{collector, pickup_order};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;
use std::collections::BTreeSet;
use uuid::Uuid;

use super::access::Party;
use super::lifecycle::{commit_and_announce, load};
use super::transition::{self, Change};
use crate::domain::dispatch::Fitness;
use crate::domain::order::{OrderStatus, Transition};
use crate::error::{AppError, AppResult};
use crate::services::catalog::audit;
use crate::state::AppState;

/// What an operator asks for.
#[derive(Clone, Debug, Default)]
pub struct Assignment {
    /// The collector to give the order to; None sends it back to dispatch.
    pub collector_id: Option<Uuid>,
    /// Assign although the collector is not fit for the order, and why.
    pub override_reason: Option<String>,
}

/// Applies `assignment` to the order.
#[tracing::instrument(skip_all, fields(%order_id))]
pub async fn assign_collector(
    state: &AppState,
    party: Party,
    order_id: Uuid,
    assignment: Assignment,
) -> AppResult<pickup_order::Model> {
    let Party::Operator { user_id } = party else {
        return Err(AppError::Forbidden);
    };
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let mut order = load(&txn, &party, order_id).await?;
    if let Some(id) = assignment.collector_id {
        let shortcomings = fitness(&txn, id, &order).await?;
        if !shortcomings.is_empty() {
            let Some(reason) = &assignment.override_reason else {
                return Err(AppError::validation(
                    "collectorId",
                    format!(
                        "{}; give an overrideReason to assign anyway",
                        shortcomings.join("; ")
                    ),
                ));
            };
            let details =
                json!({"collectorId": id, "shortcomings": shortcomings, "reason": reason});
            audit::record(
                &txn,
                user_id,
                "order.assign_override",
                "pickup_order",
                &order.id.to_string(),
                details,
                now,
            )
            .await?;
        }
    }
    let mut withdrawn = Vec::new();
    if matches!(
        OrderStatus::from(order.status),
        OrderStatus::Assigned | OrderStatus::EnRoute
    ) {
        withdrawn.extend(transition::withdraw_accepted_offer(&txn, &order, now).await?);
        let back = Change::by(&party, &order, Transition::Redispatch, now)
            .because("reassigned by an operator")
            .setting(
                pickup_order::Column::CollectorId,
                Expr::value(Option::<Uuid>::None),
            );
        order = transition::apply(&txn, &order, back).await?;
    } else if assignment.collector_id.is_none() {
        return Err(AppError::InvalidState(
            "the order has no collector to take back".to_owned(),
        ));
    }
    let Some(id) = assignment.collector_id else {
        return commit_and_announce(state, txn, order, withdrawn).await;
    };
    let assign = Change::by(&party, &order, Transition::Assign, now)
        .because("assigned by an operator")
        .setting(pickup_order::Column::CollectorId, Expr::value(id));
    let applied = transition::apply_with_effects(&txn, &order, assign).await?;
    withdrawn.extend(applied.withdrawn);
    commit_and_announce(state, txn, applied.order, withdrawn).await
}

/// Why `collector_id` may not take `order`: VALIDATION when it is no verified collector
/// (never overridable), else the shortcomings dispatch would hold against it.
async fn fitness(
    conn: &impl ConnectionTrait,
    collector_id: Uuid,
    order: &pickup_order::Model,
) -> AppResult<Vec<String>> {
    let profile = collector::Entity::find_by_id(collector_id)
        .one(conn)
        .await?
        .filter(|c| c.verified)
        .ok_or_else(|| AppError::validation("collectorId", "is not a verified collector"))?;
    let overlapping = pickup_order::Entity::find()
        .filter(pickup_order::Column::CollectorId.eq(collector_id))
        .filter(pickup_order::Column::Id.ne(order.id))
        .filter(pickup_order::Column::Status.is_in(OrderStatus::occupying()))
        .filter(pickup_order::Column::WindowStart.lt(order.window_end))
        .filter(pickup_order::Column::WindowEnd.gt(order.window_start))
        .one(conn)
        .await?
        .is_some();
    let held: BTreeSet<String> =
        serde_json::from_value(profile.certifications.clone()).unwrap_or_default();
    let required: BTreeSet<String> =
        serde_json::from_value(order.required_certifications.clone()).unwrap_or_default();
    Ok(Fitness {
        verified: profile.verified,
        held: &held,
        required: &required,
        capacity_kg: profile.capacity_kg.map(|c| c.0),
        weight_kg: order.total_weight_kg.0,
        overlapping,
    }
    .shortcomings())
}
