//! `AccountEvent`: security notices streamed to the account's own sessions.

use async_graphql::{Enum, SimpleObject};
use chrono::{DateTime, Utc};

use crate::services::account_events::{AccountEvent as Event, AccountEventKind as Kind};

/// What happened to the account.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(
    name = "AccountEventKind",
    remote = "crate::services::account_events::AccountEventKind"
)]
pub enum AccountEventKindGql {
    /// A session was ended with `logout`.
    SignedOut,
    /// A used refresh token was presented again; that login's sessions were revoked.
    TokenReuseDetected,
}

/// A security notice about the signed-in account.
#[derive(SimpleObject)]
pub struct AccountEvent {
    /// What happened.
    pub kind: AccountEventKindGql,
    /// When it happened.
    pub at: DateTime<Utc>,
}

impl From<Event> for AccountEvent {
    fn from(event: Event) -> Self {
        Self {
            kind: Kind::into(event.kind),
            at: event.at,
        }
    }
}
