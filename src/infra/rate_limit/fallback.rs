//! [`RateLimiter`] that prefers the shared buckets in Redis and falls back to this process's own
//! buckets when Redis fails or is slow, so a Redis outage never refuses (or stalls) a request.
//!
//! During the fallback each instance counts on its own: with N instances a client may get up to N
//! times its budget until Redis answers again, and the buckets start full on both sides of the
//! outage. That is the documented price of keeping quotes and logins working without Redis.

use std::sync::Arc;

use async_trait::async_trait;

use super::{BucketPolicy, Decision, RateLimiter};

/// A primary (shared) limiter with an in-process twin behind it.
pub struct FallbackRateLimiter {
    primary: Arc<dyn RateLimiter>,
    twin: Arc<dyn RateLimiter>,
}

impl FallbackRateLimiter {
    /// Asks `primary` first and `twin` whenever `primary` fails.
    pub fn new(primary: Arc<dyn RateLimiter>, twin: Arc<dyn RateLimiter>) -> Self {
        Self { primary, twin }
    }
}

#[async_trait]
impl RateLimiter for FallbackRateLimiter {
    async fn check(&self, key: &str, cost: f64, policy: BucketPolicy) -> anyhow::Result<Decision> {
        match self.primary.check(key, cost, policy).await {
            Ok(decision) => Ok(decision),
            // Counted by the Redis connection; a warning per request would flood the log.
            Err(err) => {
                tracing::debug!(
                    error = format!("{err:#}"),
                    "rate limit from the in-process twin"
                );
                self.twin.check(key, cost, policy).await
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::infra::clock::SystemClock;
    use crate::infra::rate_limit::InMemoryRateLimiter;

    /// A shared limiter whose backend is gone.
    struct Broken;

    #[async_trait]
    impl RateLimiter for Broken {
        async fn check(&self, _: &str, _: f64, _: BucketPolicy) -> anyhow::Result<Decision> {
            anyhow::bail!("Redis did not answer within 250ms")
        }
    }

    const POLICY: BucketPolicy = BucketPolicy {
        capacity: 2.0,
        refill_per_sec: 0.001,
    };

    #[tokio::test]
    async fn a_failing_primary_falls_back_to_the_twin_which_still_limits() {
        let twin = Arc::new(InMemoryRateLimiter::new(Arc::new(SystemClock)));
        let limiter = FallbackRateLimiter::new(Arc::new(Broken), twin);
        assert!(
            limiter
                .check("k", 1.0, POLICY)
                .await
                .expect("check")
                .allowed
        );
        assert!(
            limiter
                .check("k", 1.0, POLICY)
                .await
                .expect("check")
                .allowed
        );
        let refused = limiter.check("k", 1.0, POLICY).await.expect("check");
        assert!(!refused.allowed, "{refused:?}");
        assert!(refused.retry_after > Duration::ZERO);
    }

    #[tokio::test]
    async fn a_working_primary_decides_alone() {
        let primary = Arc::new(InMemoryRateLimiter::new(Arc::new(SystemClock)));
        let twin = Arc::new(InMemoryRateLimiter::new(Arc::new(SystemClock)));
        let limiter = FallbackRateLimiter::new(primary.clone(), twin.clone());
        for _ in 0..2 {
            assert!(
                limiter
                    .check("k", 1.0, POLICY)
                    .await
                    .expect("check")
                    .allowed
            );
        }
        assert!(
            !primary
                .check("k", 1.0, POLICY)
                .await
                .expect("check")
                .allowed
        );
        assert!(
            twin.check("k", 2.0, POLICY).await.expect("check").allowed,
            "twin untouched"
        );
    }
}
