//! Organisation roles and members, as an organisation's admin sees them.

use async_graphql::{Enum, ID, Object};
use chrono::{DateTime, Utc};
use entity::user;

use crate::domain::organization::OrganizationRole;

/// What a BUSINESS user may do inside their organisation.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(
    name = "OrganizationRole",
    remote = "crate::domain::organization::OrganizationRole"
)]
pub enum OrganizationRoleGql {
    /// Registered the organisation (or was made admin): sees and manages every member
    /// and every member's orders.
    Admin,
    /// Sees their own orders and the organisation's reports and assets.
    Member,
}

/// A member of the viewer's organisation.
pub struct OrganizationMember(pub user::Model);

/// A member of the viewer's organisation.
#[Object]
impl OrganizationMember {
    /// The member's user id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Their login email.
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// Their display name.
    async fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// Their role in the organisation; null once removed from it.
    async fn organization_role(&self) -> Option<OrganizationRoleGql> {
        self.0
            .organization_id
            .map(|_| OrganizationRole::stored(self.0.organization_role.as_deref()).into())
    }

    /// When they signed up.
    async fn joined_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
