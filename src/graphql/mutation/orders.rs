//! Order mutations: booking, customer decisions and the collector's steps.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::guards::RoleGuard;
use crate::graphql::types::device::device_action;
use crate::graphql::types::order::{PayoutOutcomeGql, PickupOrder};
use crate::graphql::types::order_input::{
    BookPickupInput, CompletePickupInput, InspectionInput, TimeWindowInput,
};
use crate::services::orders::{self, Party};
use crate::state::AppState;

/// Order mutations.
#[derive(Default)]
pub struct OrderMutation;

/// The acting party and the order id; a malformed id names nothing (NOT_FOUND).
async fn actor(ctx: &Context<'_>, order_id: &ID) -> Result<(Party, Uuid), AppError> {
    let state = ctx.state()?;
    let party = Party::of(&state.db, ctx.viewer()).await?;
    let id = Uuid::parse_str(order_id).map_err(|_| AppError::NotFound("pickup order"))?;
    Ok((party, id))
}

fn reason_text(raw: String, field: &str) -> Result<String, AppError> {
    let reason = raw.trim().to_owned();
    if reason.is_empty() || reason.chars().count() > 500 {
        return Err(AppError::validation(field, "must be 1 to 500 characters"));
    }
    Ok(reason)
}

fn state<'a>(ctx: &'a Context<'_>) -> Result<&'a AppState, AppError> {
    ctx.state()
}

#[Object]
impl OrderMutation {
    /// Books a pickup from an ACTIVE quote (which becomes USED) in a time window with free
    /// capacity. With an `idempotencyKey`, a retry returns the first order.
    async fn book_pickup(
        &self,
        ctx: &Context<'_>,
        input: BookPickupInput,
    ) -> async_graphql::Result<PickupOrder> {
        let state = state(ctx)?;
        let booking = ctx.booking()?;
        // Before the reads, so the writer's batch under load can wait for this booking.
        let arriving = booking.arriving();
        let party = Party::of(&state.db, ctx.viewer()).await?;
        let request = input.parse()?;
        Ok(PickupOrder::new(
            orders::book_pickup(state, booking, party, request, arriving).await?,
        ))
    }

    /// Cancels an order before the collector arrives (customer or operator); frees its slot.
    async fn cancel_pickup(
        &self,
        ctx: &Context<'_>,
        order_id: ID,
        reason: String,
    ) -> async_graphql::Result<PickupOrder> {
        let (party, id) = actor(ctx, &order_id).await?;
        let reason = reason_text(reason, "reason")?;
        Ok(PickupOrder::new(
            orders::cancel_pickup(state(ctx)?, party, id, reason).await?,
        ))
    }

    /// Moves the window of an order not yet on its way, within capacity.
    async fn reschedule_pickup(
        &self,
        ctx: &Context<'_>,
        order_id: ID,
        window: TimeWindowInput,
    ) -> async_graphql::Result<PickupOrder> {
        let (party, id) = actor(ctx, &order_id).await?;
        Ok(PickupOrder::new(
            orders::reschedule_pickup(state(ctx)?, party, id, window.start, window.end).await?,
        ))
    }

