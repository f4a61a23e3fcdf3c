//! Custody queries: facilities, transfers, chain and checkpoint checks, discrepancies.

use async_graphql::connection::{Connection, CursorType, Edge, OpaqueCursor};
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::Role;
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::guards::RoleGuard;
use crate::graphql::types::custody::{
    CheckpointVerification, CustodyCheckpoint, CustodyVerification, Facility, ItemVerification,
    Transfer,
};
use crate::graphql::types::discrepancy::Discrepancy;
use crate::services::custody::{Custodian, facilities, read};
use crate::services::ledger::checkpoints;
use crate::services::pagination::page_size;

/// Facilities, newest first.
pub type FacilityConnection = Connection<OpaqueCursor<(DateTime<Utc>, Uuid)>, Facility>;
/// Transfers, newest first.
pub type TransferConnection = Connection<OpaqueCursor<(DateTime<Utc>, Uuid)>, Transfer>;
/// Discrepancies, newest first.
pub type DiscrepancyConnection = Connection<OpaqueCursor<(DateTime<Utc>, Uuid)>, Discrepancy>;

/// Custody queries.
#[derive(Default)]
pub struct CustodyQuery;

fn cursor(after: Option<String>) -> Result<Option<(DateTime<Utc>, Uuid)>, AppError> {
    after
        .map(|raw| OpaqueCursor::<(DateTime<Utc>, Uuid)>::decode_cursor(&raw))
        .transpose()
        .map(|c| c.map(|c| c.0))
        .map_err(|_| AppError::validation("after", "is not a cursor from this list"))
}

async fn custodian(ctx: &Context<'_>) -> Result<Custodian, AppError> {
    Custodian::of(&ctx.state()?.db, ctx.viewer()).await
}

#[Object]
impl CustodyQuery {
    /// Processing facilities, newest first (operators, collectors choosing where to hand
    /// over, facility staff). `first` is 1 to 100.
    async fn facilities(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<FacilityConnection> {
        let viewer = custodian(ctx).await?;
        let after = cursor(after)?;
        let page = facilities::list(&ctx.state()?.db, viewer, page_size(first)?, after).await?;
        let mut connection = Connection::new(after.is_some(), page.has_next);
        connection.edges.extend(page.items.into_iter().map(|f| {
            Edge::new(
                OpaqueCursor((f.created_at, f.id)),
                Facility::new(f, &viewer),
            )
        }));
        Ok(connection)
    }

    /// A transfer note: its facility's staff, its collector and operators see it.
    async fn transfer(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Transfer>> {
        let viewer = custodian(ctx).await?;
        let Ok(id) = Uuid::parse_str(&id) else {
            return Ok(None);
        };
        match read::transfer(&ctx.state()?.db, &viewer, id).await {
            Ok(found) => Ok(Some(Transfer(found))),
            Err(AppError::NotFound(_)) => Ok(None),
            Err(err) => Err(err.into()),
        }
    }

    /// Transfers the caller may see, newest first: a facility's incoming ones, a
    /// collector's own hand-overs, or all for operators.
    async fn transfers(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<TransferConnection> {
        let viewer = custodian(ctx).await?;
        let after = cursor(after)?;
        let page = read::transfers(&ctx.state()?.db, &viewer, page_size(first)?, after).await?;
        let mut connection = Connection::new(after.is_some(), page.has_next);
        connection.edges.extend(
            page.items
                .into_iter()
                .map(|t| Edge::new(OpaqueCursor((t.created_at, t.id)), Transfer(t))),
        );
        Ok(connection)
    }

    /// Re-computes every chain of the order's items (hashes, links, signatures and signed
    /// heads) and names the first broken event. Whoever may read the order may ask.
    async fn verify_custody_chain(
        &self,
        ctx: &Context<'_>,
        order_id: ID,
    ) -> async_graphql::Result<CustodyVerification> {
        let state = ctx.state()?;
        let viewer = custodian(ctx).await?;
        let id = Uuid::parse_str(&order_id).map_err(|_| AppError::NotFound("pickup order"))?;
        let items: Vec<ItemVerification> =
            read::verify_order(&state.db, &state.server_key, &viewer, id)
                .await?
                .into_iter()
                .map(Into::into)
                .collect();
        Ok(CustodyVerification {
            order_id,
            valid: items.iter().all(|i| i.valid),
            items,
        })
    }

    /// What did not match at receipt, newest first (operators).
    #[graphql(guard = "RoleGuard::operator()")]
    async fn custody_discrepancies(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<DiscrepancyConnection> {
        let viewer = custodian(ctx).await?;
        let after = cursor(after)?;
        let page = read::discrepancies(&ctx.state()?.db, &viewer, page_size(first)?, after).await?;
        let mut connection = Connection::new(after.is_some(), page.has_next);
        connection.edges.extend(
            page.items
                .into_iter()
                .map(|d| Edge::new(OpaqueCursor((d.created_at, d.id)), Discrepancy::from(d))),
        );
        Ok(connection)
    }

    /// The latest signed checkpoints of the custody log, newest first (also at
    /// `GET /custody/checkpoints`). `first` is 1 to 100.
    async fn custody_checkpoints(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
    ) -> async_graphql::Result<Vec<CustodyCheckpoint>> {
        let rows = checkpoints::recent(&ctx.state()?.db, page_size(first)?).await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Checks a checkpoint note you kept against today's log: re-computes every chain it
    /// covered and its root. A rewrite or rollback since then (even one re-signed with
    /// the server's key) shows as not consistent. Operators and partners.
    async fn verify_custody_checkpoint(
        &self,
        ctx: &Context<'_>,
        checkpoint: String,
    ) -> async_graphql::Result<CheckpointVerification> {
        let state = ctx.state()?;
        match ctx.viewer().role() {
            Some(Role::Operator | Role::Partner) => {}
            Some(_) => return Err(AppError::Forbidden.into()),
            None => {
                return Err(
                    AppError::Unauthenticated("sign in or use an API key".to_owned()).into(),
                );
            }
        }
        let check = checkpoints::check(
            &state.db,
            &state.server_key,
            &state.config.custody.checkpoint_origin,
            &checkpoint,
        )
        .await?;
        Ok(CheckpointVerification {
            number: check.number,
            consistent: check.consistent,
            reason: check.reason,
            item_id: check.item_id.map(|id| ID(id.to_string())),
        })
    }
}
