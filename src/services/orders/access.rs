//! Who is acting on orders, and which orders they may see.

use entity::{collector, pickup_order, user};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::domain::Role;
use crate::domain::order::Actor;
use crate::domain::organization::OrganizationRole;
use crate::error::{AppError, AppResult};
use crate::services::Viewer;

/// The viewer, with what order access depends on (organisation, collector profile).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Party {
    /// A household or business customer.
    Customer {
        /// The user.
        user_id: Uuid,
        /// Their organisation (BUSINESS): its orders are stamped with it.
        organization_id: Option<Uuid>,
        /// The organisation's admin sees every member's orders; a member only their own.
        sees_organization: bool,
    },
    /// A collector.
    Collector {
        /// The user.
        user_id: Uuid,
        /// Their collector profile.
        collector_id: Uuid,
    },
    /// Staff.
    Operator {
        /// The user.
        user_id: Uuid,
    },
    /// A partner system (API key), acting for its customers.
    Partner {
        /// The partner.
        partner_id: Uuid,
    },
}

impl Party {
    /// Resolves the viewer; UNAUTHENTICATED when anonymous.
    pub async fn of(conn: &impl ConnectionTrait, viewer: Viewer) -> AppResult<Self> {
        if let Viewer::Partner { partner_id, .. } = viewer {
            return Ok(Self::Partner { partner_id });
        }
        let (user_id, role) = viewer.require_user()?;
        match role {
            Role::Operator => Ok(Self::Operator { user_id }),
            Role::Collector => {
                let profile = collector::Entity::find()
                    .filter(collector::Column::UserId.eq(user_id))
                    .one(conn)
                    .await?
                    .ok_or_else(|| {
                        AppError::Unauthenticated("the account no longer exists".to_owned())
                    })?;
                Ok(Self::Collector {
                    user_id,
                    collector_id: profile.id,
                })
            }
            Role::Household | Role::Business => {
                let account = user::Entity::find_by_id(user_id)
                    .one(conn)
                    .await?
                    .ok_or_else(|| {
                        AppError::Unauthenticated("the account no longer exists".to_owned())
                    })?;
                let sees_organization = account.organization_id.is_some()
                    && OrganizationRole::stored(account.organization_role.as_deref())
                        .sees_all_orders();
                Ok(Self::Customer {
                    user_id,
                    organization_id: account.organization_id,
                    sees_organization,
                })
            }
            // Facility staff see transfers and items, never orders.
            Role::Partner | Role::Facility => Err(AppError::Forbidden),
        }
    }

    /// The user acting (None for a partner system).
    pub fn actor_user(&self) -> Option<Uuid> {
        match *self {
            Self::Customer { user_id, .. }
            | Self::Collector { user_id, .. }
            | Self::Operator { user_id } => Some(user_id),
            Self::Partner { .. } => None,
        }
    }

    /// The role recorded in order events.
    pub fn role(&self, order: &pickup_order::Model) -> Role {
        match self {
            Self::Customer {
                organization_id, ..
            } if order.organization_id.is_some() && *organization_id == order.organization_id => {
                Role::Business
            }
            Self::Customer { .. } => Role::Household,
            Self::Collector { .. } => Role::Collector,
            Self::Operator { .. } => Role::Operator,
            Self::Partner { .. } => Role::Partner,
        }
    }

    /// The state machine's actor for this party.
    pub fn actor(&self) -> Actor {
        match self {
            Self::Customer { .. } => Actor::Customer,
            Self::Collector { .. } => Actor::Collector,
            Self::Operator { .. } => Actor::Operator,
            Self::Partner { .. } => Actor::Partner,
        }
    }

    /// Object-level authorization: whether this party may see `order` at all.
    pub fn may_see(&self, order: &pickup_order::Model) -> bool {
        match *self {
            Self::Operator { .. } => true,
            Self::Customer {
                user_id,
                organization_id,
                sees_organization,
            } => {
                order.customer_user_id == Some(user_id)
                    || (sees_organization
                        && organization_id.is_some()
                        && order.organization_id == organization_id)
            }
            Self::Collector { collector_id, .. } => order.collector_id == Some(collector_id),
            Self::Partner { partner_id } => order.partner_id == Some(partner_id),
        }
    }
}

/// `order` if `party` may see it; NOT_FOUND otherwise, exactly like a missing order.
pub fn visible(
    order: Option<pickup_order::Model>,
    party: &Party,
) -> AppResult<pickup_order::Model> {
    match order {
        Some(order) if party.may_see(&order) => Ok(order),
        _ => Err(AppError::NotFound("pickup order")),
    }
}
