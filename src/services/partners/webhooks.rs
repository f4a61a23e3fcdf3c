//! Webhook endpoints: registration (secret shown once), updates, deliveries and
//! redelivery, all scoped to the calling partner.

use std::net::IpAddr;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use entity::{webhook, webhook_delivery};
use rand::RngCore;
use reqwest::Url;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::domain::partner::{DeliveryStatus, WebhookEventType};
use crate::error::{AppError, AppResult};
use crate::services::pagination::{Page, after_desc};
use crate::state::AppState;

/// Registers an endpoint; returns it and its signing secret (shown only here).
pub async fn register(
    state: &AppState,
    partner_id: Uuid,
    url: &str,
    events: &[WebhookEventType],
    description: Option<String>,
) -> AppResult<(webhook::Model, String)> {
    let url = check_url(url, state.config.partners.webhook_allow_private).await?;
    if events.is_empty() {
        return Err(AppError::validation(
            "events",
            "must name at least one event type",
        ));
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = format!("whsec_{}", STANDARD.encode(bytes));
    let now = state.clock.now();
    let names: Vec<&str> = events.iter().map(|e| e.as_str()).collect();
    let txn = state.begin_write().await?;
    let saved = webhook::ActiveModel {
        id: Set(Uuid::new_v4()),
        partner_id: Set(partner_id),
        url: Set(url.to_string()),
        events: Set(json!(names)),
        description: Set(description.map(|d| d.chars().take(500).collect())),
        secret: Set(secret.clone()),
        enabled: Set(true),
        disabled_reason: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok((saved, secret))
}

/// The partner's endpoint `id`, NOT_FOUND for anyone else's.
async fn own(state: &AppState, partner_id: Uuid, id: Uuid) -> AppResult<webhook::Model> {
    match webhook::Entity::find_by_id(id).one(&state.db).await? {
        Some(hook) if hook.partner_id == partner_id => Ok(hook),
        _ => Err(AppError::NotFound("webhook")),
    }
}

/// Changes an endpoint; `enabled: true` re-enables one disabled after a 410.
pub async fn update(
    state: &AppState,
    partner_id: Uuid,
    id: Uuid,
    url: Option<&str>,
    events: Option<&[WebhookEventType]>,
    description: Option<String>,
    enabled: Option<bool>,
) -> AppResult<webhook::Model> {
    let hook = own(state, partner_id, id).await?;
    let mut row: webhook::ActiveModel = hook.into();
    if let Some(url) = url {
        row.url = Set(check_url(url, state.config.partners.webhook_allow_private)
            .await?
            .to_string());
    }
    if let Some(events) = events {
        if events.is_empty() {
            return Err(AppError::validation(
                "events",
                "must name at least one event type",
            ));
        }
        row.events = Set(json!(events.iter().map(|e| e.as_str()).collect::<Vec<_>>()));
    }
    if let Some(description) = description {
        row.description = Set(Some(description.chars().take(500).collect()));
    }
    if let Some(enabled) = enabled {
        row.enabled = Set(enabled);
        if enabled {
            row.disabled_reason = Set(None);
        }
    }
    row.updated_at = Set(state.clock.now());
    let txn = state.begin_write().await?;
    let saved = row.update(&txn).await?;
    txn.commit().await?;
    Ok(saved)
}

/// Deletes an endpoint; its pending deliveries are dropped by the worker.
pub async fn delete(state: &AppState, partner_id: Uuid, id: Uuid) -> AppResult<bool> {
    let hook = own(state, partner_id, id).await?;
    let txn = state.begin_write().await?;
    webhook::Entity::delete_by_id(hook.id).exec(&txn).await?;
    txn.commit().await?;
    Ok(true)
}

/// The partner's endpoints.
pub async fn list(state: &AppState, partner_id: Uuid) -> AppResult<Vec<webhook::Model>> {
    Ok(webhook::Entity::find()
        .filter(webhook::Column::PartnerId.eq(partner_id))
        .order_by_asc(webhook::Column::CreatedAt)
        .all(&state.db)
        .await?)
}

/// The partner's deliveries, newest first, keyset-paginated on (created_at, id).
pub async fn deliveries(
    state: &AppState,
    partner_id: Uuid,
    after: Option<(DateTime<Utc>, Uuid)>,
    take: u64,
) -> AppResult<Page<webhook_delivery::Model>> {
    let mut query =
        webhook_delivery::Entity::find().filter(webhook_delivery::Column::PartnerId.eq(partner_id));
    if let Some(cursor) = after {
        query = query.filter(after_desc(
            webhook_delivery::Column::CreatedAt,
            webhook_delivery::Column::Id,
            cursor,
        ));
    }
    let rows = query
        .order_by_desc(webhook_delivery::Column::CreatedAt)
        .order_by_desc(webhook_delivery::Column::Id)
        .limit(take + 1)
        .all(&state.db)
        .await?;
    Ok(Page::from_rows(rows, take))
}

/// Queues the event of delivery `id` again (same `webhook-id`), as a new delivery.
pub async fn redeliver(
    state: &AppState,
    partner_id: Uuid,
    id: Uuid,
) -> AppResult<webhook_delivery::Model> {
    let original = match webhook_delivery::Entity::find_by_id(id)
        .one(&state.db)
        .await?
    {
        Some(d) if d.partner_id == partner_id => d,
        _ => return Err(AppError::NotFound("webhook delivery")),
    };
    let now = state.clock.now();
    let txn = state.begin_write().await?;
    let again = webhook_delivery::ActiveModel {
        id: Set(Uuid::new_v4()),
        webhook_id: Set(original.webhook_id),
        event_id: Set(original.event_id),
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
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(again)
}

/// Checks a target URL: https (http only when private targets are allowed), and no
/// private, loopback, link-local or unspecified address unless allowed — checked on the
/// resolved addresses, so a public name pointing inside is refused too.
pub async fn check_url(raw: &str, allow_private: bool) -> AppResult<Url> {
    let invalid = |message: &str| AppError::validation("url", message);
    let url = Url::parse(raw.trim()).map_err(|_| invalid("is not a valid URL"))?;
    match url.scheme() {
        "https" => {}
        "http" if allow_private => {}
        _ => return Err(invalid("must use https")),
    }
    let host = url
        .host_str()
        .ok_or_else(|| invalid("has no host"))?
        .to_owned();
    let port = url.port_or_known_default().unwrap_or(443);
    if !allow_private {
        let addresses: Vec<IpAddr> = tokio::net::lookup_host((host.trim_matches(['[', ']']), port))
            .await
            .map_err(|_| invalid("does not resolve"))?
            .map(|a| a.ip())
            .collect();
        if addresses.is_empty() || addresses.iter().any(|ip| is_internal(*ip)) {
            return Err(invalid(
                "must not point to a private, loopback or link-local address",
            ));
        }
    }
    Ok(url)
}

fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64
        }
        IpAddr::V6(v6) => {
            v6.is_loopback()
                || v6.is_unspecified()
                || (v6.segments()[0] & 0xfe00) == 0xfc00
                || (v6.segments()[0] & 0xffc0) == 0xfe80
                || v6
                    .to_ipv4_mapped()
                    .is_some_and(|v4| is_internal(IpAddr::V4(v4)))
        }
    }
}

