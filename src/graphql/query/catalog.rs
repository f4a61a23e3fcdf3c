//! `categories`.

use async_graphql::{Context, Object};

use crate::graphql::context::ContextExt;
use crate::graphql::types::category::Category;
use crate::services::catalog;

/// Catalog queries; open to everyone.
#[derive(Default)]
pub struct CatalogQuery;

#[Object]
impl CatalogQuery {
    /// Every category reloop collects, ordered by code.
    async fn categories(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Category>> {
        let categories = catalog::list_categories(&ctx.state()?.db).await?;
        Ok(categories.into_iter().map(Category).collect())
    }
}
