//! Sign-up input and the session payload.

use async_graphql::{InputObject, SimpleObject};
use chrono::{DateTime, Utc};

use super::enums::RoleGql;
use super::user::User;
use crate::services::auth::Session;

/// A self-service sign-up.
#[derive(InputObject)]
pub struct RegisterInput {
    /// Login email; unique, case-insensitive.
    pub email: String,
    /// 8 to 128 characters.
    pub password: String,
    /// Name shown to other parties.
    pub display_name: String,
    /// HOUSEHOLD, BUSINESS, COLLECTOR or FACILITY (operators are created from the
    /// command line).
    pub role: RoleGql,
    /// Contact phone.
    pub phone: Option<String>,
    /// For BUSINESS: the organisation to create with the account.
    pub organization_name: Option<String>,
    /// For BUSINESS: join an existing organisation instead (its members share orders);
    /// a member finds the code in `me { organization { inviteCode } }`.
    pub organization_invite_code: Option<String>,
    /// For FACILITY (required): the facility's invite code, from an operator.
    pub facility_invite_code: Option<String>,
}

/// A new session.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Bearer token for `Authorization`; short-lived.
    pub access_token: String,
    /// Exchange it with `refreshToken` for a new pair; works once.
    pub refresh_token: String,
    /// When the access token expires.
    pub expires_at: DateTime<Utc>,
    /// The signed-in user.
    pub user: User,
}

impl From<Session> for AuthPayload {
    fn from(session: Session) -> Self {
        Self {
            access_token: session.access_token,
            refresh_token: session.refresh_token,
            expires_at: session.expires_at,
            user: User(session.user),
        }
    }
}
