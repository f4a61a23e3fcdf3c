//! Partner API outputs: partners, keys, webhooks and deliveries.

use async_graphql::{Enum, ID, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{api_key, partner, webhook, webhook_delivery};

use crate::domain::partner::{ApiScope, DeliveryStatus, WebhookEventType};

/// What an API key may do.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(name = "ApiScope", remote = "crate::domain::partner::ApiScope")]
pub enum ApiScopeGql {
    /// `requestQuote`.
    QuotesWrite,
    /// `bookPickup`, `cancelPickup`.
    OrdersWrite,
    /// `pickupOrder`, `pickupOrders`, `partnerOrder`.
    OrdersRead,
    /// Webhook endpoints and deliveries.
    WebhooksManage,
    /// Report devices to the blocklist, list and remove the partner's own reports.
    BlocklistWrite,
}

/// What a webhook reports.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(
    name = "WebhookEventType",
    remote = "crate::domain::partner::WebhookEventType"
)]
pub enum WebhookEventTypeGql {
    /// Any change of an order's status, cancellation included.
    OrderStatusChanged,
    /// Dispatch's outcome: a collector assigned, or nobody (UNFULFILLED).
    OfferOutcome,
    /// A payout created for a completed pickup.
    Payout,
    /// A signed checkpoint of the custody log (sent to every subscribed partner).
    CustodyCheckpoint,
    /// An order's certificate of recycling was issued.
    CertificateIssued,
    /// A facility refused an item of the order at receipt.
    ItemRejected,
    /// A device the partner reported to the blocklist turned up at an inspection.
    BlockedDeviceFound,
}

