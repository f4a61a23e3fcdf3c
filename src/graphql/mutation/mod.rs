//! Root mutation, merged from one object per domain.

mod assets;
mod auth;
mod blocklist;
mod catalog;
mod collectors;
mod compliance;
mod custody;
mod dispatch;
mod orders;
mod partners;
mod quotes;

use async_graphql::MergedObject;

pub(crate) use partners::webhook_manager;

/// Every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    auth::AuthMutation,
    quotes::QuoteMutation,
    catalog::CatalogMutation,
    blocklist::BlocklistMutation,
    orders::OrderMutation,
    collectors::CollectorMutation,
    custody::CustodyMutation,
    compliance::ComplianceMutation,
    dispatch::DispatchMutation,
    partners::PartnerMutation,
    assets::BusinessMutation,
);
