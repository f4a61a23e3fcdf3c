//! `jobOffers`, `collectorLocation`.

use async_graphql::{Context, ID, Subscription};
use futures_util::{Stream, StreamExt};
use uuid::Uuid;

use super::counted;
use crate::domain::order::OrderStatus;
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::types::dispatch::{JobOffer, JobOfferEvent};
use crate::graphql::types::geo::GeoPoint;
use crate::services::dispatch::{self, events};
use crate::services::orders::{self, Party};

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
        let state = ctx.state()?.clone();
        let party = Party::of(&state.db, ctx.viewer()).await?;
        let id = Uuid::parse_str(&order_id).map_err(|_| AppError::NotFound("pickup order"))?;
        let order = orders::find_order(&state, &party, id).await?;
        if !matches!(party, Party::Customer { .. } | Party::Operator { .. }) {
            return Err(AppError::NotFound("pickup order").into());
        }
        let collector_id = order
            .collector_id
            .ok_or_else(|| AppError::InvalidState("the order has no collector yet".to_owned()))?;
        let positions = events::locations(&state, collector_id).await?;
        let open = state.metrics.subscription_opened("collectorLocation");
        Ok(counted(
            open,
            positions.filter_map(move |point| {
                let state = state.clone();
                async move {
                    // Only while this collector is on the way to or at this order.
                    let order = orders::find_order(&state, &party, id).await.ok()?;
                    let live = matches!(
                        order.status.parse::<OrderStatus>(),
                        Ok(OrderStatus::EnRoute | OrderStatus::Arrived)
                    );
                    (live && order.collector_id == Some(collector_id))
                        .then_some(GeoPoint::from(point))
                }
            }),
        ))
    }
}
