//! Who is acting on custody, and which items and transfers they may see.

use entity::{custody_item, pickup_order, transfer, user};
use sea_orm::{ConnectionTrait, EntityTrait};
use uuid::Uuid;

use crate::domain::Role;
use crate::error::{AppError, AppResult};
use crate::services::Viewer;
use crate::services::orders::Party;

/// The viewer, as custody sees them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Custodian {
    /// Staff of a facility.
    Staff {
        /// The user.
        user_id: Uuid,
        /// Their facility.
        facility_id: Uuid,
    },
    /// Anyone else, with the orders' rules of who sees what.
    Party(Party),
}

impl Custodian {
    /// Resolves the viewer; UNAUTHENTICATED when anonymous.
    pub async fn of(conn: &impl ConnectionTrait, viewer: Viewer) -> AppResult<Self> {
        if let Viewer::User {
            id: user_id,
            role: Role::Facility,
        } = viewer
        {
            let account = user::Entity::find_by_id(user_id).one(conn).await?;
            let facility_id = account.and_then(|a| a.facility_id).ok_or_else(|| {
                AppError::Unauthenticated("the account no longer exists".to_owned())
            })?;
            return Ok(Self::Staff {
                user_id,
                facility_id,
            });
        }
        Ok(Self::Party(Party::of(conn, viewer).await?))
    }

    /// The acting user, if a person.
    pub fn user_id(&self) -> Option<Uuid> {
        match self {
            Self::Staff { user_id, .. } => Some(*user_id),
            Self::Party(party) => party.actor_user(),
        }
    }

    /// Whether they may see `item` of `order`: the order's readers (customer, their
    /// organisation, the booking partner, the collector who collected it, operators),
    /// or the staff of the facility it was sent to.
    pub fn may_see_item(&self, item: &custody_item::Model, order: &pickup_order::Model) -> bool {
        match self {
            Self::Staff { facility_id, .. } => item.facility_id == Some(*facility_id),
            Self::Party(Party::Collector { collector_id, .. }) => {
                item.collector_id == Some(*collector_id)
            }
            Self::Party(party) => party.may_see(order),
        }
    }

    /// Whether they may see `transfer`: its facility's staff, its collector, operators.
    pub fn may_see_transfer(&self, transfer: &transfer::Model) -> bool {
        match self {
            Self::Staff { facility_id, .. } => transfer.facility_id == *facility_id,
            Self::Party(Party::Collector { collector_id, .. }) => {
                transfer.collector_id == *collector_id
            }
            Self::Party(Party::Operator { .. }) => true,
            Self::Party(_) => false,
        }
    }

    /// Whether they see a battery's raw trace code and state of health: the facility
    /// holding it and operators have the legitimate interest; customers see its status.
    pub fn sees_battery_details(&self) -> bool {
        matches!(
            self,
            Self::Staff { .. } | Self::Party(Party::Operator { .. })
        )
    }

    /// Staff of a facility, or FORBIDDEN.
    pub fn staff(&self) -> AppResult<(Uuid, Uuid)> {
        match self {
            Self::Staff {
                user_id,
                facility_id,
            } => Ok((*user_id, *facility_id)),
            Self::Party(_) => Err(AppError::Forbidden),
        }
    }
}
