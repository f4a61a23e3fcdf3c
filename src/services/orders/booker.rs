//! Who books an order: a customer for themselves, or a partner for one of its customers;
//! decides the order's owners, the idempotency scope and which quotes may be booked.

use entity::quote;
use uuid::Uuid;

use super::access::Party;
use crate::error::{AppError, AppResult};

/// Who books: a customer for themselves, or a partner for one of its customers.
#[derive(Clone, Copy, Debug)]
pub(super) enum Booker {
    Customer {
        user_id: Uuid,
        organization_id: Option<Uuid>,
    },
    Partner {
        partner_id: Uuid,
    },
}

impl Booker {
    pub(super) fn of(party: Party) -> AppResult<Self> {
        match party {
            Party::Customer {
                user_id,
                organization_id,
                ..
            } => Ok(Self::Customer {
                user_id,
                organization_id,
            }),
            Party::Partner { partner_id } => Ok(Self::Partner { partner_id }),
            Party::Collector { .. } | Party::Operator { .. } => Err(AppError::Forbidden),
        }
    }

    pub(super) fn user_id(self) -> Option<Uuid> {
        match self {
            Self::Customer { user_id, .. } => Some(user_id),
            Self::Partner { .. } => None,
        }
    }

    pub(super) fn organization_id(self) -> Option<Uuid> {
        match self {
            Self::Customer {
                organization_id, ..
            } => organization_id,
            Self::Partner { .. } => None,
        }
    }

    pub(super) fn partner_id(self) -> Option<Uuid> {
        match self {
            Self::Partner { partner_id } => Some(partner_id),
            Self::Customer { .. } => None,
        }
    }

    pub(super) fn idempotency_scope(self) -> String {
        match self {
            Self::Customer { user_id, .. } => format!("user:{user_id}"),
            Self::Partner { partner_id } => format!("partner:{partner_id}"),
        }
    }

    /// Whether this booker may book `quote`: its own, or one nobody owns yet.
    pub(super) fn may_book(self, quote: &quote::Model) -> bool {
        match (quote.owner_user_id, quote.owner_partner_id) {
            (None, None) => true,
            (Some(owner), _) => self.user_id() == Some(owner),
            (None, Some(owner)) => self.partner_id() == Some(owner),
        }
    }
}
