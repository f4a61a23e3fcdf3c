//! `orderUpdated` and the operators' `orderActivity`.

use async_graphql::{Context, ID, Subscription};
use futures_util::{Stream, StreamExt};
use uuid::Uuid;

use super::counted;
use crate::domain::Role;
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::types::order::PickupOrder;
use crate::services::orders::{self, Party};

/// Order subscriptions.
#[derive(Default)]
pub struct OrderSubscription;

#[Subscription]
impl OrderSubscription {
    /// The order after each change, for whoever may see it (its customer and
    /// organisation, its collector, operators), from any instance.
    async fn order_updated(
        &self,
        ctx: &Context<'_>,
        order_id: ID,
    ) -> async_graphql::Result<impl Stream<Item = PickupOrder> + use<>> {
        ctx.viewer()
            .require_scope(crate::domain::partner::ApiScope::OrdersRead)?;
        let state = ctx.state()?.clone();
        let party = Party::of(&state.db, ctx.viewer()).await?;
        let id = Uuid::parse_str(&order_id).map_err(|_| AppError::NotFound("pickup order"))?;
        orders::find_order(&state, &party, id).await?;
        let ticks = orders::order_updates(&state, id).await?;
        let open = state.metrics.subscription_opened("orderUpdated");
        // One message per change: a re-read that shows no newer version than the last one
        // sent (two changes landing together) is dropped.
        let last_sent = std::sync::Arc::new(std::sync::atomic::AtomicI32::new(0));
        Ok(counted(
            open,
            ticks.filter_map(move |()| {
                let state = state.clone();
                let last_sent = std::sync::Arc::clone(&last_sent);
                async move {
                    // Re-read on every tick: the subscriber sees the committed order, and loses
                    // it if it may no longer see it (e.g. a collector taken off the order).
                    let order = orders::find_order(&state, &party, id).await.ok()?;
                    let previous =
                        last_sent.fetch_max(order.version, std::sync::atomic::Ordering::SeqCst);
                    (order.version > previous).then(|| PickupOrder::new(order))
                }
            }),
        ))
    }

    /// Every order of the network, or of one service area, after each change of its own
    /// or of its dispatch (offers sent, declined, expired), from any instance: what the
    /// operators' dispatch board follows, so a new booking appears without re-reading the
    /// board. Operators only.
    async fn order_activity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only orders of this service area.")] area_id: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = PickupOrder> + use<>> {
        ctx.viewer().require_role(&[Role::Operator])?;
        let state = ctx.state()?.clone();
        let area = area_id
            .map(|id| Uuid::parse_str(&id).map_err(|_| AppError::NotFound("service area")))
            .transpose()?;
        let party = Party::of(&state.db, ctx.viewer()).await?;
        let ids = orders::order_activity(&state).await?;
        let open = state.metrics.subscription_opened("orderActivity");
        Ok(counted(
            open,
            ids.filter_map(move |id| {
                let state = state.clone();
                async move {
                    let order = orders::find_order(&state, &party, id).await.ok()?;
                    area.is_none_or(|area| order.service_area_id == area)
                        .then(|| PickupOrder::new(order))
                }
            }),
        ))
    }
}