    /// The assigned collector sets off (EN_ROUTE). An app that queued the step offline
    /// sends its `clientActionId` (a replay returns the first result) and `recordedAt`
    /// (when it happened on the device).
    async fn start_trip(
        &self,
        ctx: &Context<'_>,
        order_id: ID,
        client_action_id: Option<String>,
        recorded_at: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<PickupOrder> {
        let (party, id) = actor(ctx, &order_id).await?;
        let device = device_action(client_action_id, recorded_at, "")?;
        Ok(PickupOrder::new(
            orders::start_trip(state(ctx)?, party, id, device).await?,
        ))
    }

    /// The assigned collector is at the door (ARRIVED). `clientActionId` and
    /// `recordedAt` as for `startTrip`.
    async fn mark_arrived(
        &self,
        ctx: &Context<'_>,
        order_id: ID,
        client_action_id: Option<String>,
        recorded_at: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<PickupOrder> {
        let (party, id) = actor(ctx, &order_id).await?;
        let device = device_action(client_action_id, recorded_at, "")?;
        Ok(PickupOrder::new(
            orders::mark_arrived(state(ctx)?, party, id, device).await?,
        ))
    }

    /// Records what the collector found; re-prices every line against the quote's own
    /// prices. Within tolerance the order is INSPECTED, otherwise AWAITING_CUSTOMER.
    async fn record_inspection(
        &self,
        ctx: &Context<'_>,
        input: InspectionInput,
    ) -> async_graphql::Result<PickupOrder> {
        let state = state(ctx)?;
        let party = Party::of(&state.db, ctx.viewer()).await?;
        let (order_id, lines, device) = input.parse()?;
        Ok(PickupOrder::new(
            orders::record_inspection(state, party, order_id, lines, device).await?,
        ))
    }

    /// The customer accepts or rejects a final price outside tolerance.
    async fn respond_to_final_offer(
        &self,
        ctx: &Context<'_>,
        order_id: ID,
        accept: bool,
    ) -> async_graphql::Result<PickupOrder> {
        let (party, id) = actor(ctx, &order_id).await?;
        Ok(PickupOrder::new(
            orders::respond_to_final_offer(state(ctx)?, party, id, accept).await?,
        ))
    }

    /// Completes an INSPECTED order with proof of pickup; creates its payout.
    async fn complete_pickup(
        &self,
        ctx: &Context<'_>,
        input: CompletePickupInput,
    ) -> async_graphql::Result<PickupOrder> {
        let state = state(ctx)?;
        let party = Party::of(&state.db, ctx.viewer()).await?;
        let (order_id, proof, device) = input.parse()?;
        Ok(PickupOrder::new(
            orders::complete_pickup(state, party, order_id, proof, device).await?,
        ))
    }

    /// The pickup could not be done at the door (FAILED). `clientActionId` and
    /// `recordedAt` as for `startTrip`.
    async fn report_failed_pickup(
        &self,
        ctx: &Context<'_>,
        order_id: ID,
        reason: String,
        client_action_id: Option<String>,
        recorded_at: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<PickupOrder> {
        let (party, id) = actor(ctx, &order_id).await?;
        let reason = reason_text(reason, "reason")?;
        let device = device_action(client_action_id, recorded_at, "")?;
        Ok(PickupOrder::new(
            orders::report_failed_pickup(state(ctx)?, party, id, reason, device).await?,
        ))
    }

    /// Rates the collector of a completed pickup, once (1 to 5 stars).
    async fn rate_collector(
        &self,
        ctx: &Context<'_>,
        order_id: ID,
        stars: i32,
        comment: Option<String>,
    ) -> async_graphql::Result<PickupOrder> {
        let (party, id) = actor(ctx, &order_id).await?;
        let comment = comment.map(|c| reason_text(c, "comment")).transpose()?;
        Ok(PickupOrder::new(
            orders::rate_collector(state(ctx)?, party, id, stars, comment).await?,
        ))
    }

    /// Operators (or the partner that booked the order, with ORDERS_WRITE): records that
    /// the payout was paid or failed, with the payment's reference. A paid payout is
    /// final; a failed one may be paid later.
    async fn settle_payout(
        &self,
        ctx: &Context<'_>,
        order_id: ID,
        outcome: PayoutOutcomeGql,
        reference: String,
    ) -> async_graphql::Result<PickupOrder> {
        let (party, id) = actor(ctx, &order_id).await?;
        let reference = reason_text(reference, "reference")?;
        Ok(PickupOrder::new(
            orders::settle_payout(state(ctx)?, party, id, outcome.into(), reference).await?,
        ))
    }

    /// Operators: gives an order to a verified collector fit for it (certifications,
    /// capacity, no overlapping pickup), or with no collector sends it back to dispatch.
    /// `overrideReason` assigns a verified collector who is not fit anyway (audited).
    #[graphql(guard = "RoleGuard::operator()")]
    async fn reassign_order(
        &self,
        ctx: &Context<'_>,
        order_id: ID,
        collector_id: Option<ID>,
        override_reason: Option<String>,
    ) -> async_graphql::Result<PickupOrder> {
        let (party, id) = actor(ctx, &order_id).await?;
        let collector = collector_id
            .map(|c| {
                Uuid::parse_str(&c)
                    .map_err(|_| AppError::validation("collectorId", "is not a valid id"))
            })
            .transpose()?;
        let assignment = orders::Assignment {
            collector_id: collector,
            override_reason: override_reason
                .map(|r| reason_text(r, "overrideReason"))
                .transpose()?,
        };
        Ok(PickupOrder::new(
            orders::assign_collector(state(ctx)?, party, id, assignment).await?,
        ))
    }
}
