//! `setAvailability`, `reportLocation`, `acceptJobOffer`, `declineJobOffer`.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::types::collector::Collector;
use crate::graphql::types::device::device_action;
use crate::graphql::types::dispatch::JobOffer;
use crate::graphql::types::geo::GeoPointInput;
use crate::graphql::types::order::PickupOrder;
use crate::services::dispatch;
use crate::services::orders::Party;

/// Collector dispatch mutations.
#[derive(Default)]
pub struct DispatchMutation;

#[Object]
impl DispatchMutation {
    /// Goes online (AVAILABLE) at `location`, or OFFLINE. Online collectors become
    /// candidates for orders still looking for one.
    async fn set_availability(
        &self,
        ctx: &Context<'_>,
        online: bool,
        location: Option<GeoPointInput>,
    ) -> async_graphql::Result<Collector> {
        let state = ctx.state()?;
        let party = Party::of(&state.db, ctx.viewer()).await?;
        let point = location
            .map(GeoPointInput::parse)
            .transpose()
            .map_err(|e| AppError::validation("location", e.0))?;
        Ok(Collector(
            dispatch::set_availability(state, party, online, point).await?,
        ))
    }

    /// Reports the collector's position (cheap; call it often while working).
    async fn report_location(
        &self,
        ctx: &Context<'_>,
        location: GeoPointInput,
        recorded_at: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<bool> {
        let state = ctx.state()?;
        let party = Party::of(&state.db, ctx.viewer()).await?;
        let point = location
            .parse()
            .map_err(|e| AppError::validation("location", e.0))?;
        Ok(dispatch::report_location(state, party, point, recorded_at).await?)
    }

    /// Takes the offered order. The first accept wins; a late one gets ALREADY_ASSIGNED
    /// or OFFER_EXPIRED. With `clientActionId`, a replay returns the order it won;
    /// `recordedAt` is when the collector accepted on the device.
    async fn accept_job_offer(
        &self,
        ctx: &Context<'_>,
        offer_id: ID,
        client_action_id: Option<String>,
        recorded_at: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<PickupOrder> {
        let state = ctx.state()?;
        let party = Party::of(&state.db, ctx.viewer()).await?;
        let id = Uuid::parse_str(&offer_id).map_err(|_| AppError::NotFound("job offer"))?;
        let device = device_action(client_action_id, recorded_at, "")?;
        Ok(PickupOrder::new(
            dispatch::accept_offer(state, party, id, device).await?,
        ))
    }

    /// Turns the offer down; the order moves on to the next collectors at once. With
    /// `clientActionId`, a replay returns the declined offer; `recordedAt` is when the
    /// collector declined on the device.
    async fn decline_job_offer(
        &self,
        ctx: &Context<'_>,
        offer_id: ID,
        reason: Option<String>,
        client_action_id: Option<String>,
        recorded_at: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<JobOffer> {
        let state = ctx.state()?;
        let party = Party::of(&state.db, ctx.viewer()).await?;
        let Party::Collector { collector_id, .. } = party else {
            return Err(AppError::Forbidden.into());
        };
        let id = Uuid::parse_str(&offer_id).map_err(|_| AppError::NotFound("job offer"))?;
        let reason = reason
            .map(|r| r.trim().chars().take(500).collect::<String>())
            .filter(|r| !r.is_empty());
        let device = device_action(client_action_id, recorded_at, "")?;
        let offer = dispatch::decline_offer(state, party, id, reason, device).await?;
        Ok(JobOffer {
            offer,
            viewer_collector: collector_id,
        })
    }
}
