//! `complianceTaskOverdue`.

use async_graphql::{Context, Subscription};
use futures_util::{Stream, StreamExt};

use super::counted;
use crate::domain::Role;
use crate::graphql::context::ContextExt;
use crate::graphql::types::compliance::ComplianceTask;
use crate::services::compliance::overdue;

/// Compliance subscriptions.
#[derive(Default)]
pub struct ComplianceSubscription;

#[Subscription]
impl ComplianceSubscription {
    /// Each battery reporting task as it turns overdue (operators), once per task across
    /// instances: the compliance sweep (every `RELOOP_COMPLIANCE_SWEEP_SECS`) announces it.
    async fn compliance_task_overdue(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = ComplianceTask> + use<>> {
        ctx.viewer().require_role(&[Role::Operator])?;
        let state = ctx.state()?.clone();
        let tasks = overdue::announcements(&state).await?;
        let open = state.metrics.subscription_opened("complianceTaskOverdue");
        Ok(counted(
            open,
            tasks.map(move |task| ComplianceTask::new(task, state.clock.now())),
        ))
    }
}
