//! Blocklist queries.

use async_graphql::connection::{Connection, CursorType, Edge, OpaqueCursor};
use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::Role;
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::guards::RoleGuard;
use crate::graphql::types::blocklist::{BlockedDevice, BlocklistHit};
use crate::services::blocklist;
use crate::services::pagination::page_size;

/// Blocklist entries, newest first.
pub type BlockedDeviceConnection = Connection<OpaqueCursor<(DateTime<Utc>, Uuid)>, BlockedDevice>;

/// Blocklist hits, newest first.
pub type BlocklistHitConnection = Connection<OpaqueCursor<(DateTime<Utc>, Uuid)>, BlocklistHit>;

/// The position after which a page starts, from a cursor of the same list.
fn cursor(after: Option<String>) -> Result<Option<(DateTime<Utc>, Uuid)>, AppError> {
    after
        .map(|raw| OpaqueCursor::<(DateTime<Utc>, Uuid)>::decode_cursor(&raw))
        .transpose()
        .map_err(|_| AppError::validation("after", "is not a cursor from this list"))
        .map(|c| c.map(|c| c.0))
}

/// Blocklist queries.
#[derive(Default)]
pub struct BlocklistQuery;

#[Object]
impl BlocklistQuery {
    /// Devices on the blocklist, newest first: all for operators, a partner's own reports
    /// for a key with BLOCKLIST_WRITE. `first` is 1 to 100.
    async fn blocked_devices(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<BlockedDeviceConnection> {
        let after = cursor(after)?;
        let page =
            blocklist::list(&ctx.state()?.db, ctx.viewer(), page_size(first)?, after).await?;
        let mut connection = Connection::new(after.is_some(), page.has_next);
        connection.edges.extend(
            page.items
                .into_iter()
                .map(|d| Edge::new(OpaqueCursor((d.created_at, d.id)), BlockedDevice::from(d))),
        );
        Ok(connection)
    }

    /// Checks that found a listed device, newest first (operators): quotes warned and
    /// devices excluded at the door, with who asked and when. `first` is 1 to 100.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn blocklist_hits(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<BlocklistHitConnection> {
        ctx.viewer().require_role(&[Role::Operator])?;
        let after = cursor(after)?;
        let page = blocklist::hits::list(&ctx.state()?.db, page_size(first)?, after).await?;
        let mut connection = Connection::new(after.is_some(), page.has_next);
        connection.edges.extend(page.items.into_iter().map(|hit| {
            Edge::new(
                OpaqueCursor((hit.check.created_at, hit.check.id)),
                BlocklistHit::from(hit),
            )
        }));
        Ok(connection)
    }
}
