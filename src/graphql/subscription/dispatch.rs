//! `jobOffers`, `collectorLocation`, the operators' `collectorPositions`.

use async_graphql::{Context, ID, Subscription};
use futures_util::{Stream, StreamExt};
use uuid::Uuid;

use super::counted;
use crate::domain::Role;
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::types::dispatch::{JobOffer, JobOfferEvent};
use crate::graphql::types::geo::GeoPoint;
use crate::graphql::types::presence::CollectorPositionEvent;
use crate::services::dispatch::{self, events, presence};
use crate::services::orders::Party;

/// Dispatch subscriptions.
#[derive(Default)]
pub struct DispatchSubscription;

#[Subscription]
impl DispatchSubscription {
    /// The calling collector's offers as they are made, withdrawn or expire.
    async fn job_offers(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = JobOfferEvent> + use<>> {
        let state = ctx.state()?.clone();
        let party = Party::of(&state.db, ctx.viewer()).await?;
        let Party::Collector { collector_id, .. } = party else {
            return Err(AppError::Forbidden.into());
        };
        let stream = events::offer_events(&state, collector_id).await?;
        let open = state.metrics.subscription_opened("jobOffers");
        Ok(counted(
            open,
            stream.filter_map(move |event| {
                let state = state.clone();
                async move {
                    let offer = dispatch::find_offer_for(&state, &party, event.offer_id)
                        .await
                        .ok()?;
                    Some(JobOfferEvent {
                        kind: event.kind.into(),
                        offer: JobOffer {
                            offer,
                            viewer_collector: collector_id,
                        },
                    })
                }
            }),
        ))
    }

    /// The assigned collector's position, for the order's customer, while the collector
    /// is on the way or at the door.
    async fn collector_location(
        &self,
        ctx: &Context<'_>,
        order_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = GeoPoint> + use<>> {
        let state = ctx.state()?;
        let party = Party::of(&state.db, ctx.viewer()).await?;
        let id = Uuid::parse_str(&order_id).map_err(|_| AppError::NotFound("pickup order"))?;
        let positions = dispatch::collector_positions(state, party, id).await?;
        let open = state.metrics.subscription_opened("collectorLocation");
        Ok(counted(open, positions.map(GeoPoint::from)))
    }

    /// Operators: the online collectors of a service area as they change, from any
    /// instance: ONLINE when one goes online there or comes into it while online, MOVED
    /// at each position they report, OFFLINE when they go offline or leave it. What is
    /// already online is read with `onlineCollectors`. NOT_FOUND for an unknown area.
    async fn collector_positions(
        &self,
        ctx: &Context<'_>,
        area_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = CollectorPositionEvent> + use<>> {
        ctx.viewer().require_role(&[Role::Operator])?;
        let state = ctx.state()?;
        let area = Uuid::parse_str(&area_id).map_err(|_| AppError::NotFound("service area"))?;
        let events = presence::presence_in_area(state, area).await?;
        let open = state.metrics.subscription_opened("collectorPositions");
        Ok(counted(open, events.map(CollectorPositionEvent::from)))
    }
}