/// The recorded attempts of each delivery, oldest first (for the delivery's `attemptLog`).
pub async fn attempts_by_delivery(
    conn: &impl sea_orm::ConnectionTrait,
    delivery_ids: &[Uuid],
) -> AppResult<std::collections::HashMap<Uuid, Vec<entity::webhook_attempt::Model>>> {
    let rows = entity::webhook_attempt::Entity::find()
        .filter(entity::webhook_attempt::Column::DeliveryId.is_in(delivery_ids.iter().copied()))
        .order_by_asc(entity::webhook_attempt::Column::Attempt)
        .all(conn)
        .await?;
    let mut grouped: std::collections::HashMap<Uuid, Vec<_>> = std::collections::HashMap::new();
    for row in rows {
        grouped.entry(row.delivery_id).or_default().push(row);
    }
    Ok(grouped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn internal_and_plain_http_targets_are_refused_unless_allowed() {
        for url in [
            "http://example.com/hook",
            "https://127.0.0.1/hook",
            "https://10.1.2.3/x",
            "https://169.254.169.254/",
            "https://[::1]/",
            "https://localhost/",
            "not a url",
        ] {
            assert!(check_url(url, false).await.is_err(), "{url}");
        }
        assert!(check_url("http://127.0.0.1:9000/hook", true).await.is_ok());
        assert!(check_url("https://8.8.8.8/hook", false).await.is_ok());
    }
}
