//! The one way an order changes state: check the state machine, update the row only if
//! its version is still the one read (optimistic concurrency), append an event. Runs in
//! the caller's transaction; the caller publishes after commit.

use chrono::{DateTime, Utc};
use entity::{job_offer, order_event, pickup_order};
use sea_orm::sea_query::{Expr, InsertStatement, SimpleExpr};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryTrait, Set};
use uuid::Uuid;

use super::access::Party;
use crate::domain::Role;
use crate::domain::dispatch::OfferStatus;
use crate::domain::geo::GeoPoint;
use crate::domain::order::{Actor, OrderStatus, Transition, TransitionError};
use crate::domain::partner::WebhookEventType;
use crate::error::{AppError, AppResult};
use crate::infra::order_signals::WithdrawnOffer;
use crate::services::partners::outbox;

/// One requested change, built from who acts and what happens, then refined with
/// [`Change::because`], [`Change::at_location`] and [`Change::setting`].
pub struct Change {
    /// What happens.
    pub transition: Transition,
    /// Who does it, for the state machine.
    pub actor: Actor,
    /// The acting user, if any (None for the system and partners).
    pub actor_user: Option<Uuid>,
    /// The acting role, recorded in the event (None for the system).
    pub actor_role: Option<Role>,
    /// Why (cancellations, failures).
    pub reason: Option<String>,
    /// Where it happened (collector steps).
    pub location: Option<GeoPoint>,
    /// When.
    pub at: DateTime<Utc>,
    /// When the collector's device says it happened (offline replays).
    pub recorded_at: Option<DateTime<Utc>>,
    /// Further columns to set in the same update.
    pub sets: Vec<(pickup_order::Column, SimpleExpr)>,
}

impl Change {
    /// `party` does `transition` to `order` at `at`.
    pub fn by(
        party: &Party,
        order: &pickup_order::Model,
        transition: Transition,
        at: DateTime<Utc>,
    ) -> Self {
        Self {
            actor: party.actor(),
            actor_user: party.actor_user(),
            actor_role: Some(party.role(order)),
            ..Self::by_system(transition, at)
        }
    }

    /// reloop itself (dispatcher, sweeper) does `transition` at `at`.
    pub fn by_system(transition: Transition, at: DateTime<Utc>) -> Self {
        Self {
            transition,
            actor: Actor::System,
            actor_user: None,
            actor_role: None,
            reason: None,
            location: None,
            at,
            recorded_at: None,
            sets: Vec::new(),
        }
    }

