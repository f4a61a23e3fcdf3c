//! `jobOffers`, `collectorLocation`.

use async_graphql::{Context, ID, Subscription};
use futures_util::{Stream, StreamExt};
use uuid::Uuid;

use super::counted;
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::types::dispatch::{JobOffer, JobOfferEvent};
use crate::graphql::types::geo::GeoPoint;
use crate::services::dispatch::{self, events};
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
}
