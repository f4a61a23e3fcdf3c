//! `User`: an account as its owner sees it.

use async_graphql::{Context, ID, Object, SimpleObject};
use entity::user;

use super::collector::Collector;
use super::enums::RoleGql;
use super::organization::OrganizationRoleGql;
use crate::domain::Role;
use crate::domain::organization::OrganizationRole;
use crate::error::AppError;
use crate::graphql::context::ContextExt;
use crate::graphql::loaders::{CollectorByUser, OrganizationById};

/// A signed-in account.
pub struct User(pub user::Model);

/// A business customer's organisation: its admin sees every member's orders, every
/// member sees its reports and assets.
#[derive(SimpleObject)]
pub struct Organization {
    /// The organisation id.
    pub id: ID,
    /// Its name.
    pub name: String,
    /// Colleagues register with it (`organizationInviteCode`) to join.
    pub invite_code: String,
}

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
        Ok(Role::from(self.0.role).into())
    }

    /// Contact phone, compact form.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }

    /// The organisation of a BUSINESS user, with the invite code colleagues sign up with.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        let Some(id) = self.0.organization_id else {
            return Ok(None);
        };
        Ok(ctx
            .loader::<OrganizationById>()?
            .load_one(id)
            .await?
            .map(|org| Organization {
                id: ID(org.id.to_string()),
                name: org.name,
                invite_code: org.invite_code,
            }))
    }

    /// A BUSINESS user's role in their organisation: ADMIN (the registering user) sees
    /// and manages members and their orders; MEMBER sees their own orders and the
    /// organisation's reports.
    async fn organization_role(&self) -> Option<OrganizationRoleGql> {
        self.0
            .organization_id
            .map(|_| OrganizationRole::stored(self.0.organization_role.as_deref()).into())
    }

    /// The collector profile; set for COLLECTOR users only.
    async fn collector(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Collector>> {
        if Role::from(self.0.role) != Role::Collector {
            return Ok(None);
        }
        Ok(ctx
            .loader::<CollectorByUser>()?
            .load_one(self.0.id)
            .await?
            .map(Collector))
    }
}
