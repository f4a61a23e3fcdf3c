//! Order updates fanned out through pub/sub, so a subscription on any instance sees
//! every transition: per order (`orderUpdated`), and for the whole network (the operators'
//! `orderActivity`, which also hears of dispatch steps that change no order: offers sent,
//! declined, expired).

use futures_util::{Stream, StreamExt};
use uuid::Uuid;

use crate::error::AppResult;
use crate::state::AppState;

fn topic(order_id: Uuid) -> String {
    format!("order:{order_id}")
}

/// The network-wide topic: the id of every order that changed or whose dispatch moved.
const ACTIVITY: &str = "orders:activity";

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
    publish_order_activity(state, order_id).await;
}

/// Announces that `order_id` changed or its dispatch moved (offers sent, declined,
/// expired) to the network-wide topic operators follow. Best effort, like the update.
pub async fn publish_order_activity(state: &AppState, order_id: Uuid) {
    if let Err(err) = state.pubsub.publish(ACTIVITY, order_id.to_string()).await {
        tracing::warn!(error = ?err, %order_id, "publishing order activity failed");
    }
}

/// The id of every order that changes or whose dispatch moves, from now on.
pub async fn order_activity(state: &AppState) -> AppResult<impl Stream<Item = Uuid> + use<>> {
    let messages = state.pubsub.subscribe(ACTIVITY).await?;
    Ok(messages.filter_map(|payload| async move { Uuid::parse_str(&payload).ok() }))
}

/// A tick for every change of `order_id` from now on.
pub async fn order_updates(
    state: &AppState,
    order_id: Uuid,
) -> AppResult<impl Stream<Item = ()> + use<>> {
    let messages = state.pubsub.subscribe(&topic(order_id)).await?;
    Ok(messages.map(|_| ()))
}
