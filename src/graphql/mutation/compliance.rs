//! Compliance mutations: marking a reporting task reported, resolving a discrepancy,
//! erasing a customer's personal data.

use async_graphql::{Context, ID, Object};
use uuid::Uuid;

use crate::domain::Role;
use crate::domain::compliance::task::PlatformReference;
use crate::domain::discrepancy::Resolution;
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::guards::RoleGuard;
use crate::graphql::types::compliance::ComplianceTask;
use crate::graphql::types::discrepancy::Discrepancy;
use crate::services::compliance::tasks;
use crate::services::{discrepancies, erasure};

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

    /// Clears a discrepancy with a word on how it was resolved (operators; audited). A
    /// trace-code discrepancy holds the order's payout until then. Resolving twice is
    /// INVALID_STATE, an unknown id NOT_FOUND, an empty resolution VALIDATION.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn resolve_discrepancy(
        &self,
        ctx: &Context<'_>,
        id: ID,
        resolution: String,
    ) -> async_graphql::Result<Discrepancy> {
        let state = ctx.state()?;
        let operator = ctx.viewer().require_role(&[Role::Operator])?;
        let resolution =
            Resolution::parse(&resolution).map_err(|e| AppError::validation("resolution", e.0))?;
        let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound("discrepancy"))?;
        let resolved = discrepancies::resolve(state, operator, id, &resolution).await?;
        Ok(resolved.into())
    }

    /// Erases a customer's personal data on request (operators; audited): name, email,
    /// phone, addresses, contacts, notes, signatures, photos and the places of the doorstep
    /// are anonymised beyond recovery; orders, amounts, custody records, certificates and
    /// compliance tasks stay, and the custody chains still verify. INVALID_STATE while one
    /// of their orders is under way; a second erasure changes nothing and answers true.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn erase_customer_data(
        &self,
        ctx: &Context<'_>,
        user_id: ID,
    ) -> async_graphql::Result<bool> {
        let state = ctx.state()?;
        let operator = ctx.viewer().require_role(&[Role::Operator])?;
        let user_id = Uuid::parse_str(&user_id).map_err(|_| AppError::NotFound("user"))?;
        Ok(erasure::erase_customer_data(state, operator, user_id).await?)
    }
}
