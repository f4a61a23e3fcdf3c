//! `quote`.

use async_graphql::{Context, ID, Object};

use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::types::quote::Quote;
use crate::services::quotes;

/// Quote queries.
#[derive(Default)]
pub struct QuoteQuery;

#[Object]
impl QuoteQuery {
    /// A quote, for its owner (or anyone holding the id of a quote nobody has booked yet).
    async fn quote(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<Option<Quote>> {
        let Ok(id) = uuid::Uuid::parse_str(&id) else {
            return Ok(None);
        };
        match quotes::find_quote(ctx.state()?, ctx.viewer(), id).await {
            Ok(view) => Ok(Some(Quote(view))),
            Err(AppError::NotFound(_)) => Ok(None),
            Err(err) => Err(err.into()),
        }
    }
}
