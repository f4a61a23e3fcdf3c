//! The one way an order changes state: check the state machine, update the row only if
//! its version is still the one read (optimistic concurrency), append an event. Runs in
//! the caller's transaction; the caller publishes after commit.

use chrono::{DateTime, Utc};
use entity::{job_offer, order_event, pickup_order};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::domain::Role;
use crate::domain::dispatch::OfferStatus;
use crate::domain::geo::GeoPoint;
use crate::domain::order::{Actor, OrderStatus, Transition, TransitionError};
use crate::domain::partner::WebhookEventType;
use crate::error::{AppError, AppResult};
use crate::services::partners::outbox;

/// One requested change.
pub struct Change {
    /// What happens.
    pub transition: Transition,
    /// Who does it, for the state machine.
    pub actor: Actor,
    /// The acting user, if any (None for the system).
    pub actor_user: Option<Uuid>,
    /// The acting role, recorded in the event.
    pub actor_role: Option<Role>,
    /// Why (cancellations, failures).
    pub reason: Option<String>,
    /// Where it happened (collector steps).
    pub location: Option<GeoPoint>,
    /// When.
    pub at: DateTime<Utc>,
    /// Further columns to set in the same update.
    pub sets: Vec<(pickup_order::Column, SimpleExpr)>,
}

impl Change {
    /// A change with no location and no extra columns.
    pub fn new(
        transition: Transition,
        actor: Actor,
        actor_user: Option<Uuid>,
        actor_role: Option<Role>,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            transition,
            actor,
            actor_user,
            actor_role,
            reason: None,
            location: None,
            at,
            sets: Vec::new(),
        }
    }
}

/// The stored status of `order`.
pub fn status_of(order: &pickup_order::Model) -> AppResult<OrderStatus> {
    order
        .status
        .parse()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("stored order status: {e}")))
}

/// The outcome of a transition.
pub struct Applied {
    /// The order after the change.
    pub order: pickup_order::Model,
    /// Offers withdrawn because the order left dispatch: (offer, collector).
    pub withdrawn: Vec<(Uuid, Uuid)>,
}

/// Applies `change` to `order` (as read in this transaction) and returns the new row.
pub async fn apply(
    conn: &impl ConnectionTrait,
    order: &pickup_order::Model,
    change: Change,
) -> AppResult<pickup_order::Model> {
    Ok(apply_with_effects(conn, order, change).await?.order)
}

/// [`apply`], also returning the offers it withdrew: leaving DISPATCHING withdraws every
/// offer still pending, so the caller can tell their holders after commit.
pub async fn apply_with_effects(
    conn: &impl ConnectionTrait,
    order: &pickup_order::Model,
    change: Change,
) -> AppResult<Applied> {
    let from = status_of(order)?;
    let to = from
        .apply(change.transition, change.actor)
        .map_err(|err| match err {
            TransitionError::InvalidState { .. } => {
                AppError::InvalidState(format!("the order is {from}; that is not possible now"))
            }
            TransitionError::NotAllowed { .. } => AppError::Forbidden,
        })?;
    let next_version = order.version + 1;
    let mut update = pickup_order::Entity::update_many()
        .col_expr(pickup_order::Column::Status, Expr::value(to.as_str()))
        .col_expr(pickup_order::Column::Version, Expr::value(next_version))
        .col_expr(pickup_order::Column::UpdatedAt, Expr::value(change.at));
    for (column, value) in change.sets {
        update = update.col_expr(column, value);
    }
    let updated = update
        .filter(pickup_order::Column::Id.eq(order.id))
        .filter(pickup_order::Column::Version.eq(order.version))
        .exec(conn)
        .await?;
    if updated.rows_affected != 1 {
        return Err(AppError::Conflict(
            "the order changed meanwhile; read it again".to_owned(),
        ));
    }
    record_event(
        conn,
        order.id,
        next_version,
        Some(from),
        to,
        &change.reason,
        change.location,
        change.actor_user,
        change.actor_role,
        change.at,
    )
    .await?;
    if let Some(partner_id) = order.partner_id {
        notify_partner(
            conn,
            order,
            partner_id,
            from,
            to,
            &change.reason,
            next_version,
            change.at,
        )
        .await?;
    }
    let withdrawn = if from == OrderStatus::Dispatching && to != OrderStatus::Dispatching {
        withdraw_pending_offers(conn, order.id, change.at).await?
    } else {
        Vec::new()
    };
    let order = pickup_order::Entity::find_by_id(order.id)
        .one(conn)
        .await?
        .ok_or(AppError::NotFound("pickup order"))?;
    Ok(Applied { order, withdrawn })
}

