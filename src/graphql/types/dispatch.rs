//! Job offers and the dispatch board.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::job_offer;
use uuid::Uuid;

use super::order::{OrderStatusGql, PickupOrder};
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::loaders::OrderById;

/// Where a job offer is in its life.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "OfferStatus", remote = "crate::domain::dispatch::OfferStatus")]
pub enum OfferStatusGql {
    /// Waiting for the collector's answer.
    Pending,
    /// The collector took the order.
    Accepted,
    /// The collector said no.
    Declined,
    /// Nobody answered in time.
    Expired,
    /// Another collector was faster, or the order went away.
    Withdrawn,
}

/// What happened to an offer.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(
    name = "OfferEventKind",
    remote = "crate::services::dispatch::events::OfferEventKind"
)]
pub enum OfferEventKindGql {
    /// A new offer.
    Offered,
    /// Another collector took the order, or it went away.
    Withdrawn,
    /// Nobody answered in time.
    Expired,
}

/// An order offered to the calling collector.
pub struct JobOffer {
    /// The offer row.
    pub offer: job_offer::Model,
    /// The collector looking at it.
    pub viewer_collector: Uuid,
}

/// An order offered to a collector: area, distance, window, items and payout; the exact
/// address and contact only once accepted.
#[Object]
impl JobOffer {
    /// The offer id.
    async fn id(&self) -> ID {
        ID(self.offer.id.to_string())
    }

    /// PENDING, ACCEPTED, DECLINED, EXPIRED or WITHDRAWN.
    async fn status(&self) -> OfferStatusGql {
        crate::domain::dispatch::OfferStatus::from(self.offer.status).into()
    }

    /// When the offer lapses.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.offer.expires_at
    }

    /// The order; address and contact are hidden until the offer is accepted.
    async fn order(&self, ctx: &Context<'_>) -> async_graphql::Result<PickupOrder> {
        let order = ctx
            .loader::<OrderById>()?
            .load_one(self.offer.order_id)
            .await?
            .ok_or(AppError::NotFound("pickup order"))?;
        Ok(PickupOrder::for_offer(order, self.viewer_collector))
    }

    /// Distance from the collector to the pickup when offered, km.
    async fn distance_km(&self) -> f64 {
        (self.offer.distance_km * 10.0).round() / 10.0
    }
}

/// A change to one of the calling collector's offers.
#[derive(SimpleObject)]
pub struct JobOfferEvent {
    /// OFFERED, WITHDRAWN or EXPIRED.
    pub kind: OfferEventKindGql,
    /// The offer as it is now.
    pub offer: JobOffer,
}

/// How many orders are in one state.
#[derive(SimpleObject)]
pub struct StatusCount {
    /// The state.
    pub status: OrderStatusGql,
    /// How many orders are in it.
    pub count: i64,
}

/// An offer waiting for an answer, for operators.
#[derive(SimpleObject)]
pub struct OutstandingOffer {
    /// The offer id.
    pub id: ID,
    /// The order.
    pub order_id: ID,
    /// The collector it was offered to.
    pub collector_id: ID,
    /// Distance when offered, km.
    pub distance_km: f64,
    /// When it lapses.
    pub expires_at: DateTime<Utc>,
}

/// The operators' view of dispatch.
#[derive(SimpleObject)]
pub struct DispatchBoard {
    /// Orders per state.
    pub counts: Vec<StatusCount>,
    /// Orders looking for a collector, soonest window first.
    pub dispatching: Vec<PickupOrder>,
    /// Offers waiting for an answer, soonest expiry first.
    pub outstanding_offers: Vec<OutstandingOffer>,
}
