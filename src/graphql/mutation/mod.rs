//! Root mutation, merged from one object per domain.

mod auth;

use async_graphql::MergedObject;

/// Every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(auth::AuthMutation);
