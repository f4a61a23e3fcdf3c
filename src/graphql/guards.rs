//! Role guards for resolvers: `#[graphql(guard = "RoleGuard::operator()")]`.

use async_graphql::{Context, Guard};

use super::context::ContextExt;
use crate::domain::Role;

/// Lets a resolver run only for the given roles (UNAUTHENTICATED when anonymous,
/// FORBIDDEN for other roles).
pub struct RoleGuard {
    roles: &'static [Role],
}

impl RoleGuard {
    /// Operators only.
    pub fn operator() -> Self {
        Self {
            roles: &[Role::Operator],
        }
    }

    /// Any of `roles`.
    pub fn any_of(roles: &'static [Role]) -> Self {
        Self { roles }
    }
}

impl Guard for RoleGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        ctx.viewer().require_role(self.roles)?;
        Ok(())
    }
}
