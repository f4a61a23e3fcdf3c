//! Reads the durable backlogs into `/metrics` gauges every few seconds: webhook deliveries
//! waiting in the outbox (and the age of the oldest), job offers pending, and how far the
//! sweeper lags behind offer expiry. A sampler rather than queries at scrape time, so a
//! scrape never waits on the database (nor adds load during an incident).

use std::time::Duration;

use chrono::{DateTime, Utc};
use entity::enums::{DeliveryStatus, OfferStatus};
use entity::{job_offer, webhook_delivery};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use tokio::task::JoinHandle;

use crate::error::AppResult;
use crate::state::AppState;

/// How often the gauges are refreshed.
pub const SAMPLE_EVERY: Duration = Duration::from_secs(5);

/// Seconds from `then` to `now`, never negative.
fn age_secs(now: DateTime<Utc>, then: Option<DateTime<Utc>>) -> f64 {
    then.map_or(0.0, |then| {
        (now - then).num_milliseconds().max(0) as f64 / 1000.0
    })
}

/// Reads every backlog once and sets the gauges.
pub async fn sample(state: &AppState) -> AppResult<()> {
    let now = state.clock.now();
    let pending_deliveries = webhook_delivery::Entity::find()
        .filter(webhook_delivery::Column::Status.eq(DeliveryStatus::Pending));
    let outbox = pending_deliveries.clone().count(&state.db).await?;
    let oldest_delivery = pending_deliveries
        .order_by_asc(webhook_delivery::Column::CreatedAt)
        .one(&state.db)
        .await?;
    let pending_offers =
        job_offer::Entity::find().filter(job_offer::Column::Status.eq(OfferStatus::Pending));
    let offers = pending_offers.clone().count(&state.db).await?;
    let most_overdue = pending_offers
        .filter(job_offer::Column::ExpiresAt.lte(now))
        .order_by_asc(job_offer::Column::ExpiresAt)
        .one(&state.db)
        .await?;

    let gauges = state.metrics.backlog();
    gauges
        .outbox_pending
        .set(i64::try_from(outbox).unwrap_or(i64::MAX));
    gauges
        .outbox_oldest_age
        .set(age_secs(now, oldest_delivery.map(|d| d.created_at)));
    gauges
        .offers_pending
        .set(i64::try_from(offers).unwrap_or(i64::MAX));
    gauges
        .sweeper_lag
        .set(age_secs(now, most_overdue.map(|o| o.expires_at)));
    gauges
        .sampled_at
        .set(now.timestamp_millis() as f64 / 1000.0);
    Ok(())
}

/// Samples now and then every [`SAMPLE_EVERY`]; a failed sample leaves the last values
/// (their timestamp shows how old they are).
pub fn spawn_backlog_sampler(state: AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(SAMPLE_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(err) = sample(&state).await {
                tracing::debug!(error = ?err.into_anyhow(), "sampling the backlogs failed");
            }
        }
    })
}