/// A partner integrating through API keys.
#[derive(SimpleObject)]
pub struct Partner {
    /// The partner id.
    pub id: ID,
    /// Name.
    pub name: String,
    /// Cost points its rate-limit bucket holds.
    pub rate_capacity: f64,
    /// Cost points refilled per second.
    pub rate_refill_per_sec: f64,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl From<partner::Model> for Partner {
    fn from(row: partner::Model) -> Self {
        Self {
            id: ID(row.id.to_string()),
            name: row.name,
            rate_capacity: row.rate_capacity,
            rate_refill_per_sec: row.rate_refill_per_sec,
            created_at: row.created_at,
        }
    }
}

/// An API key (never its secret).
#[derive(SimpleObject)]
pub struct ApiKey {
    /// The key id.
    pub id: ID,
    /// The partner it acts as.
    pub partner_id: ID,
    /// A label.
    pub name: String,
    /// The first characters of the secret, to recognise it.
    pub prefix: String,
    /// What it may do.
    pub scopes: Vec<ApiScopeGql>,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it was revoked; revoked keys are refused.
    pub revoked_at: Option<DateTime<Utc>>,
    /// When it was last used (to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<api_key::Model> for ApiKey {
    fn from(row: api_key::Model) -> Self {
        let names: Vec<String> = serde_json::from_value(row.scopes.clone()).unwrap_or_default();
        Self {
            id: ID(row.id.to_string()),
            partner_id: ID(row.partner_id.to_string()),
            name: row.name,
            prefix: row.prefix,
            scopes: names
                .iter()
                .filter_map(|n| n.parse::<ApiScope>().ok())
                .map(Into::into)
                .collect(),
            created_at: row.created_at,
            revoked_at: row.revoked_at,
            last_used_at: row.last_used_at,
        }
    }
}

/// A newly issued key with its secret: the only time the secret is shown.
#[derive(SimpleObject)]
pub struct IssuedApiKey {
    /// The key.
    pub api_key: ApiKey,
    /// Send it as `X-Api-Key`; store it safely, it cannot be shown again.
    pub secret: String,
}

/// A webhook endpoint.
#[derive(SimpleObject)]
pub struct Webhook {
    /// The endpoint id.
    pub id: ID,
    /// Where events are POSTed.
    pub url: String,
    /// The events it receives.
    pub events: Vec<WebhookEventTypeGql>,
    /// A note.
    pub description: Option<String>,
    /// False once disabled (e.g. it answered 410 Gone).
    pub enabled: bool,
    /// Why it was disabled.
    pub disabled_reason: Option<String>,
    /// When it was registered.
    pub created_at: DateTime<Utc>,
}

impl From<webhook::Model> for Webhook {
    fn from(row: webhook::Model) -> Self {
        let names: Vec<String> = serde_json::from_value(row.events.clone()).unwrap_or_default();
        Self {
            id: ID(row.id.to_string()),
            url: row.url,
            events: names
                .iter()
                .filter_map(|n| n.parse::<WebhookEventType>().ok())
                .map(Into::into)
                .collect(),
            description: row.description,
            enabled: row.enabled,
            disabled_reason: row.disabled_reason,
            created_at: row.created_at,
        }
    }
}

/// A newly registered endpoint with its signing secret: the only time it is shown.
#[derive(SimpleObject)]
pub struct RegisteredWebhook {
    /// The endpoint.
    pub webhook: Webhook,
    /// `whsec_…`: the HMAC-SHA256 key (base64 after the prefix) that signs every request.
    pub signing_secret: String,
}

/// One HTTP attempt of a delivery.
#[derive(SimpleObject)]
pub struct WebhookAttempt {
    /// 1 for the first attempt.
    pub attempt: i32,
    /// When it was made.
    pub at: DateTime<Utc>,
    /// The endpoint's HTTP status, if it answered.
    pub status_code: Option<i32>,
    /// How long it took, ms.
    pub duration_ms: i64,
    /// What went wrong (time-out, connection refused…).
    pub error: Option<String>,
}

/// One event sent (or being sent) to one endpoint.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct WebhookDelivery {
    /// The delivery id (for `redeliverWebhook`).
    pub id: ID,
    /// The endpoint.
    pub webhook_id: ID,
    /// The `webhook-id` header: the same for every attempt and redelivery of one event.
    pub message_id: String,
    /// PENDING, DELIVERED or FAILED.
    pub status: String,
    /// Attempts made.
    pub attempts: i32,
    /// When the next attempt is due (PENDING only).
    pub next_attempt_at: DateTime<Utc>,
    /// The HTTP status of the last attempt.
    pub last_status_code: Option<i32>,
    /// What went wrong last.
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_at: DateTime<Utc>,
    /// When it was delivered.
    pub delivered_at: Option<DateTime<Utc>>,
    #[graphql(skip)]
    delivery_id: uuid::Uuid,
}

#[async_graphql::ComplexObject]
impl WebhookDelivery {
    /// Every attempt made, oldest first: status, duration and error of each.
    async fn attempt_log(
        &self,
        ctx: &async_graphql::Context<'_>,
    ) -> async_graphql::Result<Vec<WebhookAttempt>> {
        use crate::graphql::context::ContextExt;
        let rows = ctx
            .loader::<crate::graphql::loaders::AttemptsByDelivery>()?
            .load_one(self.delivery_id)
            .await?
            .unwrap_or_default();
        Ok(rows
            .into_iter()
            .map(|a| WebhookAttempt {
                attempt: a.attempt,
                at: a.at,
                status_code: a.status_code,
                duration_ms: a.duration_ms,
                error: a.error,
            })
            .collect())
    }
}

impl From<webhook_delivery::Model> for WebhookDelivery {
    fn from(row: webhook_delivery::Model) -> Self {
        Self {
            id: ID(row.id.to_string()),
            webhook_id: ID(row.webhook_id.to_string()),
            message_id: format!("msg_{}", row.event_id.simple()),
            status: DeliveryStatus::from(row.status).as_str().to_owned(),
            attempts: row.attempts,
            next_attempt_at: row.next_attempt_at,
            last_status_code: row.last_status_code,
            last_error: row.last_error,
            created_at: row.created_at,
            delivered_at: row.delivered_at,
            delivery_id: row.id,
        }
    }
}
