//! `myJobOffers`, `dispatchBoard`, `onlineCollectors`.

use async_graphql::{Context, ID, Object};
use uuid::Uuid;

use crate::graphql::context::ContextExt;
use crate::graphql::guards::RoleGuard;
use crate::graphql::types::dispatch::{DispatchBoard, JobOffer, OutstandingOffer, StatusCount};
use crate::graphql::types::order::PickupOrder;
use crate::graphql::types::presence::CollectorPosition;
use crate::services::dispatch::{self, presence};
use crate::services::orders::Party;

/// Dispatch queries.
#[derive(Default)]
pub struct DispatchQuery;

#[Object]
impl DispatchQuery {
    /// The calling collector's open offers, soonest expiry first.
    async fn my_job_offers(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<JobOffer>> {
        let state = ctx.state()?;
        let party = Party::of(&state.db, ctx.viewer()).await?;
        let Party::Collector { collector_id, .. } = party else {
            return Err(crate::error::AppError::Forbidden.into());
        };
        let offers = dispatch::my_offers(state, &party).await?;
        Ok(offers
            .into_iter()
            .map(|offer| JobOffer {
                offer,
                viewer_collector: collector_id,
            })
            .collect())
    }

    /// Operators: orders by state, orders looking for a collector, offers outstanding.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn dispatch_board(&self, ctx: &Context<'_>) -> async_graphql::Result<DispatchBoard> {
        let board = dispatch::dispatch_board(ctx.state()?).await?;
        Ok(DispatchBoard {
            counts: board
                .counts
                .into_iter()
                .map(|(status, count)| StatusCount {
                    status: status.into(),
                    count: i64::try_from(count).unwrap_or(i64::MAX),
                })
                .collect(),
            dispatching: board
                .dispatching
                .into_iter()
                .map(PickupOrder::new)
                .collect(),
            outstanding_offers: board
                .pending_offers
                .into_iter()
                .map(|o| OutstandingOffer {
                    id: ID(o.id.to_string()),
                    order_id: ID(o.order_id.to_string()),
                    collector_id: ID(o.collector_id.to_string()),
                    distance_km: o.distance_km,
                    expires_at: o.expires_at,
                })
                .collect(),
        })
    }

    /// Operators: the collectors online in a service area (within its radius of its
    /// centre) at their live positions, nearest the centre first, at most 500. NOT_FOUND
    /// for an unknown area. `collectorPositions` follows them live.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn online_collectors(
        &self,
        ctx: &Context<'_>,
        area_id: ID,
    ) -> async_graphql::Result<Vec<CollectorPosition>> {
        let area = Uuid::parse_str(&area_id)
            .map_err(|_| crate::error::AppError::NotFound("service area"))?;
        let online = presence::online_in_area(ctx.state()?, area).await?;
        Ok(online.into_iter().map(CollectorPosition).collect())
    }
}
