//! Cost-based rate limiting per key (a user, an IP, an API client).
//!
//! The algorithm is a **token bucket with continuous refill**: a bucket holds up to `capacity` points and
//! gains `refill_per_sec` points per second, pro rata, never above capacity. A request of cost `c` is
//! allowed when the bucket holds at least `c` points, and then takes them; a refused request takes
//! nothing. A bucket nobody has used starts full. `memory` keeps buckets in the process; `redis` runs the
//! same arithmetic in a Lua script so that all instances share one bucket per key; `fallback` puts the
//! in-process twin behind Redis for when Redis fails.

pub mod fallback;
pub mod memory;
pub mod redis;

use std::time::Duration;

use async_trait::async_trait;

pub use self::fallback::FallbackRateLimiter;
pub use self::memory::InMemoryRateLimiter;
pub use self::redis::RedisRateLimiter;

/// The shape of a bucket. Both numbers must be finite and greater than zero.
#[derive(Clone, Copy, Debug)]
pub struct BucketPolicy {
    /// The most points a bucket holds, and so the largest burst.
    pub capacity: f64,
    /// Points regained per second, the sustained rate.
    pub refill_per_sec: f64,
}

/// The answer to one [`RateLimiter::check`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Decision {
    /// Whether the request may go ahead (its cost has been taken).
    pub allowed: bool,
    /// Points left in the bucket after this request.
    pub remaining: f64,
    /// Zero when allowed; otherwise how long until the same request would be allowed (for a cost above
    /// capacity, which never will be, the time until the bucket is full).
    pub retry_after: Duration,
}

/// A shared rate limiter.
#[async_trait]
pub trait RateLimiter: Send + Sync {
    /// Takes `cost` points from the bucket `key` if it holds them; never goes negative; a refused request takes nothing.
    async fn check(&self, key: &str, cost: f64, policy: BucketPolicy) -> anyhow::Result<Decision>;
}

/// Slack for floating-point drift: a bucket that has refilled to 0.999999999999 of the cost after exactly
/// the advertised `retry_after` must still let the request through.
const EPSILON: f64 = 1e-9;

/// Rejects policies and costs for which the arithmetic means nothing (or divides by zero).
fn ensure_valid(cost: f64, policy: BucketPolicy) -> anyhow::Result<()> {
    anyhow::ensure!(
        policy.capacity.is_finite() && policy.capacity > 0.0,
        "bucket capacity {} must be finite and positive",
        policy.capacity
    );
    anyhow::ensure!(
        policy.refill_per_sec.is_finite() && policy.refill_per_sec > 0.0,
        "bucket refill rate {} must be finite and positive",
        policy.refill_per_sec
    );
    anyhow::ensure!(
        cost.is_finite() && cost >= 0.0,
        "cost {cost} must be finite and non-negative"
    );
    Ok(())
}

/// Decides on a request against a bucket already refilled to `tokens`; returns the decision, whose
/// `remaining` is also the bucket's new level.
fn decide(tokens: f64, cost: f64, policy: BucketPolicy) -> Decision {
    if cost <= tokens + EPSILON {
        return Decision {
            allowed: true,
            remaining: (tokens - cost).max(0.0),
            retry_after: Duration::ZERO,
        };
    }
    let target = cost.min(policy.capacity);
    Decision {
        allowed: false,
        remaining: tokens,
        retry_after: seconds((target - tokens) / policy.refill_per_sec),
    }
}

/// A duration from seconds that cannot panic, however odd the input.
fn seconds(secs: f64) -> Duration {
    Duration::try_from_secs_f64(secs.max(0.0)).unwrap_or(Duration::MAX)
}

#[cfg(test)]
pub(crate) mod behaviour {
    //! Behaviour checks written once and run against every [`RateLimiter`]; keys are random per call.
    //! They run on the system clock, so policies are chosen to make timing slack large.

    use super::*;

    /// A key no other test uses.
    pub fn key(name: &str) -> String {
        format!("{name}:{}", uuid::Uuid::new_v4().simple())
    }