/// Writes the partner's webhook events for a transition into the outbox, in the same
/// transaction: every status change, and the dispatch outcome when there is one.
#[expect(clippy::too_many_arguments, reason = "the facts of one transition")]
async fn notify_partner(
    conn: &impl ConnectionTrait,
    order: &pickup_order::Model,
    partner_id: Uuid,
    from: OrderStatus,
    to: OrderStatus,
    reason: &Option<String>,
    version: i32,
    at: DateTime<Utc>,
) -> AppResult<()> {
    let data = serde_json::json!({
        "orderId": order.id, "number": order.number, "externalReference": order.external_reference,
        "fromStatus": from.as_str(), "toStatus": to.as_str(), "version": version, "reason": reason, "at": at,
    });
    outbox::enqueue(
        conn,
        partner_id,
        WebhookEventType::OrderStatusChanged,
        data.clone(),
        at,
    )
    .await?;
    if from == OrderStatus::Dispatching
        && matches!(to, OrderStatus::Assigned | OrderStatus::Unfulfilled)
    {
        outbox::enqueue(conn, partner_id, WebhookEventType::OfferOutcome, data, at).await?;
    }
    Ok(())
}

/// Marks the order's PENDING offers WITHDRAWN; returns (offer, collector) of each.
pub async fn withdraw_pending_offers(
    conn: &impl ConnectionTrait,
    order_id: Uuid,
    at: DateTime<Utc>,
) -> AppResult<Vec<(Uuid, Uuid)>> {
    let pending = job_offer::Entity::find()
        .filter(job_offer::Column::OrderId.eq(order_id))
        .filter(job_offer::Column::Status.eq(OfferStatus::Pending.as_str()))
        .all(conn)
        .await?;
    if pending.is_empty() {
        return Ok(Vec::new());
    }
    job_offer::Entity::update_many()
        .col_expr(
            job_offer::Column::Status,
            Expr::value(OfferStatus::Withdrawn.as_str()),
        )
        .col_expr(job_offer::Column::RespondedAt, Expr::value(at))
        .filter(job_offer::Column::OrderId.eq(order_id))
        .filter(job_offer::Column::Status.eq(OfferStatus::Pending.as_str()))
        .exec(conn)
        .await?;
    Ok(pending
        .into_iter()
        .map(|o| (o.id, o.collector_id))
        .collect())
}

/// Appends event number `sequence` (the order's version after the change).
#[expect(
    clippy::too_many_arguments,
    reason = "an event row is exactly these fields"
)]
pub async fn record_event(
    conn: &impl ConnectionTrait,
    order_id: Uuid,
    sequence: i32,
    from: Option<OrderStatus>,
    to: OrderStatus,
    reason: &Option<String>,
    location: Option<GeoPoint>,
    actor_user: Option<Uuid>,
    actor_role: Option<Role>,
    at: DateTime<Utc>,
) -> AppResult<()> {
    order_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        order_id: Set(order_id),
        sequence: Set(sequence),
        from_status: Set(from.map(|s| s.as_str().to_owned())),
        to_status: Set(to.as_str().to_owned()),
        actor_user_id: Set(actor_user),
        actor_role: Set(actor_role.map(|r| r.as_str().to_owned())),
        reason: Set(reason.clone()),
        latitude: Set(location.map(|l| l.latitude)),
        longitude: Set(location.map(|l| l.longitude)),
        at: Set(at),
    }
    .insert(conn)
    .await?;
    Ok(())
}
