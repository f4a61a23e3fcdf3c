//! `organizationAssets` (the per-asset disposition report) and `organizationMembers`.

use async_graphql::connection::{Connection, CursorType, Edge, OpaqueCursor};
use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::types::asset::AssetRecord;
use crate::graphql::types::organization::OrganizationMember;
use crate::services::assets::{self, AssetCursor, AssetScope};
use crate::services::organizations;
use crate::services::pagination::page_size;

/// A page of asset records.
pub type AssetRecordConnection = Connection<OpaqueCursor<AssetCursor>, AssetRecord>;
/// A page of organisation members.
pub type OrganizationMemberConnection =
    Connection<OpaqueCursor<(DateTime<Utc>, Uuid)>, OrganizationMember>;

/// Business queries.
#[derive(Default)]
pub struct BusinessQuery;

fn cursor<T: serde::de::DeserializeOwned + serde::Serialize>(
    after: Option<String>,
) -> Result<Option<T>, AppError> {
    after
        .map(|raw| OpaqueCursor::<T>::decode_cursor(&raw))
        .transpose()
        .map_err(|_| AppError::validation("after", "is not a cursor from this list"))
        .map(|c| c.map(|c| c.0))
}

#[Object]
impl BusinessQuery {
    /// The per-asset disposition report, in import order: every asset with its order,
    /// pickup, custody status, facility, outcome, sanitisation and certificate. Every
    /// member of an organisation sees its assets (admins and members alike); a partner
    /// key with ORDERS_READ the lists it imported; operators all. `assetListId` narrows
    /// it to one list; `first` is 1 to 100. The same rows download as
    /// `GET /reports/assets.csv`.
    async fn organization_assets(
        &self,
        ctx: &Context<'_>,
        asset_list_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<AssetRecordConnection> {
        let state = ctx.state()?;
        let scope = AssetScope::of(&state.db, ctx.viewer()).await?;
        let take = page_size(first)?;
        let list = asset_list_id
            .map(|id| {
                Uuid::parse_str(&id)
                    .map_err(|_| AppError::validation("assetListId", "is not an id"))
            })
            .transpose()?;
        let after = cursor::<AssetCursor>(after)?;
        let page = assets::asset_page(&state.db, scope, list, after, take).await?;
        let mut connection = Connection::new(after.is_some(), page.has_next);
        connection.edges.extend(
            page.items
                .into_iter()
                .map(|row| Edge::new(OpaqueCursor(row.cursor()), AssetRecord(row))),
        );
        Ok(connection)
    }

    /// Organisation admins: the organisation's members, newest first (FORBIDDEN for
    /// members). `first` is 1 to 100.
    async fn organization_members(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<OrganizationMemberConnection> {
        let take = page_size(first)?;
        let after = cursor::<(DateTime<Utc>, Uuid)>(after)?;
        let page = organizations::list_members(ctx.state()?, ctx.viewer(), after, take).await?;
        let mut connection = Connection::new(after.is_some(), page.has_next);
        connection.edges.extend(page.items.into_iter().map(|user| {
            Edge::new(
                OpaqueCursor((user.created_at, user.id)),
                OrganizationMember(user),
            )
        }));
        Ok(connection)
    }
}
