//! `me`.

use async_graphql::{Context, Object};

use crate::graphql::context::ContextExt;
use crate::graphql::types::user::User;
use crate::services::{Viewer, users};

/// Queries about the signed-in account.
#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// The signed-in user; null when anonymous.
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<User>> {
        let Viewer::User { id, .. } = ctx.viewer() else {
            return Ok(None);
        };
        Ok(users::find_user(&ctx.state()?.db, id).await?.map(User))
    }
}
