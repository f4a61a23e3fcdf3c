//! Root mutation, merged from one object per domain.

mod auth;
mod catalog;
mod collectors;
mod dispatch;
mod orders;
mod quotes;

use async_graphql::MergedObject;

/// Every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    auth::AuthMutation,
    quotes::QuoteMutation,
    catalog::CatalogMutation,
    orders::OrderMutation,
    collectors::CollectorMutation,
    dispatch::DispatchMutation,
);