    /// Refills so slowly (one point every 1000 s) that a test never sees it happen.
    const SLOW: BucketPolicy = BucketPolicy {
        capacity: 3.0,
        refill_per_sec: 0.001,
    };

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 0.01
    }

    /// A burst up to capacity passes; the next request waits for one point's worth of refill.
    pub async fn a_burst_exhausts_the_bucket(limiter: &dyn RateLimiter) {
        let key = key("burst");
        for left in [2.0, 1.0, 0.0] {
            let d = limiter.check(&key, 1.0, SLOW).await.expect("check");
            assert!(d.allowed, "{d:?}");
            assert!(close(d.remaining, left), "{d:?}");
            assert_eq!(d.retry_after, Duration::ZERO);
        }
        let d = limiter.check(&key, 1.0, SLOW).await.expect("check");
        assert!(!d.allowed, "{d:?}");
        assert!(close(d.remaining, 0.0), "{d:?}");
        let wait = d.retry_after.as_secs_f64();
        assert!((990.0..=1000.0).contains(&wait), "{d:?}");

        let other = limiter
            .check(&super::behaviour::key("other"), 3.0, SLOW)
            .await
            .expect("check");
        assert!(other.allowed, "buckets are per key");
    }

    /// A refused request takes nothing, so a smaller one can still pass.
    pub async fn a_refused_request_takes_nothing(limiter: &dyn RateLimiter) {
        let key = key("refused");
        assert!(limiter.check(&key, 2.0, SLOW).await.expect("check").allowed);
        let refused = limiter.check(&key, 2.0, SLOW).await.expect("check");
        assert!(!refused.allowed);
        assert!(close(refused.remaining, 1.0), "{refused:?}");
        let again = limiter.check(&key, 2.0, SLOW).await.expect("check");
        assert!(!again.allowed && close(again.remaining, 1.0), "{again:?}");
        let small = limiter.check(&key, 1.0, SLOW).await.expect("check");
        assert!(small.allowed && close(small.remaining, 0.0), "{small:?}");
    }

    /// A cost above capacity never passes; it is told how long until the bucket is full.
    pub async fn a_cost_above_capacity_is_refused(limiter: &dyn RateLimiter) {
        let key = key("huge");
        let policy = BucketPolicy {
            capacity: 5.0,
            refill_per_sec: 1.0,
        };
        let full = limiter.check(&key, 6.0, policy).await.expect("check");
        assert!(!full.allowed);
        assert!(close(full.remaining, 5.0), "{full:?}");
        assert_eq!(full.retry_after, Duration::ZERO, "already full");

        assert!(
            limiter
                .check(&key, 2.0, policy)
                .await
                .expect("check")
                .allowed
        );
        let d = limiter.check(&key, 50.0, policy).await.expect("check");
        assert!(!d.allowed && close(d.remaining, 3.0), "{d:?}");
        let wait = d.retry_after.as_secs_f64();
        assert!(
            (1.9..=2.0).contains(&wait),
            "time to refill 2 points: {d:?}"
        );
    }

    /// After `retry_after` the refused request passes.
    pub async fn the_bucket_refills_over_time(limiter: &dyn RateLimiter) {
        let key = key("refill");
        // Two points at 10 a second: empty now, full again after 200 ms.
        let policy = BucketPolicy {
            capacity: 2.0,
            refill_per_sec: 10.0,
        };
        assert!(
            limiter
                .check(&key, 2.0, policy)
                .await
                .expect("check")
                .allowed
        );
        let refused = limiter.check(&key, 2.0, policy).await.expect("check");
        assert!(!refused.allowed, "{refused:?}");
        assert!(
            refused.retry_after <= Duration::from_millis(200),
            "{refused:?}"
        );
        tokio::time::sleep(refused.retry_after + Duration::from_millis(20)).await;
        let later = limiter.check(&key, 2.0, policy).await.expect("check");
        assert!(later.allowed, "{later:?}");
    }

    /// Nonsense policies and costs are errors, not silent allow-alls.
    pub async fn invalid_arguments_are_errors(limiter: &dyn RateLimiter) {
        let key = key("invalid");
        let zero_rate = BucketPolicy {
            capacity: 1.0,
            refill_per_sec: 0.0,
        };
        let nan_capacity = BucketPolicy {
            capacity: f64::NAN,
            refill_per_sec: 1.0,
        };
        assert!(limiter.check(&key, 1.0, zero_rate).await.is_err());
        assert!(limiter.check(&key, 1.0, nan_capacity).await.is_err());
        assert!(limiter.check(&key, -1.0, SLOW).await.is_err());
        assert!(limiter.check(&key, f64::INFINITY, SLOW).await.is_err());
        let free = limiter.check(&key, 0.0, SLOW).await.expect("zero cost");
        assert!(free.allowed && close(free.remaining, 3.0), "{free:?}");
    }
}
