//! The delivery worker: claims due deliveries with a short lease (`FOR UPDATE SKIP LOCKED`
//! on PostgreSQL, so several instances never send one delivery at the same time), POSTs
//! them in the Standard Webhooks format, records every attempt, and retries with
//! exponential backoff and full jitter for about three days. A 410 disables the endpoint.
//!
//! Delivery is at least once: a crash between the commit of a change and the send, or
//! during a send, leaves the delivery PENDING (or its lease runs out) and it is sent again
//! with the same `webhook-id`, which receivers use to drop duplicates.

use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use entity::{webhook, webhook_attempt, webhook_delivery, webhook_event};
use rand::Rng;
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DatabaseBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::webhooks::check_url;
use crate::domain::partner::{DeliveryStatus, retry_delay_ms, sign};
use crate::error::AppResult;
use crate::state::AppState;

/// Deliveries claimed per pass.
const BATCH: u64 = 20;

/// One pass: claims due deliveries and sends them concurrently; returns how many were
/// attempted.
pub async fn deliver_due(state: &AppState, client: &reqwest::Client) -> AppResult<usize> {
    let now = state.clock.now();
    let lease =
        chrono::Duration::from_std(state.config.partners.webhook_timeout + Duration::from_secs(15))
            .unwrap_or_else(|_| chrono::Duration::seconds(30));
    let txn = state.begin_write().await?;
    let mut due = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending))
        .filter(webhook_delivery::Column::NextAttemptAt.lte(now))
        .filter(
            Condition::any()
                .add(webhook_delivery::Column::LockedUntil.is_null())
                .add(webhook_delivery::Column::LockedUntil.lt(now)),
        )
        .order_by_asc(webhook_delivery::Column::NextAttemptAt)
        .limit(BATCH);
    if state.db.get_database_backend() == DatabaseBackend::Postgres {
        due = due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let claimed = due.all(&txn).await?;
    if !claimed.is_empty() {
        webhook_delivery::Entity::update_many()
            .col_expr(
                webhook_delivery::Column::LockedUntil,
                Expr::value(now + lease),
            )
            .filter(webhook_delivery::Column::Id.is_in(claimed.iter().map(|d| d.id)))
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    let sends = claimed.iter().map(|delivery| async move {
        if let Err(err) = attempt(state, client, delivery).await {
            tracing::warn!(error = ?err.into_anyhow(), delivery_id = %delivery.id, "webhook attempt failed to record");
        }
    });
    futures_util::future::join_all(sends).await;
    Ok(claimed.len())
}

/// What one HTTP attempt gave.
struct Outcome {
    status: Option<u16>,
    error: Option<String>,
    elapsed: Duration,
}

/// Sends one delivery, records the attempt, and settles what happens next.
async fn attempt(
    state: &AppState,
    client: &reqwest::Client,
    delivery: &webhook_delivery::Model,
) -> AppResult<()> {
    let endpoint = webhook::Entity::find_by_id(delivery.webhook_id)
        .one(&state.db)
        .await?;
    let event = webhook_event::Entity::find_by_id(delivery.event_id)
        .one(&state.db)
        .await?;
    let (Some(endpoint), Some(event)) = (endpoint, event) else {
        return give_up_unsent(state, delivery, "the endpoint was deleted").await;
    };
    if !endpoint.enabled {
        return give_up_unsent(state, delivery, "the endpoint is disabled").await;
    }
    let outcome = send(state, client, &endpoint, &event).await;
    let number = delivery.attempts + 1;
    record_attempt(state, delivery, number, &outcome).await?;
    let code = outcome.status.map(i32::from);
    match outcome.status {
        Some(200..=299) => {
            finish(state, delivery, DeliveryStatus::Delivered, code, None, None).await
        }
        Some(410) => {
            disable_gone_endpoint(state, &endpoint).await?;
            let reason = Some("410 Gone: endpoint disabled".to_owned());
            finish(state, delivery, DeliveryStatus::Failed, code, reason, None).await
        }
        _ if u32::try_from(number).unwrap_or(u32::MAX)
            >= state.config.partners.webhook_max_attempts =>
        {
            let error = outcome.error;
            finish(state, delivery, DeliveryStatus::Failed, code, error, None).await
        }
        _ => {
            let next = next_attempt_at(state, number);
            let error = outcome.error.or_else(|| code.map(|c| format!("HTTP {c}")));
            finish(
                state,
                delivery,
                DeliveryStatus::Pending,
                code,
                error,
                Some(next),
            )
            .await
        }
    }
}

/// Appends attempt `number` of `delivery` to its log (`attemptLog`).
async fn record_attempt(
    state: &AppState,
    delivery: &webhook_delivery::Model,
    number: i32,
    outcome: &Outcome,
) -> AppResult<()> {
    webhook_attempt::ActiveModel {
        id: Set(Uuid::new_v4()),
        delivery_id: Set(delivery.id),
        attempt: Set(number),
        at: Set(state.clock.now()),
        status_code: Set(outcome.status.map(i32::from)),
        duration_ms: Set(i64::try_from(outcome.elapsed.as_millis()).unwrap_or(i64::MAX)),
        error: Set(outcome.error.clone()),
    }
    .insert(&state.db)
    .await?;
    Ok(())
}

/// An endpoint that answered 410 Gone is disabled: nothing more is sent to it.
async fn disable_gone_endpoint(state: &AppState, endpoint: &webhook::Model) -> AppResult<()> {
    webhook::Entity::update_many()
        .col_expr(webhook::Column::Enabled, Expr::value(false))
        .col_expr(
            webhook::Column::DisabledReason,
            Expr::value("the endpoint answered 410 Gone"),
        )
        .filter(webhook::Column::Id.eq(endpoint.id))
        .exec(&state.db)
        .await?;
    Ok(())
}

/// When retry `number` is due: exponential backoff with full jitter.
fn next_attempt_at(state: &AppState, number: i32) -> DateTime<Utc> {
    let settings = &state.config.partners;
    let base = u64::try_from(settings.webhook_retry_base.as_millis()).unwrap_or(u64::MAX);
    let cap = u64::try_from(settings.webhook_retry_cap.as_millis()).unwrap_or(u64::MAX);
    let delay = retry_delay_ms(
        u32::try_from(number).unwrap_or(u32::MAX),
        base,
        cap,
        rand::rng().random::<f64>(),
    );
    state.clock.now() + chrono::Duration::milliseconds(i64::try_from(delay).unwrap_or(i64::MAX))
}

/// POSTs one event, signed.
async fn send(
    state: &AppState,
    client: &reqwest::Client,
    endpoint: &webhook::Model,
    event: &webhook_event::Model,
) -> Outcome {
    let started = Instant::now();
    // Re-checked at send time: a name may have been re-pointed at an internal address.
    if let Err(err) = check_url(&endpoint.url, state.config.partners.webhook_allow_private).await {
        return Outcome {
            status: None,
            error: Some(err.message()),
            elapsed: started.elapsed(),
        };
    }
    let id = format!("msg_{}", event.id.simple());
    let timestamp = state.clock.now().timestamp();
    let body = json!({
        "id": id, "type": event.event_type, "createdAt": event.created_at, "data": event.payload,
    })
    .to_string();
    let key = endpoint
        .secret
        .strip_prefix("whsec_")
        .and_then(|b64| STANDARD.decode(b64).ok())
        .unwrap_or_else(|| endpoint.secret.as_bytes().to_vec());
    let signature = sign(&key, &id, timestamp, &body);
    let response = client
        .post(&endpoint.url)
        .timeout(state.config.partners.webhook_timeout)
        .header("content-type", "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body)
        .send()
        .await;
    match response {
        Ok(response) => Outcome {
            status: Some(response.status().as_u16()),
            error: None,
            elapsed: started.elapsed(),
        },
        Err(err) => Outcome {
            status: None,
            error: Some(if err.is_timeout() {
                "timed out".to_owned()
            } else {
                "connection failed".to_owned()
            }),
            elapsed: started.elapsed(),
        },
    }
}

/// Fails a delivery that was never sent (its endpoint is gone or disabled): no attempt
/// is counted, since none was made.
async fn give_up_unsent(
    state: &AppState,
    delivery: &webhook_delivery::Model,
    reason: &str,
) -> AppResult<()> {
    let mut row: webhook_delivery::ActiveModel = delivery.clone().into();
    row.status = Set(DeliveryStatus::Failed.into());
    row.last_error = Set(Some(reason.to_owned()));
    row.locked_until = Set(None);
    row.update(&state.db).await?;
    Ok(())
}

async fn finish(
    state: &AppState,
    delivery: &webhook_delivery::Model,
    status: DeliveryStatus,
    code: Option<i32>,
    error: Option<String>,
    next_attempt: Option<DateTime<Utc>>,
) -> AppResult<()> {
    let mut row: webhook_delivery::ActiveModel = delivery.clone().into();
    row.status = Set(status.into());
    row.attempts = Set(delivery.attempts + 1);
    row.last_status_code = Set(code);
    row.last_error = Set(error);
    row.locked_until = Set(None);
    if let Some(next) = next_attempt {
        row.next_attempt_at = Set(next);
    }
    if status == DeliveryStatus::Delivered {
        row.delivered_at = Set(Some(state.clock.now()));
    }
    row.update(&state.db).await?;
    Ok(())
}

/// Runs [`deliver_due`] on an interval until the runtime stops.
pub fn spawn_delivery_worker(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        let mut ticks = tokio::time::interval(state.config.partners.webhook_poll_interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(err) = deliver_due(&state, &client).await {
                tracing::warn!(error = ?err.into_anyhow(), "webhook delivery pass failed");
            }
        }
    })
}