    /// Records why.
    pub fn because(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// Records where.
    pub fn at_location(mut self, location: Option<GeoPoint>) -> Self {
        self.location = location;
        self
    }

    /// Records the device's time of the step (already checked against the server's).
    pub fn recorded(mut self, recorded_at: Option<DateTime<Utc>>) -> Self {
        self.recorded_at = recorded_at;
        self
    }

    /// Also sets `column` to `value` in the same conditional update.
    pub fn setting(mut self, column: pickup_order::Column, value: impl Into<SimpleExpr>) -> Self {
        self.sets.push((column, value.into()));
        self
    }
}

/// The outcome of a transition.
pub struct Applied {
    /// The order after the change.
    pub order: pickup_order::Model,
    /// Offers withdrawn because the order left dispatch.
    pub withdrawn: Vec<WithdrawnOffer>,
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
    let from = OrderStatus::from(order.status);
    let to = from
        .apply(change.transition, change.actor)
        .map_err(|err| match err {
            TransitionError::InvalidState { .. } => {
                AppError::InvalidState(format!("the order is {from}; that is not possible now"))
            }
            TransitionError::NotAllowed { .. } => AppError::Forbidden,
        })?;
    let event = NewEvent {
        order_id: order.id,
        sequence: order.version + 1,
        from: Some(from),
        to,
        reason: change.reason,
        location: change.location,
        actor_user: change.actor_user,
        actor_role: change.actor_role,
        at: change.at,
        recorded_at: change.recorded_at,
    };
    update_if_unchanged(conn, order, &event, change.sets).await?;
    if let Some(partner_id) = order.partner_id {
        notify_partner(conn, order, partner_id, &event).await?;
    }
    record_event(conn, event).await?;
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

/// Moves the row to `event.to` and version `event.sequence` (plus `sets`), only if it is
/// still at the version read: CONFLICT when someone else changed it meanwhile.
async fn update_if_unchanged(
    conn: &impl ConnectionTrait,
    order: &pickup_order::Model,
    event: &NewEvent,
    sets: Vec<(pickup_order::Column, SimpleExpr)>,
) -> AppResult<()> {
    let mut update = pickup_order::Entity::update_many()
        .col_expr(pickup_order::Column::Status, Expr::value(event.to))
        .col_expr(pickup_order::Column::Version, Expr::value(event.sequence))
        .col_expr(pickup_order::Column::UpdatedAt, Expr::value(event.at));
    for (column, value) in sets {
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
    Ok(())
}

/// Writes the partner's webhook events for a transition into the outbox, in the same
/// transaction: every status change, and the dispatch outcome when there is one.
pub(super) async fn notify_partner(
    conn: &impl ConnectionTrait,
    order: &pickup_order::Model,
    partner_id: Uuid,
    event: &NewEvent,
) -> AppResult<()> {
    let (from, to, at) = (event.from, event.to, event.at);
    let data = serde_json::json!({
        "orderId": order.id, "number": order.number, "externalReference": order.external_reference,
        "fromStatus": from.map(OrderStatus::as_str), "toStatus": to.as_str(), "version": event.sequence,
        "reason": event.reason, "at": at,
    });
    outbox::enqueue(
        conn,
        partner_id,
        WebhookEventType::OrderStatusChanged,
        data.clone(),
        at,
    )
    .await?;
    if from == Some(OrderStatus::Dispatching)
        && matches!(to, OrderStatus::Assigned | OrderStatus::Unfulfilled)
    {
        outbox::enqueue(conn, partner_id, WebhookEventType::OfferOutcome, data, at).await?;
    }
    Ok(())
}

/// Marks the order's PENDING offers WITHDRAWN and returns them.
pub async fn withdraw_pending_offers(
    conn: &impl ConnectionTrait,
    order_id: Uuid,
    at: DateTime<Utc>,
) -> AppResult<Vec<WithdrawnOffer>> {
    let pending = job_offer::Entity::find()
        .filter(job_offer::Column::OrderId.eq(order_id))
        .filter(job_offer::Column::Status.eq(OfferStatus::Pending))
        .all(conn)
        .await?;
    if pending.is_empty() {
        return Ok(Vec::new());
    }
    job_offer::Entity::update_many()
        .col_expr(
            job_offer::Column::Status,
            Expr::value(OfferStatus::Withdrawn),
        )
        .col_expr(job_offer::Column::RespondedAt, Expr::value(at))
        .filter(job_offer::Column::OrderId.eq(order_id))
        .filter(job_offer::Column::Status.eq(OfferStatus::Pending))
        .exec(conn)
        .await?;
    Ok(pending
        .into_iter()
        .map(|o| WithdrawnOffer {
            offer_id: o.id,
            collector_id: o.collector_id,
        })
        .collect())
}

/// One event row to append: the order's trail of who moved it where, when and why.
pub struct NewEvent {
    /// The order.
    pub order_id: Uuid,
    /// The order's version after the change.
    pub sequence: i32,
    /// The state before (None at creation).
    pub from: Option<OrderStatus>,
    /// The state after.
    pub to: OrderStatus,
    /// Why.
    pub reason: Option<String>,
    /// Where (collector steps).
    pub location: Option<GeoPoint>,
    /// The acting user (None for the system and partners).
    pub actor_user: Option<Uuid>,
    /// The acting role (None for the system).
    pub actor_role: Option<Role>,
    /// When.
    pub at: DateTime<Utc>,
    /// When the collector's device says it happened, if it said.
    pub recorded_at: Option<DateTime<Utc>>,
}

/// Appends `event` to its order's trail.
pub async fn record_event(conn: &impl ConnectionTrait, event: NewEvent) -> AppResult<()> {
    record_events(conn, vec![event]).await
}

/// Appends `events` in one statement (a booking's first two steps).
pub async fn record_events(conn: &impl ConnectionTrait, events: Vec<NewEvent>) -> AppResult<()> {
    if let Some(insert) = events_insert(events) {
        conn.execute(&insert).await?;
    }
    Ok(())
}

/// The statement inserting `events` (none for no events).
pub(super) fn events_insert(events: Vec<NewEvent>) -> Option<InsertStatement> {
    if events.is_empty() {
        return None;
    }
    let rows = events.into_iter().map(|event| order_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        order_id: Set(event.order_id),
        sequence: Set(event.sequence),
        from_status: Set(event.from.map(Into::into)),
        to_status: Set(event.to.into()),
        actor_user_id: Set(event.actor_user),
        actor_role: Set(event.actor_role.map(Into::into)),
        reason: Set(event.reason),
        latitude: Set(event.location.map(|l| l.latitude)),
        longitude: Set(event.location.map(|l| l.longitude)),
        at: Set(event.at),
        recorded_at: Set(event.recorded_at),
    });
    Some(order_event::Entity::insert_many(rows).into_query())
}

/// The accepted offer of the collector holding `order` (None when an operator assigned
/// it), as the notice its holder gets when the order is taken from them.
pub async fn accepted_offer(
    conn: &impl ConnectionTrait,
    order: &pickup_order::Model,
) -> AppResult<Option<WithdrawnOffer>> {
    let Some(holder) = order.collector_id else {
        return Ok(None);
    };
    Ok(job_offer::Entity::find()
        .filter(job_offer::Column::OrderId.eq(order.id))
        .filter(job_offer::Column::CollectorId.eq(holder))
        .filter(job_offer::Column::Status.eq(OfferStatus::Accepted))
        .one(conn)
        .await?
        .map(|offer| WithdrawnOffer {
            offer_id: offer.id,
            collector_id: holder,
        }))
}

/// [`accepted_offer`], marked WITHDRAWN: an operator took the order back, and the
/// collector may be asked again later.
pub async fn withdraw_accepted_offer(
    conn: &impl ConnectionTrait,
    order: &pickup_order::Model,
    now: DateTime<Utc>,
) -> AppResult<Option<WithdrawnOffer>> {
    let Some(offer) = accepted_offer(conn, order).await? else {
        return Ok(None);
    };
    job_offer::Entity::update_many()
        .col_expr(
            job_offer::Column::Status,
            Expr::value(OfferStatus::Withdrawn),
        )
        .col_expr(job_offer::Column::RespondedAt, Expr::value(now))
        .filter(job_offer::Column::Id.eq(offer.offer_id))
        .exec(conn)
        .await?;
    Ok(Some(offer))
}
