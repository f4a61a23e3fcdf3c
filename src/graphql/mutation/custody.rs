//! Custody mutations: facilities, hand-over, receipt, processing and checkpoints.

use async_graphql::{Context, Object};

use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::guards::RoleGuard;
use crate::graphql::types::custody::{CustodyCheckpoint, CustodyItem, Facility, Transfer};
use crate::graphql::types::custody_input::{
    FacilityInput, HandOverInput, ProcessingInput, ReceiveTransferInput,
};
use crate::services::custody::{self, Custodian, facilities};
use crate::services::ledger::checkpoints;

/// Custody mutations.
#[derive(Default)]
pub struct CustodyMutation;

async fn custodian(ctx: &Context<'_>) -> Result<Custodian, AppError> {
    Custodian::of(&ctx.state()?.db, ctx.viewer()).await
}

#[Object]
impl CustodyMutation {
    /// Creates a processing facility with an invite code for its staff (operators).
    #[graphql(guard = "RoleGuard::operator()")]
    async fn create_facility(
        &self,
        ctx: &Context<'_>,
        input: FacilityInput,
    ) -> async_graphql::Result<Facility> {
        let state = ctx.state()?;
        let viewer = custodian(ctx).await?;
        let created =
            facilities::create(&state.db, viewer, input.parse()?, state.clock.now()).await?;
        Ok(Facility::new(created, &viewer))
    }

    /// Hands the items of the collector's completed orders to a facility that accepts
    /// their categories and holds the certifications they need: one transfer note, the
    /// items IN_TRANSIT. With a `clientActionId`, a retry returns the first transfer.
    async fn hand_over_to_facility(
        &self,
        ctx: &Context<'_>,
        input: HandOverInput,
    ) -> async_graphql::Result<Transfer> {
        let state = ctx.state()?;
        let viewer = custodian(ctx).await?;
        Ok(Transfer(
            custody::hand_over(state, viewer, input.parse()?).await?,
        ))
    }

    /// Receives a transfer at the caller's facility: every item weighed and accepted or
    /// rejected with a reason. A weight outside tolerance of the collector's is recorded
    /// as a discrepancy. A transfer is received once.
    async fn receive_transfer(
        &self,
        ctx: &Context<'_>,
        input: ReceiveTransferInput,
    ) -> async_graphql::Result<Transfer> {
        let state = ctx.state()?;
        let viewer = custodian(ctx).await?;
        let (transfer_id, lines) = input.parse()?;
        Ok(Transfer(
            custody::receive_transfer(state, viewer, transfer_id, lines).await?,
        ))
    }

    /// Records what became of items the caller's facility holds; issues the order's
    /// certificate when its last item is processed.
    async fn record_processing(
        &self,
        ctx: &Context<'_>,
        input: ProcessingInput,
    ) -> async_graphql::Result<Vec<CustodyItem>> {
        let state = ctx.state()?;
        let viewer = custodian(ctx).await?;
        let items = custody::record_processing(state, viewer, input.parse()?).await?;
        Ok(items
            .into_iter()
            .map(|i| CustodyItem::new(i, &viewer))
            .collect())
    }

    /// Makes and signs a checkpoint of the custody log now (operators; the server also
    /// makes one every `RELOOP_CHECKPOINT_INTERVAL_SECS`).
    #[graphql(guard = "RoleGuard::operator()")]
    async fn create_custody_checkpoint(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<CustodyCheckpoint> {
        let state = ctx.state()?;
        let made = checkpoints::create(
            &state.db,
            &state.server_key,
            &state.config.custody.checkpoint_origin,
            state.clock.now(),
        )
        .await?;
        Ok(made.into())
    }
}
