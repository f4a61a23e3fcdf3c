//! Operator assignment: an operator gives an order to a collector (taking it from a
//! previous one first), or sends it back to dispatch.

use entity::{collector, pickup_order};
use sea_orm::sea_query::Expr;
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use super::access::Party;
use super::lifecycle::{commit_and_announce, load};
use super::transition::{self, Change};
use crate::domain::order::{OrderStatus, Transition};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Gives the order to `collector_id`, or with None sends it back to dispatch.
#[tracing::instrument(skip_all, fields(%order_id))]
pub async fn assign_collector(
    state: &AppState,
    party: Party,
    order_id: Uuid,
    collector_id: Option<Uuid>,
) -> AppResult<pickup_order::Model> {
    if !matches!(party, Party::Operator { .. }) {
        return Err(AppError::Forbidden);
    }
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let mut order = load(&txn, &party, order_id).await?;
    if let Some(id) = collector_id {
        require_verified(&txn, id).await?;
    }
    if matches!(
        OrderStatus::from(order.status),
        OrderStatus::Assigned | OrderStatus::EnRoute
    ) {
        let back = Change::by(&party, &order, Transition::Redispatch, now)
            .because("reassigned by an operator")
            .setting(
                pickup_order::Column::CollectorId,
                Expr::value(Option::<Uuid>::None),
            );
        order = transition::apply(&txn, &order, back).await?;
    } else if collector_id.is_none() {
        return Err(AppError::InvalidState(
            "the order has no collector to take back".to_owned(),
        ));
    }
    let Some(id) = collector_id else {
        return commit_and_announce(state, txn, order, Vec::new()).await;
    };
    let assign = Change::by(&party, &order, Transition::Assign, now)
        .because("assigned by an operator")
        .setting(pickup_order::Column::CollectorId, Expr::value(id));
    let applied = transition::apply_with_effects(&txn, &order, assign).await?;
    commit_and_announce(state, txn, applied.order, applied.withdrawn).await
}

/// VALIDATION unless `collector_id` is a verified collector.
async fn require_verified(conn: &impl ConnectionTrait, collector_id: Uuid) -> AppResult<()> {
    let verified = collector::Entity::find_by_id(collector_id)
        .one(conn)
        .await?
        .is_some_and(|c| c.verified);
    if verified {
        Ok(())
    } else {
        Err(AppError::validation(
            "collectorId",
            "is not a verified collector",
        ))
    }
}
