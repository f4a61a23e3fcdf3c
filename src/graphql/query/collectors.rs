//! `collectors` (operators) and `collector(id)`.

use async_graphql::connection::{Connection, CursorType, Edge, OpaqueCursor};
use async_graphql::{Context, ID, Object};
use uuid::Uuid;

use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::guards::RoleGuard;
use crate::graphql::types::collector::Collector;
use crate::services::pagination::page_size;
use crate::services::{collector_record, collectors};

/// A page of collectors.
pub type CollectorConnection = Connection<OpaqueCursor<u64>, Collector>;

/// Collector queries.
#[derive(Default)]
pub struct CollectorQuery;

#[Object]
impl CollectorQuery {
    /// Operators: collectors in sign-up order, optionally only (un)verified ones.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn collectors(
        &self,
        ctx: &Context<'_>,
        verified: Option<bool>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<CollectorConnection> {
        let take = page_size(first)?;
        let skip = after
            .map(|raw| OpaqueCursor::<u64>::decode_cursor(&raw))
            .transpose()
            .map_err(|_| AppError::validation("after", "is not a cursor from this list"))?
            .map_or(0, |c| c.0 + 1);
        let page = collectors::list(&ctx.state()?.db, verified, skip, take).await?;
        let mut connection = Connection::new(skip > 0, page.has_next);
        connection.edges.extend(
            page.items
                .into_iter()
                .enumerate()
                .map(|(i, c)| Edge::new(OpaqueCursor(skip + i as u64), Collector(c))),
        );
        Ok(connection)
    }

    /// One collector: operators read any, a collector their own. NOT_FOUND for an unknown
    /// id (and, for a collector, another collector's); FORBIDDEN for every other role.
    async fn collector(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<Collector>> {
        let id = Uuid::parse_str(&id).ok();
        let found = collector_record::find_for(&ctx.state()?.db, ctx.viewer(), id).await?;
        Ok(Some(Collector(found)))
    }
}
