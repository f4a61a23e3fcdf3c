//! Who sees which figures of a report: operators everything, a BUSINESS user its
//! organisation's orders, a partner its own orders, a collector its own pickups, facility
//! staff what their facility accepted; anyone else is FORBIDDEN. The scope becomes one
//! column of the rollups' bucket, so a report never adds up another party's figures.

use entity::{collector, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::domain::Role;
use crate::domain::partner::ApiScope;
use crate::error::{AppError, AppResult};
use crate::services::Viewer;

/// The rows a viewer's report adds up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportScope {
    /// Operators.
    All,
    /// A business customer's organisation.
    Organization(Uuid),
    /// A partner's bookings.
    Partner(Uuid),
    /// A collector's pickups.
    Collector(Uuid),
    /// What a facility accepted.
    Facility(Uuid),
}

impl ReportScope {
    /// The viewer's scope: UNAUTHENTICATED when anonymous, FORBIDDEN for households,
    /// business users without an organisation, and partner keys without ORDERS_READ.
    pub async fn of(conn: &impl ConnectionTrait, viewer: Viewer) -> AppResult<Self> {
        if let Viewer::Partner { partner_id, .. } = viewer {
            viewer.require_scope(ApiScope::OrdersRead)?;
            return Ok(Self::Partner(partner_id));
        }
        let (user_id, role) = viewer.require_user()?;
        // Read directly (not through orders' or custody's access rules): those services
        // write the rollups, so depending on them would make a circle.
        let gone = || AppError::Unauthenticated("the account no longer exists".to_owned());
        match role {
            Role::Operator => Ok(Self::All),
            Role::Business | Role::Facility => {
                let account = user::Entity::find_by_id(user_id)
                    .one(conn)
                    .await?
                    .ok_or_else(gone)?;
                let id = if role == Role::Business {
                    account.organization_id.map(Self::Organization)
                } else {
                    account.facility_id.map(Self::Facility)
                };
                id.ok_or(AppError::Forbidden)
            }
            Role::Collector => collector::Entity::find()
                .filter(collector::Column::UserId.eq(user_id))
                .one(conn)
                .await?
                .map(|c| Self::Collector(c.id))
                .ok_or_else(gone),
            Role::Household | Role::Partner => Err(AppError::Forbidden),
        }
    }

    /// The bucket column and value this scope pins, if any.
    pub(super) fn column(self) -> Option<(&'static str, Uuid)> {
        match self {
            Self::All => None,
            Self::Organization(id) => Some(("organization_id", id)),
            Self::Partner(id) => Some(("partner_id", id)),
            Self::Collector(id) => Some(("collector_id", id)),
            Self::Facility(id) => Some(("facility_id", id)),
        }
    }
}
