//! Cost budgets of signed-in users: an expensive operation draws points from a token
//! bucket per user (`cost:user:<id>`), with the same limiter and arithmetic as partners'
//! per-key budgets. Over budget it is RATE_LIMITED with `retryAfter`, and nothing was
//! done. What each operation costs and the bucket's size are configured
//! (`config.users`).

use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::infra::rate_limit::BucketPolicy;
use crate::state::AppState;

/// Takes `cost` points from `user_id`'s budget, or RATE_LIMITED when it holds fewer. The
/// limiter is a guard, not a dependency: when it fails, the operation goes ahead.
pub async fn charge(state: &AppState, user_id: Uuid, cost: f64) -> AppResult<()> {
    if cost <= 0.0 {
        return Ok(());
    }
    let settings = &state.config.users;
    let policy = BucketPolicy {
        capacity: settings.rate_capacity,
        refill_per_sec: settings.rate_refill_per_sec,
    };
    let key = format!("cost:user:{user_id}");
    match state.rate_limiter.check(&key, cost, policy).await {
        Ok(decision) if decision.allowed => Ok(()),
        Ok(decision) => Err(AppError::RateLimited {
            retry_after_secs: decision.retry_after.as_secs_f64(),
        }),
        Err(err) => {
            tracing::warn!(error = ?err, "rate limiter unavailable; operation allowed");
            Ok(())
        }
    }
}
