//! The transactional outbox: a webhook event is written in the same transaction as the
//! change it reports, with one delivery per endpoint that wants it. The delivery worker
//! sends them later, so an event is never lost when a receiver is down, and never sent
//! for a change that rolled back.

use chrono::{DateTime, Utc};
use entity::{webhook, webhook_delivery, webhook_event};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::domain::partner::{DeliveryStatus, WebhookEventType};
use crate::error::AppResult;

/// Records `event_type` with `data` for `partner_id` and queues a delivery to each of
/// its enabled endpoints subscribed to that type. Runs in the caller's transaction.
pub async fn enqueue(
    conn: &impl ConnectionTrait,
    partner_id: Uuid,
    event_type: WebhookEventType,
    data: serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<Uuid> {
    let event = webhook_event::ActiveModel {
        id: Set(Uuid::new_v4()),
        partner_id: Set(partner_id),
        event_type: Set(event_type.as_str().to_owned()),
        payload: Set(data),
        created_at: Set(now),
    }
    .insert(conn)
    .await?;
    let endpoints = webhook::Entity::find()
        .filter(webhook::Column::PartnerId.eq(partner_id))
        .filter(webhook::Column::Enabled.eq(true))
        .all(conn)
        .await?;
    for endpoint in endpoints.iter().filter(|w| wants(w, event_type)) {
        webhook_delivery::ActiveModel {
            id: Set(Uuid::new_v4()),
            webhook_id: Set(endpoint.id),
            event_id: Set(event.id),
            partner_id: Set(partner_id),
            status: Set(DeliveryStatus::Pending.into()),
            attempts: Set(0),
            next_attempt_at: Set(now),
            locked_until: Set(None),
            last_status_code: Set(None),
            last_error: Set(None),
            created_at: Set(now),
            delivered_at: Set(None),
        }
        .insert(conn)
        .await?;
    }
    Ok(event.id)
}

/// Records `event_type` for every partner with an enabled endpoint subscribed to it
/// (events about the network rather than one partner's orders, e.g. checkpoints).
pub async fn enqueue_to_subscribers(
    conn: &impl ConnectionTrait,
    event_type: WebhookEventType,
    data: serde_json::Value,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let endpoints = webhook::Entity::find()
        .filter(webhook::Column::Enabled.eq(true))
        .all(conn)
        .await?;
    let mut partners: Vec<Uuid> = endpoints
        .iter()
        .filter(|w| wants(w, event_type))
        .map(|w| w.partner_id)
        .collect();
    partners.sort_unstable();
    partners.dedup();
    for partner_id in partners {
        enqueue(conn, partner_id, event_type, data.clone(), now).await?;
    }
    Ok(())
}

fn wants(endpoint: &webhook::Model, event_type: WebhookEventType) -> bool {
    endpoint.events.as_array().is_some_and(|events| {
        events
            .iter()
            .any(|e| e.as_str() == Some(event_type.as_str()))
    })
}
