//! Enforces [`partner_access`] on every root query and mutation field a partner's key
//! calls, before the field resolves; resolvers need not remember to check a scope, and a
//! new field is denied to keys until the table names it. (Subscriptions check in their
//! resolver: `orderUpdated` is the only one a key may open.)

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextResolve, ResolveInfo,
};
use async_graphql::{ErrorExtensions, PathSegment, Pos, ServerResult, Value};

use crate::domain::partner_access::{PartnerAccess, Root, partner_access};
use crate::error::AppError;
use crate::services::Viewer;

/// The extension factory to register on the schema.
pub struct PartnerScopes;

impl ExtensionFactory for PartnerScopes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(PartnerScopesExtension)
    }
}

struct PartnerScopesExtension;

#[async_trait::async_trait]
impl Extension for PartnerScopesExtension {
    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let root = match info.parent_type {
            "Query" => Some(Root::Query),
            "Mutation" => Some(Root::Mutation),
            _ => None,
        };
        if let (Some(root), Some(Viewer::Partner { scopes, .. })) = (root, ctx.data_opt::<Viewer>())
        {
            let allowed = match partner_access(root, info.name) {
                PartnerAccess::Open => true,
                PartnerAccess::Needs(scope) => scopes.contains(scope),
                PartnerAccess::Denied => false,
            };
            if !allowed {
                // A field error (with its path), like the resolver's own FORBIDDEN would be.
                let mut error = AppError::Forbidden
                    .extend()
                    .into_server_error(Pos::default());
                error.locations.clear();
                error.path = info
                    .path_node
                    .to_string_vec()
                    .into_iter()
                    .map(PathSegment::Field)
                    .collect();
                return Err(error);
            }
        }
        next.run(ctx, info).await
    }
}
