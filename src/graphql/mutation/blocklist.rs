//! Blocklist mutations.

use async_graphql::{Context, ID, Object};

use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::types::blocklist::{BlockReasonGql, BlockedDevice};
use crate::services::blocklist;

/// Blocklist mutations.
#[derive(Default)]
pub struct BlocklistMutation;

#[Object]
impl BlocklistMutation {
    /// Lists a serial or IMEI as stolen, lost or financed (operators; partners with
    /// BLOCKLIST_WRITE, attributed to them). A quote for it is warned; at inspection it
    /// is excluded from the payout and flagged.
    async fn add_blocked_device(
        &self,
        ctx: &Context<'_>,
        serial_number: String,
        reason: BlockReasonGql,
        note: Option<String>,
    ) -> async_graphql::Result<BlockedDevice> {
        let state = ctx.state()?;
        let added = blocklist::add(
            &state.db,
            &state.server_key,
            ctx.viewer(),
            &serial_number,
            reason.into(),
            note,
            state.clock.now(),
        )
        .await?;
        Ok(added.into())
    }

    /// Ends a listing (operators any; a partner only its own).
    async fn remove_blocked_device(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<BlockedDevice> {
        let state = ctx.state()?;
        let id = uuid::Uuid::parse_str(&id).map_err(|_| AppError::NotFound("blocked device"))?;
        Ok(
            blocklist::remove(&state.db, ctx.viewer(), id, state.clock.now())
                .await?
                .into(),
        )
    }
}
