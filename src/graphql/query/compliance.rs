//! Compliance queries: operators' reporting tasks.

use async_graphql::connection::{Connection, CursorType, Edge, OpaqueCursor};
use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::guards::RoleGuard;
use crate::graphql::types::compliance::{ComplianceTask, ComplianceTaskStatusGql};
use crate::services::compliance::tasks::{self, TaskFilter};
use crate::services::pagination::page_size;

/// Reporting tasks, soonest due first.
pub type ComplianceTaskConnection = Connection<OpaqueCursor<(DateTime<Utc>, Uuid)>, ComplianceTask>;

/// Compliance queries.
#[derive(Default)]
pub struct ComplianceQuery;

#[Object]
impl ComplianceQuery {
    /// Battery reporting tasks (operators), soonest due first: the most overdue on top,
    /// ties by id. `status` filters (OVERDUE: open and past due; OPEN: open and not yet
    /// due), `dueBefore` keeps tasks due strictly before it. `first` is 1 to 100.
    #[graphql(guard = "RoleGuard::operator()")]
    async fn compliance_tasks(
        &self,
        ctx: &Context<'_>,
        status: Option<ComplianceTaskStatusGql>,
        due_before: Option<DateTime<Utc>>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<ComplianceTaskConnection> {
        let state = ctx.state()?;
        let after = after
            .map(|raw| OpaqueCursor::<(DateTime<Utc>, Uuid)>::decode_cursor(&raw))
            .transpose()
            .map(|c| c.map(|c| c.0))
            .map_err(|_| AppError::validation("after", "is not a cursor from this list"))?;
        let filter = TaskFilter {
            status: status.map(Into::into),
            due_before,
        };
        let now = state.clock.now();
        let page = tasks::list(&state.db, filter, now, page_size(first)?, after).await?;
        let mut connection = Connection::new(after.is_some(), page.has_next);
        connection.edges.extend(
            page.items
                .into_iter()
                .map(|t| Edge::new(OpaqueCursor((t.due_at, t.id)), ComplianceTask::new(t, now))),
        );
        Ok(connection)
    }
}
