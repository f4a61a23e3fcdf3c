//! `requestQuote`.

use async_graphql::{Context, Object};

use crate::graphql::context::ContextExt;
use crate::graphql::types::quote::Quote;
use crate::graphql::types::quote_input::QuoteInput;
use crate::services::Viewer;
use crate::services::quotes::{self, Requester};

/// Quote mutations; open to everyone (rate limited).
#[derive(Default)]
pub struct QuoteMutation;

#[Object]
impl QuoteMutation {
    /// Prices the items now and locks the price until `validUntil`. Anonymous callers may
    /// ask too (rate limited per address); their quote belongs to whoever books it.
    async fn request_quote(
        &self,
        ctx: &Context<'_>,
        input: QuoteInput,
    ) -> async_graphql::Result<Quote> {
        let request = input.parse()?;
        let requester = match ctx.viewer() {
            Viewer::User { id, .. } => Requester::User(id),
            Viewer::Partner { partner_id, .. } => Requester::Partner(partner_id),
            Viewer::Anonymous => Requester::Anonymous {
                client: ctx.client_address(),
            },
        };
        Ok(Quote(
            quotes::request_quote(ctx.state()?, ctx.quoting()?, requester, request).await?,
        ))
    }
}
