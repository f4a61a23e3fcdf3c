//! Dispatch events through pub/sub: offers for a collector, and a collector's position.

use futures_util::{Stream, StreamExt};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::geo::GeoPoint;
use crate::error::AppResult;
use crate::state::AppState;

/// What happened to an offer, as the collector sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OfferEventKind {
    /// A new offer.
    Offered,
    /// Another collector took the order, or it went away.
    Withdrawn,
    /// Nobody answered in time.
    Expired,
}

/// One offer notice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferEvent {
    /// What happened.
    pub kind: OfferEventKind,
    /// The offer.
    pub offer_id: Uuid,
}

fn offers_topic(collector_id: Uuid) -> String {
    format!("collector-offers:{collector_id}")
}

fn location_topic(collector_id: Uuid) -> String {
    format!("collector-location:{collector_id}")
}

/// Tells a collector about an offer. Best effort: the offer is in the database, and
/// `myJobOffers` lists it whatever happens here.
pub async fn notify_collector(
    state: &AppState,
    collector_id: Uuid,
    kind: OfferEventKind,
    offer_id: Uuid,
) {
    let payload = serde_json::json!({"kind": kind, "offer_id": offer_id}).to_string();
    if let Err(err) = state
        .pubsub
        .publish(&offers_topic(collector_id), payload)
        .await
    {
        tracing::warn!(error = ?err, %collector_id, "publishing an offer event failed");
    }
}

/// The offer notices of one collector from now on.
pub async fn offer_events(
    state: &AppState,
    collector_id: Uuid,
) -> AppResult<impl Stream<Item = OfferEvent> + use<>> {
    let messages = state.pubsub.subscribe(&offers_topic(collector_id)).await?;
    Ok(messages.filter_map(|payload| async move { serde_json::from_str(&payload).ok() }))
}

/// Publishes a collector's position to whoever follows it.
pub async fn publish_location(state: &AppState, collector_id: Uuid, point: GeoPoint) {
    let payload = serde_json::json!([point.latitude, point.longitude]).to_string();
    if let Err(err) = state
        .pubsub
        .publish(&location_topic(collector_id), payload)
        .await
    {
        tracing::debug!(error = ?err, %collector_id, "publishing a position failed");
    }
}

/// A collector's positions from now on.
pub async fn locations(
    state: &AppState,
    collector_id: Uuid,
) -> AppResult<impl Stream<Item = GeoPoint> + use<>> {
    let messages = state
        .pubsub
        .subscribe(&location_topic(collector_id))
        .await?;
    Ok(messages.filter_map(|payload| async move {
        let [latitude, longitude]: [f64; 2] = serde_json::from_str(&payload).ok()?;
        Some(GeoPoint {
            latitude,
            longitude,
        })
    }))
}
