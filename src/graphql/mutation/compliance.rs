//! Compliance mutations: marking a reporting task reported.

use async_graphql::{Context, ID, Object};
use uuid::Uuid;

use crate::domain::Role;
use crate::domain::compliance::task::PlatformReference;
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::guards::RoleGuard;
use crate::graphql::types::compliance::ComplianceTask;
use crate::services::compliance::tasks;

/// Compliance mutations.
#[derive(Default)]
pub struct ComplianceMutation;

#[Object]
impl ComplianceMutation {
    /// Marks a battery reporting task reported to the national platform with the
    /// platform's `reference` (operators; audited). Late reports are accepted and stay
    /// visible as late in the audit log; reporting twice is INVALID_STATE.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn mark_compliance_reported(
        &self,
        ctx: &Context<'_>,
        task_id: ID,
        reference: String,
    ) -> async_graphql::Result<ComplianceTask> {
        let state = ctx.state()?;
        let operator = ctx.viewer().require_role(&[Role::Operator])?;
        let reference = PlatformReference::parse(&reference)
            .map_err(|e| AppError::validation("reference", e.0))?;
        let id = Uuid::parse_str(&task_id).map_err(|_| AppError::NotFound("compliance task"))?;
        let reported = tasks::mark_reported(state, operator, id, &reference).await?;
        Ok(ComplianceTask::new(reported, state.clock.now()))
    }
}
