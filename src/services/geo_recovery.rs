//! Keeps the geo index whole without anyone acting: after Redis comes back empty (restarted
//! without persistence, flushed, failed over), the index is refilled from the database's
//! last known positions of the online collectors; live reports keep adding to it as usual.
//! Every instance looks once a second; several refilling at once do no harm (GEOADD is
//! idempotent, and dispatch checks each candidate against the database anyway).

use std::time::Duration;

use tokio::task::JoinHandle;

use crate::error::AppResult;
use crate::services::dispatch::load_geo_index;
use crate::state::AppState;

/// How often the index is checked; the longest a restarted Redis stays without positions.
pub const CHECK_EVERY: Duration = Duration::from_secs(1);

/// Fills the index from the database and marks it whole (at start-up, so an in-process
/// index survives a restart); returns how many collectors were loaded.
pub async fn load(state: &AppState) -> AppResult<usize> {
    let loaded = load_geo_index(state).await?;
    state.geo.mark_loaded().await?;
    Ok(loaded)
}

/// [`load`] at start-up. A Redis that does not answer yet is no reason to stop: its index
/// is refilled by [`spawn_geo_recovery`] once it answers (going online works meanwhile).
pub async fn load_at_start(state: &AppState) -> AppResult<()> {
    let online = load_geo_index(state).await?;
    match state.geo.mark_loaded().await {
        Ok(()) => tracing::info!(online, "collectors loaded into the geo index"),
        Err(err) => tracing::warn!(
            error = format!("{err:#}"),
            "the geo index is not available; it is refilled when it answers"
        ),
    }
    Ok(())
}

/// Refills the index if it lost its members; true when it did.
pub async fn recover_once(state: &AppState) -> bool {
    match state.geo.needs_reload().await {
        Ok(true) => {}
        // Redis is down or the index is whole: nothing to do until the next look.
        Ok(false) | Err(_) => return false,
    }
    match load(state).await {
        Ok(loaded) => {
            state.metrics.geo_rebuilds().inc();
            tracing::info!(loaded, "geo index refilled from the last known positions");
            true
        }
        Err(err) => {
            tracing::warn!(error = ?err.into_anyhow(), "refilling the geo index failed; will retry");
            false
        }
    }
}

/// Runs [`recover_once`] every [`CHECK_EVERY`] until the runtime stops.
pub fn spawn_geo_recovery(state: AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(CHECK_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            recover_once(&state).await;
        }
    })
}
