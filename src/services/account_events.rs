//! Security notices about an account (signed out, token reuse), fanned out through
//! pub/sub so a subscription on any instance sees them.

use chrono::{DateTime, Utc};
use futures_util::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppResult;
use crate::state::AppState;

/// What happened to the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AccountEventKind {
    /// A session was ended with `logout`.
    SignedOut,
    /// A rotated refresh token was presented again; that login's sessions were revoked.
    TokenReuseDetected,
}

/// One notice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountEvent {
    /// What happened.
    pub kind: AccountEventKind,
    /// When.
    pub at: DateTime<Utc>,
}

fn topic(user_id: Uuid) -> String {
    format!("account:{user_id}")
}

/// Publishes a notice. Delivery is best effort: the state change it reports is already
/// committed, so a pub/sub outage is logged, not returned.
pub async fn publish_account_event(state: &AppState, user_id: Uuid, kind: AccountEventKind) {
    let event = AccountEvent {
        kind,
        at: state.clock.now(),
    };
    let result = match serde_json::to_string(&event) {
        Ok(payload) => state.pubsub.publish(&topic(user_id), payload).await,
        Err(err) => Err(err.into()),
    };
    if let Err(err) = result {
        tracing::warn!(error = ?err, %user_id, "publishing an account event failed");
    }
}

/// The notices of `user_id` from now on.
pub async fn account_events(
    state: &AppState,
    user_id: Uuid,
) -> AppResult<impl Stream<Item = AccountEvent> + use<>> {
    let messages = state.pubsub.subscribe(&topic(user_id)).await?;
    Ok(messages.filter_map(|payload| async move {
        serde_json::from_str::<AccountEvent>(&payload)
            .inspect_err(|err| tracing::warn!(error = %err, "malformed account event"))
            .ok()
    }))
}
