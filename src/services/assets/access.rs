//! Who may import and quote asset lists (a BUSINESS user with an organisation, a partner
//! key with QUOTES_WRITE for its customers), and whose assets a viewer's report lists
//! (operators all, a business user their organisation's, a partner key with ORDERS_READ
//! its own). Every member of an organisation sees its assets: reports are not limited
//! to the admin.

use entity::{asset_list, user};
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::domain::Role;
use crate::domain::partner::ApiScope;
use crate::error::{AppError, AppResult};
use crate::services::Viewer;

/// Who owns an asset list being imported or quoted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssetOwner {
    /// A business user, for their organisation.
    Business {
        /// The user.
        user_id: Uuid,
        /// Their organisation.
        organization_id: Uuid,
    },
    /// A partner system, for one of its business customers.
    Partner {
        /// The partner.
        partner_id: Uuid,
    },
}

impl AssetOwner {
    /// The viewer as an owner of asset lists; FORBIDDEN for anyone else.
    pub async fn of(conn: &impl ConnectionTrait, viewer: Viewer) -> AppResult<Self> {
        if let Viewer::Partner { partner_id, .. } = viewer {
            viewer.require_scope(ApiScope::QuotesWrite)?;
            return Ok(Self::Partner { partner_id });
        }
        let user_id = viewer.require_role(&[Role::Business])?;
        let organization_id = organization_of(conn, user_id)
            .await?
            .ok_or(AppError::Forbidden)?;
        Ok(Self::Business {
            user_id,
            organization_id,
        })
    }

    /// Whether `list` belongs to this owner (a business user: any list of the
    /// organisation).
    pub fn owns(self, list: &asset_list::Model) -> bool {
        match self {
            Self::Business {
                organization_id, ..
            } => list.organization_id == Some(organization_id),
            Self::Partner { partner_id } => list.partner_id == Some(partner_id),
        }
    }
}

/// Whose assets a report lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AssetScope {
    /// Operators.
    All,
    /// An organisation's, for any of its members.
    Organization(Uuid),
    /// A partner's imports.
    Partner(Uuid),
}

impl AssetScope {
    /// The viewer's scope: UNAUTHENTICATED when anonymous, FORBIDDEN for roles without
    /// assets and partner keys without ORDERS_READ.
    pub async fn of(conn: &impl ConnectionTrait, viewer: Viewer) -> AppResult<Self> {
        if let Viewer::Partner { partner_id, .. } = viewer {
            viewer.require_scope(ApiScope::OrdersRead)?;
            return Ok(Self::Partner(partner_id));
        }
        let (user_id, role) = viewer.require_user()?;
        match role {
            Role::Operator => Ok(Self::All),
            Role::Business => organization_of(conn, user_id)
                .await?
                .map(Self::Organization)
                .ok_or(AppError::Forbidden),
            _ => Err(AppError::Forbidden),
        }
    }
}

async fn organization_of(conn: &impl ConnectionTrait, user_id: Uuid) -> AppResult<Option<Uuid>> {
    let account = user::Entity::find_by_id(user_id)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::Unauthenticated("the account no longer exists".to_owned()))?;
    Ok(account.organization_id)
}
