//! `importAssetList`, `requestAssetListQuote`; organisation admins' member changes.

use async_graphql::{Context, ID, Object};
use uuid::Uuid;

use crate::domain::organization::OrganizationRole;
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::types::asset::{AssetImport, AssetListInput};
use crate::graphql::types::geo::GeoPointInput;
use crate::graphql::types::organization::{OrganizationMember, OrganizationRoleGql};
use crate::graphql::types::quote::Quote;
use crate::services::assets;
use crate::services::organizations::{self, MemberChange};

/// Business mutations: asset lists and organisation members.
#[derive(Default)]
pub struct BusinessMutation;

fn id_arg(field: &'static str, id: &ID) -> Result<Uuid, AppError> {
    Uuid::parse_str(id).map_err(|_| AppError::validation(field, "is not an id"))
}

#[Object]
impl BusinessMutation {
    /// Imports an asset list (BUSINESS users for their organisation; partner keys with
    /// QUOTES_WRITE for a customer): every line is checked and every problem listed by
    /// line and field; serials repeated in the list are errors, serials on the
    /// blocklist warnings. Nothing is imported while any line is invalid unless
    /// `importValidLines` is set. At most `RELOOP_ASSET_LIST_MAX_LINES` (2,000) lines;
    /// the same import is `POST /assets/import` with the CSV as the body.
    async fn import_asset_list(
        &self,
        ctx: &Context<'_>,
        input: AssetListInput,
    ) -> async_graphql::Result<AssetImport> {
        let request = input.parse()?;
        let outcome = assets::import_assets(ctx.state()?, ctx.viewer(), request).await?;
        Ok(outcome.into())
    }

    /// One quote for every asset of a list you own, each priced as `requestQuote`
    /// prices an item (one piece per line), with `categoryTotals`; book it with
    /// `bookPickup` as any quote. Its lines name their assets, which the disposition
    /// report follows.
    async fn request_asset_list_quote(
        &self,
        ctx: &Context<'_>,
        asset_list_id: ID,
        pickup_location: Option<GeoPointInput>,
    ) -> async_graphql::Result<Quote> {
        let list = id_arg("assetListId", &asset_list_id)?;
        let pickup = pickup_location
            .map(GeoPointInput::parse)
            .transpose()
            .map_err(|e| AppError::validation("pickupLocation", e.0))?;
        let view =
            assets::quote_asset_list(ctx.state()?, ctx.quoting()?, ctx.viewer(), list, pickup)
                .await?;
        Ok(Quote(view))
    }

    /// Organisation admins: gives a member a role (CONFLICT when it would leave the
    /// organisation without an admin; NOT_FOUND for someone outside it).
    async fn set_organization_member_role(
        &self,
        ctx: &Context<'_>,
        user_id: ID,
        role: OrganizationRoleGql,
    ) -> async_graphql::Result<OrganizationMember> {
        let member = id_arg("userId", &user_id)?;
        let change = MemberChange::SetRole(OrganizationRole::from(role));
        let updated =
            organizations::change_member(ctx.state()?, ctx.viewer(), member, change).await?;
        Ok(OrganizationMember(updated))
    }

    /// Organisation admins: takes a member out of the organisation; their past orders
    /// stay the organisation's. The last admin cannot be removed (CONFLICT).
    async fn remove_organization_member(
        &self,
        ctx: &Context<'_>,
        user_id: ID,
    ) -> async_graphql::Result<OrganizationMember> {
        let member = id_arg("userId", &user_id)?;
        let updated =
            organizations::change_member(ctx.state()?, ctx.viewer(), member, MemberChange::Remove)
                .await?;
        Ok(OrganizationMember(updated))
    }
}
