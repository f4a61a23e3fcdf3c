//! Order updates fanned out through pub/sub, so a subscription on any instance sees
//! every transition.

use futures_util::{Stream, StreamExt};
use uuid::Uuid;

use crate::error::AppResult;
use crate::state::AppState;

fn topic(order_id: Uuid) -> String {
    format!("order:{order_id}")
}

/// Announces that `order_id` changed (its new version). Best effort: the change is
/// committed; subscribers re-read the order.
pub async fn publish_order_update(state: &AppState, order_id: Uuid, version: i32) {
    if let Err(err) = state
        .pubsub
        .publish(&topic(order_id), version.to_string())
        .await
    {
        tracing::warn!(error = ?err, %order_id, "publishing an order update failed");
    }
}

/// A tick for every change of `order_id` from now on.
pub async fn order_updates(
    state: &AppState,
    order_id: Uuid,
) -> AppResult<impl Stream<Item = ()> + use<>> {
    let messages = state.pubsub.subscribe(&topic(order_id)).await?;
    Ok(messages.map(|_| ()))
}
