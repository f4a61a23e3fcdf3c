//! Root query, merged from one object per domain.

mod account;
mod catalog;

use async_graphql::MergedObject;

/// Every query.
#[derive(MergedObject, Default)]
pub struct Query(account::AccountQuery, catalog::CatalogQuery);
