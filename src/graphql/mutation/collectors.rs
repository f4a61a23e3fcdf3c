//! `updateCollectorProfile`, `verifyCollector`.

use async_graphql::{Context, ID, InputObject, Object};

use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::guards::RoleGuard;
use crate::graphql::types::collector::Collector;
use crate::graphql::types::decimal::DecimalString;
use crate::graphql::types::enums::{CertificationGql, VehicleGql};
use crate::services::collectors::{self, Profile};

/// What a collector can take.
#[derive(InputObject)]
pub struct CollectorProfileInput {
    /// Vehicle.
    pub vehicle: VehicleGql,
    /// Load capacity, kg.
    pub capacity_kg: DecimalString,
    /// Licences held.
    pub certifications: Vec<CertificationGql>,
}

/// Collector profile mutations.
#[derive(Default)]
pub struct CollectorMutation;

#[Object]
impl CollectorMutation {
    /// The calling collector describes their vehicle, capacity and licences. Once verified,
    /// a change waits for an operator's approval (`pendingProfile`).
    async fn update_collector_profile(
        &self,
        ctx: &Context<'_>,
        input: CollectorProfileInput,
    ) -> async_graphql::Result<Collector> {
        let profile = Profile {
            vehicle: input.vehicle.into(),
            capacity_kg: input.capacity_kg.0,
            certifications: input.certifications.into_iter().map(Into::into).collect(),
        };
        Ok(Collector(
            collectors::update_profile(ctx.state()?, ctx.viewer(), profile).await?,
        ))
    }

    /// Operators: approves a verified collector's pending profile change, which becomes
    /// their profile (audited).
    #[graphql(guard = "RoleGuard::operator()")]
    async fn approve_collector_profile(
        &self,
        ctx: &Context<'_>,
        collector_id: ID,
    ) -> async_graphql::Result<Collector> {
        let operator = ctx.viewer().require_user()?.0;
        let id =
            uuid::Uuid::parse_str(&collector_id).map_err(|_| AppError::NotFound("collector"))?;
        Ok(Collector(
            collectors::review_profile_change(ctx.state()?, operator, id, Ok(())).await?,
        ))
    }

    /// Operators: rejects a verified collector's pending profile change with a reason; the
    /// approved profile stays (audited).
    #[graphql(guard = "RoleGuard::operator()")]
    async fn reject_collector_profile(
        &self,
        ctx: &Context<'_>,
        collector_id: ID,
        reason: String,
    ) -> async_graphql::Result<Collector> {
        let operator = ctx.viewer().require_user()?.0;
        let id =
            uuid::Uuid::parse_str(&collector_id).map_err(|_| AppError::NotFound("collector"))?;
        let reason = reason.trim().to_owned();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(AppError::validation("reason", "must be 1 to 500 characters").into());
        }
        Ok(Collector(
            collectors::review_profile_change(ctx.state()?, operator, id, Err(reason)).await?,
        ))
    }

    /// Operators: marks a collector verified, so they can receive work.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn verify_collector(
        &self,
        ctx: &Context<'_>,
        collector_id: ID,
    ) -> async_graphql::Result<Collector> {
        let operator = ctx.viewer().require_user()?.0;
        let id =
            uuid::Uuid::parse_str(&collector_id).map_err(|_| AppError::NotFound("collector"))?;
        Ok(Collector(
            collectors::verify(ctx.state()?, operator, id).await?,
        ))
    }
}
