//! `Viewer`: who is making the request, and the checks every use case starts with.

use uuid::Uuid;

use crate::domain::Role;
use crate::domain::partner::{ApiScope, Scopes};
use crate::error::{AppError, AppResult};

/// The authenticated party of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Viewer {
    /// No credentials.
    #[default]
    Anonymous,
    /// A signed-in user.
    User {
        /// The user's id (`sub` of the access token).
        id: Uuid,
        /// The user's role at the time the token was issued.
        role: Role,
    },
    /// A partner system, through one of its API keys.
    Partner {
        /// The partner.
        partner_id: Uuid,
        /// The key used (rate limits are per key).
        key_id: Uuid,
        /// What the key may do.
        scopes: Scopes,
    },
}

impl Viewer {
    /// The signed-in user, or UNAUTHENTICATED.
    pub fn require_user(&self) -> AppResult<(Uuid, Role)> {
        match *self {
            Self::User { id, role } => Ok((id, role)),
            Self::Anonymous => Err(AppError::Unauthenticated("sign in first".to_owned())),
            Self::Partner { .. } => Err(AppError::Forbidden),
        }
    }

    /// For a partner key: FORBIDDEN unless it holds `scope`. Users are not scoped.
    pub fn require_scope(&self, scope: ApiScope) -> AppResult<()> {
        match self {
            Self::Partner { scopes, .. } if !scopes.contains(scope) => Err(AppError::Forbidden),
            _ => Ok(()),
        }
    }

    /// The signed-in user if their role is one of `roles`; UNAUTHENTICATED when anonymous,
    /// FORBIDDEN for other roles.
    pub fn require_role(&self, roles: &[Role]) -> AppResult<Uuid> {
        let (id, role) = self.require_user()?;
        if roles.contains(&role) {
            Ok(id)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The role, if signed in.
    pub fn role(&self) -> Option<Role> {
        match self {
            Self::User { role, .. } => Some(*role),
            Self::Partner { .. } => Some(Role::Partner),
            Self::Anonymous => None,
        }
    }
}

/// Object-level authorization: `found` if the viewer may see it, else NOT_FOUND, so a
/// foreign object looks exactly like a missing one.
pub fn visible_or_not_found<T>(
    found: Option<T>,
    may_see: impl FnOnce(&T) -> bool,
    what: &'static str,
) -> AppResult<T> {
    match found {
        Some(object) if may_see(&object) => Ok(object),
        _ => Err(AppError::NotFound(what)),
    }
}
