//! `accountEvents`.

use async_graphql::{Context, Subscription};
use futures_util::{Stream, StreamExt};

use super::counted;
use crate::graphql::context::ContextExt;
use crate::graphql::types::account_event::AccountEvent;
use crate::services::account_events;

/// Subscriptions about the signed-in account.
#[derive(Default)]
pub struct AccountSubscription;

#[Subscription]
impl AccountSubscription {
    /// Security notices for the signed-in account (sign-outs, refresh-token reuse), from
    /// any instance.
    async fn account_events(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = AccountEvent> + use<>> {
        let (user_id, _) = ctx.viewer().require_user()?;
        let state = ctx.state()?;
        let events = account_events::account_events(state, user_id).await?;
        let open = state.metrics.subscription_opened("accountEvents");
        Ok(counted(open, events.map(AccountEvent::from)))
    }
}
