//! `User`: an account as its owner sees it.

use async_graphql::{Context, ID, Object};
use entity::user;

use super::collector::Collector;
use super::enums::RoleGql;
use crate::domain::Role;
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::loaders::CollectorByUser;

/// A signed-in account.
pub struct User(pub user::Model);

/// A signed-in account.
#[Object]
impl User {
    /// The account id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The login email, lower-cased.
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// The name shown to other parties.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// The account's role.
    async fn role(&self) -> Result<RoleGql, AppError> {
        self.0
            .role
            .parse::<Role>()
            .map(RoleGql::from)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("stored role: {e}")))
    }

    /// Contact phone, compact form.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }

    /// The collector profile; set for COLLECTOR users only.
    async fn collector(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Collector>> {
        if self.0.role != Role::Collector.as_str() {
            return Ok(None);
        }
        Ok(ctx
            .loader::<CollectorByUser>()?
            .load_one(self.0.id)
            .await?
            .map(Collector))
    }
}
